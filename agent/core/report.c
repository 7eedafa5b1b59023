// SPDX-License-Identifier: GPL-2.0-only OR BSD-2-Clause
#include <errno.h>
#include <arpa/inet.h>
#include <netinet/in.h>
#include <stdio.h>
#include <string.h>
#include <unistd.h>
#include <bpf/bpf.h>

#include "bpfbr/limits.h"
#include "counter_names.h"
#include "switchdp.h"
#include "switchdp_maps.h"
#include "cluster_report.h"
#include "follow.h"
#include "hooks.h"
#include "netfollow.h"
#include "netns.h"
#include "network.h"
#include "pin_layout.h"
#include "port_device.h"
#include "port_restore.h"
#include "prog_name.h"
#include "report.h"
#include "report6.h"
#include "uplink.h"
#include "uplinkdp.h"
#include "verify.h"

json_t *report_net_summary(struct netctx *c, const struct netstate *state)
{
	char subnet[IP_STR_LEN + 4], gw[IP_STR_LEN];
	uint32_t gone = 0;

	for (uint32_t i = 0; i < state->n_att; i++)
		gone += net_port_gone(c, state, &state->att[i]);
	snprintf(subnet, sizeof(subnet), "%s/%u", ip_str(state->subnet.addr, gw),
		 state->subnet.prefix);
	return report6_net(
		state,
		json_pack("{s:s, s:s?, s:s?, s:s, s:i, s:s, s:s, s:s, s:i, s:i, s:b, s:b, s:i}",
			  "name", state->name, "subnet", netstate_has_ipv4(state) ? subnet : NULL,
			  "gateway", netstate_has_ipv4(state) ? ip_str(state->gateway, gw) : NULL,
			  "gateway_dev", state->gw_dev, "mtu", state->mtu, "attach_mode",
			  attach_mode_name(state->mode), "datapath",
			  datapath_mode_name(state->datapath), "device",
			  port_device_name(state->device), "containers", state->n_att, "gone", gone,
			  "spoofchk", state->spoofchk, "hairpin", state->hairpin, "ageing_s",
			  state->ageing_s));
}

static const struct attachment *att_of_port(const struct netstate *state, uint32_t ifindex)
{
	for (uint32_t i = 0; i < state->n_att; i++)
		if ((uint32_t)state->att[i].host_ifindex == ifindex)
			return &state->att[i];
	return NULL;
}

struct fdb_walk {
	struct netctx *c;
	const struct netstate *state;
	json_t *entries;
	uint64_t now;
};

static int fdb_entry(const struct bpfbr_fdb_key *k, const struct bpfbr_fdb_entry *e, void *data)
{
	struct fdb_walk *w = data;
	const struct attachment *a = att_of_port(w->state, e->ifindex);
	bool is_static = e->flags & BPFBR_FDB_STATIC;
	const char *dev = (int)e->ifindex == w->state->gw_port_ifindex ? w->state->gw_port : "?";
	char mac[MAC_STR_LEN];
	json_t *o;

	/* An entry of a port that is gone points nowhere until gc removes it. */
	o = json_pack("{s:s, s:s, s:i, s:s, s:s, s:s}", "mac", mac_str(k->mac, mac), "dev",
		      a ? a->host_ifname : dev, "ifindex", e->ifindex, "network", w->state->name,
		      "state",
		      a && net_port_gone(w->c, w->state, a) ? "gone"
		      : is_static			    ? "static"
							    : "learned",
		      "port_kind", e->port_kind == BPFBR_PORT_GATEWAY ? "gateway" : "container");
	if (!o)
		return -ENOMEM;
	if (!is_static) {
		uint64_t age = w->now > e->seen_ns ? (w->now - e->seen_ns) / 1000000000ull : 0;

		json_object_set_new(o, "age_s", json_integer((json_int_t)age));
		json_object_set_new(o, "expired", json_boolean(age > w->state->ageing_s));
	}
	return json_array_append_new(w->entries, o) ? -ENOMEM : 0;
}

