// SPDX-License-Identifier: GPL-2.0-only OR BSD-2-Clause
/*
 * CNI CHECK: the attachment is still what ADD made and prevResult says.
 * Read-only: the reservation in the state, the container's interface,
 * address and routes, the node's end of the veth, its port, forwarding
 * entry and hook in the pinned datapath, and its masquerade registration.
 * The container's MAC is the one its interface has now, which the port
 * follows (netctx_adopt_macs): a later plugin may have changed it.
 */
#include <errno.h>
#include <stdarg.h>
#include <stdio.h>
#include <string.h>
#include <strings.h>
#include <unistd.h>
#include <bpf/bpf.h>

#include "attach.h"
#include "cni_cmd.h"
#include "cni_result.h"
#include "datapath.h"
#include "dpmaps.h"
#include "netfollow.h"
#include "netns.h"
#include "uplink.h"
#include "uplinkdp.h"

static int __attribute__((format(printf, 2, 3))) differs(struct cni_req *r, const char *fmt, ...)
{
	char what[CNI_MSG_LEN];
	va_list ap;

	va_start(ap, fmt);
	vsnprintf(what, sizeof(what), fmt, ap);
	va_end(ap);
	return cni_fail(r->e, CNI_ERR_CHECK, "container %s on network %s: %s", r->env.containerid,
			r->conf.name, what);
}

/* The attachment against the interface and address prevResult lists (its
 * MAC is the container's, which later plugins may have changed: see
 * check_container). */
