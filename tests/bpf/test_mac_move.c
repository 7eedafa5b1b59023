// SPDX-License-Identifier: GPL-2.0-only OR BSD-2-Clause
/*
 * A MAC seen on another port: a learned entry moves with it (a container
 * migrated, a VM moved), a static one (a port's own address) never does.
 */
#include <stdio.h>

#include "expect.h"
#include "fixture.h"
#include "harness.h"

TEST(mac_move_learned)
{
	struct bpfbr_fdb_entry e;
	uint8_t m1[6];
	struct sw_run r;
	struct frame f;
	struct fx fx;

	if (!fx_setup(&fx, 4, 4, 0))
		return;
	fx_stranger_mac(m1, 1);
	frame_icmp_echo(&f, fx.port[GW].mac, m1, fx.port[C1].ipv4, ip4(192, 0, 2, 7), 1);
	if (!fx_run(&fx, C1, &f, &r) ||
	    !ASSERT_EQ(r.delta[BPFBR_EV_LEARNED], 1, "learned on container port 1"))
		goto out;

	/* The same MAC now speaks from container port 2. */
	frame_icmp_echo(&f, fx.port[GW].mac, m1, fx.port[C2].ipv4, ip4(192, 0, 2, 7), 2);
	if (!fx_run(&fx, C2, &f, &r))
		goto out;
	expect_deliver(&fx.env, &r, &f, GW, BPFBR_TRACE_EGRESS, "frame from the moved MAC");
	ASSERT_EQ(r.delta[BPFBR_EV_LEARNED], 1, "the move is learned (event learned +1)");
	if (ASSERT_OK(sw_fdb_get(&fx.sw, m1, &e), "entry after the move")) {
		ASSERT_EQ(e.ifindex, fx.port[C2].ifindex, "entry moved to container port 2");
		ASSERT_EQ(e.slot, C2, "entry slot moved too");
		ASSERT_EQ(e.port_kind, BPFBR_PORT_CONTAINER, "entry kind");
	}
	frame_icmp_echo(&f, m1, fx.port[C3].mac, fx.port[C3].ipv4, fx.port[C2].ipv4, 3);
	if (fx_run(&fx, C3, &f, &r))
		expect_deliver(&fx.env, &r, &f, C2, BPFBR_TRACE_PEER, "to the moved MAC");

	/* And on to the gateway port: the kind moves with it. */
	frame_icmp_echo(&f, fx.port[C3].mac, m1, ip4(192, 0, 2, 7), fx.port[C3].ipv4, 4);
	if (!fx_run(&fx, GW, &f, &r))
		goto out;
	ASSERT_EQ(r.delta[BPFBR_EV_LEARNED], 1, "moved behind the gateway (event learned +1)");
	if (ASSERT_OK(sw_fdb_get(&fx.sw, m1, &e), "entry after the second move")) {
		ASSERT_EQ(e.ifindex, fx.port[GW].ifindex, "entry moved to the gateway port");
		ASSERT_EQ(e.port_kind, BPFBR_PORT_GATEWAY, "entry kind is gateway now");
	}
	frame_icmp_echo(&f, m1, fx.port[C3].mac, fx.port[C3].ipv4, ip4(192, 0, 2, 7), 5);
	if (fx_run(&fx, C3, &f, &r))
		expect_deliver(&fx.env, &r, &f, GW, BPFBR_TRACE_EGRESS,
			       "to the MAC behind the gateway");
out:
	fx_teardown(&fx);
}

/* Another port's own MAC as source: refused. With the spoof checks a
 * container may only use its own MAC (MAC_SPOOF); without them, learning
 * still never moves an owned MAC (MAC_OWNED), nor does the gateway port. */
TEST(mac_move_static_refused)
{
	static const struct {
		const char *name;
		int in, owner;
	} cases[] = {
		{ "container 2 using container 1's MAC", C2, C1 },
		{ "container 1 using the gateway's MAC", C1, GW },
		{ "the gateway port using container 3's MAC", GW, C3 },
	};
	static const uint32_t flags[] = { BPFBR_NET_SPOOFCHK, 0 };
	struct bpfbr_fdb_entry e;
	struct sw_run r;
	struct frame f;
	struct fx fx;
	char what[160];

	for (size_t fl = 0; fl < 2; fl++) {
		if (!fx_setup(&fx, 4, 4, flags[fl]))
			return;
		for (size_t i = 0; i < sizeof(cases) / sizeof(cases[0]); i++) {
			const struct bpfbr_port *in = &fx.port[cases[i].in];
			const struct bpfbr_port *owner = &fx.port[cases[i].owner];

			snprintf(what, sizeof(what), "%s (spoofchk %s)", cases[i].name,
				 flags[fl] ? "on" : "off");
			/* The sender's own IP, so only the MAC is wrong. */
			frame_arp_request(&f, owner->mac, in->ipv4,
					  fx.port[cases[i].in == C3 ? C1 : C3].ipv4);
			if (!fx_run(&fx, cases[i].in, &f, &r))
				break;
			expect_drop(&fx.env, &r, &f,
				    flags[fl] && in->kind == BPFBR_PORT_CONTAINER
					    ? BPFBR_DROP_MAC_SPOOF
					    : BPFBR_DROP_MAC_OWNED,
				    what);
			ASSERT_EQ(r.delta[BPFBR_EV_LEARNED], 0, "nothing learned");
			if (!ASSERT_OK(sw_fdb_get(&fx.sw, owner->mac, &e), "owner's entry"))
				continue;
			ASSERT_EQ(e.ifindex, owner->ifindex, "the static entry stays on its owner");
			ASSERT_EQ(e.flags, BPFBR_FDB_STATIC, "and stays static");
		}
		fx_teardown(&fx);
	}
}
