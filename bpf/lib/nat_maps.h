/* SPDX-License-Identifier: GPL-2.0-only OR BSD-2-Clause */
/* The maps of one uplink's masquerade state (see include/bpfbr/nat.h). */
#ifndef BPFBR_BPF_NAT_MAPS_H
#define BPFBR_BPF_NAT_MAPS_H

#include "common.h"
#include "bpfbr/nat.h"
#include "bpfbr/netcfg.h"
#include "bpfbr/nomasq.h"
#include "bpfbr/stats.h"
#include "monitor.h"

#define NAT_ENDPOINTS_MAX 65536
#define NAT_FRAGS_MAX	  8192

struct {
	__uint(type, BPF_MAP_TYPE_ARRAY);
	__uint(max_entries, 1);
	__type(key, __u32);
	__type(value, struct bpfbr_uplink_cfg);
} nat_config SEC(".maps");

struct {
	__uint(type, BPF_MAP_TYPE_HASH);
	__uint(max_entries, NAT_ENDPOINTS_MAX);
	__type(key, __u32);
	__type(value, struct bpfbr_endpoint);
} nat_endpoints SEC(".maps");

/* max_entries is set by the agent to --nat-max before load. */
struct {
	__uint(type, BPF_MAP_TYPE_ARRAY);
	__uint(max_entries, 1);
	__type(key, __u32);
	__type(value, struct bpfbr_flow);
} nat_flows SEC(".maps");

/* slot -> where the remote's next TCP segment starts, as far as seen (0: not
 * yet); sized like nat_flows. Touched by the replies' path only. */
struct {
	__uint(type, BPF_MAP_TYPE_ARRAY);
	__uint(max_entries, 1);
	__type(key, __u32);
	__type(value, __u32);
} nat_flow_seq SEC(".maps");

/* slot -> the flow's packets and bytes each way; sized like nat_flows. */
struct {
	__uint(type, BPF_MAP_TYPE_ARRAY);
	__uint(max_entries, 1);
	__type(key, __u32);
	__type(value, struct bpfbr_flow_stats);
} nat_flow_stats SEC(".maps");

struct {
	__uint(type, BPF_MAP_TYPE_QUEUE);
	__uint(max_entries, 1);
	__type(value, __u32);
} nat_free SEC(".maps");

struct {
	__uint(type, BPF_MAP_TYPE_HASH);
	__uint(max_entries, 1);
	__type(key, struct bpfbr_nat_key);
	__type(value, __u32);
} nat_out SEC(".maps");

struct {
	__uint(type, BPF_MAP_TYPE_HASH);
	__uint(max_entries, 1);
	__type(key, struct bpfbr_nat_key);
	__type(value, __u32);
} nat_in SEC(".maps");

struct {
	__uint(type, BPF_MAP_TYPE_LRU_HASH);
	__uint(max_entries, NAT_FRAGS_MAX);
	__type(key, struct bpfbr_frag_key);
	__type(value, struct bpfbr_nat_frag);
} nat_frags SEC(".maps");

struct {
	__uint(type, BPF_MAP_TYPE_PERCPU_ARRAY);
	__uint(max_entries, BPFBR_COUNTER_MAX);
	__type(key, __u32);
	__type(value, __u64);
} nat_counters SEC(".maps");

struct {
	__uint(type, BPF_MAP_TYPE_ARRAY);
	__uint(max_entries, 1);
	__type(key, __u32);
	__type(value, struct bpfbr_nat_gc);
} nat_gc SEC(".maps");

/* Destinations never masqueraded: the cluster's (bpfbr/nomasq.h). */
struct {
	__uint(type, BPF_MAP_TYPE_LPM_TRIE);
	__uint(max_entries, BPFBR_NOMASQ_MAX);
	__uint(map_flags, BPF_F_NO_PREALLOC);
	__type(key, struct bpfbr_nomasq_key);
	__type(value, __u8);
} nat_nomasq SEC(".maps");

