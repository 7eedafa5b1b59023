/* SPDX-License-Identifier: GPL-2.0-only OR BSD-2-Clause */
/*
 * Fixed-width types for structs shared by the BPF programs and the agent.
 * BPF objects are built on vmlinux.h, which already defines __u8 … __u64;
 * userspace takes them from the UAPI header.
 */
#ifndef BPFBR_TYPES_H
#define BPFBR_TYPES_H

#ifndef __VMLINUX_H__
#include <linux/types.h>
#endif

#define BPFBR_ETH_ALEN 6

#define BPFBR_STATIC_ASSERT(cond, msg) _Static_assert(cond, msg)

#endif
