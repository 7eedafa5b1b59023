// SPDX-License-Identifier: GPL-2.0-only OR BSD-2-Clause
/*
 * An attachment against what bpfbr made of it, read-only: the container's
 * end (its namespace entered only to open a netlink socket there), the
 * node's end, the pinned datapath and the uplink. The container's MAC is the
 * one its interface has now, which the port follows (netctx_adopt_macs): a
 * later plugin may have changed it.
 */
#include <errno.h>
#include <stdarg.h>
#include <stdio.h>
#include <string.h>
#include <strings.h>
#include <unistd.h>
#include <linux/rtnetlink.h>

#include "hook_attach.h"
#include "switchdp.h"
#include "switchdp_maps.h"
#include "netfollow.h"
#include "netlink.h"
#include "netlink6.h"
#include "netns.h"
#include "parse6.h"
#include "pin_layout.h"
#include "uplink.h"
#include "uplinkdp.h"
#include "uplinkdp6.h"
#include "port_device.h"
#include "verify.h"

static bool __attribute__((format(printf, 3, 4)))
differs(struct verify_result *res, enum verify_what what, const char *fmt, ...)
{
	va_list ap;

	res->what = what;
	va_start(ap, fmt);
	vsnprintf(res->why, sizeof(res->why), fmt, ap);
	va_end(ap);
	return false;
}

struct route_find {
	struct route4 want;
	bool found;
};

static int match_route(const struct nl_route *rt, void *data)
{
	struct route_find *f = data;

	if (rt->dst == f->want.dst && rt->prefix == f->want.prefix &&
	    (!f->want.gateway || rt->gateway == f->want.gateway))
		f->found = true;
	return 0;
}

static bool check_routes(struct nl *cnl, const struct verify_expect *x, struct verify_result *res)
{
	char d[IP_STR_LEN], gw[IP_STR_LEN];

	for (uint32_t i = 0; x && i < x->n_routes; i++) {
		struct route_find f = { .want = x->routes[i] };

		if (nl_route_dump(cnl, RTN_UNICAST, match_route, &f) || !f.found)
			return differs(res, VERIFY_ROUTE_MISSING,
				       "the route to %s/%u via %s is missing in the container",
				       ip_str(f.want.dst, d), f.want.prefix,
				       ip_str(f.want.gateway, gw));
	}
	return true;
}

/* Why the switch's port did not take the container's MAC. */
static const char *not_followed(struct netctx *c, const struct netstate *state, char *buf,
				size_t size)
{
	struct follow_info fi;

	if (net_follow_running(c, state, &fi, true))
		snprintf(buf, size, "the switch refused it: a multicast MAC or another port's");
	else
		snprintf(buf, size, "the network does not follow MAC changes: %s", fi.why);
	return buf;
}

/* The container's interface: MAC (later plugins may change it: the switch's
 * port must have the one it has now), peer, state, MTU (they may lower it,
 * never above what the port carries). */
static bool check_link(struct netctx *c, const struct netstate *state, const struct attachment *a,
		       const struct verify_expect *x, const struct nl_link *l,
		       struct verify_result *res)
{
	char y[MAC_STR_LEN], why[224];

	mac_str(l->mac, res->mac);
	res->mtu = l->mtu;
	if (x && x->mac && strcasecmp(x->mac, res->mac))
		return differs(res, VERIFY_MAC_EXPECTED,
			       "the container's %s has MAC %s, %s expected", a->ifname, res->mac,
			       x->mac);
	if (memcmp(l->mac, a->mac, 6))
		return differs(res, VERIFY_MAC_PORT,
			       "the container's MAC is %s, its port's in the switch %s (%s)",
			       res->mac, mac_str(a->mac, y),
			       not_followed(c, state, why, sizeof(why)));
	if (strcmp(l->kind, port_device_name(port_device_of(state, a))) ||
	    l->peer_ifindex != a->host_ifindex)
		return differs(res, VERIFY_NOT_PEER, "%s is no longer the %s whose node end is %s",
			       a->ifname, port_device_name(port_device_of(state, a)),
			       a->host_ifname);
	if (!(l->flags & IFF_UP))
		return differs(res, VERIFY_IFACE_DOWN, "%s is down", a->ifname);
	if (l->mtu > state->mtu)
		return differs(res, VERIFY_MTU_ABOVE, "%s has MTU %u, above the network's %u",
			       a->ifname, l->mtu, state->mtu);
	if (x && x->mtu && l->mtu != x->mtu)
		return differs(res, VERIFY_MTU_EXPECTED, "%s has MTU %u, %u expected", a->ifname,
			       l->mtu, x->mtu);
	return true;
}

