// SPDX-License-Identifier: GPL-2.0-only OR BSD-2-Clause
#include <errno.h>
#include <stdio.h>
#include <linux/pkt_cls.h>

#include "counter_names.h"
#include "expect.h"
#include "harness.h"

/* How long a clone may take to reach its endpoint before it counts as lost.
 * Only a bound for a copy that is due: nothing waits this long when it came. */
#define COPY_TIMEOUT_MS 2000

/* The agent's name for a counter (as status prints it), or "counter N". */
const char *counter_label(int counter)
{
	static char unnamed[24];
	const char *name = counter >= 0 ? counter_name((uint32_t)counter) : NULL;

	if (name)
		return name;
	snprintf(unnamed, sizeof(unnamed), "counter %d", counter);
	return unnamed;
}

bool expect_drops_only(const struct sw_run *r, int except, const char *what)
{
	char m[200];
	bool ok = true;

	for (int d = BPFBR_DROP_NONE + 1; d < BPFBR_DROP_MAX; d++) {
		if (d == except)
			continue;
		snprintf(m, sizeof(m), "%s: counter \"%s\" must not move", what, counter_label(d));
		ok &= ASSERT_EQ(r->delta[d], 0, m);
	}
	return ok;
}

static bool frame_unchanged(const struct sw_run *r, const struct frame *in, const char *what)
{
	char m[200];

	snprintf(m, sizeof(m), "%s: length of the frame out", what);
	if (!ASSERT_EQ(r->out_len, in->len, m))
		return false;
	snprintf(m, sizeof(m), "%s: frame out identical to the frame in", what);
	return ASSERT_MEMEQ(r->out, in->data, in->len, m);
}

bool expect_no_copies(struct env *env, const char *what)
{
	uint8_t buf[FRAME_MAX];
	char m[200];
	bool ok = true;

	for (int i = 0; i < env->ndevs; i++) {
		int n = env_recv(env, i, buf, sizeof(buf), 0);

		snprintf(m, sizeof(m), "%s: endpoint %s received nothing", what,
			 env->dev[i].peer_name);
		ok &= ASSERT_EQ(n, -EAGAIN, m);
	}
	return ok;
}

bool expect_drop(struct env *env, const struct sw_run *r, const struct frame *in, int reason,
		 const char *what)
{
	char m[200];
	bool ok = true;

	snprintf(m, sizeof(m), "%s: verdict TC_ACT_SHOT", what);
	ok &= ASSERT_EQ(r->verdict, TC_ACT_SHOT, m);
	snprintf(m, sizeof(m), "%s: counter \"%s\" +1", what, counter_label(reason));
	ok &= ASSERT_EQ(r->delta[reason], 1, m);
	ok &= expect_drops_only(r, reason, what);
	snprintf(m, sizeof(m), "%s: no redirect recorded", what);
	ok &= ASSERT_EQ(r->trace.n, 0, m);
	ok &= frame_unchanged(r, in, what);
	ok &= expect_no_copies(env, what);
	return ok;
}

bool expect_deliver(struct env *env, const struct sw_run *r, const struct frame *in, int dev,
		    int how, const char *what)
{
	char m[200];
	bool ok = true;

	snprintf(m, sizeof(m), "%s: verdict TC_ACT_REDIRECT", what);
	ok &= ASSERT_EQ(r->verdict, TC_ACT_REDIRECT, m);
	snprintf(m, sizeof(m), "%s: exactly one redirect", what);
	if (ASSERT_EQ(r->trace.n, 1, m)) {
		snprintf(m, sizeof(m), "%s: redirected to %s", what, env->dev[dev].name);
		ok &= ASSERT_EQ(r->trace.ifindex[0], env->dev[dev].ifindex, m);
		snprintf(m, sizeof(m), "%s: redirected %s", what,
			 how == BPFBR_TRACE_PEER ? "into the peer (bpf_redirect_peer)"
						 : "out of the port (bpf_redirect)");
		ok &= ASSERT_EQ(r->trace.how[0], how, m);
	} else {
		ok = false;
	}
	ok &= expect_drops_only(r, BPFBR_DROP_NONE, what);
	snprintf(m, sizeof(m), "%s: not flooded", what);
	ok &= ASSERT_EQ(r->delta[BPFBR_EV_FLOOD], 0, m);
	ok &= frame_unchanged(r, in, what);
	ok &= expect_no_copies(env, what);
	return ok;
}

