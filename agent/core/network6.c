// SPDX-License-Identifier: GPL-2.0-only OR BSD-2-Clause
#include <errno.h>
#include <stdio.h>
#include <string.h>

#include "bpfbr/net6.h"
#include "ipam6.h"
#include "log.h"
#include "netlink6.h"
#include "netns.h"
#include "network6.h"
#include "state.h"
#include "subnet_check6.h"
#include "switchdp6.h"
#include "sysctl.h"

#define PREFIX6_MIN 48
#define PREFIX6_MAX 64

struct new_net6 {
	const struct net_opts *o;
	bool overlaps;
};

static int check_disjoint6(struct netstate *other, void *arg)
{
	struct new_net6 *v = arg;
	char a[IP6_STR_LEN], b[IP6_STR_LEN];

	if (!other->subnet6.prefix || !cidr6_overlaps(&v->o->subnet6, &other->subnet6))
		return 0;
	pr_err("subnet %s/%u of network %s overlaps network %s (%s/%u); choose a disjoint subnet",
	       ip6_str(v->o->subnet6.addr, a), v->o->subnet6.prefix, v->o->name, other->name,
	       ip6_str(other->subnet6.addr, b), other->subnet6.prefix);
	v->overlaps = true;
	return -EINVAL;
}

/* The node's own IPv6 routes would fight the gateway's connected route. */
static int node_conflict6(struct netctx *c, const struct net_opts *o)
{
	char a[IP6_STR_LEN], why[128];
	int err = subnet6_node_conflict(&c->nl, &o->subnet6, why, sizeof(why));

	if (err < 0)
		pr_err("cannot read the node's IPv6 routes: %s", strerror(-err));
	else if (err > 0)
		pr_err("subnet %s/%u of network %s overlaps the node's %s; choose a subnet "
		       "disjoint from the node's addresses and routes",
		       ip6_str(o->subnet6.addr, a), o->subnet6.prefix, o->name, why);
	return err > 0 ? -EINVAL : err;
}

int net6_validate(struct netctx *c, const struct net_opts *o)
{
	const struct cidr6 *s = &o->subnet6;
	char a[IP6_STR_LEN], b[IP6_STR_LEN];
	struct new_net6 v = { .o = o };
	uint8_t net[16];
	int err;

	if (!s->prefix)
		return 0;
	if (s->prefix < PREFIX6_MIN || s->prefix > PREFIX6_MAX) {
		pr_err("subnet %s/%u of network %s must have a prefix between /%d and /%d (a /64 "
		       "is what hosts expect of a link)",
		       ip6_str(s->addr, a), s->prefix, o->name, PREFIX6_MIN, PREFIX6_MAX);
		return -EINVAL;
	}
	ip6_mask(s->addr, s->prefix, net);
	if (memcmp(net, s->addr, 16)) {
		pr_err("subnet %s/%u of network %s has host bits set; use %s/%u",
		       ip6_str(s->addr, a), s->prefix, o->name, ip6_str(net, b), s->prefix);
		return -EINVAL;
	}
	/* ::/8 (loopback, mapped and compatible addresses), fe80::/10, ff00::/8. */
	if (s->addr[0] == 0 || s->addr[0] == 0xff ||
	    (s->addr[0] == 0xfe && (s->addr[1] & 0xc0) == 0x80)) {
		pr_err("subnet %s/%u of network %s lies in a range no container network can use; "
		       "choose a unique local prefix (in fd00::/8) or a global one",
		       ip6_str(s->addr, a), s->prefix, o->name);
		return -EINVAL;
	}
	if (!ip6_is_zero(o->gateway6)) {
		ip6_mask(o->gateway6, s->prefix, net);
		if (!cidr6_contains(s, o->gateway6) || !memcmp(net, o->gateway6, 16)) {
			pr_err("gateway %s of network %s is not a host address of subnet %s/%u; "
			       "pick "
			       "one inside it or omit it",
			       ip6_str(o->gateway6, a), o->name, ip6_str(s->addr, b), s->prefix);
			return -EINVAL;
		}
	}
	err = state_foreach(&c->p, check_disjoint6, &v);
	if (err && !v.overlaps)
		pr_err("cannot list networks under %s: %s", c->p.state, strerror(-err));
	return err ?: node_conflict6(c, o);
}

