/* SPDX-License-Identifier: GPL-2.0-only OR BSD-2-Clause */
/*
 * Reclaiming flows: a timer walks the table a chunk at a time (bounded work
 * per tick, resumable cursor), releasing flows idle past their timeout. The
 * agent runs the same walk on demand, e.g. for one container at detach.
 */
#ifndef BPFBR_BPF_NAT_GC_H
#define BPFBR_BPF_NAT_GC_H

#include "nat.h"

#define GC_INTERVAL_NS	NSEC_PER_SEC
#define GC_CHUNK	16384
#define CLOCK_MONOTONIC 1

struct sweep {
	__u64 now;
	__u32 mode; /* enum bpfbr_sweep_mode */
	__u32 addr;
	__u32 start;
	__u32 nat_max;
	__u32 reclaimed;
};

static long sweep_slot(__u32 i, struct sweep *s)
{
	__u32 slot = s->start + i;
	struct bpfbr_flow *fl;
	bool match;

	if (slot >= s->nat_max)
		slot -= s->nat_max;
	fl = flow_get(slot);
	if (!fl)
		return 0;
	switch (s->mode) {
	case BPFBR_SWEEP_ALL:
		match = true;
		break;
	case BPFBR_SWEEP_ENDPOINT:
		match = fl->iaddr == s->addr && !(fl->flags & BPFBR_FLOW_HOST);
		break;
	case BPFBR_SWEEP_NET:
		match = fl->net == s->addr && !(fl->flags & BPFBR_FLOW_HOST);
		break;
	case BPFBR_SWEEP_PORT:
		match = fl->ifindex == s->addr && !(fl->flags & BPFBR_FLOW_HOST);
		break;
	default:
		/* seen_ns may be after s->now: refreshed on another CPU meanwhile. */
		match = older_than(s->now, fl->seen_ns, flow_timeout_ns(fl));
		break;
	}
	if (match && flow_release(slot, fl))
		s->reclaimed++;
	return 0;
}

static __always_inline __u32 sweep_run(__u32 mode, __u32 addr, __u32 start, __u32 count)
{
	struct bpfbr_uplink_cfg *cfg = uplink_cfg();
	struct sweep s = { .now = bpf_ktime_get_ns(), .mode = mode, .addr = addr, .start = start };

	if (!cfg || !cfg->nat_max)
		return 0;
	s.nat_max = cfg->nat_max;
	if (s.start >= s.nat_max)
		s.start = 0;
	bpf_loop(count < s.nat_max ? count : s.nat_max, sweep_slot, &s, 0);
	return s.reclaimed;
}

static int gc_tick(void *map, __u32 *key, struct bpfbr_nat_gc *gc)
{
	struct bpfbr_uplink_cfg *cfg = uplink_cfg();
	__u32 nat_max = cfg ? cfg->nat_max : 0;

	(void)map;
	(void)key;
	if (nat_max) {
		sweep_run(BPFBR_SWEEP_EXPIRED, 0, gc->cursor, GC_CHUNK);
		gc->cursor = (gc->cursor + GC_CHUNK) % nat_max;
	}
	bpf_timer_start(&gc->timer, GC_INTERVAL_NS, 0);
	return 0;
}

/* Starts the periodic sweep once; the timer then lives as long as the pinned maps. */
static __always_inline int gc_arm(void)
{
	struct bpfbr_nat_gc *gc;
	__u32 zero = 0;
	int err;

	gc = bpf_map_lookup_elem(&nat_gc, &zero);
	if (!gc)
		return -1;
	err = bpf_timer_init(&gc->timer, &nat_gc, CLOCK_MONOTONIC);
	if (err && err != -16) /* -EBUSY: armed already, by this build or an older one */
		return err;
	/* (Re)binding the callback moves a running sweeper to this program's code. */
	err = bpf_timer_set_callback(&gc->timer, gc_tick);
	if (!err)
		err = bpf_timer_start(&gc->timer, GC_INTERVAL_NS, 0);
	return err;
}

#endif
