#!/usr/bin/env python3
"""Leak and consistency audit of everything bpfbr keeps under one root, for the
reliability tests (tests/net/survive.sh, crash.sh, concurrency.sh, load.sh).

  audit.py --root ROOT --node NODE [--ct-prefix PREFIX] [--ignore-dev IF,...]
           [--flows] [--no-containers] [--quiet]
  audit.py --root ROOT --node NODE --ct-prefix PREFIX --kobjects
           counts of the kernel objects that are this root's (one line, K=V):
           BPF programs that use its maps, the maps those programs use, BPF
           links running them, pins, node devices, namespaces PREFIX-*, the
           state's bytes, the maps' memlock; and /proc/meminfo's Slab and
           Percpu (machine-wide, for the trend)

It reads the state files, the node namespace's devices, the pinned maps (with
bpftool), the pins, the hooks (`bpfbr -j status`, as bpftool 7.1 cannot list TCX
links) and the container namespaces, and checks that they describe the same
thing:
  - every attachment (an address reservation) has its port device (name, index,
    alias bpfbr:NET), its container end with its address, its `ports` entry,
    static fdb entry, flood slot, devmap entry, link pin and attached hooks, and
    on a masquerading network its NAT endpoint;
  - every hook of a port or an uplink runs the program pinned for it (an
    upgrade that stopped between its pins and its hooks leaves one that does not);
  - nothing exists that no attachment or network owns: devices with a bpfbr
    alias (or any device in the node namespace but the test's own, --ignore-dev),
    map entries (ports, fdb, flood, devmap, endpoints, the uplink's devmap,
    translations with --flows), link pins, pin directories, staged program pins
    (NAME_next) of an upgrade, the change journal;
  - no address, MAC, slot or port device is held twice; no address of a
    network's subnet is configured in two container namespaces at once;
  - a network's MAC-following program (link_mac_follow) uses its maps, and
    its table container_ifaces names each attachment's interface (its
    namespace's cookie and ifindex) once and nothing else. An attachment's
    MAC is the state's, or the one its port followed when the container's
    interface has it too (the state records it at its next save).
Prints one line per problem ("LEAK kind: what" for something nobody owns,
"BROKEN kind: what" for an owner missing a part, "NOTE kind: what" for harmless
leftovers that are not counted) and a last line "audit: N problems ...".
Exit status 0 when no LEAK/BROKEN line was printed, 1 otherwise, 2 on error.
"""
import argparse
import ctypes
import ipaddress
import json
import os
import socket
import struct
import subprocess
import sys

problems = []
notes = []
BPFBR = os.environ.get("BPFBR_BIN", "bpfbr")


def leak(kind, what):
    problems.append(f"LEAK {kind}: {what}")


def broken(kind, what):
    problems.append(f"BROKEN {kind}: {what}")


def note(kind, what):
    notes.append(f"NOTE {kind}: {what}")


def run(cmd, ok_fail=False):
    p = subprocess.run(cmd, stdout=subprocess.PIPE, stderr=subprocess.PIPE, text=True)
    if p.returncode and not ok_fail:
        raise RuntimeError(f"{' '.join(cmd)}: {p.stderr.strip()[:300]}")
    return p.stdout if not p.returncode else None


def in_ns(path, cmd, ok_fail=False):
    return run(["nsenter", f"--net={path}"] + cmd, ok_fail)


def ip4(u32le):
    """A u32 read from a map (network-order bytes, host-endian integer)."""
    return socket.inet_ntoa(struct.pack("<I", u32le & 0xFFFFFFFF))


def mac_of(lst):
    return ":".join(f"{b:02x}" for b in lst)


def raw_u32(hexbytes):
    return int.from_bytes(bytes(int(h, 16) for h in hexbytes[:4]), "little")


SO_NETNS_COOKIE = 71
CLONE_NEWNET = 0x40000000
libc = ctypes.CDLL(None, use_errno=True)


