/* SPDX-License-Identifier: GPL-2.0-only OR BSD-2-Clause */
/*
 * Fragments without reassembly: what the first fragment of a datagram
 * decided is remembered for the fragments after it (they carry no ports),
 * under the datagram's identity (RFC 791: source, destination, protocol,
 * identification).
 */
#ifndef BPFBR_FRAG_H
#define BPFBR_FRAG_H

#include "types.h"

struct bpfbr_frag_key {
	__u32 saddr;
	__u32 daddr;
	__u16 id;
	__u8 proto;
	__u8 pad;
};
BPFBR_STATIC_ASSERT(sizeof(struct bpfbr_frag_key) == 12, "frag key layout");

/* How long a datagram's fragments may take: the node's reassembly timeout
 * (net.ipv4.ipfrag_time, 30 s by default). */
#define BPFBR_FRAG_TIMEOUT_S 30

/*
 * Map "node_frags" of a network: datagrams whose first fragment a container
 * sent to a node address and the guard let pass; the fragments after it
 * pass too, from the same port, within BPFBR_FRAG_TIMEOUT_S.
 */
struct bpfbr_node_frag {
	__u64 first_ns; /* bpf_ktime_get_ns() of the first fragment */
	__u16 slot;	/* the port it came from */
	__u8 pad[6];
};
BPFBR_STATIC_ASSERT(sizeof(struct bpfbr_node_frag) == 16, "node frag layout");

#endif