int report_fdb(struct netctx *c, const struct netstate *state, json_t *entries)
{
	struct fdb_walk w = { c, state, entries, switchdp_now_ns() };
	struct switchdp dp;
	int err;

	err = net_dp_open(c, state->name, &dp);
	if (err)
		return err;
	err = switchdp_fdb_each(&dp, fdb_entry, &w);
	switchdp_close(&dp);
	return err;
}

static json_t *hook_json(struct netctx *c, const struct netstate *state, const char *ifname,
			 int ifindex, enum attach_dir dir)
{
	struct attach_info info;
	char pin[PATH_MAX];
	int err;

	err = pin_port_link(&c->p, state->name, ifname, pin, sizeof(pin));
	if (!err)
		err = attach_query(ifindex, dir, pin, state->mode, &info);
	if (err)
		return json_pack("{s:s, s:b, s:s}", "mode",
				 dir == HOOK_NETKIT_PEER ? "netkit" : attach_mode_name(state->mode),
				 "attached", 0, "error", strerror(-err));
	if (dir == HOOK_NETKIT_PEER)
		return json_pack("{s:s, s:b, s:i, s:i, s:s}", "mode", "netkit", "attached", 1,
				 "link_id", info.link_id, "prog_id", info.prog_id, "pin", pin);
	if (state->mode == ATTACH_TCX)
		return json_pack("{s:s, s:b, s:i, s:i, s:s}", "mode", attach_mode_name(ATTACH_TCX),
				 "attached", 1, "link_id", info.link_id, "prog_id", info.prog_id,
				 "pin", pin);
	return json_pack("{s:s, s:b, s:i, s:s, s:i, s:i}", "mode", attach_mode_name(ATTACH_TC),
			 "attached", 1, "prog_id", info.prog_id, "filter", "clsact ingress",
			 "handle", BPFBR_TC_HANDLE, "priority", BPFBR_TC_PRIO);
}

/* XDP mode: the port's pinned XDP link in front of the TC hook; null otherwise. */
static json_t *xdp_json(struct netctx *c, const struct netstate *state, const char *ifname)
{
	struct attach_info info;
	char pin[PATH_MAX];
	int err;

	if (state->datapath != DATAPATH_XDP)
		return json_null();
	err = pin_port_xdp(&c->p, state->name, ifname, pin, sizeof(pin));
	if (!err) /* any pinned link reads the same way */
		err = attach_query(0, HOOK_INGRESS, pin, ATTACH_TCX, &info);
	if (err)
		return json_pack("{s:b, s:s}", "attached", 0, "error", strerror(-err));
	return json_pack("{s:b, s:i, s:i, s:s}", "attached", 1, "link_id", info.link_id, "prog_id",
			 info.prog_id, "pin", pin);
}

static json_t *stats_json(const struct switchdp *dp, uint16_t slot)
{
	struct bpfbr_port_stats s = { 0 };

	switchdp_port_stats_read(dp, slot, &s);
	return json_pack("{s:I, s:I, s:I, s:I, s:I}", "rx_packets", (json_int_t)s.rx_packets,
			 "rx_bytes", (json_int_t)s.rx_bytes, "tx_packets", (json_int_t)s.tx_packets,
			 "tx_bytes", (json_int_t)s.tx_bytes, "drops", (json_int_t)s.drops);
}

/* A port whose device vanished: nothing runs there, whatever the pins say. */
static void port_gone(json_t *o, const struct attachment *a)
{
	char why[PATH_MAX + 96];
	int fd = netns_open(a->netns);

	if (fd >= 0)
		close(fd);
	snprintf(why, sizeof(why), "%s is gone%s%s%s; bpfbr gc removes the port", a->host_ifname,
		 fd >= 0 ? "" : " with its namespace (", fd >= 0 ? "" : a->netns,
		 fd >= 0 ? "" : ")");
	json_object_set_new(o, "state", json_string("gone"));
	json_object_set_new(o, "why", json_string(why));
	json_object_set_new(json_object_get(o, "hook"), "attached", json_false());
	if (json_is_object(json_object_get(o, "xdp")))
		json_object_set_new(json_object_get(o, "xdp"), "attached", json_false());
}

