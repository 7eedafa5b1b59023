/* SPDX-License-Identifier: GPL-2.0-only OR BSD-2-Clause */
/*
 * What a run may have done, asserted whole: the verdict, the redirect
 * targets, the frame out, every drop counter, and the copies the endpoints
 * received. Each returns true, or false after marking the test failed with
 * messages that start with `what`.
 */
#ifndef BPFBR_TESTS_EXPECT_H
#define BPFBR_TESTS_EXPECT_H

#include <stdbool.h>

#include "env.h"
#include "frames.h"
#include "sw.h"

/* Name of a drop reason or event counter, for messages. */
const char *counter_label(int counter);

/* No drop counter moved but `except` (BPFBR_DROP_NONE: none at all). */
bool expect_drops_only(const struct sw_run *r, int except, const char *what);

/* TC_ACT_SHOT, drop counter `reason` +1 and no other, no redirect, frame
 * unchanged, no copy anywhere. */
bool expect_drop(struct env *env, const struct sw_run *r, const struct frame *in, int reason,
		 const char *what);

/* TC_ACT_REDIRECT to exactly one port, env device `dev`, the way `how`
 * (enum bpfbr_trace_how); no drop, no flood, frame unchanged, no copy. */
bool expect_deliver(struct env *env, const struct sw_run *r, const struct frame *in, int dev,
		    int how, const char *what);

/*
 * A flood to env devices devs[0..n), in that order (slot order): one
 * EGRESS redirect each; every one but the last received a clone
 * byte-identical to the input (the last is the program's bpf_redirect(),
 * which the test run reports but does not carry out); no other endpoint
 * received anything; the FLOOD event +1, no drop; frame unchanged.
 */
bool expect_flood(struct env *env, const struct sw_run *r, const struct frame *in, const int *devs,
		  int n, const char *what);

/* As expect_flood(), with the node refused its copy: the gateway is not among
 * devs, and drop counter `reason` moved by one (and no other). */
bool expect_flood_withheld(struct env *env, const struct sw_run *r, const struct frame *in,
			   const int *devs, int n, int reason, const char *what);

/* An XDP run's action (XDP_DROP, XDP_PASS, XDP_REDIRECT), with drop counter
 * `reason` +1 (BPFBR_DROP_NONE: no drop counter moved). */
bool expect_xdp(const struct sw_run *r, int action, int reason, const char *what);

/* No endpoint has received anything. */
bool expect_no_copies(struct env *env, const char *what);

#endif
