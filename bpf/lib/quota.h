/* SPDX-License-Identifier: GPL-2.0-only OR BSD-2-Clause */
/*
 * Per-port shares of a table (include/bpfbr/quota.h): taking and giving back
 * an entry, and the reclaim pass a table runs when a port or the whole of it
 * is at its limit. The pass walks the table (the caller's callback removes
 * what is past its time and counts the rest with quota_pass_count()) and
 * then corrects each count by what the walk found against what the count
 * was when the walk began, so that what other CPUs took and gave meanwhile
 * is kept. It can be off by what other CPUs did to the very entries the
 * walk was passing (an entry added behind it counts twice, one removed
 * ahead of it once too few), until the next pass.
 */
#ifndef BPFBR_BPF_QUOTA_H
#define BPFBR_BPF_QUOTA_H

#include "counters.h"
#include "maps.h"

#define QUOTA_PASS_EVERY_NS NSEC_PER_SEC
#define QUOTA_SLOT_MASK	    (BPFBR_MAX_PORTS - 1)

static __always_inline struct bpfbr_quota *quota_get(__u32 table)
{
	return bpf_map_lookup_elem(&bpfbr_quotas, &table);
}

/* One more entry for port slot, within per_port and the table's total. */
static __always_inline bool quota_take(struct bpfbr_quota *q, __u32 slot, __u32 per_port,
				       __u32 total)
{
	slot &= QUOTA_SLOT_MASK;
	if (__sync_fetch_and_add(&q->used[slot], 1) >= per_port) {
		__sync_fetch_and_sub(&q->used[slot], 1);
		return false;
	}
	if (__sync_fetch_and_add(&q->total, 1) >= total) {
		__sync_fetch_and_sub(&q->total, 1);
		__sync_fetch_and_sub(&q->used[slot], 1);
		return false;
	}
	return true;
}

/* An entry of port slot removed. (A count a pass set low stays at 0.) */
static __always_inline void quota_give(struct bpfbr_quota *q, __u32 slot)
{
	slot &= QUOTA_SLOT_MASK;
	if (q->used[slot])
		__sync_fetch_and_sub(&q->used[slot], 1);
	if (q->total)
		__sync_fetch_and_sub(&q->total, 1);
}

struct quota_pass {
	struct bpfbr_quota *q;
	struct quota_scratch *s;
	__u64 now;
};

static long quota_snap_slot(__u32 i, struct quota_pass *qp)
{
	i &= QUOTA_SLOT_MASK;
	qp->s->start[i] = qp->q->used[i];
	qp->s->count[i] = 0;
	return 0;
}

static long quota_fix_slot(__u32 i, struct quota_pass *qp)
{
	i &= QUOTA_SLOT_MASK;
	if (qp->s->count[i] != qp->s->start[i])
		__sync_fetch_and_add(&qp->q->used[i], qp->s->count[i] - qp->s->start[i]);
	return 0;
}

/* Starts the pass of table if none ran in the last second: true, qp set. */
static __always_inline bool quota_pass_begin(struct quota_pass *qp, __u32 table)
{
	__u64 last;

	qp->now = bpf_ktime_get_ns();
	qp->q = quota_get(table);
	qp->s = bpf_map_lookup_elem(&bpfbr_quota_scratch, &table);
	if (!qp->q || !qp->s)
		return false;
	last = qp->q->swept_ns;
	if (last && !older_than(qp->now, last, QUOTA_PASS_EVERY_NS))
		return false;
	if (__sync_val_compare_and_swap(&qp->q->swept_ns, last, qp->now) != last)
		return false; /* another CPU's pass */
	qp->s->start_total = qp->q->total;
	qp->s->count_total = 0;
	bpf_loop(BPFBR_MAX_PORTS, quota_snap_slot, qp, 0);
	return true;
}

/* The walk found an entry of port slot that stays. */
static __always_inline void quota_pass_count(struct quota_pass *qp, __u32 slot)
{
	qp->s->count[slot & QUOTA_SLOT_MASK]++;
	qp->s->count_total++;
}

static __always_inline void quota_pass_end(struct quota_pass *qp)
{
	bpf_loop(BPFBR_MAX_PORTS, quota_fix_slot, qp, 0);
	__sync_fetch_and_add(&qp->q->total, qp->s->count_total - qp->s->start_total);
}

#endif
