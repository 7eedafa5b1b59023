/* SPDX-License-Identifier: GPL-2.0-only OR BSD-2-Clause */
/* The pinned cluster_node_stats map (include/bpfbr/node_stats.h): read and cleared by slot. */
#ifndef BPFBR_NODE_STATS_MAP_H
#define BPFBR_NODE_STATS_MAP_H

#include <stdbool.h>
#include <stdint.h>

#include "bpfbr/node_stats.h"

/* The map pinned at pin: an fd, or -errno. */
int node_stats_open(const char *pin);
/* The counters of slot, summed over the CPUs: 0 or -errno. */
int node_stats_get(int fd, uint32_t slot, struct bpfbr_node_stats *out);
/* Zeroes every slot that used[] (BPFBR_NODE_STATS_MAX of them) does not
 * mark and that counted something: 0 or -errno. */
int node_stats_clear_unused(int fd, const bool *used);

#endif