/* A flood to devs[0..n); `withheld`: the drop reason counted for the copy the node was refused. */
static bool flood(struct env *env, const struct sw_run *r, const struct frame *in, const int *devs,
		  int n, int withheld, const char *what)
{
	uint8_t buf[FRAME_MAX];
	char m[200];
	bool ok = true;

	snprintf(m, sizeof(m), "%s: verdict TC_ACT_REDIRECT", what);
	ok &= ASSERT_EQ(r->verdict, TC_ACT_REDIRECT, m);
	snprintf(m, sizeof(m), "%s: event flood +1", what);
	ok &= ASSERT_EQ(r->delta[BPFBR_EV_FLOOD], 1, m);
	if (withheld) {
		snprintf(m, sizeof(m), "%s: counter \"%s\" +1 (the copy for the node)", what,
			 counter_label(withheld));
		ok &= ASSERT_EQ(r->delta[withheld], 1, m);
	}
	ok &= expect_drops_only(r, withheld, what);
	ok &= frame_unchanged(r, in, what);
	snprintf(m, sizeof(m), "%s: one redirect per flooded port", what);
	ok &= ASSERT_EQ(r->trace.n, n, m);
	for (int i = 0; i < n && i < (int)r->trace.n && i < BPFBR_TRACE_MAX; i++) {
		snprintf(m, sizeof(m), "%s: copy %d goes out of %s", what, i,
			 env->dev[devs[i]].name);
		ok &= ASSERT_EQ(r->trace.ifindex[i], env->dev[devs[i]].ifindex, m);
		snprintf(m, sizeof(m), "%s: copy %d sent out of the port (egress)", what, i);
		ok &= ASSERT_EQ(r->trace.how[i], BPFBR_TRACE_EGRESS, m);
	}
	/* The clones: bpf_clone_redirect() transmitted them during the run. */
	for (int i = 0; i + 1 < n; i++) {
		int got = env_recv(env, devs[i], buf, sizeof(buf), COPY_TIMEOUT_MS);

		snprintf(m, sizeof(m), "%s: endpoint %s received a clone of %zu bytes", what,
			 env->dev[devs[i]].peer_name, in->len);
		if (!ASSERT_EQ(got, (long long)in->len, m)) {
			ok = false;
			continue;
		}
		snprintf(m, sizeof(m), "%s: clone at %s identical to the frame in", what,
			 env->dev[devs[i]].peer_name);
		ok &= ASSERT_MEMEQ(buf, in->data, in->len, m);
	}
	/* Nothing more anywhere: not at the ingress port, not twice, not elsewhere. */
	ok &= expect_no_copies(env, what);
	return ok;
}

bool expect_flood(struct env *env, const struct sw_run *r, const struct frame *in, const int *devs,
		  int n, const char *what)
{
	return flood(env, r, in, devs, n, BPFBR_DROP_NONE, what);
}

bool expect_flood_withheld(struct env *env, const struct sw_run *r, const struct frame *in,
			   const int *devs, int n, int reason, const char *what)
{
	return flood(env, r, in, devs, n, reason, what);
}

bool expect_xdp(const struct sw_run *r, int action, int reason, const char *what)
{
	char m[200];
	bool ok = true;

	snprintf(m, sizeof(m), "%s: XDP action %d", what, action);
	ok &= ASSERT_EQ(r->verdict, action, m);
	if (reason) {
		snprintf(m, sizeof(m), "%s: counter \"%s\" +1", what, counter_label(reason));
		ok &= ASSERT_EQ(r->delta[reason], 1, m);
	}
	return ok & expect_drops_only(r, reason, what);
}
