/* SPDX-License-Identifier: GPL-2.0-only OR BSD-2-Clause */
/*
 * Map "cluster_services" of a network's switch (PINS/NETWORK/): the
 * Kubernetes service CIDRs of the declared cluster (bpfbr cluster set
 * --service-cidr), an LPM trie of struct bpfbr_service_key -> __u8 (1).
 * kube-proxy translates a service address in the node's netfilter, which
 * the routing fast path skips: a pod's packet for one of these ranges takes
 * the node's stack instead. Filled by agent/core/cluster_services.c; empty:
 * no range is special, as before there was a cluster.
 */
#ifndef BPFBR_SERVICES_H
#define BPFBR_SERVICES_H

#include "types.h"

#define BPFBR_SERVICES_MAX 16

struct bpfbr_service_key {
	__u32 prefixlen; /* LPM trie key: prefix length first */
	__u32 addr;	 /* network order */
};
BPFBR_STATIC_ASSERT(sizeof(struct bpfbr_service_key) == 8, "service key layout");

#endif
