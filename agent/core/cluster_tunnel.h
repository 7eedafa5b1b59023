/* SPDX-License-Identifier: GPL-2.0-only OR BSD-2-Clause */
/*
 * The node's side of a VXLAN cluster (core layer): one flow-based VXLAN
 * device per root, named bpfbr-vx and six hex digits of the root's hash,
 * whose MTU is the uplink's minus the encapsulation; the tunnel_nodes map
 * (every node's pod CIDR -> its address, the VNI, the device, its counters'
 * slot; in direct mode without the device, for the counters); and
 * the device's two programs, taken from the datapath of the uplink the
 * cluster's network masquerades through (bpf/lib/tunnel_dev.h), their links
 * pinned beside the uplink's own. The site is that network: the one whose
 * subnet is this node's pod CIDR. Outside VXLAN mode the sync removes the
 * device and its hooks: only what it made, by its name.
 */
#ifndef BPFBR_CLUSTER_TUNNEL_H
#define BPFBR_CLUSTER_TUNNEL_H

#include <net/if.h>
#include <jansson.h>

#include "cluster.h"
#include "netctx.h"
#include "uplinkdp.h"

struct tunnel_site {
	bool found;
	char net[NETNAME_MAX];
	char uplink[IF_NAMESIZE];
	int uplink_ifindex;
	unsigned int mtu; /* the device's: the uplink's minus VXLAN_OVERHEAD */
	uint32_t gateway; /* the network's gateway: the node's source towards other pods */
	enum attach_mode mode;
};

/* "bpfbr-vx" and six hex digits of the root's hash. */
void cluster_tunnel_name(const struct paths *p, char name[IF_NAMESIZE]);
/* Where the tunnel hangs (s->found false: no such network yet). */
int cluster_tunnel_site(struct netctx *c, const struct cluster *cl, struct tunnel_site *s);
/*
 * VXLAN mode: makes the device, the map and the hooks what cl says; *ifindex
 * gets the device (0: no site, nothing there). Otherwise removes them.
 * Each change appended to changes as {"action", "tunnel": "…"}.
 */
int cluster_tunnel_sync(struct netctx *c, const struct cluster *cl, json_t *changes, int *ifindex);
/* Direct mode: the fresh datapath u of an uplink gets the declared nodes
 * (for their counters) before it runs. 0 or -errno. */
int cluster_nodes_fill(struct netctx *c, const struct uplinkdp *u);
/* NULL when the tunnel of cl is as a sync makes it (VXLAN mode), else why not. */
const char *cluster_tunnel_unready(struct netctx *c, const struct cluster *cl, char *buf,
				   size_t size);
/* The MTU a network of subnet through uplink gets unless told: in a VXLAN
 * cluster's CIDR, the uplink's minus the encapsulation; else dflt. */
unsigned int cluster_net_mtu(struct netctx *c, const struct cidr *subnet, const char *uplink,
			     unsigned int dflt);

#endif
