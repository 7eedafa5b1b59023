// SPDX-License-Identifier: GPL-2.0-only OR BSD-2-Clause
#include <stdarg.h>
#include <stdio.h>
#include <string.h>

#include "model.h"
#include "cluster_output.h"
#include "output.h"

void print_json(json_t *v)
{
	json_dumpf(v, stdout, JSON_INDENT(2) | JSON_PRESERVE_ORDER);
	putchar('\n');
}

void print_result(json_t *o, bool json, const char *fmt, ...)
{
	va_list ap;

	if (json) {
		print_json(o);
	} else {
		va_start(ap, fmt);
		vprintf(fmt, ap);
		va_end(ap);
		putchar('\n');
	}
	json_decref(o);
}

static const char *s(json_t *o, const char *key)
{
	const char *v = json_string_value(json_object_get(o, key));

	return v ? v : "";
}

/* key's value, or key6's where key has none (an IPv6-only network's subnet, gateway). */
static const char *s46(json_t *o, const char *key, const char *key6)
{
	return json_string_value(json_object_get(o, key)) ? s(o, key) : s(o, key6);
}

static long long n(json_t *o, const char *key)
{
	return (long long)json_integer_value(json_object_get(o, key));
}

void print_net_list(json_t *nets, bool json)
{
	size_t i;
	json_t *net;

	if (json) {
		print_json(nets);
		return;
	}
	printf("%-16s %-18s %-15s %-10s %-6s %-6s %s\n", "NAME", "SUBNET", "GATEWAY", "DEVICE",
	       "MTU", "HOOK", "CONTAINERS");
	json_array_foreach (nets, i, net) {
		printf("%-16s %-18s %-15s %-10s %-6lld %-6s %lld", s(net, "name"),
		       s46(net, "subnet", "subnet6"), s46(net, "gateway", "gateway6"),
		       s(net, "gateway_dev"), n(net, "mtu"), s(net, "attach_mode"),
		       n(net, "containers"));
		if (n(net, "gone"))
			printf(" (%lld gone: bpfbr gc removes them)", n(net, "gone"));
		putchar('\n');
	}
}

/* One line per entry, as `bridge fdb show` prints them. */
void print_fdb(json_t *entries, bool json)
{
	size_t i;
	json_t *e;

	if (json) {
		print_json(entries);
		return;
	}
	json_array_foreach (entries, i, e) {
		printf("%s dev %s master %s", s(e, "mac"), s(e, "dev"), s(e, "network"));
		if (!strcmp(s(e, "state"), "gone"))
			printf(" gone (the port vanished; bpfbr gc removes it)\n");
		else if (!strcmp(s(e, "state"), "static"))
			printf(" static\n");
		else
			printf(" used %llds%s\n", n(e, "age_s"),
			       json_is_true(json_object_get(e, "expired")) ? " expired" : "");
	}
}

static void print_counters(const char *title, json_t *counters)
{
	const char *key;
	json_t *v;
	int shown = 0;

	printf("  %s:", title);
	json_object_foreach (counters, key, v) {
		if (!json_integer_value(v))
			continue;
		printf(" %s %lld", key, (long long)json_integer_value(v));
		shown++;
	}
	printf("%s\n", shown ? "" : " none");
}

static void print_hook(json_t *hook, char *buf, size_t size)
{
	if (!json_is_true(json_object_get(hook, "attached")))
		snprintf(buf, size, "%s DETACHED", s(hook, "mode"));
	else if (!strcmp(s(hook, "mode"), attach_mode_name(ATTACH_TC)))
		snprintf(buf, size, "tc clsact prog %lld", n(hook, "prog_id"));
	else
		snprintf(buf, size, "%s link %lld", s(hook, "mode"), n(hook, "link_id"));
}

static void print_uplink(json_t *up)
{
	json_t *p;
	size_t i;

	if (json_object_get(up, "error")) {
		printf("  uplink %s: %s\n", s(up, "ifname"), s(up, "error"));
		return;
	}
	if (json_is_true(json_object_get(up, "routed"))) {
		printf("  uplink %s: routed, the containers' own addresses (no masquerade)\n",
		       s(up, "ifname"));
		return;
	}
	printf("  uplink %s (%s): masquerade, %lld/%lld flows (share %lld per container), ports "
	       "%lld-%lld, %lld endpoints\n",
	       s(up, "ifname"), s(up, "address"), n(up, "flows"), n(up, "nat_max"),
	       n(up, "nat_share"), n(up, "port_lo"), n(up, "port_hi"), n(up, "endpoints"));
	json_array_foreach (json_object_get(up, "programs"), i, p) {
		json_t *a = json_object_get(p, "attach");
		char hook[48];

		print_hook(a, hook, sizeof(hook));
		printf("  program %s id %lld (%s): %s\n", s(p, "name"), n(p, "id"), s(p, "hook"),
		       hook);
	}
	print_counters("uplink drops", json_object_get(up, "drops"));
	print_counters("uplink events", json_object_get(up, "events"));
}

