/* SPDX-License-Identifier: GPL-2.0-only OR BSD-2-Clause */
/*
 * A network just made on a node of a VXLAN cluster (core layer): if it is
 * the pod network (its subnet in the cluster CIDR) and the tunnel is not as
 * a sync makes it (the device waits for a masquerading pod network), the
 * cluster is synced now, journaled as `bpfbr cluster sync` is. Called after
 * `net create` and after the CNI ADD that made the network.
 */
#ifndef BPFBR_CLUSTER_SETTLE_H
#define BPFBR_CLUSTER_SETTLE_H

#include <stddef.h>

#include "netctx.h"
#include "parse.h"

/* 0 when nothing was needed or the sync made it; else -errno, with why
 * (size bytes) saying what was not ready. */
int cluster_settle(struct netctx *c, const struct cidr *subnet, char *why, size_t size);

#endif
