/* SPDX-License-Identifier: GPL-2.0-only OR BSD-2-Clause */
/*
 * Incremental Internet checksum updates in software (RFC 1624), for fields
 * the checksum helpers cannot reach, such as the headers embedded in an
 * ICMP error. Values are taken as stored in the packet (network order).
 */
#ifndef BPFBR_BPF_CSUM_H
#define BPFBR_BPF_CSUM_H

#include "common.h"

static __always_inline __u16 csum_fold(__u32 sum)
{
	sum = (sum & 0xffff) + (sum >> 16);
	sum = (sum & 0xffff) + (sum >> 16);
	return (__u16)sum;
}

/* HC' = ~(~HC + ~m + m') */
static __always_inline __u16 csum_update16(__u16 csum, __u16 old, __u16 new)
{
	__u32 sum = (__u16)~csum + (__u32)(__u16)~old + new;

	return (__u16)~csum_fold(sum);
}

static __always_inline __u16 csum_update32(__u16 csum, __u32 old, __u32 new)
{
	csum = csum_update16(csum, old >> 16, new >> 16);
	return csum_update16(csum, old & 0xffff, new & 0xffff);
}

#endif
