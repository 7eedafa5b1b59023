/* SPDX-License-Identifier: GPL-2.0-only OR BSD-2-Clause */
/*
 * The maps every network's datapath shares, pinned at the top of the pin
 * directory (core layer): tunnel_nodes (a cluster's nodes),
 * cluster_node_stats (their counters) and inbound_replies (inbound flows
 * kept untranslated). The networks' switches and their uplinks make them;
 * nothing else uses them, so they go with the last network. (The subnets
 * map has its own, subnets.h.)
 */
#ifndef BPFBR_SHARED_PINS_H
#define BPFBR_SHARED_PINS_H

#include "netctx.h"

/* The shared pins removed when no network's datapath is left. */
void shared_pins_release(struct netctx *c);

#endif
