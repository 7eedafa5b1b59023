/* SPDX-License-Identifier: GPL-2.0-only OR BSD-2-Clause */
/*
 * Masquerade only off the cluster (core layer): the "nomasq" map of every
 * uplink that masquerades holds the declared cluster's CIDR, in direct
 * mode every node's address, and the non-masquerade CIDRs; a pod's packet
 * to one of them leaves with its own address (bpf/uplink.bpf.c).
 */
#ifndef BPFBR_CLUSTER_NOMASQ_H
#define BPFBR_CLUSTER_NOMASQ_H

#include "cluster.h"
#include "netctx.h"
#include "uplinkdp.h"

/* Makes u's map exactly what cl says (empty when cl is not declared). A
 * datapath of a build without the map is left as it is. */
int cluster_nomasq_set(const struct uplinkdp *u, const struct cluster *cl);
/* The same from the stored declaration: a datapath made or upgraded (a
 * build without the map gets an empty one). */
int cluster_nomasq_fill(struct netctx *c, const struct uplinkdp *u);
/* The same for every uplink a network masquerades through. */
int cluster_nomasq_sync(struct netctx *c, const struct cluster *cl);

#endif
