// SPDX-License-Identifier: GPL-2.0-only OR BSD-2-Clause
#include <errno.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <unistd.h>
#include <net/if.h>

#include "cluster_nomasq.h"
#include "cluster_tunnel.h"
#include "hook_attach.h"
#include "link_alias.h"
#include "log.h"
#include "netctx.h"
#include "pin_layout.h"
#include "pins.h"
#include "pubsock.h"
#include "state.h"
#include "sysctl.h"
#include "uplink.h"
#include "uplink6.h"
#include "uplinkdp.h"
#include "uplinkdp_publish.h"
#include "wording.h"

/* The node's ephemeral ports: translations chosen from outside it never
 * collide with the node's own new connections. */
static int local_port_range(uint32_t *lo, uint32_t *hi)
{
	char buf[64];
	int err = sysctl_read("net/ipv4/ip_local_port_range", buf, sizeof(buf));

	if (err)
		return err;
	return sscanf(buf, "%u %u", lo, hi) == 2 ? 0 : -EINVAL;
}

static int pick_ports(const struct uplink_opts *o, struct bpfbr_uplink_cfg *cfg)
{
	uint32_t lo, hi;

	if (local_port_range(&lo, &hi)) {
		lo = 32768;
		hi = 60999;
	}
	if (o->port_lo) {
		if (o->port_lo <= hi && o->port_hi >= lo) {
			pr_err("%s %u-%u overlaps the node's ephemeral port range %u-%u "
			       "(net.ipv4.ip_local_port_range); choose ports outside it, e.g. "
			       "%u-65535",
			       setting_name(SETTING_NAT_PORTS), o->port_lo, o->port_hi, lo, hi,
			       hi < 65535 ? hi + 1 : 1024);
			return -EINVAL;
		}
		cfg->port_lo = o->port_lo;
		cfg->port_hi = o->port_hi;
	} else if (hi < 65535) {
		cfg->port_lo = (uint16_t)(hi + 1);
		cfg->port_hi = 65535;
	} else if (lo > 1024) {
		cfg->port_lo = 1024;
		cfg->port_hi = (uint16_t)(lo - 1);
	} else {
		if (setting_settable(SETTING_NAT_PORTS))
			pr_err("the node's ephemeral port range %u-%u leaves no ports for "
			       "masquerade; pass %s LO-HI",
			       lo, hi, setting_name(SETTING_NAT_PORTS));
		else
			pr_err("the node's ephemeral port range %u-%u leaves no ports for "
			       "masquerade; narrow net.ipv4.ip_local_port_range",
			       lo, hi);
		return -EINVAL;
	}
	return 0;
}

int uplink_check_device(struct netctx *c, const char *ifname, struct nl_link *l)
{
	int err = nl_link_get(&c->nl, ifname, 0, l);

	if (err) {
		pr_err("uplink %s does not exist in the node namespace; pass the interface that "
		       "leads out (see: ip route show default)",
		       ifname);
		return -ENODEV;
	}
	if (l->flags & IFF_LOOPBACK) {
		pr_err("uplink %s is the loopback device; pass the interface that leads out (see: "
		       "ip route show default)",
		       ifname);
		return -EINVAL;
	}
	if (link_alias_net(l->alias) || !strncmp(l->name, "bpfbr", 5)) {
		pr_err("uplink %s is a device of bpfbr itself; pass the interface that leads out",
		       ifname);
		return -EINVAL;
	}
	return 0;
}

/* The uplink must be a device of the node, not one of ours, with an IPv4
 * address when the network has IPv4 (*addr 0: none, for IPv6-only networks). */
