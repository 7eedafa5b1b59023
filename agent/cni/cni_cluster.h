/* SPDX-License-Identifier: GPL-2.0-only OR BSD-2-Clause */
/*
 * CNI ADD on a node of a declared cluster (cni layer): a network whose
 * subnet lies in the cluster CIDR is the pod network, and its addresses
 * must be this node's own (its pod CIDR); another node's would be routed
 * to that node. Networks outside the cluster CIDR are not concerned.
 */
#ifndef BPFBR_CNI_CLUSTER_H
#define BPFBR_CNI_CLUSTER_H

#include <stdint.h>

#include "cni_cmd.h"
#include "netctx.h"
#include "parse.h"

/* 0, or the CNI error (code 7 for the subnet, 103 for the address ip; ip 0:
 * not chosen yet) when subnet or ip is in the cluster but not in this
 * node's pod CIDR, or this node is not declared. */
int cni_cluster_check(struct cni_req *r, struct netctx *c, const struct cidr *subnet, uint32_t ip);

/* 0, or the CNI error 50 when the network of subnet (made already) is a
 * VXLAN cluster's and its tunnel is not as a sync makes it (the device
 * missing, its programs gone, no site for it). */
int cni_cluster_ready(struct cni_req *r, struct netctx *c, const struct cidr *subnet);

/* In a VXLAN cluster, the network of subnet (made already) gets its tunnel
 * if it is not as a sync makes it: a cluster sync, journaled as `bpfbr
 * cluster sync` is. 0, or the CNI error (50). */
int cni_cluster_settle(struct cni_req *r, struct netctx *c, const struct cidr *subnet);

#endif