/* The container's end: interface, address, routes. */
static bool check_container(struct netctx *c, const struct netstate *state,
			    const struct attachment *a, const struct verify_expect *x,
			    struct verify_result *res)
{
	char ip[IP_STR_LEN + 4], want[IP_STR_LEN + 4], s[IP_STR_LEN], s6[IP6_STR_LEN];
	const char *netns = x && x->netns ? x->netns : a->netns;
	int fd, saved, err;
	struct nl_link l;
	uint32_t addr;
	uint8_t prefix;
	struct nl cnl;
	bool ok;

	fd = netns_open(netns);
	if (fd < 0) {
		res->err = fd;
		return differs(res, VERIFY_NETNS_GONE, "network namespace %s is gone: %s", netns,
			       strerror(-fd));
	}
	err = netns_enter(fd, &saved);
	if (!err) {
		err = nl_open(&cnl);
		netns_leave(saved);
	}
	close(fd);
	if (err) {
		res->err = err;
		return differs(res, VERIFY_NETNS_UNREADABLE, "cannot look into %s: %s", netns,
			       strerror(-err));
	}
	snprintf(want, sizeof(want), "%s/%u", ip_str(a->ip, s), state->subnet.prefix);
	if (nl_link_get(&cnl, a->ifname, 0, &l))
		ok = differs(res, VERIFY_IFACE_MISSING, "interface %s is missing in %s", a->ifname,
			     netns);
	else if (!check_link(c, state, a, x, &l, res))
		ok = false;
	else if (a->ip && nl_addr_first(&cnl, l.ifindex, &addr, &prefix))
		ok = differs(res, VERIFY_ADDR_MISSING, "%s has no IPv4 address; %s expected",
			     a->ifname, want);
	else if (a->ip && snprintf(ip, sizeof(ip), "%s/%u", ip_str(addr, s), prefix) > 0 &&
		 strcmp(ip, want))
		ok = differs(res, VERIFY_ADDR_DIFFERS,
			     "the container's address is %s, the reservation's %s", ip, want);
	else if (!ip6_is_zero(a->ip6) && nl_addr6_has(&cnl, l.ifindex, a->ip6))
		ok = differs(res, VERIFY_ADDR_MISSING, "%s lacks its IPv6 address %s/%u", a->ifname,
			     ip6_str(a->ip6, s6), state->subnet6.prefix);
	else
		ok = check_routes(&cnl, x, res);
	nl_close(&cnl);
	return ok;
}

struct fdb_find {
	const uint8_t *mac;
	const struct bpfbr_fdb_entry *found;
	struct bpfbr_fdb_entry e;
};

static int match_fdb(const struct bpfbr_fdb_key *key, const struct bpfbr_fdb_entry *e, void *data)
{
	struct fdb_find *f = data;

	if (memcmp(key->mac, f->mac, 6))
		return 0;
	f->e = *e;
	f->found = &f->e;
	return 1;
}

/* The node's end: the veth, its port, static forwarding entry and hook. */
static bool check_node(struct netctx *c, const struct netstate *state, const struct attachment *a,
		       struct verify_result *res)
{
	char dir[PATH_MAX], link_pin[PATH_MAX], mac[MAC_STR_LEN];
	struct fdb_find f = { .mac = a->mac };
	struct attach_info info;
	struct bpfbr_port port;
	struct nl_link l;
	struct switchdp dp;
	bool ok = true;
	int err;