def netns_cookie(path):
    """The cookie of the network namespace at path (SO_NETNS_COOKIE), or None."""
    home = os.open("/proc/thread-self/ns/net", os.O_RDONLY)
    try:
        fd = os.open(path, os.O_RDONLY)
    except OSError:
        os.close(home)
        return None
    try:
        if libc.setns(fd, CLONE_NEWNET):
            return None
        try:
            with socket.socket(socket.AF_INET, socket.SOCK_DGRAM) as s:
                return int.from_bytes(s.getsockopt(socket.SOL_SOCKET, SO_NETNS_COOKIE, 8), "little")
        finally:
            if libc.setns(home, CLONE_NEWNET):
                raise RuntimeError("cannot return to the audit's own network namespace")
    finally:
        os.close(fd)
        os.close(home)


def dump(path):
    """(key, value) pairs of a pinned map, BTF-formatted where bpftool can."""
    out = run(["bpftool", "-j", "map", "dump", "pinned", path])
    rows = []
    for e in json.loads(out):
        if "formatted" in e:
            rows.append((e["formatted"]["key"], e["formatted"]["value"]))
        else:
            rows.append((raw_u32(e["key"]), raw_u32(e["value"])))
    return rows


class World:
    def __init__(self, o):
        self.o = o
        self.root = o.root
        self.pins = os.path.join(o.root, "sys/fs/bpf/bpfbr")
        self.state_dir = os.path.join(o.root, "var/lib/bpfbr")
        self.node = f"/run/netns/{o.node}"
        self.nets = {}
        self.links = {}
        self.uplink_hooks_seen = set()
        self.ignore = set(filter(None, o.ignore_dev.split(","))) | {"lo"}

    def load(self):
        d = os.path.join(self.state_dir, "networks")
        for f in sorted(os.listdir(d)) if os.path.isdir(d) else []:
            p = os.path.join(d, f)
            if f.endswith(".json"):
                with open(p) as fh:
                    self.nets[f[:-5]] = json.load(fh)
            else:
                note("state file", f"{p} (not a network's state)")
        out = in_ns(self.node, ["ip", "-j", "-d", "link", "show"])
        for l in json.loads(out):
            self.links[l["ifname"]] = {
                "ifindex": l["ifindex"],
                "alias": l.get("ifalias") or "",
                "kind": (l.get("linkinfo") or {}).get("info_kind", ""),
                "peer": l.get("link_index"),
            }
        self.follow_macs()

    def container_mac(self, a):
        out = in_ns(a["netns"], ["ip", "-j", "link", "show", a["ifname"]], ok_fail=True)
        return json.loads(out)[0]["address"] if out else None

    def follow_macs(self):
        """A port follows its container's MAC (bpf/follow.bpf.c): where the ports map
        and the container's interface agree on a MAC other than the state's, that
        MAC is the attachment's (the state records it at its next save)."""
        for name, s in self.nets.items():
            p = os.path.join(self.pins, name, "ports")
            if not s["attachments"] or not os.path.exists(p):
                continue
            ports = dict(dump(p))
            for a in s["attachments"]:
                e = ports.get(a["host_ifindex"])
                if e is None or mac_of(e["mac"]) == a["mac"]:
                    continue
                live = self.container_mac(a)
                if live == mac_of(e["mac"]):
                    note("followed MAC", f"network {name}: {a['id']}: {a['mac']} -> {live}, "
                         "the state's at its next save")
                    a["mac"] = live

    # --- the journal and the state's own consistency -----------------------
    def check_journal(self):
        j = os.path.join(self.state_dir, "journal")
        if os.path.exists(j):
            with open(j) as fh:
                leak("journal", f"{j} still records '{fh.read().strip()}'")
        d = os.path.join(self.state_dir, "networks")
        for f in sorted(os.listdir(d)) if os.path.isdir(d) else []:
            if f.endswith(".tmp"):
                leak("state", f"{os.path.join(d, f)}: a half-written save")

    def check_unique(self):
        for name, s in self.nets.items():
            for field in ("ip", "mac", "slot", "host_ifname", "host_ifindex"):
                seen = {}
                for a in s["attachments"]:
                    v = a[field]
                    if v in seen:
                        broken("held twice", f"network {name}: {field} {v} of {a['id']} and {seen[v]}")
                    seen[v] = a["id"]
            subnet = ipaddress.ip_network(s["subnet"])
            for a in s["attachments"]:
                if ipaddress.ip_address(a["ip"]) not in subnet:
                    broken("reservation", f"network {name}: {a['ip']} of {a['id']} is outside {subnet}")

    # --- devices -------------------------------------------------------------
    def check_devices(self):
        owners = {}
        for name, s in self.nets.items():
            owners[s["gateway_dev"]] = (name, s["gateway_dev_ifindex"], "gateway device")
            owners[s["gateway_port"]] = (name, s["gateway_port_ifindex"], "gateway port")
            for a in s["attachments"]:
                owners[a["host_ifname"]] = (name, a["host_ifindex"], f"port of {a['id']}")
        for dev, (net, idx, what) in owners.items():
            l = self.links.get(dev)
            if not l:
                broken("device", f"network {net}: {what}: {dev} does not exist")
            elif l["ifindex"] != idx:
                broken("device", f"network {net}: {what}: {dev} has index {l['ifindex']}, state says {idx}")
            elif l["alias"] != f"bpfbr:{net}":
                broken("device", f"network {net}: {what}: {dev} has alias '{l['alias']}'")
        for dev, l in self.links.items():
            if dev in owners or dev in self.ignore:
                continue
            why = f"alias '{l['alias']}'" if l["alias"] else "no alias"
            leak("device", f"{dev} (index {l['ifindex']}, {l['kind'] or 'no kind'}, {why}) is in no state")

    # --- the switch's maps ---------------------------------------------------
    def check_switch(self, name, s):
        d = os.path.join(self.pins, name)
        if not os.path.isdir(d):
            broken("pins", f"network {name}: {d} is missing")
            return
        want = {s["gateway_port_ifindex"]: (0, s["gateway_mac"], s["gateway"], "gateway")}
        for a in s["attachments"]:
            want[a["host_ifindex"]] = (a["slot"], a["mac"], a["ip"], a["id"])
        ports = dict(dump(os.path.join(d, "ports")))
        for idx, (slot, mac, ip, who) in want.items():
            p = ports.get(idx)
            if p is None:
                broken("ports entry", f"network {name}: none for {who} (ifindex {idx})")
            elif (p["slot"], mac_of(p["mac"]), ip4(p["ipv4"])) != (slot, mac, ip):
                broken("ports entry", f"network {name}: {who}: slot {p['slot']} mac {mac_of(p['mac'])} "
                       f"ip {ip4(p['ipv4'])}, state says {slot} {mac} {ip}")
        for idx, p in ports.items():
            if idx not in want:
                leak("ports entry", f"network {name}: ifindex {idx} slot {p['slot']} ip {ip4(p['ipv4'])}")
        fdb = {mac_of(k["mac"]): v for k, v in dump(os.path.join(d, "fdb"))}
        for idx, (slot, mac, ip, who) in want.items():
            e = fdb.get(mac)
            if e is None:
                broken("fdb entry", f"network {name}: no entry for {who}'s {mac}")
            elif e["ifindex"] != idx or not e["flags"] & 1:
                broken("fdb entry", f"network {name}: {who}'s {mac} -> ifindex {e['ifindex']} flags {e['flags']}")
        for mac, e in fdb.items():
            if e["ifindex"] not in want:
                leak("fdb entry", f"network {name}: {mac} -> ifindex {e['ifindex']} (no such port)")
            elif e["flags"] & 1 and want[e["ifindex"]][1] != mac:
                leak("fdb entry", f"network {name}: static {mac} -> ifindex {e['ifindex']}, not that port's MAC")
        by_slot = {slot: idx for idx, (slot, *_rest) in want.items()}
        for slot, idx in dump(os.path.join(d, "flood")):
            if slot in by_slot and idx != by_slot[slot]:
                broken("flood slot", f"network {name}: slot {slot} holds ifindex {idx}, expected {by_slot[slot]}")
            elif slot not in by_slot and idx:
                leak("flood slot", f"network {name}: slot {slot} still floods to ifindex {idx}")
        devmap = {k for k, _ in dump(os.path.join(d, "devmap"))}
        for idx in set(want) - devmap:
            broken("devmap entry", f"network {name}: none for ifindex {idx} ({want[idx][3]})")
        for idx in devmap - set(want):
            leak("devmap entry", f"network {name}: ifindex {idx}")
        cfg = dump(os.path.join(d, "config"))[0][1]
        top = max(slot for slot, *_ in want.values()) + 1
        if cfg["nslots"] < top:
            broken("config", f"network {name}: nslots {cfg['nslots']} < {top}: the last port gets no floods")
        elif cfg["nslots"] > top:
            note("config", f"network {name}: nslots {cfg['nslots']}, {top} would do")

    def check_link_pins(self, name, s):
        d = os.path.join(self.pins, name, "links")
        want = {s["gateway_port"]} | {a["host_ifname"] for a in s["attachments"]}
        have = set(os.listdir(d)) if os.path.isdir(d) else set()
        xdp = s["datapath"] == "xdp"
        exp = set()
        if s["attach_mode"] == "tcx":
            exp |= want
        if xdp:
            exp |= {w + "_xdp" for w in want}
        for p in sorted(have - exp):
            leak("link pin", f"network {name}: links/{p}")
        for p in sorted(exp - have):
            broken("link pin", f"network {name}: links/{p} is missing")

    def check_follow(self, name, s):
        """The MAC-following program runs on the network's maps; its table names
        each attachment's interface once, and nothing else."""
        d = os.path.join(self.pins, name)
        link, table = os.path.join(d, "link_mac_follow"), os.path.join(d, "container_ifaces")
        if os.path.exists(link + "_next"):
            leak("staged link pin", link + "_next")
        if os.path.exists(link):
            out = run(["bpftool", "-j", "link", "show", "pinned", link], ok_fail=True)
            prog = json.loads(out).get("prog_id") if out else None
            out = run(["bpftool", "-j", "prog", "show", "id", str(prog)], ok_fail=True) if prog else None
            maps = json.loads(out).get("map_ids", []) if out else []
            ports = json.loads(run(["bpftool", "-j", "map", "show", "pinned", os.path.join(d, "ports")]))["id"]
            if ports not in maps:
                broken("mac follow", f"network {name}: {link} runs program {prog}, which does not use "
                       f"the network's ports map {ports}")
        if not os.path.exists(table):
            if os.path.exists(link):
                broken("mac follow", f"network {name}: {table} is missing")
            return
        keys = {}
        for k, port in dump(table):
            keys.setdefault(port, []).append(k)
        want = {a["host_ifindex"]: a for a in s["attachments"]}
        for port, ks in keys.items():
            if port not in want:
                leak("mac follow entry", f"network {name}: {len(ks)} for port ifindex {port} (no such port)")
            elif len(ks) > 1:
                leak("mac follow entry", f"network {name}: {len(ks)} for {want[port]['id']}")
        for port, a in want.items():
            if port not in keys:
                broken("mac follow entry", f"network {name}: none for {a['id']} ({a['host_ifname']})")
                continue
            k = keys[port][0]
            peer = (self.links.get(a["host_ifname"]) or {}).get("peer")
            cookie = netns_cookie(a["netns"])
            if None not in (cookie, peer) and (k["netns_cookie"], k["ifindex"]) != (cookie, peer):
                broken("mac follow entry", f"network {name}: {a['id']}: names interface {k['ifindex']} of "
                       f"namespace {k['netns_cookie']}, its {a['ifname']} is {peer} of {cookie}")

    def pinned_prog(self, path):
        """The id of the program pinned at path (read by bpftool, not bpfbr), or None."""
        out = run(["bpftool", "-j", "prog", "show", "pinned", path], ok_fail=True)
        return json.loads(out)["id"] if out else None

    def check_hooks(self, name, s):
        """Every hook is attached and runs the program pinned for it (what runs
        there is read by bpfbr status: bpftool 7.1 cannot list TCX hooks)."""
        out = run(["nsenter", f"--net={self.node}", BPFBR, "--root", self.root, "-j", "status", name],
                  ok_fail=True)
        if out is None:
            broken("status", f"network {name}: bpfbr status failed")
            return
        st = json.loads(out)[0]
        d = os.path.join(self.pins, name)
        prog = self.pinned_prog(os.path.join(d, "prog_port_in"))
        xdp = s["datapath"] == "xdp"
        xprog = self.pinned_prog(os.path.join(d, "prog_port_xdp")) if xdp else None
        for p in st["ports"]:
            h = p.get("hook") or {}
            if not h.get("attached"):
                broken("hook", f"network {name}: {p['port']}: switch program not attached ({h})")
            elif h.get("prog_id") != prog:
                broken("hook", f"network {name}: {p['port']}: runs program {h.get('prog_id')}, pinned is {prog}")
            x = p.get("xdp") or {}
            if xdp and not x.get("attached"):
                broken("hook", f"network {name}: {p['port']}: XDP program not attached")
            elif xdp and x.get("prog_id") != xprog:
                broken("hook", f"network {name}: {p['port']}: XDP runs program {x.get('prog_id')}, "
                       f"pinned is {xprog}")
        listed = {p["port"] for p in st["ports"]}
        want = {s["gateway_port"]} | {a["host_ifname"] for a in s["attachments"]}
        for p in want - listed:
            broken("status", f"network {name}: status does not list {p}")
        up = st.get("uplink")
        if up and s["uplink"] not in self.uplink_hooks_seen:
            self.uplink_hooks_seen.add(s["uplink"])
            self.check_uplink_hooks(s["uplink"], up)

    def check_uplink_hooks(self, ifname, up):
        d = os.path.join(self.pins, "uplinks", ifname)
        pins = {"tc egress of the uplink": "prog_uplink_out", "tc ingress of the uplink": "prog_uplink_in",
                "xdp of the uplink": "prog_uplink_xdp"}
        seen = set()
        for p in up.get("programs", []):
            seen.add(p["hook"])
            at = p.get("attach") or {}
            pinned = self.pinned_prog(os.path.join(d, pins.get(p["hook"], "?")))
            if not at.get("attached"):
                broken("hook", f"uplink {ifname}: {p['hook']}: not attached ({at})")
            elif at.get("prog_id") != pinned:
                broken("hook", f"uplink {ifname}: {p['hook']} runs program {at.get('prog_id')}, pinned is {pinned}")
        for h in sorted({"tc egress of the uplink", "tc ingress of the uplink"} - seen):
            broken("hook", f"uplink {ifname}: status lists no {h}")

    def check_staged_pins(self):
        """A program pinned beside its pin (NAME_next) that an upgrade never moved into place."""
        for d, _, files in os.walk(self.pins):
            for f in sorted(files):
                if f.startswith("prog_") and f.endswith("_next"):
                    leak("staged program pin", os.path.join(d, f))

    # --- masquerade ----------------------------------------------------------
    def check_uplinks(self):
        used = {}
        for name, s in self.nets.items():
            if s["masquerade"]:
                used.setdefault(s["uplink"], []).append(name)
        updir = os.path.join(self.pins, "uplinks")
        have = set(os.listdir(updir)) if os.path.isdir(updir) else set()
        for up in sorted(have - set(used)):
            leak("pins", f"uplinks/{up}: no masquerading network uses it")
        for up, nets in used.items():
            d = os.path.join(updir, up)
            if not os.path.isdir(d):
                broken("pins", f"uplink {up} of {','.join(nets)}: {d} is missing")
                continue
            owners = {}
            for n in nets:
                for a in self.nets[n]["attachments"]:
                    owners[a["ip"]] = (a, n)
            eps = {ip4(k): v for k, v in dump(os.path.join(d, "endpoints"))}
            for ip, (a, n) in owners.items():
                e = eps.get(ip)
                if e is None:
                    broken("nat endpoint", f"uplink {up}: none for {ip} ({a['id']} on {n})")
                elif e["ifindex"] != a["host_ifindex"] or mac_of(e["mac"]) != a["mac"]:
                    broken("nat endpoint", f"uplink {up}: {ip} -> ifindex {e['ifindex']} mac {mac_of(e['mac'])}, "
                           f"state says {a['host_ifindex']} {a['mac']}")
            for ip, e in eps.items():
                if ip not in owners:
                    leak("nat endpoint", f"uplink {up}: {ip} -> ifindex {e['ifindex']} ({e['flows']} flows)")
            devmap = {k for k, _ in dump(os.path.join(d, "devmap"))}
            want = {a["host_ifindex"] for a, _ in owners.values()}
            for idx in devmap - {e["ifindex"] for e in eps.values()}:
                leak("uplink devmap entry", f"uplink {up}: ifindex {idx}")
            for idx in want - devmap:
                broken("uplink devmap entry", f"uplink {up}: none for ifindex {idx}")
            links = os.path.join(d, "links")
            for l in sorted(os.listdir(links)) if os.path.isdir(links) else []:
                if l not in ("ingress", "egress", "xdp"):
                    leak("link pin", f"uplinks/{up}/links/{l}")
            if self.o.flows:
                self.check_flows(up, d, eps)

    def check_flows(self, up, d, eps):
        cfg = dump(os.path.join(d, "config"))[0][1]
        n, per = 0, {}
        for slot, f in dump(os.path.join(d, "flows")):
            if not f["in_use"]:
                continue
            n += 1
            if f["flags"] & 1:
                continue  # the node's own connection, moved aside
            ip = ip4(f["iaddr"])
            e = eps.get(ip)
            per[ip] = per.get(ip, 0) + 1
            if e is None:
                leak("nat entry", f"uplink {up}: slot {slot} {ip}:{f['iport']} proto {f['proto']} has no endpoint")
            elif e["ifindex"] != f["ifindex"]:
                leak("nat entry", f"uplink {up}: slot {slot} {ip} -> ifindex {f['ifindex']}, endpoint has {e['ifindex']}")
        if cfg["flows"] != n:
            broken("nat count", f"uplink {up}: config counts {cfg['flows']} flows, {n} slots are in use")
        for ip, e in eps.items():
            if e["flows"] != per.get(ip, 0):
                broken("nat count", f"uplink {up}: endpoint {ip} counts {e['flows']} flows, holds {per.get(ip, 0)}")

    # --- pins ----------------------------------------------------------------
    def check_pin_dirs(self):
        have = set(os.listdir(self.pins)) if os.path.isdir(self.pins) else set()
        for p in sorted(have - set(self.nets) - {"uplinks"}):
            if os.path.isdir(os.path.join(self.pins, p)):
                leak("pins", f"{p}/: no network {p} in the state")
            else:
                note("pins", f"{p}: a node-wide pin, shared by the networks")

    # --- containers ----------------------------------------------------------
    def check_containers(self):
        subnets = [(n, ipaddress.ip_network(s["subnet"])) for n, s in self.nets.items()]
        atts = {}
        for n, s in self.nets.items():
            for a in s["attachments"]:
                atts.setdefault(os.path.realpath(a["netns"]), []).append((a, n, s))
        spaces = set(atts)
        if self.o.ct_prefix:
            for f in os.listdir("/run/netns"):
                if f.startswith(self.o.ct_prefix + "-") and f != self.o.node:
                    spaces.add(os.path.realpath(os.path.join("/run/netns", f)))
        holders = {}
        for ns in sorted(spaces):
            if not os.path.exists(ns):
                for a, n, _ in atts.get(ns, []):
                    broken("container", f"network {n}: {a['id']}'s namespace {ns} is gone, its {a['ip']} still reserved")
                continue
            out = in_ns(ns, ["ip", "-j", "-4", "addr", "show"], ok_fail=True)
            if out is None:
                continue
            have = {}
            for l in json.loads(out):
                for ai in l.get("addr_info", []):
                    have.setdefault(l["ifname"], set()).add(f"{ai['local']}/{ai['prefixlen']}")
            for a, n, s in atts.get(ns, []):
                want = f"{a['ip']}/{ipaddress.ip_network(s['subnet']).prefixlen}"
                if want not in have.get(a["ifname"], set()):
                    broken("container", f"network {n}: {a['id']}: {a['ifname']} in {ns} lacks {want} "
                           f"(has {sorted(have.get(a['ifname'], []))})")
            for ifname, addrs in have.items():
                for cidr in addrs:
                    addr = ipaddress.ip_interface(cidr).ip
                    owner = [n for n, sn in subnets if addr in sn]
                    if not owner:
                        continue
                    holders.setdefault(str(addr), []).append(f"{os.path.basename(ns)}:{ifname}")
                    mine = [a for a, n, _ in atts.get(ns, []) if a["ifname"] == ifname and a["ip"] == str(addr)]
                    if not mine:
                        leak("container address", f"{cidr} on {ifname} in {ns}: no reservation of {owner[0]}")
        for addr, who in holders.items():
            if len(who) > 1:
                broken("address handed out twice", f"{addr} is configured in {', '.join(who)}")


