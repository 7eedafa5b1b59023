/* SPDX-License-Identifier: GPL-2.0-only OR BSD-2-Clause */
/*
 * The maps of one network. The agent pins each one with BTF under the
 * network's directory (pin name in the comment) and fills them.
 */
#ifndef BPFBR_BPF_MAPS_H
#define BPFBR_BPF_MAPS_H

#include "common.h"
#include "bpfbr/fdb.h"
#include "bpfbr/frag.h"
#include "bpfbr/limits.h"
#include "bpfbr/netcfg.h"
#include "bpfbr/port.h"
#include "bpfbr/quota.h"
#include "bpfbr/services.h"
#include "bpfbr/stats.h"

/* "config": the network's settings, one entry. */
struct {
	__uint(type, BPF_MAP_TYPE_ARRAY);
	__uint(max_entries, 1);
	__type(key, __u32);
	__type(value, struct bpfbr_netcfg);
} bpfbr_config SEC(".maps");

/* "ports": node-side device ifindex -> port. */
struct {
	__uint(type, BPF_MAP_TYPE_HASH);
	__uint(max_entries, BPFBR_MAX_PORTS);
	__type(key, __u32);
	__type(value, struct bpfbr_port);
} bpfbr_ports SEC(".maps");

/* "flood": slot -> ifindex of the port in that slot (0 = free). */
struct {
	__uint(type, BPF_MAP_TYPE_ARRAY);
	__uint(max_entries, BPFBR_MAX_PORTS);
	__type(key, __u32);
	__type(value, __u32);
} bpfbr_flood SEC(".maps");

/* "fdb": MAC -> port, static entries from the agent and learned ones. */
struct {
	__uint(type, BPF_MAP_TYPE_HASH);
	__uint(max_entries, BPFBR_FDB_MAX);
	__type(key, struct bpfbr_fdb_key);
	__type(value, struct bpfbr_fdb_entry);
} bpfbr_fdb SEC(".maps");

/* "counters": drop reasons and events, per CPU. */
struct {
	__uint(type, BPF_MAP_TYPE_PERCPU_ARRAY);
	__uint(max_entries, BPFBR_COUNTER_MAX);
	__type(key, __u32);
	__type(value, __u64);
} bpfbr_counters SEC(".maps");

/* "port_stats": per-port packet counters by slot, per CPU. */
struct {
	__uint(type, BPF_MAP_TYPE_PERCPU_ARRAY);
	__uint(max_entries, BPFBR_MAX_PORTS);
	__type(key, __u32);
	__type(value, struct bpfbr_port_stats);
} bpfbr_port_stats SEC(".maps");

/* "devmap": the ports as XDP redirect targets (XDP mode): ifindex -> ifindex. */
struct {
	__uint(type, BPF_MAP_TYPE_DEVMAP_HASH);
	__uint(max_entries, BPFBR_MAX_PORTS);
	__type(key, __u32);
	__type(value, __u32);
} bpfbr_devmap SEC(".maps");

/* "subnets" (shared by every network, pinned one level up): subnet -> network. */
struct {
	__uint(type, BPF_MAP_TYPE_LPM_TRIE);
	__uint(max_entries, 4096);
	__uint(map_flags, BPF_F_NO_PREALLOC);
	__type(key, struct bpfbr_subnet_key);
	__type(value, __u32);
} bpfbr_subnets SEC(".maps");

/* "cluster_services": Kubernetes service ranges, taken by the stack (bpfbr/services.h). */
struct {
	__uint(type, BPF_MAP_TYPE_LPM_TRIE);
	__uint(max_entries, BPFBR_SERVICES_MAX);
	__uint(map_flags, BPF_F_NO_PREALLOC);
	__type(key, struct bpfbr_service_key);
	__type(value, __u8);
} bpfbr_services SEC(".maps");

/* "inbound_flows": flows into containers through the stack, whose replies
 * return that way (netcfg.h). Not an LRU: an entry never evicts another. */
struct {
	__uint(type, BPF_MAP_TYPE_HASH);
	__uint(max_entries, BPFBR_INBOUND_MAX);
	__type(key, struct bpfbr_conn_key);
	__type(value, struct bpfbr_inbound);
} bpfbr_inbound SEC(".maps");

/* "inbound_replies" (shared, pinned one level up): inbound flows whose
 * replies leave by the uplink, which then keeps them untranslated (netcfg.h). */
struct {
	__uint(type, BPF_MAP_TYPE_LRU_HASH);
	__uint(max_entries, BPFBR_INBOUND_REPLIES_MAX);
	__type(key, struct bpfbr_conn_key);
	__type(value, __u64);
} bpfbr_inbound_replies SEC(".maps");

/* "quotas": each port's share of the fdb and of inbound_flows (quota.h). */
struct {
	__uint(type, BPF_MAP_TYPE_ARRAY);
	__uint(max_entries, BPFBR_QUOTA_TABLES);
	__type(key, __u32);
	__type(value, struct bpfbr_quota);
} bpfbr_quotas SEC(".maps");

/* A reclaim pass's counts (lib/quota.h), per CPU and table; not pinned:
 * nothing in it outlives a pass. */
struct quota_scratch {
	__u32 start[BPFBR_MAX_PORTS]; /* the counts as the pass began */
	__u32 count[BPFBR_MAX_PORTS]; /* what the pass found */
	__u32 start_total;
	__u32 count_total;
};

struct {
	__uint(type, BPF_MAP_TYPE_PERCPU_ARRAY);
	__uint(max_entries, BPFBR_QUOTA_TABLES);
	__type(key, __u32);
	__type(value, struct quota_scratch);
} bpfbr_quota_scratch SEC(".maps");

/* "node_frags": datagrams a container sends to the node, by their first fragment's verdict. */
struct {
	__uint(type, BPF_MAP_TYPE_LRU_HASH);
	__uint(max_entries, 4096);
	__type(key, struct bpfbr_frag_key);
	__type(value, struct bpfbr_node_frag);
} bpfbr_node_frags SEC(".maps");

/* A flood's walk (lib/forward.h), per CPU; not pinned: nothing in it outlives a flood. */
struct flood_state {
	__u32 pending;	    /* last port found, sent after the walk with bpf_redirect() */
	__u32 pending_slot; /* its slot */
};

struct {
	__uint(type, BPF_MAP_TYPE_PERCPU_ARRAY);
	__uint(max_entries, 1);
	__type(key, __u32);
	__type(value, struct flood_state);
} bpfbr_flood_state SEC(".maps");

static __always_inline struct bpfbr_netcfg *config_get(void)
{
	__u32 zero = 0;

	return bpf_map_lookup_elem(&bpfbr_config, &zero);
}

#endif