void net6_announce(const struct netstate *state)
{
	char a[IP6_STR_LEN], b[IP6_STR_LEN];

	pr_info("network %s: %s/%u gateway %s on %s (%s, IPv6 only)", state->name,
		ip6_str(state->subnet6.addr, a), state->subnet6.prefix, ip6_str(state->gateway6, b),
		state->gw_dev, attach_mode_name(state->mode));
}

void net6_fill(struct netstate *state, const struct net_opts *o)
{
	state->subnet6 = o->subnet6;
	memcpy(state->gateway6, o->gateway6, 16);
	if (o->subnet6.prefix && ip6_is_zero(state->gateway6)) {
		memcpy(state->gateway6, o->subnet6.addr, 16);
		state->gateway6[15] |= 1;
	}
}

/* Sysctls of device dev in the calling thread's namespace, in order; the first failure stops. */
static int dev_sysctls(const char *dev, const char *const (*kv)[2], size_t n, const char **failed)
{
	char key[128];
	int err = 0;

	for (size_t i = 0; i < n && !err; i++) {
		snprintf(key, sizeof(key), "net/ipv6/conf/%s/%s", dev, kv[i][0]);
		err = sysctl_write(key, kv[i][1]);
		*failed = kv[i][0];
	}
	return err;
}

/* A host end of a link bpfbr makes: IPv6 on, the EUI-64 link-local address
 * without DAD, no router advertisements taken. */
static const char *const host_ipv6[][2] = {
	{ "accept_dad", "0" }, { "addr_gen_mode", "0" }, { "accept_ra", "0" },
	{ "autoconf", "0" },   { "disable_ipv6", "0" },
};

int net6_gateway_setup(struct netctx *c, const struct netstate *state)
{
	const char *failed = "";
	char key[128], a[IP6_STR_LEN];
	int err;

	if (!state->subnet6.prefix) {
		/* No IPv6 from a container reaches the node on such a network (the
		 * switch drops it too); a kernel without IPv6 has no such key. */
		snprintf(key, sizeof(key), "net/ipv6/conf/%s/disable_ipv6", state->gw_dev);
		sysctl_write(key, "1");
		return 0;
	}
	err = dev_sysctls(state->gw_dev, host_ipv6, sizeof(host_ipv6) / sizeof(host_ipv6[0]),
			  &failed);
	if (err) {
		pr_err("cannot set net.ipv6.conf.%s.%s for network %s: %s; the kernel needs IPv6 "
		       "for an IPv6 subnet",
		       state->gw_dev, failed, state->name, strerror(-err));
		return err;
	}
	err = nl_addr6_add(&c->nl, state->gw_dev_ifindex, state->gateway6, state->subnet6.prefix);
	if (err)
		pr_err("cannot add gateway address %s to %s: %s%s%s", ip6_str(state->gateway6, a),
		       state->gw_dev, strerror(-err), c->nl.err_msg[0] ? ": " : "", c->nl.err_msg);
	return err;
}

int net6_datapath_set(const struct switchdp *dp, const struct netstate *state)
{
	struct bpfbr_netcfg6 cfg = { .prefix = state->subnet6.prefix };
	int err;

	if (!state->subnet6.prefix)
		return 0;
	memcpy(cfg.subnet, state->subnet6.addr, 16);
	memcpy(cfg.gateway, state->gateway6, 16);
	ip6_ll_of_mac(state->gw_mac, cfg.gateway_ll);
	err = switchdp_config6_set(dp, &cfg);
	if (err == -EOPNOTSUPP)
		pr_err("the datapath of network %s predates IPv6; run bpfbr upgrade %s",
		       state->name, state->name);
	else if (err)
		pr_err("cannot write the IPv6 settings of network %s: %s", state->name,
		       strerror(-err));
	return err;
}

