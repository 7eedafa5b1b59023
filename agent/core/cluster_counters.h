/* SPDX-License-Identifier: GPL-2.0-only OR BSD-2-Clause */
/*
 * The per-node counters of the cluster (core layer), as status shows them:
 * each node's entry in tunnel_nodes names its slot in cluster_node_stats
 * (include/bpfbr/node_stats.h).
 */
#ifndef BPFBR_CLUSTER_COUNTERS_H
#define BPFBR_CLUSTER_COUNTERS_H

#include <jansson.h>

#include "bpfbr/node_stats.h"
#include "netctx.h"
#include "parse.h"

struct cluster_counters {
	int stats_fd; /* -1: no counters pinned */
	uint32_t n;
	struct {
		struct bpfbr_tunnel_key key;
		uint16_t slot;
	} nodes[BPFBR_TUNNEL_NODES_MAX];
};

/* Opens what the counters are read from; 0 or -errno (none pinned is not an error). */
int cluster_counters_open(struct netctx *c, struct cluster_counters *cc);
/* {"tx_packets", "tx_bytes", "rx_packets", "rx_bytes", "refused", "too_big"} of the node
 * whose pod CIDR is pod_cidr, or NULL when it has no counters. */
json_t *cluster_counters_json(const struct cluster_counters *cc, const struct cidr *pod_cidr);
void cluster_counters_close(struct cluster_counters *cc);

#endif
