/* SPDX-License-Identifier: GPL-2.0-only OR BSD-2-Clause */
/*
 * Ports of a network. Map "ports": ifindex of the node-side device -> port.
 * Map "flood": slot -> ifindex (0 = free slot), the list a flood walks.
 */
#ifndef BPFBR_PORT_H
#define BPFBR_PORT_H

#include "types.h"

enum bpfbr_port_kind {
	/* Node-side end of a container's veth pair; frames for the container
	 * are delivered into its namespace with bpf_redirect_peer(). */
	BPFBR_PORT_CONTAINER = 1,
	/* Switch-side end of the gateway veth pair; its peer holds the gateway
	 * address in the node namespace, so frames are sent out of it. */
	BPFBR_PORT_GATEWAY = 2,
};

/* Port flags, set by the datapath itself (the agent writes 0). */
enum bpfbr_port_flags {
	/* The stack delivered a flow into this container from another container
	 * of the network (kube-proxy's DNAT of a service address, a port
	 * mapping's hairpin): its TCP and UDP to the network's containers are
	 * looked up in inbound_flows, and the replies go back through the stack,
	 * which translated the request (bpf/lib/stack_reply.h). */
	BPFBR_PORT_F_STACK_PEERS = 1 << 0,
	/* A container of the network reached this one's published port
	 * through the switch (bpfbr/hairpin.h): its TCP and UDP to the
	 * network's containers are looked up in hairpin_flows, and a reply
	 * leaves from the published port (bpf/lib/hairpin.h). */
	BPFBR_PORT_F_HAIRPIN = 1 << 1,
};

/* The device pair of a container's port (the gateway's is a veth). */
enum bpfbr_port_device {
	BPFBR_PORT_VETH = 0,
	/* netkit: the switch program runs in the transmit path of the
	 * container's end (not at a TC ingress), where bpf_redirect_peer() is
	 * refused; a frame for another container leaves through that one's
	 * node end instead (bpf/lib/forward.h). */
	BPFBR_PORT_NETKIT = 1,
};

/* The gateway's port always has slot 0. */
#define BPFBR_GATEWAY_SLOT 0

struct bpfbr_port {
	__u32 ifindex;
	__u16 slot;
	__u8 kind;		  /* enum bpfbr_port_kind */
	__u8 flags;		  /* enum bpfbr_port_flags */
	__u8 mac[BPFBR_ETH_ALEN]; /* MAC of the endpoint behind the port */
	__u8 device;		  /* enum bpfbr_port_device */
	__u8 pad2;
	__u32 ipv4; /* network order; the address the endpoint may send from */
};
BPFBR_STATIC_ASSERT(sizeof(struct bpfbr_port) == 20, "port layout");

#endif
