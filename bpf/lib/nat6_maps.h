/* SPDX-License-Identifier: GPL-2.0-only OR BSD-2-Clause */
/* The IPv6 maps of one uplink's masquerade state (see include/bpfbr/nat6.h). */
#ifndef BPFBR_BPF_NAT6_MAPS_H
#define BPFBR_BPF_NAT6_MAPS_H

#include "common.h"
#include "bpfbr/nat.h"
#include "bpfbr/nat6.h"

struct {
	__uint(type, BPF_MAP_TYPE_ARRAY);
	__uint(max_entries, 1);
	__type(key, __u32);
	__type(value, struct bpfbr_uplink_cfg6);
} nat_config6 SEC(".maps");

struct {
	__uint(type, BPF_MAP_TYPE_HASH);
	__uint(max_entries, 65536);
	__type(key, struct in6_addr);
	__type(value, struct bpfbr_endpoint);
} nat_endpoints6 SEC(".maps");

/* max_entries of these three is set by the agent to --nat-max before load. */
struct {
	__uint(type, BPF_MAP_TYPE_ARRAY);
	__uint(max_entries, 1);
	__type(key, __u32);
	__type(value, struct bpfbr_flow6);
} nat_flows6 SEC(".maps");

struct {
	__uint(type, BPF_MAP_TYPE_HASH);
	__uint(max_entries, 1);
	__type(key, struct bpfbr_nat6_key);
	__type(value, __u32);
} nat_out6 SEC(".maps");

struct {
	__uint(type, BPF_MAP_TYPE_HASH);
	__uint(max_entries, 1);
	__type(key, struct bpfbr_nat6_key);
	__type(value, __u32);
} nat_in6 SEC(".maps");

struct {
	__uint(type, BPF_MAP_TYPE_LRU_HASH);
	__uint(max_entries, 8192);
	__type(key, struct bpfbr_frag6_key);
	__type(value, struct bpfbr_nat_frag);
} nat_frags6 SEC(".maps");

/* The uplink's IPv6 address, or NULL when it has none. */
static __always_inline struct bpfbr_uplink_cfg6 *uplink_cfg6(void)
{
	struct bpfbr_uplink_cfg6 *c6;
	__u32 zero = 0;
	__u32 *a;

	c6 = bpf_map_lookup_elem(&nat_config6, &zero);
	if (!c6)
		return NULL;
	a = (__u32 *)c6->addr;
	return (a[0] | a[1] | a[2] | a[3]) ? c6 : NULL;
}

#endif
