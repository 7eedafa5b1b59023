/* SPDX-License-Identifier: GPL-2.0-only OR BSD-2-Clause */
/*
 * Per-port shares of the tables that what ports send fills: MACs learned
 * behind a port (fdb), flows the node opened into a container (inbound).
 * Map "quotas": one entry per table (enum bpfbr_quota_table). A port holds
 * at most its share of a table and the table at most its total
 * (limits.h); an entry never evicts another. The datapath counts as it
 * inserts and removes; when a port or the table is at its limit it runs a
 * reclaim pass (at most once a second per table) that removes the entries
 * past their time and corrects the counts from what the table holds (the
 * agent removes a port's entries at detach without counting).
 */
#ifndef BPFBR_QUOTA_H
#define BPFBR_QUOTA_H

#include "limits.h"
#include "types.h"

enum bpfbr_quota_table {
	BPFBR_QUOTA_FDB = 0,	 /* learned MACs by the port they were learned on */
	BPFBR_QUOTA_INBOUND = 1, /* inbound flows by the container's port */
	BPFBR_QUOTA_TABLES,
};

struct bpfbr_quota {
	__u64 swept_ns; /* bpf_ktime_get_ns() of the last reclaim pass */
	__u32 total;	/* entries of every port (atomic) */
	__u32 pad;
	__u32 used[BPFBR_MAX_PORTS]; /* entries by port slot (atomic) */
};
BPFBR_STATIC_ASSERT(sizeof(struct bpfbr_quota) == 16 + 4 * BPFBR_MAX_PORTS, "quota layout");

#endif
