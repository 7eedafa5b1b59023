#!/usr/bin/env python3
"""promcheck.py METRICS STATUS_BEFORE STATUS_AFTER: parses METRICS (the
Prometheus text format) with prometheus_client's parser and checks it against
`bpfbr -j status` read before and after it: every name starts with bpfbr_,
every counter's samples end in _total, and each value equals the status'.
Exit 0: equal; 1: a difference (printed); 3: the two status readings differ
(counters moved meanwhile: read again)."""
import json
import sys

from prometheus_client.parser import text_string_to_metric_families


def status_values(nets):
    """(name, frozenset(labels)) -> value, as metrics.c names them."""
    v = {}
    up_seen = set()

    def put(name, labels, value):
        v[(name, frozenset((k, x) for k, x in labels.items() if x is not None))] = value

    for n in nets:
        net = n["name"]
        put("bpfbr_network_containers", {"network": net}, n["containers"])
        put("bpfbr_network_ports_gone", {"network": net}, n["gone"])
        for r, x in n["drops"].items():
            put("bpfbr_drops_total", {"network": net, "reason": r}, x)
        for e, x in n["events"].items():
            put("bpfbr_events_total", {"network": net, "event": e}, x)
        for p in n["ports"]:
            ctr = p["kind"] == "container"
            lab = {"network": net, "port": p["port"], "kind": p["kind"],
                   "container": p["endpoint"] if ctr else None,
                   "container_id": p["id"] if ctr and p.get("cni") else None}
            for name, key in (("bpfbr_port_receive_packets_total", "rx_packets"),
                              ("bpfbr_port_receive_bytes_total", "rx_bytes"),
                              ("bpfbr_port_transmit_packets_total", "tx_packets"),
                              ("bpfbr_port_transmit_bytes_total", "tx_bytes"),
                              ("bpfbr_port_drops_total", "drops")):
                put(name, lab, p["stats"][key])
            put("bpfbr_port_up", lab, 1 if p["state"] == "ok" else 0)
        for m in n["maps"]:
            put("bpfbr_map_entries", {"network": net, "map": m["name"]}, m["entries"])
            put("bpfbr_map_max_entries", {"network": net, "map": m["name"]}, m["max_entries"])
        u = n.get("uplink")
        if u and "drops" in u and u["ifname"] not in up_seen:
            up_seen.add(u["ifname"])
            lab = {"uplink": u["ifname"]}
            put("bpfbr_nat_flows", lab, u["flows"])
            put("bpfbr_nat_flows_max", lab, u["nat_max"])
            put("bpfbr_nat_endpoints", lab, u["endpoints"])
            for r, x in u["drops"].items():
                put("bpfbr_uplink_drops_total", dict(lab, reason=r), x)
            for e, x in u["events"].items():
                put("bpfbr_uplink_events_total", dict(lab, event=e), x)
    return v


def main():
    text = open(sys.argv[1]).read()
    before = status_values(json.load(open(sys.argv[2])))
    after = status_values(json.load(open(sys.argv[3])))
    if before != after:
        print("the status changed between the two readings")
        return 3
    got = {}
    errors = []
    for fam in text_string_to_metric_families(text):
        if not fam.name.startswith("bpfbr_"):
            errors.append(f"family {fam.name} lacks the bpfbr_ prefix")
        for s in fam.samples:
            if fam.type == "counter" and not s.name.endswith("_total"):
                errors.append(f"counter sample {s.name} does not end in _total")
            key = (s.name, frozenset(s.labels.items()))
            if key in got:
                errors.append(f"duplicate series {s.name}{s.labels}")
            got[key] = s.value
    for key, want in before.items():
        if key not in got:
            errors.append(f"missing {key[0]}{dict(key[1])} (status: {want})")
        elif got[key] != want:
            errors.append(f"{key[0]}{dict(key[1])} = {got[key]}, status says {want}")
    for key in got:
        if key not in before and key[0] not in ("bpfbr_network_info", "bpfbr_program_runs_total"):
            errors.append(f"{key[0]}{dict(key[1])} is not in the status")
    if errors:
        print("\n".join(errors[:20]))
        return 1
    print(f"{len(before)} values equal the status'")
    return 0


sys.exit(main())