/* {"ok": true}, or {"ok": false, "why": …}: the port against what bpfbr
 * made of it (the routes it made are not recorded, so not checked). */
static json_t *verify_json(struct netctx *c, const struct netstate *state,
			   const struct attachment *a)
{
	struct verify_result res;

	if (net_verify(c, state, a, NULL, &res))
		return json_pack("{s:b}", "ok", true);
	return json_pack("{s:b, s:s}", "ok", false, "why", res.why);
}

static json_t *ports_json(struct netctx *c, const struct netstate *state, const struct switchdp *dp)
{
	char ip[IP_STR_LEN], mac[MAC_STR_LEN];
	json_t *ports = json_array(), *o;

	o = json_pack("{s:i, s:s, s:i, s:s, s:s, s:s, s:s, s:s?, s:s, s:o, s:o, s:o}", "slot", 0,
		      "port", state->gw_port, "ifindex", state->gw_port_ifindex, "kind", "gateway",
		      "device", port_device_name(DEVICE_VETH), "endpoint", "node", "ifname",
		      state->gw_dev, "ip",
		      netstate_has_ipv4(state) ? ip_str(state->gateway, ip) : NULL, "mac",
		      mac_str(state->gw_mac, mac), "hook",
		      hook_json(c, state, state->gw_port, state->gw_port_ifindex, HOOK_INGRESS),
		      "xdp", xdp_json(c, state, state->gw_port), "stats", stats_json(dp, 0));
	json_object_set_new(
		o, "state",
		json_string(nl_link_index(&c->nl, state->gw_port) == state->gw_port_ifindex
				    ? "ok"
				    : "gone"));
	json_array_append_new(ports, o);
	for (uint32_t i = 0; i < state->n_att; i++) {
		const struct attachment *a = &state->att[i];
		const char *name = netns_name_of(a->netns);
		bool gone = net_port_gone(c, state, a);

		o = report6_att(a, json_pack("{s:i, s:s, s:i, s:s, s:s, s:s, s:s, s:s?, s:s, s:s, "
					     "s:s, s:b, s:o, s:o, s:o}",
					     "slot", a->slot, "port", a->host_ifname, "ifindex",
					     a->host_ifindex, "kind", "container", "device",
					     port_device_name(port_device_of(state, a)), "endpoint",
					     name ?: a->netns, "ifname", a->ifname, "ip",
					     a->ip ? ip_str(a->ip, ip) : NULL, "mac",
					     mac_str(a->mac, mac), "netns", a->netns, "id", a->id,
					     "cni", a->cni, "hook",
					     hook_json(c, state, a->host_ifname, a->host_ifindex,
						       port_hook_dir(state, a)),
					     "xdp", xdp_json(c, state, a->host_ifname), "stats",
					     stats_json(dp, a->slot)));
		if (gone)
			port_gone(o, a);
		else
			json_object_set_new(o, "state", json_string("ok"));
		json_object_set_new(o, "verify", verify_json(c, state, a));
		json_array_append_new(ports, o);
	}
	return ports;
}

static json_t *map_json(const char *dir, const char *pin, int fd)
{
	struct switchdp_map_desc d;
	char path[PATH_MAX];

	path_join(path, sizeof(path), dir, pin);
	switchdp_map_describe(fd, !strcmp(pin, PIN_FLOOD), &d);
	return json_pack("{s:s, s:i, s:s, s:i, s:i}", "name", pin, "id", d.id, "pin", path,
			 "entries", d.entries, "max_entries", d.max_entries);
}

static json_t *counters_json(int map_fd, bool drops)
{
	uint64_t v[BPFBR_COUNTER_MAX] = { 0 };
	json_t *o = json_object();

	counters_read(map_fd, v);
	for (uint32_t i = 1; i < BPFBR_COUNTER_MAX; i++)
		if (counter_is_named(i) && counter_is_drop(i) == drops)
			json_object_set_new(o, counter_name(i), json_integer((json_int_t)v[i]));
	return o;
}

