/* SPDX-License-Identifier: GPL-2.0-only OR BSD-2-Clause */
/*
 * Map "nomasq" of an uplink's masquerade datapath (PINS/uplinks/IFNAME/):
 * destinations a container's packet keeps its own source address for, an
 * LPM trie of struct bpfbr_nomasq_key -> __u8 (1). Filled from the
 * declared cluster (agent/cluster_nomasq.c): its CIDR, in direct mode every
 * node's address, and its non-masquerade CIDRs. Empty: everything leaving
 * from a container is masqueraded, as before there was a cluster.
 */
#ifndef BPFBR_NOMASQ_H
#define BPFBR_NOMASQ_H

#include "types.h"

#define BPFBR_NOMASQ_MAX 2048

/*
 * Map "cluster_stack_flows" of the same datapath: flows from a container
 * to the cluster that the node's stack forwarded (a service address that
 * kube-proxy's DNAT sent to a pod of another node), keyed by the direction
 * of their replies (struct bpfbr_conn_key, netcfg.h) -> the time the flow
 * was seen (ns). A reply arriving from the cluster is then left to the
 * stack, whose conntrack translates it back, instead of being delivered
 * straight into the pod. An LRU: the oldest flow gives way.
 */
#define BPFBR_STACK_FLOWS_MAX 16384

struct bpfbr_nomasq_key {
	__u32 prefixlen; /* LPM trie key: prefix length first */
	__u32 addr;	 /* network order */
};
BPFBR_STATIC_ASSERT(sizeof(struct bpfbr_nomasq_key) == 8, "nomasq key layout");

#endif