def kobjects(o):
    pins = os.path.join(o.root, "sys/fs/bpf/bpfbr")
    progs, nfiles = [], 0
    for d, _, files in os.walk(pins):
        for f in files:
            nfiles += 1
            if f.startswith("prog_"):
                progs.append(os.path.join(d, f))
    maps = set()
    for p in progs:
        maps |= set(json.loads(run(["bpftool", "-j", "prog", "show", "pinned", p])).get("map_ids", []))
    allprogs = json.loads(run(["bpftool", "-j", "prog", "list"]))
    ours = {p["id"] for p in allprogs if maps & set(p.get("map_ids", []))}
    used = set()
    for p in allprogs:
        if p["id"] in ours:
            used |= set(p.get("map_ids", []))
    memlock = sum(m.get("bytes_memlock", 0) for m in json.loads(run(["bpftool", "-j", "map", "list"]))
                  if m["id"] in used)
    links = sum(1 for l in json.loads(run(["bpftool", "-j", "link", "list"])) if l.get("prog_id") in ours)
    devs = len(json.loads(in_ns(f"/run/netns/{o.node}", ["ip", "-j", "link", "show"])))
    netns = sum(1 for f in os.listdir("/run/netns") if f.startswith(o.ct_prefix + "-")) if o.ct_prefix else 0
    sdir = os.path.join(o.root, "var/lib/bpfbr")
    sbytes = sum(os.path.getsize(os.path.join(d, f)) for d, _, fs in os.walk(sdir) for f in fs)
    mem = {}
    with open("/proc/meminfo") as fh:
        for line in fh:
            k, v = line.split(":")
            mem[k] = int(v.split()[0])
    print(f"bpf_progs={len(ours)} bpf_maps={len(used)} bpf_links={links} pins={nfiles} devices={devs} "
          f"netns={netns} state_bytes={sbytes} map_memlock={memlock} slab_kb={mem.get('Slab', 0)} "
          f"percpu_kb={mem.get('Percpu', 0)}")
    return 0


