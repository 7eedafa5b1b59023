// SPDX-License-Identifier: GPL-2.0-only OR BSD-2-Clause
/* Source learning: unknown MACs are learned on their ingress port, known ones refreshed. */
#include <errno.h>
#include <stdio.h>
#include <bpf/bpf.h>

#include "bpfbr/limits.h"
#include "expect.h"
#include "fixture.h"
#include "harness.h"

/* Learning from containers needs the spoof checks off: with them a container
 * may only send from its own (static) MAC. */

#define NSEC_PER_SEC 1000000000ull

/* The learned entry for mac: on port p, not static, seen within [t0, t1]. */
static bool expect_learned(struct fx *fx, const uint8_t *mac, int p, uint64_t t0, uint64_t t1,
			   const char *what)
{
	struct bpfbr_fdb_entry e;
	char m[160];
	bool ok = true;

	snprintf(m, sizeof(m), "%s: fdb entry exists", what);
	if (!ASSERT_OK(sw_fdb_get(&fx->sw, mac, &e), m))
		return false;
	snprintf(m, sizeof(m), "%s: entry ifindex is %s", what, fx->env.dev[p].name);
	ok &= ASSERT_EQ(e.ifindex, fx->port[p].ifindex, m);
	snprintf(m, sizeof(m), "%s: entry slot", what);
	ok &= ASSERT_EQ(e.slot, fx->port[p].slot, m);
	snprintf(m, sizeof(m), "%s: entry port kind", what);
	ok &= ASSERT_EQ(e.port_kind, fx->port[p].kind, m);
	snprintf(m, sizeof(m), "%s: entry is not static", what);
	ok &= ASSERT_EQ(e.flags, 0, m);
	snprintf(m, sizeof(m), "%s: seen_ns not before the run", what);
	ok &= ASSERT_TRUE(e.seen_ns >= t0, m);
	snprintf(m, sizeof(m), "%s: seen_ns not after the run", what);
	ok &= ASSERT_TRUE(e.seen_ns <= t1, m);
	return ok;
}

TEST(learn_unknown_source)
{
	uint8_t m1[6];
	uint64_t t0, t1;
	struct sw_run r;
	struct frame f;
	struct fx fx;

	if (!fx_setup(&fx, 4, 4, 0))
		return;
	/* A second MAC inside container 1 (a macvlan, a nested bridge): same IP, new MAC. */
	fx_stranger_mac(m1, 1);
	if (!ASSERT_EQ(sw_fdb_get(&fx.sw, m1, &(struct bpfbr_fdb_entry){}), -ENOENT,
		       "the MAC is unknown before"))
		goto out;
	frame_icmp_echo(&f, fx.port[C2].mac, m1, fx.port[C1].ipv4, fx.port[C2].ipv4, 1);
	t0 = now_ns();
	if (!fx_run(&fx, C1, &f, &r))
		goto out;
	t1 = now_ns();
	expect_deliver(&fx.env, &r, &f, C2, BPFBR_TRACE_PEER, "first frame from a new MAC");
	ASSERT_EQ(r.delta[BPFBR_EV_LEARNED], 1, "event learned +1");
	expect_learned(&fx, m1, C1, t0, t1, "learned on container port 1");

	/* Known now: a second frame learns nothing new. */
	if (!fx_run(&fx, C1, &f, &r))
		goto out;
	expect_deliver(&fx.env, &r, &f, C2, BPFBR_TRACE_PEER, "second frame from that MAC");
	ASSERT_EQ(r.delta[BPFBR_EV_LEARNED], 0, "event learned does not move again");
	expect_learned(&fx, m1, C1, t0, now_ns(), "still on container port 1");

	/* And the switch now delivers to it instead of flooding. */
	frame_icmp_echo(&f, m1, fx.port[C2].mac, fx.port[C2].ipv4, fx.port[C1].ipv4, 2);
	if (fx_run(&fx, C2, &f, &r))
		expect_deliver(&fx.env, &r, &f, C1, BPFBR_TRACE_PEER, "reply to the learned MAC");
out:
	fx_teardown(&fx);
}

/* A MAC behind the gateway port is learned as such, and reached by bpf_redirect. */
TEST(learn_behind_gateway)
{
	uint8_t node[6];
	uint64_t t0, t1;
	struct sw_run r;
	struct frame f;
	struct fx fx;

	if (!fx_setup(&fx, 4, 4, 0))
		return;
	fx_stranger_mac(node, 2);
	frame_icmp_echo(&f, fx.port[C3].mac, node, ip4(192, 0, 2, 7), fx.port[C3].ipv4, 1);
	t0 = now_ns();
	if (!fx_run(&fx, GW, &f, &r))
		goto out;
	t1 = now_ns();
	expect_deliver(&fx.env, &r, &f, C3, BPFBR_TRACE_PEER, "frame from the node side");
	ASSERT_EQ(r.delta[BPFBR_EV_LEARNED], 1, "event learned +1");
	expect_learned(&fx, node, GW, t0, t1, "learned on the gateway port");

	frame_icmp_echo(&f, node, fx.port[C3].mac, fx.port[C3].ipv4, ip4(192, 0, 2, 7), 2);
	if (fx_run(&fx, C3, &f, &r))
		expect_deliver(&fx.env, &r, &f, GW, BPFBR_TRACE_EGRESS,
			       "to a MAC learned behind the gateway");
out:
	fx_teardown(&fx);
}

