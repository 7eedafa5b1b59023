// SPDX-License-Identifier: GPL-2.0-only OR BSD-2-Clause
/*
 * Learning is bounded (include/bpfbr/quota.h): a port learns at most
 * BPFBR_FDB_LEARN_PER_PORT MACs and the network at most BPFBR_FDB_LEARN_MAX,
 * so that every port's static entry always fits; past that a frame is
 * switched all the same, its MAC not learned (counted). When room is needed,
 * learned entries past the ageing time go, looked up or not.
 */
#include <errno.h>
#include <stdio.h>
#include <string.h>
#include <linux/pkt_cls.h>

#include "bpfbr/limits.h"
#include "expect.h"
#include "fixture.h"
#include "harness.h"

/* The n-th MAC a flood of sources uses: 02:ee:<n>. */
static void flood_mac(uint8_t mac[6], uint32_t n)
{
	const uint8_t m[6] = {
		0x02, 0xee, (uint8_t)(n >> 24), (uint8_t)(n >> 16), (uint8_t)(n >> 8), (uint8_t)n
	};

	memcpy(mac, m, 6);
}

/* Container slot c sends one frame from the n-th flood MAC to c2; false if the run failed. */
static bool send_from(struct fx *fx, int c, uint32_t n, int c2, struct sw_run *r)
{
	uint8_t mac[6];
	struct frame f;

	flood_mac(mac, n);
	frame_icmp_echo(&f, fx->port[c2].mac, mac, fx->port[c].ipv4, fx->port[c2].ipv4, 1);
	return fx_run(fx, c, &f, r);
}

TEST(fdb_learning_per_port)
{
	uint64_t learned = 0, full = 0;
	struct bpfbr_port extra;
	struct sw_run r;
	struct fx fx;
	uint8_t mac[6];

	if (!fx_setup(&fx, 5, 4, 0))
		return;
	for (uint32_t n = 0; n < BPFBR_FDB_LEARN_PER_PORT + 20; n++) {
		if (!send_from(&fx, C1, n, C2, &r))
			goto out;
		if (!ASSERT_EQ(r.verdict, TC_ACT_REDIRECT, "every frame is switched"))
			goto out;
		learned += r.delta[BPFBR_EV_LEARNED];
		full += r.delta[BPFBR_EV_FDB_PORT_FULL];
	}
	ASSERT_EQ(learned, BPFBR_FDB_LEARN_PER_PORT, "C1 learns its share");
	ASSERT_EQ(full, 20, "and is refused the rest, counted");
	flood_mac(mac, BPFBR_FDB_LEARN_PER_PORT + 1);
	ASSERT_EQ(sw_fdb_get(&fx.sw, mac, &(struct bpfbr_fdb_entry){}), -ENOENT,
		  "a MAC past C1's share is not learned");
	/* Another port learns as before. */
	if (send_from(&fx, C2, 100000, C1, &r))
		ASSERT_EQ(r.delta[BPFBR_EV_LEARNED], 1, "C2 learns a MAC of its own");
	/* A new port's static entry finds room. */
	fx_port_init(&extra, 1, 4, fx.env.dev[4].ifindex, BPFBR_PORT_CONTAINER);
	ASSERT_OK(sw_add_port(&fx.sw, &extra), "a port added after the flood");
out:
	fx_teardown(&fx);
}

/* When C1's share is used up, its entries past the ageing time make room. */
TEST(fdb_learning_reclaims_aged)
{
	struct bpfbr_fdb_entry e;
	struct sw_run r;
	struct fx fx;
	uint8_t mac[6];

	if (!fx_setup(&fx, 4, 4, 0))
		return;
	/* Entries seen at 1 ns are past an ageing time of half the clock, on a
	 * host up for weeks as in a VM up for seconds (test_ageing.c). */
	fx.cfg.ageing_ns = now_ns() / 2;
	if (!fx_config(&fx))
		goto out;
	for (uint32_t n = 0; n < BPFBR_FDB_LEARN_PER_PORT; n++)
		if (!send_from(&fx, C1, n, C2, &r) ||
		    !ASSERT_EQ(r.delta[BPFBR_EV_LEARNED], 1, "learn"))
			goto out;
	/* Those entries are never looked up again, and their time passes. */
	for (uint32_t n = 0; n < BPFBR_FDB_LEARN_PER_PORT; n++) {
		flood_mac(mac, n);
		if (!ASSERT_OK(sw_fdb_get(&fx.sw, mac, &e), "a learned entry"))
			goto out;
		e.seen_ns = 1;
		if (!ASSERT_OK(sw_fdb_put(&fx.sw, mac, &e), "age it"))
			goto out;
	}
	if (!send_from(&fx, C1, 1000000, C2, &r))
		goto out;
	ASSERT_EQ(r.delta[BPFBR_EV_AGED], BPFBR_FDB_LEARN_PER_PORT, "the aged entries go");
	ASSERT_EQ(r.delta[BPFBR_EV_LEARNED], 1, "and the new MAC is learned");
	ASSERT_EQ(r.delta[BPFBR_EV_FDB_PORT_FULL], 0, "without refusal");
out:
	fx_teardown(&fx);
}

/*
 * A table full of entries it does not count (learned by an older build):
 * the map refuses the insert; the pass that follows removes the aged ones,
 * and the next frame is learned.
 */
TEST(fdb_full_of_uncounted_entries)
{
	struct bpfbr_fdb_entry e = { .slot = C2, .port_kind = BPFBR_PORT_CONTAINER, .seen_ns = 1 };
	struct sw_run r;
	struct fx fx;
	uint8_t mac[6];
	int err = 0;

	if (!fx_setup(&fx, 4, 4, 0))
		return;
	/* (As above: seen at 1 ns, past half the clock.) */
	fx.cfg.ageing_ns = now_ns() / 2;
	if (!fx_config(&fx))
		goto out;
	e.ifindex = fx.port[C2].ifindex;
	for (uint32_t i = 4; !err && i < BPFBR_FDB_MAX; i++) {
		flood_mac(mac, 0x10000000 + i);
		err = sw_fdb_put(&fx.sw, mac, &e);
	}
	if (!ASSERT_OK(err, "fill the fdb with aged entries") || !send_from(&fx, C1, 1, C2, &r))
		goto out;
	ASSERT_EQ(r.delta[BPFBR_EV_FDB_FULL], 1, "the first new MAC meets a full map");
	ASSERT_EQ(r.delta[BPFBR_EV_AGED], BPFBR_FDB_MAX - 4, "and the aged entries go");
	if (send_from(&fx, C1, 1, C2, &r))
		ASSERT_EQ(r.delta[BPFBR_EV_LEARNED], 1, "the next frame is learned");
out:
	fx_teardown(&fx);
}