static json_t *prog_json(int prog_fd, const char *hook, json_t *attach)
{
	struct bpf_prog_info info;
	char name[64];

	prog_info_named(prog_fd, &info, name, sizeof(name));
	return json_pack("{s:s, s:i, s:s, s:o}", "name", name, "id", info.id, "hook", hook,
			 "attach", attach);
}

static json_t *pinned_prog_json(const char *dir, const char *pin, int fd, const char *hook)
{
	struct bpf_prog_info info;
	char path[PATH_MAX], name[64];

	path_join(path, sizeof(path), dir, pin);
	prog_info_named(fd, &info, name, sizeof(name));
	return json_pack("{s:s, s:i, s:s, s:s}", "name", name, "id", info.id, "pin", path, "hook",
			 hook);
}

/* One hook of the uplink: its pinned program, and what runs there. */
static int uplink_prog(const struct hook *h, void *data)
{
	const char *mode = !strcmp(h->name, HOOK_NAME_XDP) ? datapath_mode_name(DATAPATH_XDP)
							   : attach_mode_name(h->mode);
	struct attach_info info;
	char what[48];
	json_t *at;

	snprintf(what, sizeof(what), "%s of the uplink", h->name);
	if (attach_query(h->ifindex, h->dir, h->pin, h->mode, &info))
		at = json_pack("{s:s, s:b}", "mode", mode, "attached", 0);
	else
		at = json_pack("{s:s, s:b, s:i, s:i}", "mode", mode, "attached", 1, "link_id",
			       info.link_id, "prog_id", info.prog_id);
	json_array_append_new(data, prog_json(h->prog, what, at));
	return 0;
}

static json_t *uplink_json(struct netctx *c, const struct netstate *state)
{
	struct bpfbr_uplink_cfg cfg = { 0 };
	char dir[PATH_MAX], addr[IP_STR_LEN];
	uint32_t n_out = 0, n_ep = 0;
	json_t *o, *progs;
	struct uplinkdp u;

	if (pin_uplink_dir(&c->p, state->uplink, dir, sizeof(dir)) || uplinkdp_open(dir, &u))
		return json_pack("{s:s, s:s}", "ifname", state->uplink, "error",
				 "the uplink's pins are missing");
	uplinkdp_config_get(&u, &cfg);
	switchdp_map_count(u.nat_out, &n_out);
	switchdp_map_count(u.endpoints, &n_ep);
	o = json_pack("{s:s, s:i, s:s, s:s, s:i, s:i, s:i, s:i, s:i, s:i, s:i}", "ifname",
		      state->uplink, "ifindex", cfg.ifindex, "address", ip_str(cfg.addr, addr),
		      "pins", dir, "nat_max", cfg.nat_max, "flows", cfg.flows, "flow_keys", n_out,
		      "nat_share", state->nat_share, "port_lo", cfg.port_lo, "port_hi", cfg.port_hi,
		      "endpoints", n_ep);
	progs = json_array();
	hooks_of_uplink(c, state->uplink, &u, uplink_prog, progs);
	json_object_set_new(o, "programs", progs);
	json_object_set_new(o, "drops", counters_json(u.counters, true));
	json_object_set_new(o, "events", counters_json(u.counters, false));
	uplinkdp_close(&u);
	return o;
}

static int broken_hook(const struct hook *h, void *data)
{
	uint32_t running, pinned;

	if (!hook_programs(h, &running, &pinned) && running != pinned)
		json_array_append_new(data, json_pack("{s:s, s:s, s:i, s:i}", "device", h->device,
						      "hook", h->name, "prog_id", running,
						      "pinned_prog_id", pinned));
	return 0;
}

