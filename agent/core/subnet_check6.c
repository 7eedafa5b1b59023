// SPDX-License-Identifier: GPL-2.0-only OR BSD-2-Clause
#include <stdio.h>
#include <string.h>

#include "subnet_check6.h"

/* What overlaps, kept until the dump is over (the socket is busy until then). */
struct overlap6 {
	const struct cidr6 *subnet;
	bool found;
	struct nl_route6 route;
};

static int route6_overlaps(const struct nl_route6 *r, void *data)
{
	struct overlap6 *o = data;
	struct cidr6 dst = { .prefix = r->prefix };

	memcpy(dst.addr, r->dst, 16);
	if (!r->prefix || !cidr6_overlaps(o->subnet, &dst))
		return 0;
	o->found = true;
	o->route = *r;
	return 1;
}

int subnet6_node_conflict(struct nl *nl, const struct cidr6 *s, char *why, size_t size)
{
	struct overlap6 o = { .subnet = s };
	char a[IP6_STR_LEN], b[IP6_STR_LEN], via[IP6_STR_LEN + 8] = "";
	struct nl_link l = { .name = "?" };
	int err;

	err = nl_route6_dump(nl, route6_overlaps, &o);
	if (err < 0)
		return err;
	if (!o.found)
		return 0;
	if (o.route.oif > 0)
		nl_link_get(nl, NULL, o.route.oif, &l);
	if (!ip6_is_zero(o.route.gateway))
		snprintf(via, sizeof(via), " via %s", ip6_str(o.route.gateway, b));
	snprintf(why, size, "route to %s/%u%s on %s", ip6_str(o.route.dst, a), o.route.prefix, via,
		 l.name);
	return 1;
}
