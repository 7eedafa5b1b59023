/* SPDX-License-Identifier: GPL-2.0-only OR BSD-2-Clause */
/* The IPv6 maps of one network (include/bpfbr/net6.h), pinned beside maps.h's. */
#ifndef BPFBR_BPF_MAPS6_H
#define BPFBR_BPF_MAPS6_H

#include "common.h"
#include "bpfbr/limits.h"
#include "bpfbr/net6.h"

/* "config6": the network's IPv6 subnet and gateway, one entry. */
struct {
	__uint(type, BPF_MAP_TYPE_ARRAY);
	__uint(max_entries, 1);
	__type(key, __u32);
	__type(value, struct bpfbr_netcfg6);
} bpfbr_config6 SEC(".maps");

/* "ports6": node-side device ifindex -> the container's IPv6 addresses. */
struct {
	__uint(type, BPF_MAP_TYPE_HASH);
	__uint(max_entries, BPFBR_MAX_PORTS);
	__type(key, __u32);
	__type(value, struct bpfbr_port6);
} bpfbr_ports6 SEC(".maps");

/* "inbound6_flows": UDP the node sent into containers (net6.h). */
struct {
	__uint(type, BPF_MAP_TYPE_LRU_HASH);
	__uint(max_entries, BPFBR_INBOUND6_MAX);
	__type(key, struct bpfbr_conn6_key);
	__type(value, struct bpfbr_inbound6);
} bpfbr_inbound6 SEC(".maps");

/* The network's IPv6 settings, or NULL when it has no IPv6 subnet. */
static __always_inline struct bpfbr_netcfg6 *config6_get(void)
{
	struct bpfbr_netcfg6 *c6;
	__u32 zero = 0;

	c6 = bpf_map_lookup_elem(&bpfbr_config6, &zero);
	return c6 && c6->prefix ? c6 : NULL;
}

#endif