/* Inbound flows whose replies the switch saw leave for the uplink: kept
 * untranslated (bpfbr/netcfg.h: the switches' "inbound_replies", shared). */
struct {
	__uint(type, BPF_MAP_TYPE_LRU_HASH);
	__uint(max_entries, BPFBR_INBOUND_REPLIES_MAX);
	__type(key, struct bpfbr_conn_key);
	__type(value, __u64);
} nat_inbound_replies SEC(".maps");

/* Flows to the cluster the stack forwarded, by their replies (bpfbr/nomasq.h). */
struct {
	__uint(type, BPF_MAP_TYPE_LRU_HASH);
	__uint(max_entries, BPFBR_STACK_FLOWS_MAX);
	__type(key, struct bpfbr_conn_key);
	__type(value, __u64);
} nat_stack_flows SEC(".maps");

static __always_inline bool nomasq_dst(__u32 daddr)
{
	struct bpfbr_nomasq_key key = { .prefixlen = 32, .addr = daddr };

	return bpf_map_lookup_elem(&nat_nomasq, &key) != NULL;
}

/* XDP mode: the containers' ports as redirect targets, ifindex -> ifindex. */
struct {
	__uint(type, BPF_MAP_TYPE_DEVMAP_HASH);
	__uint(max_entries, NAT_ENDPOINTS_MAX);
	__type(key, __u32);
	__type(value, __u32);
} nat_devmap SEC(".maps");

static __always_inline struct bpfbr_uplink_cfg *uplink_cfg(void)
{
	__u32 zero = 0;

	return bpf_map_lookup_elem(&nat_config, &zero);
}

static __always_inline void nat_count(__u32 counter)
{
	__u64 *v = bpf_map_lookup_elem(&nat_counters, &counter);

	if (v)
		*v += 1;
}

/* The one exit for packets the uplink's TC programs drop: counted, and shown to a monitor. */
#define UPLINK_OUT BPFBR_MON_HOOK_UPLINK_OUT
#define UPLINK_IN  BPFBR_MON_HOOK_UPLINK_IN

/* The one exit for packets the uplink's TC programs drop: counted, and shown to
 * a monitor. hook: UPLINK_OUT or UPLINK_IN, the program's. */
static __always_inline int nat_drop(struct __sk_buff *skb, __u8 hook, __u32 reason)
{
	nat_count(reason);
	mon_drop_skb(skb, reason, BPFBR_MON_NO_SLOT, hook, BPFBR_MON_DROPPED);
	return TC_ACT_SHOT;
}

/* The exit of the uplink's TC programs: a verdict as it is, a negative drop reason counted. */
static __always_inline int nat_verdict(struct __sk_buff *skb, __u8 hook, int ret)
{
	return ret < 0 ? nat_drop(skb, hook, -ret) : ret;
}

/* The counts of the flow created at flow_ns start at 0. */
static __always_inline void flow_stats_reset(__u32 slot, __u64 flow_ns)
{
	struct bpfbr_flow_stats *st = bpf_map_lookup_elem(&nat_flow_stats, &slot);

	if (st)
		*st = (struct bpfbr_flow_stats){ .flow_ns = flow_ns };
}

/* A translated frame of len bytes of the flow in slot: reply or not. */
static __always_inline void flow_count(__u32 slot, const struct bpfbr_flow *fl, bool reply,
				       __u32 len)
{
	struct bpfbr_flow_stats *st = bpf_map_lookup_elem(&nat_flow_stats, &slot);

	if (!st || st->flow_ns != fl->created_ns)
		return; /* made by an older build: not counted */
	if (reply) {
		__sync_fetch_and_add(&st->in_packets, 1);
		__sync_fetch_and_add(&st->in_bytes, len);
	} else {
		__sync_fetch_and_add(&st->out_packets, 1);
		__sync_fetch_and_add(&st->out_bytes, len);
	}
}

#endif