/* Hooks that run another program than their pin: what bpfbr gc repairs. */
static json_t *broken_hooks_json(struct netctx *c, const struct netstate *state,
				 const struct switchdp *dp)
{
	json_t *broken = json_array();
	struct uplinkdp u;

	hooks_of_net(c, state, dp, broken_hook, broken);
	if (state->masquerade && !uplink_dp_open(c, state->uplink, &u)) {
		hooks_of_uplink(c, state->uplink, &u, broken_hook, broken);
		uplinkdp_close(&u);
	}
	return broken;
}

/* The MAC-following program: its link, or why the network does not follow. */
static json_t *follow_json(struct netctx *c, const struct netstate *state, const char *dir,
			   json_t *progs, json_t *maps)
{
	struct follow_info fi;
	char pin[PATH_MAX];
	int fd = follow_ifaces_open(dir);

	if (fd >= 0) {
		json_array_append_new(maps, map_json(dir, PIN_FOLLOW_IFACES, fd));
		close(fd);
	}
	if (!net_follow_running(c, state, &fi, true))
		return json_pack("{s:b, s:s}", "running", 0, "why", fi.why);
	fd = bpf_prog_get_fd_by_id(fi.prog_id);
	path_join(pin, sizeof(pin), dir, PIN_FOLLOW_LINK);
	if (fd >= 0) {
		/* Pinned through its link. */
		json_array_append_new(
			progs, pinned_prog_json(dir, PIN_FOLLOW_LINK, fd, "fexit of eth_mac_addr"));
		close(fd);
	}
	return json_pack("{s:b, s:i, s:i, s:s}", "running", 1, "link_id", fi.link_id, "prog_id",
			 fi.prog_id, "pin", pin);
}

json_t *report_status(struct netctx *c, const struct netstate *state)
{
	char dir[PATH_MAX];
	json_t *o, *maps, *progs, *cluster;
	struct switchdp dp;

	if (pin_net_dir(&c->p, state->name, dir, sizeof(dir)) || switchdp_open(dir, &dp))
		return NULL;
	o = report_net_summary(c, state);
	progs = json_array();
	json_array_append_new(progs, pinned_prog_json(dir, PIN_PROG_PORT, dp.prog_port,
						      "tc ingress of every port"));
	if (state->datapath == DATAPATH_XDP)
		json_array_append_new(progs, pinned_prog_json(dir, PIN_PROG_XDP, dp.prog_port_xdp,
							      "xdp of every port"));
	json_object_set_new(o, "programs", progs);
	maps = json_array();
	json_array_append_new(maps, map_json(dir, PIN_FDB, dp.fdb));
	json_array_append_new(maps, map_json(dir, PIN_PORTS, dp.ports));
	json_array_append_new(maps, map_json(dir, PIN_FLOOD, dp.flood));
	json_array_append_new(maps, map_json(dir, PIN_CONFIG, dp.config));
	json_array_append_new(maps, map_json(dir, PIN_COUNTERS, dp.counters));
	json_array_append_new(maps, map_json(dir, PIN_PORT_STATS, dp.port_stats));
	json_object_set_new(o, "mac_follow", follow_json(c, state, dir, progs, maps));
	json_object_set_new(o, "maps", maps);
	json_object_set_new(o, "ports", ports_json(c, state, &dp));
	json_object_set_new(o, "broken_hooks", broken_hooks_json(c, state, &dp));
	json_object_set_new(o, "drops", counters_json(dp.counters, true));
	json_object_set_new(o, "events", counters_json(dp.counters, false));
	switchdp_close(&dp);
	if (state->masquerade)
		json_object_set_new(o, "uplink", uplink_json(c, state));
	else if (state->uplink[0])
		json_object_set_new(o, "uplink",
				    json_pack("{s:s, s:b}", "ifname", state->uplink, "routed", 1));
	cluster = cluster_report(c, state);
	if (cluster)
		json_object_set_new(o, "cluster", cluster);
	return o;
}

static const char *proto_name(uint8_t proto)
{
	return proto == IPPROTO_TCP	 ? "tcp"
	       : proto == IPPROTO_UDP	 ? "udp"
	       : proto == IPPROTO_ICMPV6 ? "icmpv6"
					 : "icmp";
}