static int check_uplink(struct netctx *c, const char *ifname, struct nl_link *l, uint32_t *addr,
			bool need4)
{
	uint8_t prefix;
	int err;

	err = uplink_check_device(c, ifname, l);
	if (err)
		return err;
	err = nl_addr_first(&c->nl, l->ifindex, addr, &prefix);
	if (err && !need4) {
		*addr = 0;
		err = 0;
	}
	if (err) {
		pr_err("uplink %s has no IPv4 address, which masquerade translates to; add one (ip "
		       "addr "
		       "add ADDR/PREFIX dev %s) or pass another %s",
		       ifname, ifname, setting_name(SETTING_UPLINK));
		return -EADDRNOTAVAIL;
	}
	return 0;
}

static int check_same(const struct uplink_opts *o, const struct bpfbr_uplink_cfg *cur)
{
	const char *what = NULL;

	if (o->nat_max && o->nat_max != cur->nat_max)
		what = setting_name(SETTING_NAT_MAX);
	else if (o->port_lo && (o->port_lo != cur->port_lo || o->port_hi != cur->port_hi))
		what = setting_name(SETTING_NAT_PORTS);
	if (!what)
		return 0;
	pr_err("uplink %s already masquerades for other networks with %s %u %s %u-%u; omit %s "
	       "or give the same value",
	       o->ifname, setting_name(SETTING_NAT_MAX), cur->nat_max,
	       setting_name(SETTING_NAT_PORTS), cur->port_lo, cur->port_hi, what);
	return -EINVAL;
}

static int attach_uplink(struct netctx *c, const char *ifname, int ifindex,
			 const struct uplinkdp *u, enum attach_mode mode)
{
	char out_pin[PATH_MAX], in_pin[PATH_MAX], links[PATH_MAX];
	enum attach_mode m = mode;
	int err;

	err = pin_uplink_link(&c->p, ifname, UPLINK_LINK_EGRESS, out_pin, sizeof(out_pin));
	if (!err)
		err = pin_uplink_link(&c->p, ifname, UPLINK_LINK_INGRESS, in_pin, sizeof(in_pin));
	if (!err)
		err = pin_uplink_links_dir(&c->p, ifname, links, sizeof(links));
	if (!err)
		err = mkdir_p(links, 0700);
	if (!err)
		err = attach_hook(u->prog_out, ifindex, HOOK_EGRESS, out_pin, &m);
	if (err) {
		pr_err("cannot attach the masquerade program to %s egress: %s", ifname,
		       strerror(-err));
		return err;
	}
	err = attach_hook(u->prog_in, ifindex, HOOK_INGRESS, in_pin, &m);
	if (err) {
		pr_err("cannot attach the masquerade program to %s ingress: %s", ifname,
		       strerror(-err));
		detach_hook(ifindex, HOOK_EGRESS, out_pin, m);
	}
	return err;
}

/*
 * XDP mode: replies of container flows translated at the driver level
 * (idempotent). Not on a veth uplink: its peer may hand over packets whose
 * checksum is only partial, which XDP cannot see or complete; there the TC
 * program keeps translating replies.
 */
static int uplink_xdp(struct netctx *c, const char *ifname, int ifindex, const struct uplinkdp *u)
{
	char pin[PATH_MAX];
	struct nl_link l;
	int err = pin_uplink_link(&c->p, ifname, UPLINK_LINK_XDP, pin, sizeof(pin));

	if (err || pin_present(pin))
		return err;
	if (!nl_link_get(&c->nl, NULL, ifindex, &l) && !strcmp(l.kind, "veth")) {
		pr_info("uplink %s is a veth: replies are translated by TC, not XDP", ifname);
		return 0;
	}
	err = attach_xdp(u->prog_xdp, ifindex, pin);
	if (err)
		pr_err("cannot attach the XDP masquerade program to %s: %s", ifname,
		       strerror(-err));
	return err;
}

