/* SPDX-License-Identifier: GPL-2.0-only OR BSD-2-Clause */
/*
 * Kubernetes services (core layer): the "cluster_services" map of every
 * network's switch holds the declared cluster's service CIDRs; a pod's
 * packet to one of them takes the node's stack, where kube-proxy's DNAT
 * is, instead of the routing fast path (bpf/lib/route.h).
 */
#ifndef BPFBR_CLUSTER_SERVICES_H
#define BPFBR_CLUSTER_SERVICES_H

#include "cluster.h"
#include "netctx.h"
#include "switchdp.h"

/* Makes dp's map exactly what cl says (empty when cl is not declared). */
int cluster_services_set(const struct switchdp *dp, const struct cluster *cl);
/* The same from the stored declaration: a switch made, restored or upgraded. */
int cluster_services_fill(struct netctx *c, const struct switchdp *dp);
/* The same for every network's switch. */
int cluster_services_sync(struct netctx *c, const struct cluster *cl);

#endif