static const char *flow_state_name(uint8_t state)
{
	switch (state) {
	case BPFBR_FLOW_NEW:
		return "new";
	case BPFBR_FLOW_ESTABLISHED:
		return "established";
	case BPFBR_FLOW_CLOSING:
		return "closing";
	default:
		return "free";
	}
}

struct nat_walk {
	const struct netstate *state;
	json_t *flows;
	uint32_t uplink_addr;
	uint64_t now;
	const struct uplinkdp *u;
	uint8_t uplink6[16]; /* the uplink's IPv6 address (zero: none) */
};

/* The flow's packets and bytes each way, null where not known. */
static void flow_stats_json(json_t *o, const struct uplinkdp *u, uint32_t slot,
			    const struct bpfbr_flow *fl)
{
	struct bpfbr_flow_stats st;
	bool known = !uplinkdp_flow_stats(u, slot, fl, &st);

	json_object_set_new(o, "out_packets",
			    known ? json_integer((json_int_t)st.out_packets) : json_null());
	json_object_set_new(o, "out_bytes",
			    known ? json_integer((json_int_t)st.out_bytes) : json_null());
	json_object_set_new(o, "in_packets",
			    known ? json_integer((json_int_t)st.in_packets) : json_null());
	json_object_set_new(o, "in_bytes",
			    known ? json_integer((json_int_t)st.in_bytes) : json_null());
}

static int nat_flow(uint32_t slot, const struct bpfbr_flow *fl, void *data)
{
	struct nat_walk *w = data;
	char in[IP6_STR_LEN], out[IP6_STR_LEN], rem[IP6_STR_LEN];
	bool v6 = fl->flags & BPFBR_FLOW_IPV6;
	json_t *o;

	/* The network's own flows, and the node's connections that had to change port. */
	if (!(fl->flags & BPFBR_FLOW_HOST) && fl->net != w->state->index)
		return 0;
	if (v6) {
		if (report6_flow_addrs(w->u, slot, w->uplink6, in, out, rem))
			return 0; /* its addresses are not readable: nothing to say */
	} else {
		ip_str(fl->iaddr, in);
		ip_str(w->uplink_addr, out);
		ip_str(fl->raddr, rem);
	}
	o = json_pack("{s:i, s:s, s:s, s:s, s:i, s:s, s:i, s:s, s:i, s:s, s:I, s:I, s:s}", "slot",
		      slot, "family", v6 ? "ipv6" : "ipv4", "proto", proto_name(fl->proto),
		      "inside_addr", in, "inside_port", ntohs(fl->iport), "outside_addr", out,
		      "outside_port", ntohs(fl->oport), "remote_addr", rem, "remote_port",
		      ntohs(fl->rport), "state", flow_state_name(fl->state), "age_s",
		      (json_int_t)((w->now - fl->created_ns) / 1000000000ull), "idle_s",
		      (json_int_t)((w->now - fl->seen_ns) / 1000000000ull), "owner",
		      fl->flags & BPFBR_FLOW_HOST ? "node" : "container");
	if (o)
		flow_stats_json(o, w->u, slot, fl);
	return o && !json_array_append_new(w->flows, o) ? 0 : -ENOMEM;
}

int report_nat(struct netctx *c, const struct netstate *state, json_t *flows)
{
	struct bpfbr_uplink_cfg cfg;
	struct nat_walk w = { state, flows, 0, switchdp_now_ns(), NULL, { 0 } };
	struct uplinkdp u;
	int err;

	if (!state->masquerade)
		return 0;
	err = uplink_dp_open(c, state->uplink, &u);
	if (err)
		return err;
	err = uplinkdp_config_get(&u, &cfg);
	if (!err) {
		w.uplink_addr = cfg.addr;
		w.u = &u;
		report6_uplink_addr(&u, w.uplink6);
		err = uplinkdp_flows_each(&u, cfg.nat_max, nat_flow, &w);
	}
	uplinkdp_close(&u);
	return err;
}