static int check_prev(struct cni_req *r, const struct netstate *ns, const struct attachment *a)
{
	char want[IP_STR_LEN + 4], ip[IP_STR_LEN];
	int idx = cni_result_find_iface(r->conf.prev, a->ifname, r->env.netns);
	const char *s;
	bool found = false;
	json_t *v;
	size_t i;

	if (idx < 0)
		return differs(r, "prevResult lists no interface %s in %s", a->ifname,
			       r->env.netns);
	snprintf(want, sizeof(want), "%s/%u", ip_str(a->ip, ip), ns->subnet.prefix);
	json_array_foreach (json_object_get(r->conf.prev, "ips"), i, v) {
		json_t *n = json_object_get(v, "interface");

		s = json_string_value(json_object_get(v, "address"));
		if (!json_is_integer(n) || json_integer_value(n) != idx || strchr(s, ':'))
			continue;
		if (strcmp(s, want))
			return differs(r, "prevResult has address %s, the reservation %s", s, want);
		found = true;
	}
	if (!found)
		return differs(r, "prevResult lists no IPv4 address on %s", a->ifname);
	return 0;
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

static int check_route(struct cni_req *r, struct nl *cnl, const struct route4 *want)
{
	char d[IP_STR_LEN], gw[IP_STR_LEN];
	struct route_find f = { .want = *want };

	if (!nl_route_dump(cnl, match_route, &f) && f.found)
		return 0;
	return differs(r, "the route to %s/%u via %s is missing in the container",
		       ip_str(want->dst, d), want->prefix, ip_str(want->gateway, gw));
}

/*
 * The routes bpfbr made, and only those (other plugins' are theirs to
 * check): its config's with its own address management; with an IPAM
 * plugin, the routes of prevResult through the network's subnet.
 */
static int check_routes(struct cni_req *r, struct nl *cnl, const struct netstate *ns)
{
	const struct cni_conf *conf = &r->conf;
	struct route4 want;
	json_t *v;
	size_t i;
	int err = 0;

	if (!conf->ipam_type[0]) {
		for (uint32_t k = 0; !err && k < conf->n_routes; k++) {
			want = conf->routes[k];
			want.gateway = want.gateway ?: ns->gateway;
			err = check_route(r, cnl, &want);
		}
		want = (struct route4){ .gateway = ns->gateway };
		return err ?: conf->default_route ? check_route(r, cnl, &want) : 0;
	}
	json_array_foreach (json_object_get(conf->prev, "routes"), i, v) {
		const char *d = json_string_value(json_object_get(v, "dst"));
		const char *g = json_string_value(json_object_get(v, "gw"));
		struct cidr c;

		if (err)
			break;
		if (!d || !g || strchr(d, ':') || parse_cidr(d, &c) ||
		    parse_ipv4(g, &want.gateway) || !cidr_contains(&ns->subnet, want.gateway))
			continue;
		want.dst = c.addr;
		want.prefix = c.prefix;
		err = check_route(r, cnl, &want);
	}
	return err;
}

/* The MAC prevResult gives the container's interface, or NULL. */
static const char *prev_mac(struct cni_req *r, const struct attachment *a)
{
	int idx = cni_result_find_iface(r->conf.prev, a->ifname, r->env.netns);
	json_t *i = json_array_get(json_object_get(r->conf.prev, "interfaces"), (size_t)idx);

	return idx >= 0 ? json_string_value(json_object_get(i, "mac")) : NULL;
}

/* Why the switch's port did not take the container's MAC. */
static const char *not_followed(struct netctx *c, const struct netstate *ns, char *buf, size_t size)
{
	struct follow_info fi;

	if (net_follow_running(c, ns, &fi, true))
		snprintf(buf, size, "the switch refused it: a multicast MAC or another port's");
	else
		snprintf(buf, size, "the network does not follow MAC changes: %s", fi.why);
	return buf;
}

/* The MTU prevResult gives the container's interface (1.1.0 results), or 0. */
static uint32_t prev_mtu(struct cni_req *r, const struct attachment *a)
{
	int idx = cni_result_find_iface(r->conf.prev, a->ifname, r->env.netns);
	json_t *i = json_array_get(json_object_get(r->conf.prev, "interfaces"), (size_t)idx);
	json_t *m = json_object_get(i, "mtu");

	return idx >= 0 && json_is_integer(m) ? (uint32_t)json_integer_value(m) : 0;
}

/* The container's end: interface, MAC (later plugins may change it: the
 * chain's result and the switch's port must have the one it has now), peer,
 * state, MTU (they may lower it, never above what the port carries),
 * address, routes. */
static int check_container(struct cni_req *r, struct netctx *c, const struct netstate *ns,
			   const struct attachment *a)
{
	char x[MAC_STR_LEN], y[MAC_STR_LEN], ip[IP_STR_LEN + 4], want[IP_STR_LEN + 4], why[224];
	int fd, saved, err;
	struct nl_link l;
	uint32_t addr;
	uint8_t prefix;
	struct nl cnl;

	fd = netns_open(r->env.netns);
	if (fd < 0)
		return cni_fail(r->e, CNI_ERR_NO_CONTAINER, "network namespace %s is gone: %s",
				r->env.netns, strerror(-fd));
	err = netns_enter(fd, &saved);
	if (!err) {
		err = nl_open(&cnl);
		netns_leave(saved);
	}
	close(fd);
	if (err)
		return cni_fail(r->e, CNI_ERR_SYSTEM, "cannot look into %s: %s", r->env.netns,
				strerror(-err));
	if (nl_link_get(&cnl, a->ifname, 0, &l))
		err = differs(r, "interface %s is missing in %s", a->ifname, r->env.netns);
	else if (prev_mac(r, a) && strcasecmp(prev_mac(r, a), mac_str(l.mac, x)))
		err = differs(r, "prevResult has MAC %s, the container's %s has %s", prev_mac(r, a),
			      a->ifname, x);
	else if (memcmp(l.mac, a->mac, 6))
		err = differs(r, "the container's MAC is %s, its port's in the switch %s (%s)",
			      mac_str(l.mac, x), mac_str(a->mac, y),
			      not_followed(c, ns, why, sizeof(why)));
	else if (strcmp(l.kind, "veth") || l.peer_ifindex != a->host_ifindex)
		err = differs(r, "%s is no longer the veth whose node end is %s", a->ifname,
			      a->host_ifname);
	else if (!(l.flags & IFF_UP))
		err = differs(r, "%s is down", a->ifname);
	else if (l.mtu > ns->mtu)
		err = differs(r, "%s has MTU %u, above the network's %u", a->ifname, l.mtu,
			      ns->mtu);
	else if (prev_mtu(r, a) && l.mtu != prev_mtu(r, a))
		err = differs(r, "%s has MTU %u, prevResult says %u", a->ifname, l.mtu,
			      prev_mtu(r, a));
	if (!err) {
		snprintf(want, sizeof(want), "%s/%u", ip_str(a->ip, x), ns->subnet.prefix);
		if (nl_addr_first(&cnl, l.ifindex, &addr, &prefix))
			err = differs(r, "%s has no IPv4 address; %s expected", a->ifname, want);
		else if (snprintf(ip, sizeof(ip), "%s/%u", ip_str(addr, y), prefix) > 0 &&
			 strcmp(ip, want))
			err = differs(r, "the container's address is %s, the reservation's %s", ip,
				      want);
	}
	if (!err)
		err = check_routes(r, &cnl, ns);
	nl_close(&cnl);
	return err;
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
static int check_node(struct cni_req *r, struct netctx *c, const struct netstate *ns,
		      const struct attachment *a)
{
	char dir[PATH_MAX], link_pin[PATH_MAX], mac[MAC_STR_LEN];
	struct fdb_find f = { .mac = a->mac };
	struct attach_info info;
	struct bpfbr_port port;
	struct nl_link l;
	struct dp dp;
	int err;

	if (nl_link_get(&c->nl, a->host_ifname, 0, &l) || l.ifindex != a->host_ifindex)
		return differs(r, "its node end %s is missing", a->host_ifname);
	if (!(l.flags & IFF_UP))
		return differs(r, "its node end %s is down", a->host_ifname);
	if (nl_link_get(&c->nl, ns->gw_dev, 0, &l) || l.ifindex != ns->gw_dev_ifindex)
		return differs(r, "the network's gateway device %s is missing", ns->gw_dev);
	err = net_pin_dir(c, ns->name, dir, sizeof(dir));
	if (!err)
		err = port_link_pin(c, ns->name, a->host_ifname, link_pin, sizeof(link_pin));
	if (!err)
		err = dp_open(dir, &dp);
	if (err)
		return differs(r, "the datapath pinned under %s cannot be opened", dir);
	if (dp_port_get(&dp, (uint32_t)a->host_ifindex, &port) || port.slot != a->slot ||
	    memcmp(port.mac, a->mac, 6) || port.ipv4 != a->ip)
		err = differs(r, "the switch has no port for %s with its MAC and address",
			      a->host_ifname);
	else if (dp_fdb_each(&dp, match_fdb, &f) < 0 || !f.found ||
		 f.found->ifindex != (uint32_t)a->host_ifindex ||
		 !(f.found->flags & BPFBR_FDB_STATIC))
		err = differs(r, "the forwarding table has no static entry for %s on %s",
			      mac_str(a->mac, mac), a->host_ifname);
	else if (attach_query(a->host_ifindex, HOOK_INGRESS, link_pin, ns->mode, &info))
		err = differs(r, "the switch program is not attached to %s", a->host_ifname);
	dp_close(&dp);
	return err;
}

/* With masquerade, the uplink knows the container as an endpoint. */
static int check_uplink(struct cni_req *r, struct netctx *c, const struct netstate *ns,
			const struct attachment *a)
{
	char x[MAC_STR_LEN], y[MAC_STR_LEN];
	struct bpfbr_endpoint ep;
	struct updp u;
	int err;

	if (!ns->masquerade)
		return 0;
	err = uplink_dp_open(c, ns->uplink, &u);
	if (err)
		return differs(r, "the masquerade datapath of uplink %s is missing", ns->uplink);
	if (bpf_map_lookup_elem(u.endpoints, &a->ip, &ep) ||
	    ep.ifindex != (uint32_t)a->host_ifindex)
		err = differs(r, "uplink %s does not masquerade for %s", ns->uplink,
			      a->host_ifname);
	else if (memcmp(ep.mac, a->mac, 6))
		err = differs(r, "uplink %s delivers %s's replies to MAC %s, not %s", ns->uplink,
			      a->host_ifname, mac_str(ep.mac, x), mac_str(a->mac, y));
	updp_close(&u);
	return err;
}

static int check_attachment(struct cni_req *r, struct netctx *c)
{
	const struct attachment *a = NULL;
	struct netstate ns;
	int err;

	err = netctx_load(c, r->conf.name, &ns);
	if (err)
		return cni_code(r, err, CNI_ERR_CHECK);
	for (uint32_t i = 0; i < ns.n_att; i++)
		if (!strcmp(ns.att[i].id, r->env.containerid) &&
		    !strcmp(ns.att[i].ifname, r->env.ifname))
			a = &ns.att[i];
	if (!a)
		err = differs(r, "it has no attachment (and no address reservation)");
	if (!err)
		err = check_prev(r, &ns, a);
	if (!err)
		err = check_container(r, c, &ns, a);
	if (!err)
		err = check_node(r, c, &ns, a);
	if (!err)
		err = check_uplink(r, c, &ns, a);
	netstate_free(&ns);
	return err;
}

int cni_check(struct cni_req *r)
{
	struct cni_delegate d = cni_delegate_of(r);
	struct netctx c;
	int err;

	if (!r->conf.prev)
		return cni_fail(r->e, CNI_ERR_CONFIG,
				"CHECK needs \"prevResult\", the result of the ADD it checks");
	err = cni_check_netns(r);
	if (!err)
		err = cni_open(r, &c, true, CNI_ERR_SYSTEM);
	if (err)
		return err;
	err = check_attachment(r, &c);
	netctx_close(&c);
	if (!err && cni_delegated(r))
		err = cni_ipam_run(&d, "CHECK", NULL, NULL, NULL, r->e);
	return err;
}