	if (nl_link_get(&c->nl, a->host_ifname, 0, &l) || l.ifindex != a->host_ifindex)
		return differs(res, VERIFY_NODE_END_MISSING, "its node end %s is missing",
			       a->host_ifname);
	if (!(l.flags & IFF_UP))
		return differs(res, VERIFY_NODE_END_DOWN, "its node end %s is down",
			       a->host_ifname);
	if (nl_link_get(&c->nl, state->gw_dev, 0, &l) || l.ifindex != state->gw_dev_ifindex)
		return differs(res, VERIFY_GW_DEV_MISSING,
			       "the network's gateway device %s is missing", state->gw_dev);
	err = pin_net_dir(&c->p, state->name, dir, sizeof(dir));
	if (!err)
		err = pin_port_link(&c->p, state->name, a->host_ifname, link_pin, sizeof(link_pin));
	if (!err)
		err = switchdp_open(dir, &dp);
	if (err)
		return differs(res, VERIFY_DATAPATH_MISSING,
			       "the datapath pinned under %s cannot be opened", dir);
	if (switchdp_port_get(&dp, (uint32_t)a->host_ifindex, &port) || port.slot != a->slot ||
	    memcmp(port.mac, a->mac, 6) || port.ipv4 != a->ip)
		ok = differs(res, VERIFY_PORT_MISSING,
			     "the switch has no port for %s with its MAC and address",
			     a->host_ifname);
	else if (switchdp_fdb_each(&dp, match_fdb, &f) < 0 || !f.found ||
		 f.found->ifindex != (uint32_t)a->host_ifindex ||
		 !(f.found->flags & BPFBR_FDB_STATIC))
		ok = differs(res, VERIFY_FDB_MISSING,
			     "the forwarding table has no static entry for %s on %s",
			     mac_str(a->mac, mac), a->host_ifname);
	else if (attach_query(a->host_ifindex, port_hook_dir(state, a), link_pin, state->mode,
			      &info))
		ok = differs(res, VERIFY_HOOK_MISSING, "the switch program is not attached to %s",
			     a->host_ifname);
	switchdp_close(&dp);
	return ok;
}

/* With masquerade, the uplink knows the container as an endpoint. */
static bool check_uplink(struct netctx *c, const struct netstate *state, const struct attachment *a,
			 struct verify_result *res)
{
	char x[MAC_STR_LEN], y[MAC_STR_LEN];
	struct bpfbr_endpoint ep;
	struct uplinkdp u;
	bool ok = true;

	if (!state->masquerade)
		return true;
	if (uplink_dp_open(c, state->uplink, &u))
		return differs(res, VERIFY_UPLINK_MISSING,
			       "the masquerade datapath of uplink %s is missing", state->uplink);
	if ((a->ip ? uplinkdp_endpoint_get(&u, a->ip, &ep)
		   : uplinkdp_endpoint6_get(&u, a->ip6, &ep)) ||
	    ep.ifindex != (uint32_t)a->host_ifindex)
		ok = differs(res, VERIFY_ENDPOINT_MISSING, "uplink %s does not masquerade for %s",
			     state->uplink, a->host_ifname);
	else if (memcmp(ep.mac, a->mac, 6))
		ok = differs(res, VERIFY_ENDPOINT_MAC,
			     "uplink %s delivers %s's replies to MAC %s, not %s", state->uplink,
			     a->host_ifname, mac_str(ep.mac, x), mac_str(a->mac, y));
	uplinkdp_close(&u);
	return ok;
}

bool net_verify(struct netctx *c, const struct netstate *state, const struct attachment *a,
		const struct verify_expect *x, struct verify_result *res)
{
	*res = (struct verify_result){ .what = VERIFY_OK };
	return check_container(c, state, a, x, res) && check_node(c, state, a, res) &&
	       check_uplink(c, state, a, res);
}