/* Removes every hook of ours from the uplink: XDP, TC egress and ingress. */
static void uplink_detach(struct netctx *c, const char *ifname, int ifindex)
{
	char out_pin[PATH_MAX], in_pin[PATH_MAX], xdp_pin[PATH_MAX];
	enum attach_mode mode;

	if (pin_uplink_link(&c->p, ifname, UPLINK_LINK_EGRESS, out_pin, sizeof(out_pin)) ||
	    pin_uplink_link(&c->p, ifname, UPLINK_LINK_INGRESS, in_pin, sizeof(in_pin)) ||
	    pin_uplink_link(&c->p, ifname, UPLINK_LINK_XDP, xdp_pin, sizeof(xdp_pin)))
		return;
	detach_xdp(xdp_pin);
	/* TCX links are pinned; a legacy filter is found by its handle. */
	mode = pin_hook_mode(out_pin);
	if (ifindex > 0 || mode == ATTACH_TCX) {
		detach_hook(ifindex, HOOK_EGRESS, out_pin, mode);
		detach_hook(ifindex, HOOK_INGRESS, in_pin, mode);
	}
}

int uplink_join(struct netctx *c, const struct netstate *state, const struct uplink_opts *o,
		struct bpfbr_uplink_cfg *out)
{
	struct bpfbr_uplink_cfg cfg = { 0 }, cur;
	char dir[PATH_MAX];
	struct nl_link l;
	struct uplinkdp u;
	int err;

	err = check_uplink(c, o->ifname, &l, &cfg.addr, netstate_has_ipv4(state));
	if (err)
		return err;
	err = pin_uplink_dir(&c->p, o->ifname, dir, sizeof(dir));
	if (err)
		return err;
	if (!access(dir, F_OK)) {
		err = uplinkdp_open(dir, &u);
		if (err)
			return err;
		err = uplinkdp_config_get(&u, &cur) ?: check_same(o, &cur);
		if (!err && !cur.addr && netstate_has_ipv4(state)) {
			pr_err("uplink %s masquerades IPv6 only (it had no IPv4 address when its "
			       "first network joined); delete its IPv6-only networks or give "
			       "network %s another %s",
			       o->ifname, state->name, setting_name(SETTING_UPLINK));
			err = -EADDRNOTAVAIL;
		}
		err = err ?: uplink6_join(c, state, &u, l.ifindex);
		if (!err && state->datapath == DATAPATH_XDP)
			err = uplink_xdp(c, o->ifname, l.ifindex, &u);
		uplinkdp_close(&u);
		*out = cur;
		return err;
	}
	if (o->nat_max > BPFBR_NAT_FLOWS_MAX) {
		pr_err("%s %u is over the limit of %u flows", setting_name(SETTING_NAT_MAX),
		       o->nat_max, BPFBR_NAT_FLOWS_MAX);
		return -EINVAL;
	}
	cfg.ifindex = (uint32_t)l.ifindex;
	cfg.nat_max = o->nat_max ?: NAT_MAX_DEFAULT;
	err = pick_ports(o, &cfg);
	if (err)
		return err;
	err = uplinkdp_load(dir, &cfg, &u);
	if (err)
		return err;
	/* The cluster's destinations untranslated, its nodes counted. */
	err = cluster_nomasq_fill(c, &u) ?: cluster_nodes_fill(c, &u);
	if (!err)
		err = uplink6_join(c, state, &u, l.ifindex);
	if (!err)
		err = attach_uplink(c, o->ifname, l.ifindex, &u, state->mode);
	if (!err && state->datapath == DATAPATH_XDP) {
		err = uplink_xdp(c, o->ifname, l.ifindex, &u);
		if (err)
			uplink_detach(c, o->ifname, l.ifindex);
	}
	if (!err && o->node_cgroup) {
		err = pubsock_attach(dir, o->node_cgroup, c->node_netns_cookie, cfg.addr);
		if (err)
			uplink_detach(c, o->ifname, l.ifindex);
	}
	uplinkdp_close(&u);
	if (err)
		pins_remove(dir);
	*out = cfg;
	return err;
}

