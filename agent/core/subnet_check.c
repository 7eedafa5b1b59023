// SPDX-License-Identifier: GPL-2.0-only OR BSD-2-Clause
#include <errno.h>
#include <stdio.h>
#include <string.h>
#include <arpa/inet.h>
#include <linux/rtnetlink.h>

#include "subnet_check.h"

static const struct reserved {
	const char *cidr;
	const char *what;
} reserved[] = {
	{ "0.0.0.0/8", "0.0.0.0/8 (\"this network\")" },
	{ "127.0.0.0/8", "127.0.0.0/8 (loopback)" },
	{ "169.254.0.0/16", "169.254.0.0/16 (link-local)" },
	{ "224.0.0.0/4", "224.0.0.0/4 (multicast)" },
	{ "240.0.0.0/4", "240.0.0.0/4 (reserved, with the broadcast address)" },
};

const char *subnet_reserved(const struct cidr *s)
{
	struct cidr r;

	for (size_t i = 0; i < sizeof(reserved) / sizeof(reserved[0]); i++)
		if (!parse_cidr(reserved[i].cidr, &r) && cidr_overlaps(s, &r))
			return reserved[i].what;
	return NULL;
}

/* What overlaps, kept until the dump is over (the socket is busy until then). */
struct overlap {
	const struct cidr *subnet;
	bool found;
	bool is_route;
	struct cidr what;
	uint32_t addr; /* the address itself, or the route's gateway (0: none) */
	int ifindex;
};

static int addr_overlaps(const struct nl_addr *a, void *data)
{
	struct overlap *o = data;
	struct cidr net = { a->addr & prefix_mask(a->prefix), a->prefix };

	if (!cidr_overlaps(o->subnet, &net))
		return 0;
	*o = (struct overlap){ o->subnet, true, false, net, a->addr, a->ifindex };
	return 1;
}

static int route_overlaps(const struct nl_route *r, void *data)
{
	struct overlap *o = data;
	struct cidr dst = { r->dst, r->prefix };

	if (!r->prefix || !cidr_overlaps(o->subnet, &dst))
		return 0;
	*o = (struct overlap){ o->subnet, true, true, dst, r->gateway, r->oif };
	return 1;
}

int subnet_node_conflict(struct nl *nl, const struct cidr *s, char *why, size_t size)
{
	struct overlap o = { .subnet = s };
	char a[IP_STR_LEN], b[IP_STR_LEN], via[IP_STR_LEN + 8] = "";
	struct nl_link l = { .name = "?" };
	int err;

	err = nl_addr_dump(nl, addr_overlaps, &o);
	if (!err && !o.found)
		err = nl_route_dump(nl, RTN_UNICAST, route_overlaps, &o);
	if (err < 0)
		return err;
	if (err > 0)
		err = 0;
	if (!o.found)
		return 0;
	if (o.ifindex > 0)
		nl_link_get(nl, NULL, o.ifindex, &l);
	if (!o.is_route) {
		snprintf(why, size, "address %s/%u on %s", ip_str(o.addr, a), o.what.prefix,
			 l.name);
		return 1;
	}
	if (o.addr)
		snprintf(via, sizeof(via), " via %s", ip_str(o.addr, b));
	snprintf(why, size, "route to %s/%u%s on %s", ip_str(o.what.addr, a), o.what.prefix, via,
		 l.name);
	return 1;
}
