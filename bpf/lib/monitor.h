/* SPDX-License-Identifier: GPL-2.0-only OR BSD-2-Clause */
/*
 * Monitor events (include/bpfbr/monitor.h): a dropped packet's reason and
 * first bytes, handed to `bpfbr monitor` through a ring buffer while one
 * runs. Each object that includes this gets its own four maps (the switch's
 * under the network's pins, the masquerade's under the uplink's).
 */
#ifndef BPFBR_BPF_MONITOR_H
#define BPFBR_BPF_MONITOR_H

#include "common.h"
#include "bpfbr/monitor.h"

/* "monitor_events" */
struct {
	__uint(type, BPF_MAP_TYPE_RINGBUF);
	__uint(max_entries, BPFBR_MON_RING_BYTES);
} mon_events SEC(".maps");

/* "monitor_consumer": the running monitor's socket; empty when none runs. */
struct {
	__uint(type, BPF_MAP_TYPE_SOCKMAP);
	__uint(max_entries, 1);
	__type(key, __u32);
	__type(value, __u64);
} mon_consumer SEC(".maps");

/* "monitor_config" */
struct {
	__uint(type, BPF_MAP_TYPE_ARRAY);
	__uint(max_entries, 1);
	__type(key, __u32);
	__type(value, struct bpfbr_mon_config);
} mon_config SEC(".maps");

/* "monitor_budget" */
struct {
	__uint(type, BPF_MAP_TYPE_PERCPU_ARRAY);
	__uint(max_entries, 1);
	__type(key, __u32);
	__type(value, struct bpfbr_mon_budget);
} mon_budget SEC(".maps");

/* Whether this CPU may emit an event of type now: a monitor wants the type
 * (the config: the one lookup a packet costs when nobody monitors), still
 * runs (its socket in the consumer slot), the packet is in the sample
 * (trace events), and the CPU's bucket holds the credit. Counts what the
 * bucket holds back. */
static __always_inline bool mon_admit(__u8 type)
{
	struct bpfbr_mon_config *cfg;
	struct bpfbr_mon_budget *b;
	__u64 now, credit;
	__u32 zero = 0;
	struct bpf_sock *sk;

	cfg = bpf_map_lookup_elem(&mon_config, &zero);
	if (likely(!cfg || !(cfg->types & BPFBR_MON_TYPE_BIT(type))))
		return false;
	sk = bpf_map_lookup_elem(&mon_consumer, &zero);
	if (!sk)
		return false; /* its monitor was killed: the slot emptied with its socket */
	bpf_sk_release(sk);
	if (type == BPFBR_MON_TRACE && cfg->sample > 1 && bpf_get_prandom_u32() % cfg->sample)
		return false;
	b = bpf_map_lookup_elem(&mon_budget, &zero);
	if (!b)
		return false;
	now = bpf_ktime_get_ns();
	credit = b->credit_ns + (now - b->last_ns);
	if (credit > cfg->burst_ns)
		credit = cfg->burst_ns;
	b->last_ns = now;
	if (credit < cfg->cost_ns) {
		b->credit_ns = credit;
		b->limited++;
		return false;
	}
	b->credit_ns = credit - cfg->cost_ns;
	return true;
}

/* A ring buffer record with its header filled, or NULL (counted as lost). */
static __always_inline struct bpfbr_mon_event *
mon_reserve(__u8 type, __u32 reason, __u8 hook, __u8 verdict, __u32 ifindex, __u32 slot, __u32 len)
{
	struct bpfbr_mon_event *ev;
	struct bpfbr_mon_budget *b;
	__u32 zero = 0;

	b = bpf_map_lookup_elem(&mon_budget, &zero);
	if (!b)
		return NULL;
	ev = bpf_ringbuf_reserve(&mon_events, sizeof(*ev), 0);
	if (!ev) {
		b->lost++;
		return NULL;
	}
	b->emitted++;
	ev->time_ns = bpf_ktime_get_ns();
	ev->ifindex = ifindex;
	ev->pkt_len = len;
	ev->slot = slot;
	ev->cap_len = 0;
	ev->type = type;
	ev->reason = reason;
	ev->hook = hook;
	ev->verdict = verdict;
	ev->out_ifindex = 0;
	ev->nat_addr = 0;
	ev->nat_port = 0;
	ev->pad = 0;
	ev->pad2 = 0;
	return ev;
}

