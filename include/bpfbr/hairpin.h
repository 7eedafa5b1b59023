/* SPDX-License-Identifier: GPL-2.0-only OR BSD-2-Clause */
/*
 * Hairpin: a container of the network connecting to a published port of
 * another container of the same network (or its own), on the node's address
 * (bpf/lib/hairpin.h). Pins under PINS/NET/:
 *   "hairpin_ports" struct bpfbr_pub_key (the node's address, protocol,
 *                   host port) -> struct bpfbr_hairpin_target: the
 *                   network's own containers' published ports, written by
 *                   the agent beside the uplink's "published" map and
 *                   removed with the container's port.
 *   "hairpin_flows" struct bpfbr_conn_key (the published container's
 *                   replies: container -> client) -> struct
 *                   bpfbr_hairpin_flow: what the replies are turned back
 *                   into. Bounded (BPFBR_HAIRPIN_FLOWS_MAX), idle entries
 *                   reclaimed when it is full, a port's entries removed
 *                   with it.
 */
#ifndef BPFBR_HAIRPIN_H
#define BPFBR_HAIRPIN_H

#include "types.h"

#define BPFBR_HAIRPIN_FLOWS_MAX 16384

struct bpfbr_hairpin_target {
	__u32 ifindex; /* the published container's port (node-side device) */
	__u16 port;    /* the container's port, network order */
	__u16 pad;
};
BPFBR_STATIC_ASSERT(sizeof(struct bpfbr_hairpin_target) == 8, "hairpin target layout");

enum bpfbr_hairpin_flags {
	/* The client is the published container itself: its source was
	 * turned into the gateway's address (as portmap's and Docker's
	 * masquerade of a hairpin), so that the answer comes back through
	 * the switch. */
	BPFBR_HAIRPIN_SELF = 1 << 0,
	/* The published container answered (TCP: the longer timeout). */
	BPFBR_HAIRPIN_ANSWERED = 1 << 1,
};

struct bpfbr_hairpin_flow {
	__u64 seen_ns;	 /* the flow's last packet (refreshed at most once a second) */
	__u32 node_addr; /* the address the client connected to, network order */
	__u16 node_port; /* the host port it connected to, network order */
	__u16 slot;	 /* the published container's port: only its replies belong */
	__u8 flags;	 /* enum bpfbr_hairpin_flags */
	__u8 pad[7];
};
BPFBR_STATIC_ASSERT(sizeof(struct bpfbr_hairpin_flow) == 24, "hairpin flow layout");

#endif
