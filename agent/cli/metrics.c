// SPDX-License-Identifier: GPL-2.0-only OR BSD-2-Clause
#include <errno.h>
#include <string.h>
#include <unistd.h>
#include <bpf/bpf.h>

#include "metrics.h"

#define MAX_LABELS 6

struct label {
	const char *name, *value; /* value NULL: left out */
};

struct out {
	FILE *f;
	json_t *nets;
};

static const char *str(json_t *o, const char *key)
{
	return json_string_value(json_object_get(o, key));
}

static void family(struct out *o, const char *name, const char *type, const char *help)
{
	fprintf(o->f, "# HELP %s %s\n# TYPE %s %s\n", name, help, name, type);
}

/* A label value escaped as the format wants: \\, \" and \n. */
static void put_value(FILE *f, const char *v)
{
	for (; *v; v++) {
		if (*v == '\\' || *v == '"')
			fprintf(f, "\\%c", *v);
		else if (*v == '\n')
			fputs("\\n", f);
		else
			fputc(*v, f);
	}
}

static void sample(struct out *o, const char *name, const struct label *l, size_t n,
		   json_int_t value)
{
	bool first = true;

	fputs(name, o->f);
	for (size_t i = 0; i < n; i++) {
		if (!l[i].value)
			continue;
		fprintf(o->f, "%s%s=\"", first ? "{" : ",", l[i].name);
		put_value(o->f, l[i].value);
		fputc('"', o->f);
		first = false;
	}
	fprintf(o->f, "%s %lld\n", first ? "" : "}", (long long)value);
}

static json_int_t num(json_t *o, const char *key)
{
	json_t *v = json_object_get(o, key);

	return json_is_true(v) ? 1 : json_integer_value(v);
}

/* One sample per network of a number in its report. */
static void per_net(struct out *o, const char *name, const char *type, const char *help,
		    const char *key)
{
	size_t i;
	json_t *n;

	family(o, name, type, help);
	json_array_foreach (o->nets, i, n) {
		struct label l[] = { { "network", str(n, "name") } };

		sample(o, name, l, 1, num(n, key));
	}
}

static void net_info(struct out *o)
{
	size_t i;
	json_t *n;

	family(o, "bpfbr_network_info", "gauge", "A bpfbr network and its settings (always 1).");
	json_array_foreach (o->nets, i, n) {
		struct label l[] = {
			{ "network", str(n, "name") },
			{ "subnet", str(n, "subnet") },
			{ "gateway", str(n, "gateway") },
			{ "datapath", str(n, "datapath") },
			{ "attach_mode", str(n, "attach_mode") },
		};

		sample(o, "bpfbr_network_info", l, 5, 1);
	}
}

/* Counters keyed by name in obj (drops, events) as one family with a label. */
static void keyed(struct out *o, const char *name, const char *help, const char *key,
		  const char *label, bool uplink)
{
	const char *k;
	size_t i;
	json_t *n, *v;

	family(o, name, "counter", help);
	json_array_foreach (o->nets, i, n) {
		json_t *src = uplink ? json_object_get(n, "uplink") : n;
		const char *owner = uplink ? str(src, "ifname") : str(n, "name");

		if (!src || !owner || (uplink && !json_object_get(src, "drops")))
			continue;
		if (uplink) { /* shared: the first network that has it writes it */
			size_t j;
			json_t *m;
			bool seen = false;

			json_array_foreach (o->nets, j, m) {
				if (j >= i)
					break;
				if (!strcmp(str(json_object_get(m, "uplink"), "ifname") ?: "",
					    owner))
					seen = true;
			}
			if (seen)
				continue;
		}
		json_object_foreach (json_object_get(src, key), k, v) {
			struct label l[] = { { uplink ? "uplink" : "network", owner },
					     { label, k } };

			sample(o, name, l, 2, json_integer_value(v));
		}
	}
}

static const struct {
	const char *name, *key, *help;
} port_counters[] = {
	{ "bpfbr_port_receive_packets_total", "rx_packets",
	  "Frames the switch received from the port's endpoint." },
	{ "bpfbr_port_receive_bytes_total", "rx_bytes",
	  "Bytes of the frames received from the port's endpoint." },
	{ "bpfbr_port_transmit_packets_total", "tx_packets",
	  "Frames the switch delivered to the port's endpoint." },
	{ "bpfbr_port_transmit_bytes_total", "tx_bytes",
	  "Bytes of the frames delivered to the port's endpoint." },
	{ "bpfbr_port_drops_total", "drops", "Frames from the port's endpoint that were dropped." },
};

/* The labels of a port: network, port, kind, container name and CNI id. */
static size_t port_labels(json_t *n, json_t *p, struct label l[MAX_LABELS])
{
	bool ctr = !strcmp(str(p, "kind") ?: "", "container");

	l[0] = (struct label){ "network", str(n, "name") };
	l[1] = (struct label){ "port", str(p, "port") };
	l[2] = (struct label){ "kind", str(p, "kind") };
	l[3] = (struct label){ "container", ctr ? str(p, "endpoint") : NULL };
	l[4] = (struct label){ "container_id", ctr && json_is_true(json_object_get(p, "cni"))
						       ? str(p, "id")
						       : NULL };
	return 5;
}

