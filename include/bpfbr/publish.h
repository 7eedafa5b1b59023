/* SPDX-License-Identifier: GPL-2.0-only OR BSD-2-Clause */
/*
 * Published ports (`bpfbr attach --publish`, CNI portMappings) of one
 * uplink's address. Map "published" under PINS/uplinks/IFNAME/:
 * struct bpfbr_pub_key (host address, protocol, host port) ->
 * struct bpfbr_pub_target (the container's address and port). A connection
 * to a published port becomes a flow of the uplink's masquerade table whose
 * outside port is the host port (nat.h, BPFBR_FLOW_PUBLISHED): its packets
 * either way are translated by that flow, and it ends as masquerade's do.
 */
#ifndef BPFBR_PUBLISH_H
#define BPFBR_PUBLISH_H

#include "types.h"

#define BPFBR_PUBLISHED_MAX 65536

struct bpfbr_pub_key {
	__u32 addr; /* the node's address it is published on (the uplink's), network order */
	__u16 port; /* host port, network order */
	__u8 proto; /* IPPROTO_TCP or IPPROTO_UDP */
	__u8 pad;
};
BPFBR_STATIC_ASSERT(sizeof(struct bpfbr_pub_key) == 8, "published key layout");

struct bpfbr_pub_target {
	__u32 addr; /* the container's address (an endpoint of the uplink), network order */
	__u16 port; /* the container's port, network order */
	__u16 pad;
};
BPFBR_STATIC_ASSERT(sizeof(struct bpfbr_pub_target) == 8, "published target layout");

#endif