/* The uplink's hooks are there and on its device as it is now. */
static bool uplink_intact(struct netctx *c, const char *ifname, int ifindex,
			  const struct bpfbr_uplink_cfg *cfg)
{
	char out_pin[PATH_MAX], in_pin[PATH_MAX];
	enum attach_mode mode;

	if (pin_uplink_link(&c->p, ifname, UPLINK_LINK_EGRESS, out_pin, sizeof(out_pin)) ||
	    pin_uplink_link(&c->p, ifname, UPLINK_LINK_INGRESS, in_pin, sizeof(in_pin)) ||
	    cfg->ifindex != (uint32_t)ifindex)
		return false;
	mode = pin_hook_mode(out_pin);
	return hook_live(ifindex, HOOK_EGRESS, out_pin, mode) &&
	       hook_live(ifindex, HOOK_INGRESS, in_pin, mode);
}

int uplink_restore(struct netctx *c, const struct netstate *state, bool *rebuilt)
{
	struct uplink_opts o = { .ifname = state->uplink,
				 .nat_max = state->nat_max,
				 .port_lo = state->nat_port_lo,
				 .port_hi = state->nat_port_hi,
				 .node_cgroup = state->node_cgroup[0] ? state->node_cgroup : NULL };
	struct bpfbr_uplink_cfg cfg;
	char dir[PATH_MAX];
	struct nl_link l;
	struct uplinkdp u;
	int err;

	*rebuilt = false;
	err = check_uplink(c, state->uplink, &l, &cfg.addr, netstate_has_ipv4(state));
	if (!err)
		err = pin_uplink_dir(&c->p, state->uplink, dir, sizeof(dir));
	if (err)
		return err;
	if (!access(dir, F_OK) && !uplinkdp_open(dir, &u)) {
		err = uplinkdp_config_get(&u, &cfg);
		if (!err && uplink_intact(c, state->uplink, l.ifindex, &cfg)) {
			uplinkdp_close(&u);
			return 0;
		}
		uplinkdp_close(&u);
	}
	/* Gone, damaged, or on a device that is no more: made again, empty
	 * (translations of the old device are of no use on the new one). */
	uplink_detach(c, state->uplink, l.ifindex);
	pins_remove(dir);
	*rebuilt = true;
	return uplink_join(c, state, &o, &cfg);
}

struct uplink_users {
	const struct netstate *state;
	const char *ifname;
	int n;	   /* masquerade through it */
	int n_any; /* masquerade or route through it */
	int fwd_before;
};

static int count_user(struct netstate *other, void *arg)
{
	struct uplink_users *u = arg;

	if (!strcmp(other->name, u->state->name) || !other->uplink[0] ||
	    strcmp(other->uplink, u->ifname))
		return 0;
	u->n += other->masquerade;
	u->n_any++;
	if (other->uplink_fwd_before >= 0)
		u->fwd_before = other->uplink_fwd_before;
	return 0;
}

/* Networks other than state that masquerade through ifname; *n_any gets how
 * many masquerade or route through it, *fwd_before what one of those found
 * the uplink's forwarding to be (-1: none knows). */
static int other_users(struct netctx *c, const struct netstate *state, const char *ifname,
		       int *fwd_before, int *n_any)
{
	struct uplink_users u = { .state = state, .ifname = ifname, .fwd_before = -1 };

	if (state_foreach(&c->p, count_user, &u)) {
		*fwd_before = -1;
		*n_any = 1;
		return 1; /* unknown: keep the datapath */
	}
	*fwd_before = u.fwd_before;
	*n_any = u.n_any;
	return u.n;
}

static char *fwd_key(const char *ifname, char *buf, size_t size)
{
	snprintf(buf, size, "net/ipv4/conf/%s/forwarding", ifname);
	return buf;
}

int uplink_forwarding_before(struct netctx *c, const struct netstate *state)
{
	char key[128], val[16];
	int before, any;

	other_users(c, state, state->uplink, &before, &any);
	if (any && before >= 0)
		return before;
	if (sysctl_read(fwd_key(state->uplink, key, sizeof(key)), val, sizeof(val)))
		return -1;
	return atoi(val) ? 1 : 0;
}

