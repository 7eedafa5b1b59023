/* SPDX-License-Identifier: GPL-2.0-only OR BSD-2-Clause */
/*
 * A flow-based ("external", collect_md) VXLAN device through libmnl: no
 * remote, no VNI, no FDB of its own; the BPF programs on it name the remote
 * node and the VNI of every packet. It does no ARP (the inner destination
 * MAC is its own: the programs deliver by IP) and has no IPv6 link-local
 * address (nothing of its own to send).
 */
#ifndef BPFBR_NL_VXLAN_H
#define BPFBR_NL_VXLAN_H

#include <stdint.h>

#include "netlink.h"

/* The outer IPv4, UDP and VXLAN headers and the inner Ethernet header. */
#define VXLAN_OVERHEAD 50

struct vxlan_req {
	const char *name;
	uint16_t port;	  /* UDP destination port, host order */
	unsigned int mtu; /* 0: the kernel's */
	int link_ifindex; /* the device the tunnel leaves through (0: any) */
};

/* Creates the device, up; -EEXIST when the name is taken. */
int nl_vxlan_create(struct nl *nl, const struct vxlan_req *req);

struct vxlan_info {
	uint8_t collect_md;
	uint16_t port; /* host order */
};
/* The VXLAN settings of the device ifindex; -EMEDIUMTYPE when it is not VXLAN. */
int nl_vxlan_get(struct nl *nl, int ifindex, struct vxlan_info *info);

#endif