/* A port's "verify": ok, FAIL (why on a line of its own), or - (not checked). */
static const char *verify_word(json_t *port)
{
	json_t *v = json_object_get(port, "verify");

	return !v ? "-" : json_is_true(json_object_get(v, "ok")) ? "ok" : "FAIL";
}

static void print_one_status(json_t *st)
{
	json_t *v, *ports = json_object_get(st, "ports");
	bool xdp_mode = !strcmp(s(st, "datapath"), datapath_mode_name(DATAPATH_XDP));
	/* A dual-stack network shows both subnets and gateways. */
	bool dual = json_string_value(json_object_get(st, "subnet")) &&
		    json_string_value(json_object_get(st, "subnet6"));
	size_t i;

	printf("network %s  subnet %s%s%s  gateway %s%s%s on %s  mtu %lld  datapath %s  device %s  "
	       "hook %s  spoofchk %s\n",
	       s(st, "name"), s46(st, "subnet", "subnet6"), dual ? " " : "",
	       dual ? s(st, "subnet6") : "", s46(st, "gateway", "gateway6"), dual ? " " : "",
	       dual ? s(st, "gateway6") : "", s(st, "gateway_dev"), n(st, "mtu"), s(st, "datapath"),
	       s(st, "device"), s(st, "attach_mode"),
	       json_is_true(json_object_get(st, "spoofchk")) ? "on" : "off");
	json_array_foreach (json_object_get(st, "programs"), i, v)
		printf("  program %s id %lld (%s), pinned %s\n", s(v, "name"), n(v, "id"),
		       s(v, "hook"), s(v, "pin"));
	v = json_object_get(st, "mac_follow");
	if (json_is_true(json_object_get(v, "running")))
		printf("  mac follow: on (link %lld, program %lld)\n", n(v, "link_id"),
		       n(v, "prog_id"));
	else if (v)
		printf("  mac follow: OFF: %s; a container whose MAC is changed after bpfbr set it "
		       "loses its network\n",
		       s(v, "why"));
	printf("  maps:");
	json_array_foreach (json_object_get(st, "maps"), i, v)
		printf(" %s %lld/%lld", s(v, "name"), n(v, "entries"), n(v, "max_entries"));
	printf("\n  %-4s %-15s %-9s %-6s %-16s %-6s %-15s %-17s %-20s %-4s %10s %10s %8s %s\n",
	       "SLOT", "PORT", "KIND", "DEVICE", "ENDPOINT", "IFNAME", "IP", "MAC", "HOOK", "XDP",
	       "RX_PKTS", "TX_PKTS", "DROPS", "VERIFY");
	json_array_foreach (ports, i, v) {
		json_t *stats = json_object_get(v, "stats"), *xdp = json_object_get(v, "xdp");
		char hook[48];

		print_hook(json_object_get(v, "hook"), hook, sizeof(hook));
		if (!strcmp(s(v, "state"), "gone"))
			snprintf(hook, sizeof(hook), "GONE");
		printf("  %-4lld %-15s %-9s %-6s %-16s %-6s %-15s %-17s %-20s %-4s %10lld %10lld "
		       "%8lld %s\n",
		       n(v, "slot"), s(v, "port"), s(v, "kind"), s(v, "device"), s(v, "endpoint"),
		       s(v, "ifname"), s46(v, "ip", "ip6"), s(v, "mac"), hook,
		       !xdp_mode					? "-"
		       : json_is_true(json_object_get(xdp, "attached")) ? "on"
									: "OFF",
		       n(stats, "rx_packets"), n(stats, "tx_packets"), n(stats, "drops"),
		       verify_word(v));
	}
	printf("  (RX_PKTS, TX_PKTS, DROPS: packets the switch took from, gave to and dropped "
	       "on each port)\n");
	json_array_foreach (ports, i, v)
		if (!strcmp(s(v, "state"), "gone"))
			printf("  port %s (%s): %s\n", s(v, "port"), s(v, "endpoint"),
			       json_object_get(v, "why") ? s(v, "why") : "gone");
		else if (!strcmp(verify_word(v), "FAIL"))
			printf("  port %s (%s) is not as bpfbr made it: %s\n", s(v, "port"),
			       s(v, "endpoint"), s(json_object_get(v, "verify"), "why"));
	json_array_foreach (json_object_get(st, "broken_hooks"), i, v)
		printf("  BROKEN hook: %s of %s runs program %lld, pinned is %lld (an upgrade was "
		       "interrupted; bpfbr gc repairs it)\n",
		       s(v, "hook"), s(v, "device"), n(v, "prog_id"), n(v, "pinned_prog_id"));
	print_counters("drops", json_object_get(st, "drops"));
	print_counters("events", json_object_get(st, "events"));
	if (json_object_get(st, "uplink"))
		print_uplink(json_object_get(st, "uplink"));
	if (json_object_get(st, "cluster"))
		print_cluster_status(json_object_get(st, "cluster"));
}

