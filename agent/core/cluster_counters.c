// SPDX-License-Identifier: GPL-2.0-only OR BSD-2-Clause
#include <errno.h>
#include <limits.h>
#include <stdlib.h>
#include <unistd.h>

#include "cluster_counters.h"
#include "node_stats.h"
#include "pin_layout.h"
#include "tunnel_nodes.h"

int cluster_counters_open(struct netctx *c, struct cluster_counters *cc)
{
	static struct tunnel_entry have[BPFBR_TUNNEL_NODES_MAX];
	char pin[PATH_MAX], stats_pin[PATH_MAX];
	int fd, err;

	cc->stats_fd = -1;
	cc->n = 0;
	err = pin_tunnel_nodes(&c->p, pin, sizeof(pin))
		      ?: pin_node_stats(&c->p, stats_pin, sizeof(stats_pin));
	if (err)
		return err;
	fd = tunnel_nodes_open(pin);
	if (fd < 0)
		return fd == -ENOENT ? 0 : fd;
	cc->stats_fd = node_stats_open(stats_pin);
	if (cc->stats_fd < 0) {
		err = cc->stats_fd == -ENOENT ? 0 : cc->stats_fd; /* (an older build's datapath) */
		cc->stats_fd = -1;
	} else {
		err = tunnel_nodes_read(fd, have, BPFBR_TUNNEL_NODES_MAX, &cc->n);
	}
	for (uint32_t i = 0; i < cc->n; i++) {
		cc->nodes[i].key = have[i].key;
		cc->nodes[i].slot = have[i].node.slot;
	}
	close(fd);
	return err;
}

json_t *cluster_counters_json(const struct cluster_counters *cc, const struct cidr *pod_cidr)
{
	struct bpfbr_node_stats s;

	for (uint32_t i = 0; cc->stats_fd >= 0 && i < cc->n; i++) {
		if (cc->nodes[i].key.addr != pod_cidr->addr ||
		    cc->nodes[i].key.prefixlen != pod_cidr->prefix || !cc->nodes[i].slot)
			continue;
		if (node_stats_get(cc->stats_fd, cc->nodes[i].slot, &s))
			return NULL;
		return json_pack("{s:I, s:I, s:I, s:I, s:I, s:I}", "tx_packets",
				 (json_int_t)s.tx_packets, "tx_bytes", (json_int_t)s.tx_bytes,
				 "rx_packets", (json_int_t)s.rx_packets, "rx_bytes",
				 (json_int_t)s.rx_bytes, "refused", (json_int_t)s.refused,
				 "too_big", (json_int_t)s.too_big);
	}
	return NULL;
}

void cluster_counters_close(struct cluster_counters *cc)
{
	if (cc->stats_fd >= 0)
		close(cc->stats_fd);
	cc->stats_fd = -1;
}
