/* SPDX-License-Identifier: GPL-2.0-only OR BSD-2-Clause */
/*
 * The cluster in `bpfbr status` (core layer): on a network whose subnet is
 * in the declared cluster CIDR (the pod network), the cluster, its mode,
 * the network's MTU, and every node with whether its route is in place.
 */
#ifndef BPFBR_CLUSTER_REPORT_H
#define BPFBR_CLUSTER_REPORT_H

#include <jansson.h>

#include "model.h"
#include "netctx.h"

/* {"cidr", "mode", "vni", "port", "self", "mtu", "non_masquerade", "nodes":
 * [{"name", "address", "pod_cidr", "self", "route": "ok" | "missing" |
 * "local"}], "unreachable_route": "ok" | "missing"}; NULL when ns is not a
 * pod network of the declared cluster. */
json_t *cluster_report(struct netctx *c, const struct netstate *ns);

#endif
