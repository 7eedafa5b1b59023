/* SPDX-License-Identifier: GPL-2.0-only OR BSD-2-Clause */
/*
 * Following a container's MAC (bpf/follow.bpf.c). Map "container_ifaces"
 * under the network's pins: a container's interface, named by its network
 * namespace's cookie and its ifindex there, -> the ifindex of its port (the
 * node-side end of its veth pair).
 */
#ifndef BPFBR_FOLLOW_MAP_H
#define BPFBR_FOLLOW_MAP_H

#include "types.h"

struct bpfbr_iface_key {
	__u64 netns_cookie; /* SO_NETNS_COOKIE of the container's namespace */
	__u32 ifindex;	    /* the interface's index in that namespace */
	__u32 pad;	    /* always 0: keys are compared bytewise */
};
BPFBR_STATIC_ASSERT(sizeof(struct bpfbr_iface_key) == 16, "iface key layout");

#endif
