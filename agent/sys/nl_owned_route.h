/* SPDX-License-Identifier: GPL-2.0-only OR BSD-2-Clause */
/*
 * Routes bpfbr owns in the node's main table (sys layer), told from every
 * other route by their protocol, RTPROT_BPFBR (`ip route show proto 191`;
 * name it in /etc/iproute2/rt_protos.d/ to see "bpfbr"). Only these are
 * ever replaced or removed by a reconcile.
 */
#ifndef BPFBR_NL_OWNED_ROUTE_H
#define BPFBR_NL_OWNED_ROUTE_H

#include <stdbool.h>
#include <stdint.h>

#include "netlink.h"

#define RTPROT_BPFBR 191

struct owned_route {
	uint32_t dst; /* network order */
	uint8_t prefix;
	bool unreachable; /* else unicast via gateway on oif */
	uint32_t gateway; /* 0: directly on oif (scope link) */
	int oif;
	uint32_t prefsrc; /* the node's source address for it; 0: the kernel's choice */
};

typedef int (*owned_route_cb)(const struct owned_route *r, void *data);
/* Every route of the main table with protocol RTPROT_BPFBR. */
int nl_owned_route_dump(struct nl *nl, owned_route_cb cb, void *data);
/* Adds r, or replaces the route to the same destination. */
int nl_owned_route_replace(struct nl *nl, const struct owned_route *r);
int nl_owned_route_del(struct nl *nl, const struct owned_route *r);
bool owned_route_same(const struct owned_route *a, const struct owned_route *b);
/* The device whose connected route (no gateway) holds addr, the longest
 * prefix; -ENETUNREACH when addr is not on any link of the node. */
int nl_onlink_dev(struct nl *nl, uint32_t addr, int *oif);

#endif
