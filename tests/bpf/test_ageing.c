// SPDX-License-Identifier: GPL-2.0-only OR BSD-2-Clause
/*
 * Ageing: a learned entry last seen more than ageing_ns ago is as good as
 * unknown (flood), and is deleted on the way; static entries never age.
 *
 * No test waits for an entry to age. The entries are written with the
 * seen_ns a test wants, and the ageing time is chosen against the clock:
 * seen_ns = 0 with ageing_ns = now/2 is older than the ageing time for any
 * "now" the program can read afterwards, on a long-running host as in a VM
 * that booted seconds ago (where now - 300 s would not even exist).
 */
#include <errno.h>

#include "expect.h"
#include "fixture.h"
#include "harness.h"

TEST(ageing_learned_entry_expires)
{
	struct bpfbr_fdb_entry e, old;
	uint8_t m1[6];
	struct sw_run r;
	struct frame f;
	struct fx fx;

	if (!fx_setup(&fx, 4, 4, BPFBR_NET_SPOOFCHK))
		return;
	fx.cfg.ageing_ns = now_ns() / 2;
	if (!ASSERT_TRUE(fx.cfg.ageing_ns > 0, "the clock has started") || !fx_config(&fx))
		goto out;
	fx_stranger_mac(m1, 1);
	old = (struct bpfbr_fdb_entry){
		.ifindex = fx.port[C2].ifindex,
		.slot = C2,
		.port_kind = BPFBR_PORT_CONTAINER,
		.seen_ns = 0,
	};
	if (!ASSERT_OK(sw_fdb_put(&fx.sw, m1, &old), "insert a learned entry last seen at 0"))
		goto out;

	frame_icmp_echo(&f, m1, fx.port[C1].mac, fx.port[C1].ipv4, fx.port[C2].ipv4, 1);
	if (!fx_run(&fx, C1, &f, &r))
		goto out;
	expect_flood(&fx.env, &r, &f, (int[]){ GW, C2, C3 }, 3, "to an aged-out MAC");
	ASSERT_EQ(r.delta[BPFBR_EV_AGED], 1, "event aged +1");
	ASSERT_EQ(sw_fdb_get(&fx.sw, m1, &e), -ENOENT, "the aged entry is deleted");

	/* Once gone it is plain unknown: flooded again, nothing more aged. */
	if (fx_run(&fx, C1, &f, &r)) {
		expect_flood(&fx.env, &r, &f, (int[]){ GW, C2, C3 }, 3, "to the MAC again");
		ASSERT_EQ(r.delta[BPFBR_EV_AGED], 0, "event aged does not move again");
	}
out:
	fx_teardown(&fx);
}

TEST(ageing_static_never)
{
	struct bpfbr_fdb_entry e;
	struct sw_run r;
	struct frame f;
	struct fx fx;

	if (!fx_setup(&fx, 4, 4, BPFBR_NET_SPOOFCHK))
		return;
	/* Static entries carry seen_ns 0: with a 1 ns ageing time each is ancient. */
	fx.cfg.ageing_ns = 1;
	if (!fx_config(&fx))
		goto out;
	frame_icmp_echo(&f, fx.port[C2].mac, fx.port[C1].mac, fx.port[C1].ipv4, fx.port[C2].ipv4,
			1);
	if (fx_run(&fx, C1, &f, &r)) {
		expect_deliver(&fx.env, &r, &f, C2, BPFBR_TRACE_PEER, "to a static MAC");
		ASSERT_EQ(r.delta[BPFBR_EV_AGED], 0, "event aged does not move");
	}
	frame_icmp_echo(&f, fx.port[GW].mac, fx.port[C3].mac, fx.port[C3].ipv4, ip4(192, 0, 2, 7),
			2);
	if (fx_run(&fx, C3, &f, &r))
		expect_deliver(&fx.env, &r, &f, GW, BPFBR_TRACE_EGRESS, "to the gateway's MAC");
	if (ASSERT_OK(sw_fdb_get(&fx.sw, fx.port[C2].mac, &e), "static entry still there"))
		ASSERT_EQ(e.flags, BPFBR_FDB_STATIC, "and still static");
out:
	fx_teardown(&fx);
}

/* Within the ageing time a learned entry is used as is. */
TEST(ageing_fresh_entry_kept)
{
	struct bpfbr_fdb_entry e;
	uint8_t m1[6];
	struct sw_run r;
	struct frame f;
	struct fx fx;

	if (!fx_setup(&fx, 4, 4, BPFBR_NET_SPOOFCHK))
		return;
	fx_stranger_mac(m1, 1);
	e = (struct bpfbr_fdb_entry){
		.ifindex = fx.port[C2].ifindex,
		.slot = C2,
		.port_kind = BPFBR_PORT_CONTAINER,
		.seen_ns = now_ns(), /* the default 300 s ageing time is far off */
	};
	if (!ASSERT_OK(sw_fdb_put(&fx.sw, m1, &e), "insert a learned entry seen now"))
		goto out;
	frame_icmp_echo(&f, m1, fx.port[C1].mac, fx.port[C1].ipv4, fx.port[C2].ipv4, 1);
	if (fx_run(&fx, C1, &f, &r)) {
		expect_deliver(&fx.env, &r, &f, C2, BPFBR_TRACE_PEER, "to a fresh learned MAC");
		ASSERT_EQ(r.delta[BPFBR_EV_AGED], 0, "event aged does not move");
	}
	ASSERT_OK(sw_fdb_get(&fx.sw, m1, &e), "the entry is kept");
out:
	fx_teardown(&fx);
}

/*
 * An entry refreshed on another CPU after this one read the clock is seen
 * "in the future": fresh, not aged out (its age is a signed difference).
 */
TEST(ageing_refreshed_meanwhile)
{
	struct bpfbr_fdb_entry e;
	uint8_t m1[6];
	struct sw_run r;
	struct frame f;
	struct fx fx;

	if (!fx_setup(&fx, 4, 4, BPFBR_NET_SPOOFCHK))
		return;
	fx_stranger_mac(m1, 1);
	e = (struct bpfbr_fdb_entry){
		.ifindex = fx.port[C2].ifindex,
		.slot = C2,
		.port_kind = BPFBR_PORT_CONTAINER,
		.seen_ns = now_ns() + 10ull * 1000000000ull,
	};
	if (!ASSERT_OK(sw_fdb_put(&fx.sw, m1, &e), "a learned entry seen after the program's now"))
		goto out;
	frame_icmp_echo(&f, m1, fx.port[C1].mac, fx.port[C1].ipv4, fx.port[C2].ipv4, 1);
	if (fx_run(&fx, C1, &f, &r)) {
		expect_deliver(&fx.env, &r, &f, C2, BPFBR_TRACE_PEER, "to the MAC, fresh");
		ASSERT_EQ(r.delta[BPFBR_EV_AGED], 0, "nothing aged");
	}
out:
	fx_teardown(&fx);
}
