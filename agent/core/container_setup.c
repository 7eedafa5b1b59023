// SPDX-License-Identifier: GPL-2.0-only OR BSD-2-Clause
#include <errno.h>
#include <stdio.h>
#include <string.h>

#include "container_setup.h"
#include "ethtool.h"
#include "log.h"
#include "netns.h"
#include "network6.h"
#include "wording.h"

/* The container's routes: a default route via the gateway unless the caller lists them. */
static int add_routes(struct nl *cnl, int ifindex, const struct netstate *state,
		      const struct attach_opts *o, char *what, size_t size)
{
	char dst[IP_STR_LEN];
	int err = 0;

	if (!o->routes) {
		err = nl_route_add_default(cnl, ifindex, state->gateway);

		if (err == -EEXIST && o->keep_default_route)
			return 0; /* the namespace's own default route stays */
		if (err == -EEXIST)
			snprintf(what, size,
				 "add the default route via the gateway: it has one already "
				 "(attach with %s)",
				 setting_name(SETTING_NO_DEFAULT_ROUTE));
		else
			snprintf(what, size, "add the default route via the gateway");
		return err;
	}
	for (uint32_t i = 0; i < o->n_routes && !err; i++) {
		const struct route4 *r = &o->routes[i];

		snprintf(what, size, "add the route to %s/%u", ip_str(r->dst, dst), r->prefix);
		err = nl_route_add(cnl, ifindex, r->dst, r->prefix, r->gateway ?: state->gateway);
	}
	return err;
}

/*
 * XDP mode: the container's end must run NAPI to receive frames that XDP
 * redirects to it (GRO turns it on), and must not leave TCP checksums for
 * offload (a partial checksum is lost once the frame becomes an XDP frame).
 */
static int xdp_receiver(int netns_fd, const char *ifname)
{
	int saved, err = netns_enter(netns_fd, &saved);

	if (err)
		return err;
	err = ethtool_set_gro(ifname, true);
	if (!err)
		err = ethtool_set_tx_csum(ifname, false);
	netns_leave(saved);
	return err;
}

int container_setup(int netns_fd, const struct netstate *state, const struct attachment *a,
		    const struct attach_opts *o)
{
	const char *netns_arg = o->netns;
	char what[128];
	struct nl cnl;
	int saved, err, ifindex, lo;

	err = netns_enter(netns_fd, &saved);
	if (err) {
		pr_err("cannot enter network namespace %s: %s", netns_arg, strerror(-err));
		return err;
	}
	err = nl_open(&cnl); /* the socket stays bound to the container's namespace */
	netns_leave(saved);
	if (err) {
		pr_err("cannot open netlink in namespace %s: %s", netns_arg, strerror(-err));
		return err;
	}
	snprintf(what, sizeof(what), "find %s", a->ifname);
	ifindex = nl_link_index(&cnl, a->ifname);
	err = ifindex < 0 ? ifindex : 0;
	if (!err) {
		snprintf(what, sizeof(what), "turn IPv6 on for %s", a->ifname);
		err = net6_container_prepare(netns_fd, state, a->ifname);
	}
	if (!err && a->ip) {
		snprintf(what, sizeof(what), "add its address to %s", a->ifname);
		err = nl_addr_add(&cnl, ifindex, a->ip, state->subnet.prefix, o->brd);
	}
	if (!err) {
		snprintf(what, sizeof(what), "bring up %s", a->ifname);
		err = nl_link_set_up(&cnl, ifindex);
	}
	if (!err && a->ip)
		err = add_routes(&cnl, ifindex, state, o, what, sizeof(what));
	if (!err)
		err = net6_container_setup(&cnl, ifindex, state, a, o, what, sizeof(what));
	if (!err && state->datapath == DATAPATH_XDP) {
		snprintf(what, sizeof(what), "turn on GRO and off tx checksumming on %s",
			 a->ifname);
		err = xdp_receiver(netns_fd, a->ifname);
	}
	/* Last: a failure before leaves nothing changed in the namespace. */
	if (!err) {
		lo = nl_link_index(&cnl, "lo");
		snprintf(what, sizeof(what), "bring up lo");
		err = lo < 0 ? lo : nl_link_set_up(&cnl, lo);
	}
	if (err)
		pr_err("in namespace %s, cannot %s: %s%s%s", netns_arg, what, strerror(-err),
		       cnl.err_msg[0] ? ": " : "", cnl.err_msg);
	nl_close(&cnl);
	return err;
}