void print_status(json_t *nets, bool json)
{
	size_t i;
	json_t *st;

	if (json) {
		print_json(nets);
		return;
	}
	json_array_foreach (nets, i, st) {
		if (i)
			putchar('\n');
		print_one_status(st);
	}
}

/* ADDR:PORT, [ADDR]:PORT for IPv6 (RFC 5952, 6). */
static void addr_port(char *buf, size_t size, json_t *f, const char *addr, const char *port)
{
	const char *a = s(f, addr);

	snprintf(buf, size, strchr(a, ':') ? "[%s]:%lld" : "%s:%lld", a, n(f, port));
}

void print_nat(json_t *flows, bool json)
{
	char in[56], out[56], rem[56], pk[48], by[48];
	size_t i;
	json_t *f;

	if (json) {
		print_json(flows);
		return;
	}
	printf("%-6s %-21s %-21s %-21s %-12s %8s %8s %-9s %-15s %s\n", "PROTO", "INSIDE", "OUTSIDE",
	       "REMOTE", "STATE", "AGE", "IDLE", "OWNER", "PACKETS O/I", "BYTES O/I");
	json_array_foreach (flows, i, f) {
		addr_port(in, sizeof(in), f, "inside_addr", "inside_port");
		addr_port(out, sizeof(out), f, "outside_addr", "outside_port");
		addr_port(rem, sizeof(rem), f, "remote_addr", "remote_port");
		if (json_is_integer(json_object_get(f, "out_packets"))) {
			snprintf(pk, sizeof(pk), "%lld/%lld", n(f, "out_packets"),
				 n(f, "in_packets"));
			snprintf(by, sizeof(by), "%lld/%lld", n(f, "out_bytes"), n(f, "in_bytes"));
		} else {
			snprintf(pk, sizeof(pk), "-");
			snprintf(by, sizeof(by), "-");
		}
		printf("%-6s %-21s %-21s %-21s %-12s %7llds %7llds %-9s %-15s %s\n", s(f, "proto"),
		       in, out, rem, s(f, "state"), n(f, "age_s"), n(f, "idle_s"), s(f, "owner"),
		       pk, by);
	}
}

void print_removed(json_t *removed, bool json)
{
	size_t i;
	json_t *r;

	if (json) {
		print_json(removed);
		return;
	}
	if (!json_array_size(removed))
		printf("nothing to remove: the kernel and the pins match the state\n");
	json_array_foreach (removed, i, r)
		printf("%s %s %s (network %s)\n", s(r, "action"), s(r, "kind"), s(r, "what"),
		       s(r, "network"));
}

void print_upgraded(json_t *done, bool json)
{
	size_t i;
	json_t *d;

	if (json) {
		print_json(done);
		return;
	}
	json_array_foreach (done, i, d)
		printf("%s on %s: new program in place\n", s(d, "hook"), s(d, "device"));
	printf("%zu hooks switched\n", json_array_size(done));
}

void print_restored(json_t *done, bool json)
{
	size_t i;
	json_t *d;

	if (json) {
		print_json(done);
		return;
	}
	if (!json_array_size(done))
		printf("nothing to restore: the kernel has what the state describes\n");
	json_array_foreach (done, i, d)
		printf("network %s: %s %s %s\n", s(d, "network"),
		       !strcmp(s(d, "kind"), "attachment") ? "forgot" : "restored", s(d, "kind"),
		       s(d, "what"));
}
