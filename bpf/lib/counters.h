/* SPDX-License-Identifier: GPL-2.0-only OR BSD-2-Clause */
/* Counting drops (with their reason), events and per-port packets. */
#ifndef BPFBR_BPF_COUNTERS_H
#define BPFBR_BPF_COUNTERS_H

#include "maps.h"
#include "monitor.h"

#define NO_SLOT BPFBR_MON_NO_SLOT

static __always_inline void count(__u32 counter)
{
	__u64 *v = bpf_map_lookup_elem(&bpfbr_counters, &counter);

	if (v)
		*v += 1;
}

static __always_inline struct bpfbr_port_stats *port_stats(__u32 slot)
{
	return bpf_map_lookup_elem(&bpfbr_port_stats, &slot);
}

static __always_inline void count_rx(__u32 slot, __u32 len)
{
	struct bpfbr_port_stats *s = port_stats(slot);

	if (s) {
		s->rx_packets++;
		s->rx_bytes += len;
	}
}

static __always_inline void count_tx(__u32 slot, __u32 len)
{
	struct bpfbr_port_stats *s = port_stats(slot);

	if (s) {
		s->tx_packets++;
		s->tx_bytes += len;
	}
}

/* Counts a dropped frame: its reason, and a drop of the ingress port. */
static __always_inline void count_drop(__u32 reason, __u32 in_slot)
{
	count(reason);
	if (in_slot != NO_SLOT) {
		struct bpfbr_port_stats *s = port_stats(in_slot);

		if (s)
			s->drops++;
	}
}

/* The one exit for frames TC drops: counted, and shown to a monitor. */
static __always_inline int drop(struct __sk_buff *skb, __u32 reason, __u32 in_slot)
{
	count_drop(reason, in_slot);
	mon_drop_skb(skb, reason, in_slot, BPFBR_MON_HOOK_PORT_TC, BPFBR_MON_DROPPED);
	return TC_ACT_SHOT;
}

/* The one exit for frames XDP drops. */
static __always_inline int xdp_drop(struct xdp_md *ctx, __u32 reason, __u32 in_slot)
{
	count_drop(reason, in_slot);
	mon_drop_xdp(ctx, reason, in_slot);
	return XDP_DROP;
}

/* A flood's copy for one port left out or refused (the frame went on). */
static __always_inline void drop_copy(struct __sk_buff *skb, __u32 reason, __u32 in_slot)
{
	count(reason);
	mon_drop_skb(skb, reason, in_slot, BPFBR_MON_HOOK_PORT_TC, BPFBR_MON_COPY_DROPPED);
}

#endif