int net6_port_set(const struct switchdp *dp, const struct netstate *state,
		  const struct attachment *a)
{
	struct bpfbr_port6 p = { 0 };
	int err;

	if (!state->subnet6.prefix)
		return 0;
	memcpy(p.addr, a->ip6, 16);
	ip6_ll_of_mac(a->mac, p.ll);
	err = switchdp_port6_set(dp, (uint32_t)a->host_ifindex, &p);
	if (err)
		pr_err("cannot record the IPv6 addresses of port %s on network %s: %s",
		       a->host_ifname, state->name, strerror(-err));
	return err;
}

int net6_pick(const struct netstate *state, const struct attach_opts *o, struct attachment *a)
{
	char ip[IP6_STR_LEN];
	const char *why;

	if (!ip6_is_zero(o->ip6)) {
		why = ipam6_unusable(state, o->ip6);
		if (why) {
			pr_err("address %s cannot be given to %s on network %s: %s",
			       ip6_str(o->ip6, ip), o->netns, state->name, why);
			return -EADDRINUSE;
		}
		memcpy(a->ip6, o->ip6, 16);
		return 0;
	}
	if (!state->subnet6.prefix)
		return 0;
	if (ipam6_pick(state, a->ip6)) {
		pr_err("network %s has no free IPv6 address left; detach a container", state->name);
		return -ENOSPC;
	}
	return 0;
}

int net6_container_prepare(int netns_fd, const struct netstate *state, const char *ifname)
{
	const char *failed = "";
	int saved, err;

	if (!state->subnet6.prefix)
		return 0;
	err = netns_enter(netns_fd, &saved);
	if (err)
		return err;
	/* The container keeps router advertisements on (its own choice); bpfbr's RA guard
	 * keeps other containers' away. */
	err = dev_sysctls(ifname, host_ipv6, 2, &failed);
	if (!err)
		err = dev_sysctls(ifname, host_ipv6 + 4, 1, &failed);
	netns_leave(saved);
	if (err)
		pr_err("cannot set net.ipv6.conf.%s.%s in the container's namespace: %s", ifname,
		       failed, strerror(-err));
	return err;
}

int net6_container_setup(struct nl *cnl, int ifindex, const struct netstate *state,
			 const struct attachment *a, const struct attach_opts *o, char *what,
			 size_t size)
{
	int err;

	if (ip6_is_zero(a->ip6))
		return 0;
	snprintf(what, size, "add its IPv6 address");
	err = nl_addr6_add(cnl, ifindex, a->ip6, state->subnet6.prefix);
	if (err || (o->routes && !o->default_route6))
		return err;
	snprintf(what, size, "add the IPv6 default route via the gateway");
	return nl_route6_add_default(cnl, ifindex, state->gateway6);
}

int net6_forwarding(const struct netstate *state)
{
	const char *keys[] = { "all", state->gw_dev, state->uplink };
	char key[128];
	int err;

	if (!state->subnet6.prefix || !state->uplink[0])
		return 0;
	/* Linux forwards IPv6 only with forwarding on for all devices (until 6.17's
	 * force_forwarding), as the bridge plugin and Docker turn it on. */
	for (size_t i = 0; i < sizeof(keys) / sizeof(keys[0]); i++) {
		snprintf(key, sizeof(key), "net/ipv6/conf/%s/forwarding", keys[i]);
		err = sysctl_write(key, "1");
		if (err) {
			pr_err("cannot enable IPv6 forwarding (net.ipv6.conf.%s.forwarding) for "
			       "network %s: %s",
			       keys[i], state->name, strerror(-err));
			return err;
		}
	}
	return 0;
}
