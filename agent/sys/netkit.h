/* SPDX-License-Identifier: GPL-2.0-only OR BSD-2-Clause */
/*
 * netkit pairs (Linux 6.7+), made over rtnetlink: a veth-like pair whose
 * BPF programs run in the transmit path of each end, attached through BPF
 * links on the primary (node-side) end. bpfbr makes them in L2 mode (ARP,
 * MACs and broadcast as on veth) with the peer already in the container's
 * namespace and a peer policy of drop: until the switch program is linked,
 * nothing the container sends goes anywhere.
 */
#ifndef BPFBR_NETKIT_H
#define BPFBR_NETKIT_H

#include <stdint.h>

#include "netlink.h"

/* The kernel's UAPI numbers (include/uapi/linux/bpf.h, if_link.h, 6.7+),
 * newer than this libbpf's and these system headers. */
#define BPF_NETKIT_PRIMARY_VALUE 54
#define BPF_NETKIT_PEER_VALUE	 55

struct netkit_req {
	const char *name; /* primary, in the socket's namespace */
	const char *peer_name;
	int peer_netns_fd;	 /* -1: the peer stays in the socket's namespace */
	const uint8_t *peer_mac; /* NULL: kernel-chosen */
	unsigned int mtu;	 /* both ends; 0: the default */
};

int nl_netkit_create(struct nl *nl, const struct netkit_req *req);

/*
 * Whether this kernel makes netkit pairs: 0, or -errno saying why not
 * (-EOPNOTSUPP: no netkit driver). Found by making one in a namespace of
 * a child process that ends with it: nothing of the node is touched.
 */
int netkit_probe(void);
/* The same in the caller's own (throwaway) namespace. */
int netkit_probe_here(void);

#endif