static void ports(struct out *o)
{
	struct label l[MAX_LABELS];
	size_t i, j, nl;
	json_t *n, *p;

	for (size_t c = 0; c < sizeof(port_counters) / sizeof(port_counters[0]); c++) {
		family(o, port_counters[c].name, "counter", port_counters[c].help);
		json_array_foreach (o->nets, i, n)
			json_array_foreach (json_object_get(n, "ports"), j, p) {
				nl = port_labels(n, p, l);
				sample(o, port_counters[c].name, l, nl,
				       num(json_object_get(p, "stats"), port_counters[c].key));
			}
	}
	family(o, "bpfbr_port_up", "gauge",
	       "1 while the port's device exists, 0 when it is gone (bpfbr gc removes it).");
	json_array_foreach (o->nets, i, n)
		json_array_foreach (json_object_get(n, "ports"), j, p) {
			nl = port_labels(n, p, l);
			sample(o, "bpfbr_port_up", l, nl, !strcmp(str(p, "state") ?: "", "ok"));
		}
}

static void maps(struct out *o, const char *name, const char *key, const char *help)
{
	size_t i, j;
	json_t *n, *m;

	family(o, name, "gauge", help);
	json_array_foreach (o->nets, i, n)
		json_array_foreach (json_object_get(n, "maps"), j, m) {
			struct label l[] = { { "network", str(n, "name") },
					     { "map", str(m, "name") } };

			sample(o, name, l, 2, num(m, key));
		}
}

/* Gauges of the uplink's masquerade, once per uplink. */
static void uplink_gauge(struct out *o, const char *name, const char *key, const char *help)
{
	size_t i, j;
	json_t *n, *m;

	family(o, name, "gauge", help);
	json_array_foreach (o->nets, i, n) {
		json_t *u = json_object_get(n, "uplink");
		bool seen = false;

		if (!u || !str(u, "ifname") || !json_object_get(u, key))
			continue;
		json_array_foreach (o->nets, j, m)
			if (j < i && !strcmp(str(json_object_get(m, "uplink"), "ifname") ?: "",
					     str(u, "ifname")))
				seen = true;
		if (!seen) {
			struct label l[] = { { "uplink", str(u, "ifname") } };

			sample(o, name, l, 1, num(u, key));
		}
	}
}

/* Run counts of the networks' programs, as the kernel keeps them (only
 * while the sysctl kernel.bpf_stats_enabled is 1; 0 otherwise). */
static void programs(struct out *o)
{
	size_t i, j;
	json_t *n, *p;

	family(o, "bpfbr_program_runs_total", "counter",
	       "Runs of a network's BPF program (counted while kernel.bpf_stats_enabled is 1).");
	json_array_foreach (o->nets, i, n)
		json_array_foreach (json_object_get(n, "programs"), j, p) {
			struct bpf_prog_info info = { 0 };
			uint32_t len = sizeof(info);
			int fd = bpf_prog_get_fd_by_id((uint32_t)num(p, "id"));
			struct label l[] = { { "network", str(n, "name") },
					     { "program", str(p, "name") } };

			if (fd < 0)
				continue;
			if (!bpf_obj_get_info_by_fd(fd, &info, &len))
				sample(o, "bpfbr_program_runs_total", l, 2,
				       (json_int_t)info.run_cnt);
			close(fd);
		}
}

int metrics_write(json_t *nets, FILE *f)
{
	struct out o = { f, nets };

	net_info(&o);
	per_net(&o, "bpfbr_network_containers", "gauge", "Containers attached to the network.",
		"containers");
	per_net(&o, "bpfbr_network_ports_gone", "gauge",
		"Ports whose container namespace is gone (bpfbr gc removes them).", "gone");
	keyed(&o, "bpfbr_drops_total", "Frames the network's switch dropped, by reason.", "drops",
	      "reason", false);
	keyed(&o, "bpfbr_events_total", "Events the network's switch counted, by kind.", "events",
	      "event", false);
	ports(&o);
	maps(&o, "bpfbr_map_entries", "entries", "Entries in a map of the network's datapath.");
	maps(&o, "bpfbr_map_max_entries", "max_entries",
	     "Capacity of a map of the network's datapath.");
	programs(&o);
	uplink_gauge(&o, "bpfbr_nat_flows", "flows", "Translations in the uplink's NAT table.");
	uplink_gauge(&o, "bpfbr_nat_flows_max", "nat_max", "Capacity of the uplink's NAT table.");
	uplink_gauge(&o, "bpfbr_nat_endpoints", "endpoints",
		     "Container addresses masqueraded through the uplink.");
	keyed(&o, "bpfbr_uplink_drops_total",
	      "Packets the uplink's masquerade dropped, by reason (nat_table_full, "
	      "nat_share_used_up and nat_no_free_port: failed allocations).",
	      "drops", "reason", true);
	keyed(&o, "bpfbr_uplink_events_total", "Events the uplink's masquerade counted, by kind.",
	      "events", "event", true);
	return ferror(f) ? -EIO : 0;
}
