/* SPDX-License-Identifier: GPL-2.0-only OR BSD-2-Clause */
/*
 * The node's datapath for the declared cluster (core layer), in direct
 * mode: a route to every other node's pod CIDR via that node's address,
 * which must be on a link of this node; in VXLAN mode: the tunnel
 * (cluster_tunnel.h) and a route to every other node's pod CIDR through its
 * device, from the cluster network's gateway address (so that the replies
 * come back through the tunnel). Both: an unreachable route for the
 * cluster CIDR, so that the range of a node that is gone never leaks out
 * of the default route. The routes are bpfbr's own (nl_owned_route.h):
 * a sync makes them exactly what the declaration says and touches no other
 * route; run twice, the second changes nothing.
 */
#ifndef BPFBR_CLUSTER_SYNC_H
#define BPFBR_CLUSTER_SYNC_H

#include <jansson.h>

#include "cluster.h"
#include "netctx.h"
#include "nl_owned_route.h"

struct cluster_plan {
	struct owned_route *routes;
	uint32_t n;
};

/* What cl needs, checked against the node (each remote node on-link);
 * says why on stderr, naming the node, when it cannot be. */
int cluster_plan(struct netctx *c, const struct cluster *cl, struct cluster_plan *plan);
void cluster_plan_free(struct cluster_plan *plan);
/* Makes the owned routes exactly plan's (each change appended to changes
 * as {"action": "added"|"removed", "route": "…"}) and the masquerading
 * uplinks' nomasq maps what cl says (cluster_nomasq.h). */
int cluster_apply(struct netctx *c, const struct cluster *cl, const struct cluster_plan *plan,
		  json_t *changes);
/* The stored declaration, planned and applied (after a reboot, by hand, or
 * to finish an interrupted cluster change). */
int cluster_sync(struct netctx *c, json_t *changes);
/* "10.244.2.0/24 via 192.0.2.2 dev eth0" or "unreachable 10.244.0.0/16". */
void owned_route_str(struct netctx *c, const struct owned_route *r, char *buf, size_t size);

#endif
