/* SPDX-License-Identifier: GPL-2.0-only OR BSD-2-Clause */
/* Forwarding database: MAC address -> port. Map pin name: "fdb". */
#ifndef BPFBR_FDB_H
#define BPFBR_FDB_H

#include "types.h"

struct bpfbr_fdb_key {
	__u8 mac[BPFBR_ETH_ALEN];
	__u16 pad; /* always 0: keys are compared bytewise */
};
BPFBR_STATIC_ASSERT(sizeof(struct bpfbr_fdb_key) == 8, "fdb key layout");

enum bpfbr_fdb_flags {
	/* Written by the agent for a port's own MAC: never aged, never moved. */
	BPFBR_FDB_STATIC = 1 << 0,
};

struct bpfbr_fdb_entry {
	__u32 ifindex;	/* port device the MAC lives behind */
	__u16 slot;	/* that port's slot (counters, flood list) */
	__u8 flags;	/* enum bpfbr_fdb_flags */
	__u8 port_kind; /* enum bpfbr_port_kind of that port */
	__u64 seen_ns;	/* bpf_ktime_get_ns() when last refreshed (CLOCK_MONOTONIC) */
};
BPFBR_STATIC_ASSERT(sizeof(struct bpfbr_fdb_entry) == 16, "fdb entry layout");

#endif