int uplink_leave(struct netctx *c, const struct netstate *state)
{
	char key[128];
	int before, any, masq;

	if (!state->uplink[0])
		return 0;
	masq = other_users(c, state, state->uplink, &before, &any);
	/* The last one out leaves the uplink's forwarding as it found it. */
	if (!any && state->uplink_fwd_before == 0 && nl_link_index(&c->nl, state->uplink) > 0)
		sysctl_write(fwd_key(state->uplink, key, sizeof(key)), "0");
	if (!state->masquerade || masq)
		return 0;
	return uplink_remove(c, state->uplink);
}

int uplink_remove(struct netctx *c, const char *ifname)
{
	char dir[PATH_MAX];
	int err;

	err = pin_uplink_dir(&c->p, ifname, dir, sizeof(dir));
	if (err)
		return err;
	uplink_detach(c, ifname, nl_link_index(&c->nl, ifname));
	err = pins_remove(dir);
	if (err)
		pr_warn("some pins under %s could not be removed: %s", dir, strerror(-err));
	if (!pin_uplinks_dir(&c->p, dir, sizeof(dir)))
		rmdir(dir); /* once no uplink is left */
	return 0;
}

int uplink_dp_open(const struct netctx *c, const char *ifname, struct uplinkdp *u)
{
	char dir[PATH_MAX];
	int err = pin_uplink_dir(&c->p, ifname, dir, sizeof(dir));

	return err ?: uplinkdp_open(dir, u);
}

int uplink_flush(struct netctx *c, const struct netstate *state, uint32_t *n)
{
	struct uplinkdp u;
	int err;

	*n = 0;
	if (!state->masquerade)
		return 0;
	err = uplink_dp_open(c, state->uplink, &u);
	if (err)
		return err;
	err = uplinkdp_sweep(&u, BPFBR_SWEEP_NET, state->index, n);
	uplinkdp_close(&u);
	return err;
}

int uplink_endpoint_add(struct netctx *c, const struct netstate *state, const struct attachment *a)
{
	struct bpfbr_endpoint ep = { .ifindex = (uint32_t)a->host_ifindex,
				     .max_flows = state->nat_share,
				     .net = (uint16_t)state->index };
	struct uplinkdp u;
	int err;

	if (!state->masquerade)
		return 0;
	memcpy(ep.mac, a->mac, 6);
	memcpy(ep.gw_mac, state->gw_mac, 6);
	err = uplink_dp_open(c, state->uplink, &u);
	if (err)
		return err;
	err = a->ip ? uplinkdp_endpoint_set(&u, a->ip, &ep) : 0; /* 0: an IPv6-only network */
	if (err)
		pr_err("cannot register %s with the masquerade of uplink %s: %s", a->host_ifname,
		       state->uplink, strerror(-err));
	else
		err = uplink6_endpoint_add(&u, state, a, &ep);
	uplinkdp_close(&u);
	return err;
}

int uplink_endpoint_del(struct netctx *c, const struct netstate *state, const struct attachment *a)
{
	char dir[PATH_MAX];
	struct uplinkdp u;
	int err;

	if (!state->masquerade)
		return 0;
	err = uplink_dp_open(c, state->uplink, &u);
	if (err)
		return err;
	/* Each goes whatever the others did: its hairpin, its published ports, the endpoint. */
	err = a->ip ? pin_uplink_dir(&c->p, state->uplink, dir, sizeof(dir))
			      ?: pubsock_hairpin_del(dir, a->ip)
		    : 0;
	if (a->ip) {
		err = uplinkdp_publish_del_target(&u, a->ip, &(uint32_t){ 0 }) ?: err;
		err = uplinkdp_endpoint_del(&u, a->ip) ?: err;
	}
	if (err)
		pr_warn("cannot remove the translations of %s from uplink %s: %s", a->host_ifname,
			state->uplink, strerror(-err));
	err = uplink6_endpoint_del(&u, state, a) ?: err;
	uplinkdp_close(&u);
	return err;
}