_Static_assert(!(BPFBR_MON_CAPTURE & (BPFBR_MON_CAPTURE - 1)), "a power of two: masked below");

/* How much of a packet of len bytes (never 0) an event carries: 1 to
 * BPFBR_MON_CAPTURE bytes. The mask gives the bound in the register the
 * helper gets, lower end included, which 6.1's verifier needs to see (it
 * refuses a size that may be 0); the barriers keep it in that register. */
static __always_inline __u32 mon_cap_len(__u32 len)
{
	__u32 n = len;

	barrier_var(n);
	if (n > BPFBR_MON_CAPTURE)
		n = BPFBR_MON_CAPTURE;
	n = ((n - 1) & (BPFBR_MON_CAPTURE - 1)) + 1;
	barrier_var(n);
	return n;
}

/* An event of a TC program: skb as it is now. */
static __always_inline void mon_event_skb(struct __sk_buff *skb, __u8 type, __u32 reason,
					  __u32 slot, __u8 hook, __u8 verdict, __u32 out_ifindex)
{
	struct bpfbr_mon_event *ev;
	__u32 n;

	if (likely(!mon_admit(type)))
		return;
	ev = mon_reserve(type, reason, hook, verdict, skb->ifindex, slot, skb->len);
	if (!ev)
		return;
	ev->out_ifindex = out_ifindex;
	n = mon_cap_len(skb->len);
	if (!bpf_skb_load_bytes(skb, 0, ev->data, n))
		ev->cap_len = n;
	bpf_ringbuf_submit(ev, 0);
}

/* A translation made for the packet in skb (not translated yet): it leaves
 * as addr:port (network order). */
static __always_inline void mon_nat_new(struct __sk_buff *skb, __u32 addr, __u16 port)
{
	struct bpfbr_mon_event *ev;
	__u32 n;

	if (likely(!mon_admit(BPFBR_MON_NAT)))
		return;
	ev = mon_reserve(BPFBR_MON_NAT, 0, BPFBR_MON_HOOK_UPLINK_OUT, BPFBR_MON_NAT_NEW,
			 skb->ifindex, BPFBR_MON_NO_SLOT, skb->len);
	if (!ev)
		return;
	ev->nat_addr = addr;
	ev->nat_port = port;
	n = mon_cap_len(skb->len);
	if (!bpf_skb_load_bytes(skb, 0, ev->data, n))
		ev->cap_len = n;
	bpf_ringbuf_submit(ev, 0);
}

/* A drop seen by a TC program. */
static __always_inline void mon_drop_skb(struct __sk_buff *skb, __u32 reason, __u32 slot, __u8 hook,
					 __u8 verdict)
{
	mon_event_skb(skb, BPFBR_MON_DROP, reason, slot, hook, verdict, 0);
}

/* A switching decision of the port's TC program. */
static __always_inline void mon_trace_skb(struct __sk_buff *skb, __u32 slot, __u8 verdict,
					  __u32 out_ifindex)
{
	mon_event_skb(skb, BPFBR_MON_TRACE, 0, slot, BPFBR_MON_HOOK_PORT_TC, verdict, out_ifindex);
}

/* An event of an XDP program. */
static __always_inline void mon_event_xdp(struct xdp_md *ctx, __u8 type, __u32 reason, __u32 slot,
					  __u8 verdict, __u32 out_ifindex)
{
	struct bpfbr_mon_event *ev;
	__u32 len, n;

	if (likely(!mon_admit(type)))
		return;
	len = bpf_xdp_get_buff_len(ctx); /* a helper call: only for an event */
	ev = mon_reserve(type, reason, BPFBR_MON_HOOK_PORT_XDP, verdict, ctx->ingress_ifindex, slot,
			 len);
	if (!ev)
		return;
	ev->out_ifindex = out_ifindex;
	n = mon_cap_len(len);
	if (!bpf_xdp_load_bytes(ctx, 0, ev->data, n))
		ev->cap_len = n;
	bpf_ringbuf_submit(ev, 0);
}

/* A drop seen by an XDP program. */
static __always_inline void mon_drop_xdp(struct xdp_md *ctx, __u32 reason, __u32 slot)
{
	mon_event_xdp(ctx, BPFBR_MON_DROP, reason, slot, BPFBR_MON_DROPPED, 0);
}

#endif
