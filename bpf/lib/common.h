/* SPDX-License-Identifier: GPL-2.0-only OR BSD-2-Clause */
/*
 * Headers and constants every BPF program of bpfbr needs, and the one return
 * convention of the helpers in bpf/lib:
 *
 *   < 0   a drop: -BPFBR_DROP_x (include/bpfbr/stats.h). The program's exit
 *         (drop(), count_drop(), nat_drop(), nat_verdict()) counts the
 *         reason, -ret, at its fixed index and drops the packet.
 *   >= 0  not a drop: a TC or XDP verdict to return as it is, with
 *         TC_ACT_OK (0) for "go on" where the helper decides nothing
 *         more, or a decision its header names (SW_FLOOD, FLOW_RACED).
 *
 * So a reason never passes for a verdict (TC_ACT_UNSPEC, -1, is never
 * used), and no helper hands a reason back through a pointer. Helpers that
 * only succeed or fail without a reason of their own (a parser the caller
 * judges, a header rewrite) return bool or 0/non-zero, never a reason.
 */
#ifndef BPFBR_BPF_COMMON_H
#define BPFBR_BPF_COMMON_H

#include "vmlinux.h"
#include <bpf/bpf_helpers.h>
#include <bpf/bpf_endian.h>

/* Macros of the UAPI headers that vmlinux.h (types only) does not carry. */
#define ETH_HLEN     14
#define ETH_P_IP     0x0800
#define ETH_P_ARP    0x0806
#define ETH_P_IPV6   0x86DD
#define ETH_P_8021Q  0x8100
#define ETH_P_8021AD 0x88A8
#define VLAN_HLEN    4

#define ARPHRD_ETHER  1
#define ARPOP_REQUEST 1

#define XDP_DROP 1
#define XDP_PASS 2

#define TC_ACT_OK	0
#define TC_ACT_SHOT	2
#define TC_ACT_REDIRECT 7

#define PACKET_HOST 0

#define NSEC_PER_SEC 1000000000ULL

/*
 * A stamp of bpf_ktime_get_ns() older than age_ns at time now. The difference
 * is signed: a stamp another CPU wrote after this one read the clock lies in
 * the future, and is fresh, not 584 years old.
 */
static __always_inline bool older_than(__u64 now, __u64 then, __u64 age_ns)
{
	return (__s64)(now - then) > (__s64)age_ns;
}

#ifndef likely
#define likely(x)   __builtin_expect(!!(x), 1)
#define unlikely(x) __builtin_expect(!!(x), 0)
#endif

#endif
