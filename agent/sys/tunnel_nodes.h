/* SPDX-License-Identifier: GPL-2.0-only OR BSD-2-Clause */
/* The pinned tunnel_nodes map (include/bpfbr/tunnel.h): read and made whole. */
#ifndef BPFBR_TUNNEL_NODES_H
#define BPFBR_TUNNEL_NODES_H

#include <stdint.h>

#include "bpfbr/tunnel.h"

struct tunnel_entry {
	struct bpfbr_tunnel_key key;
	struct bpfbr_tunnel_node node;
};

/* The map pinned at pin: an fd, or -errno. */
int tunnel_nodes_open(const char *pin);
/*
 * Makes the map fd hold exactly want[0..n); *changed counts entries added,
 * changed or removed. Each entry's counter slot (bpfbr/node_stats.h) is set
 * here: the one its key already had, else a free one; the counters of the
 * map stats_fd (-1: none) that no entry's slot names are zeroed first.
 */
int tunnel_nodes_replace(int fd, int stats_fd, struct tunnel_entry *want, uint32_t n,
			 uint32_t *changed);
/* The entries of the map, up to max; *n gets how many. */
int tunnel_nodes_read(int fd, struct tunnel_entry *out, uint32_t max, uint32_t *n);

#endif