/* A port's own MAC is static: its frames neither learn nor touch the entry. */
TEST(learn_static_untouched)
{
	struct bpfbr_fdb_entry e;
	struct sw_run r;
	struct frame f;
	struct fx fx;

	if (!fx_setup(&fx, 4, 4, 0))
		return;
	frame_arp_request(&f, fx.port[C1].mac, fx.port[C1].ipv4, fx.port[GW].ipv4);
	if (fx_run(&fx, C1, &f, &r)) {
		expect_flood(&fx.env, &r, &f, (int[]){ GW, C2, C3 }, 3,
			     "ARP from a port's own MAC");
		ASSERT_EQ(r.delta[BPFBR_EV_LEARNED], 0, "event learned does not move");
	}
	if (ASSERT_OK(sw_fdb_get(&fx.sw, fx.port[C1].mac, &e), "static entry still there")) {
		ASSERT_EQ(e.flags, BPFBR_FDB_STATIC, "still static");
		ASSERT_EQ(e.seen_ns, 0, "its seen_ns is not written");
		ASSERT_EQ(e.ifindex, fx.port[C1].ifindex, "still on its port");
	}
	fx_teardown(&fx);
}

/* A learned entry last seen long ago is refreshed by a frame from its MAC. */
TEST(learn_refreshes_seen)
{
	struct bpfbr_fdb_entry e;
	uint8_t m1[6];
	uint64_t t0;
	struct sw_run r;
	struct frame f;
	struct fx fx;

	if (!fx_setup(&fx, 4, 4, 0))
		return;
	fx_stranger_mac(m1, 1);
	e = (struct bpfbr_fdb_entry){
		.ifindex = fx.port[C1].ifindex,
		.slot = C1,
		.port_kind = BPFBR_PORT_CONTAINER,
		.seen_ns = 1,
	};
	t0 = now_ns();
	/* The program refreshes entries older than 1 s; 1 ns after boot is. */
	if (!ASSERT_TRUE(t0 > 2 * NSEC_PER_SEC, "the clock is past 2 s") ||
	    !ASSERT_OK(sw_fdb_put(&fx.sw, m1, &e), "insert an old learned entry"))
		goto out;
	frame_icmp_echo(&f, fx.port[GW].mac, m1, fx.port[C1].ipv4, ip4(192, 0, 2, 7), 1);
	if (!fx_run(&fx, C1, &f, &r))
		goto out;
	expect_deliver(&fx.env, &r, &f, GW, BPFBR_TRACE_EGRESS, "frame from an old entry's MAC");
	ASSERT_EQ(r.delta[BPFBR_EV_LEARNED], 0, "a refresh is not counted as learning");
	expect_learned(&fx, m1, C1, t0, now_ns(), "refreshed entry");
out:
	fx_teardown(&fx);
}

/* When the fdb is full the frame still goes through; learning fails and says so. */
TEST(learn_fdb_full)
{
	struct bpfbr_fdb_entry e = { .slot = C2, .port_kind = BPFBR_PORT_CONTAINER };
	uint8_t mac[6] = { 0x02, 0xdd };
	uint8_t m1[6];
	struct sw_run r;
	struct frame f;
	struct fx fx;
	int err = 0;

	if (!fx_setup(&fx, 4, 4, 0))
		return;
	e.ifindex = fx.port[C2].ifindex;
	e.seen_ns = now_ns();
	/* The four static entries are in; fill the rest. */
	for (uint32_t i = 4; !err && i < BPFBR_FDB_MAX; i++) {
		mac[3] = (uint8_t)(i >> 16);
		mac[4] = (uint8_t)(i >> 8);
		mac[5] = (uint8_t)i;
		err = sw_fdb_put(&fx.sw, mac, &e);
	}
	if (!ASSERT_OK(err, "fill the fdb to its capacity"))
		goto out;
	fx_stranger_mac(m1, 1);
	frame_icmp_echo(&f, fx.port[C3].mac, m1, fx.port[C1].ipv4, fx.port[C3].ipv4, 1);
	if (!fx_run(&fx, C1, &f, &r))
		goto out;
	expect_deliver(&fx.env, &r, &f, C3, BPFBR_TRACE_PEER, "frame from a new MAC, fdb full");
	ASSERT_EQ(r.delta[BPFBR_EV_FDB_FULL], 1, "event fdb-full +1");
	ASSERT_EQ(r.delta[BPFBR_EV_LEARNED], 0, "event learned does not move");
	ASSERT_EQ(sw_fdb_get(&fx.sw, m1, &e), -ENOENT, "the new MAC is not in the fdb");
out:
	fx_teardown(&fx);
}
