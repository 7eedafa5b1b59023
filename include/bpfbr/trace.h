/* SPDX-License-Identifier: GPL-2.0-only OR BSD-2-Clause */
/*
 * Redirect trace for the unit tests (global "trace" in .bss, recorded only
 * when the .rodata flag trace_redirects is set before load): BPF_PROG_TEST_RUN
 * returns a verdict but not where a redirect would have sent the frame.
 */
#ifndef BPFBR_TRACE_H
#define BPFBR_TRACE_H

#include "types.h"

#define BPFBR_TRACE_MAX 16

enum bpfbr_trace_how {
	BPFBR_TRACE_EGRESS = 1, /* bpf_redirect() / bpf_clone_redirect(): out of the port */
	BPFBR_TRACE_PEER = 2,	/* bpf_redirect_peer(): into the port's peer */
};

struct redirect_trace {
	__u32 n;
	__u32 ifindex[BPFBR_TRACE_MAX];
	__u32 how[BPFBR_TRACE_MAX];
};

#endif