def main():
    ap = argparse.ArgumentParser()
    ap.add_argument("--root", required=True)
    ap.add_argument("--node", required=True, help="name of the node namespace under /run/netns")
    ap.add_argument("--ct-prefix", default="", help="container namespaces PREFIX-* to scan")
    ap.add_argument("--ignore-dev", default="", help="the test's own devices in the node namespace")
    ap.add_argument("--flows", action="store_true", help="check every translation slot too")
    ap.add_argument("--no-containers", action="store_true")
    ap.add_argument("--quiet", action="store_true", help="no NOTE lines")
    ap.add_argument("--kobjects", action="store_true", help="count kernel objects instead")
    o = ap.parse_args()
    if o.kobjects:
        try:
            return kobjects(o)
        except (RuntimeError, OSError, ValueError, KeyError) as e:
            print(f"audit: cannot count: {e}", file=sys.stderr)
            return 2
    w = World(o)
    try:
        w.load()
        w.check_journal()
        w.check_unique()
        w.check_devices()
        for name, s in w.nets.items():
            w.check_switch(name, s)
            w.check_link_pins(name, s)
            w.check_hooks(name, s)
            w.check_follow(name, s)
        w.check_uplinks()
        w.check_pin_dirs()
        w.check_staged_pins()
        if not o.no_containers:
            w.check_containers()
    except (RuntimeError, OSError, ValueError, KeyError) as e:
        print(f"audit: cannot audit: {e}", file=sys.stderr)
        return 2
    for p in problems + ([] if o.quiet else notes):
        print(p)
    natt = sum(len(s["attachments"]) for s in w.nets.values())
    print(f"audit: {len(problems)} problems ({len(w.nets)} networks, {natt} attachments, {len(notes)} notes)")
    return 1 if problems else 0


if __name__ == "__main__":
    sys.exit(main())
