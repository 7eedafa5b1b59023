/* SPDX-License-Identifier: GPL-2.0-only OR BSD-2-Clause */
/*
 * Recording redirect targets for the unit tests (see include/bpfbr/trace.h).
 * The agent leaves trace_redirects false, and the verifier removes the code.
 */
#ifndef BPFBR_BPF_TRACE_H
#define BPFBR_BPF_TRACE_H

#include "common.h"
#include "bpfbr/trace.h"

const volatile bool trace_redirects = false;
struct redirect_trace trace;

static __always_inline void trace_redirect(__u32 ifindex, __u32 how)
{
	__u32 i;

	if (!trace_redirects)
		return;
	i = trace.n;
	if (i < BPFBR_TRACE_MAX) {
		trace.ifindex[i] = ifindex;
		trace.how[i] = how;
	}
	trace.n = i + 1;
}

#endif
