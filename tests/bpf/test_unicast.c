// SPDX-License-Identifier: GPL-2.0-only OR BSD-2-Clause
/* Known unicast: exactly one redirect, to the port the destination MAC lives behind. */
#include "expect.h"
#include "fixture.h"
#include "harness.h"

/* Where frames to or from the outside (beyond the gateway) come from and go to. */
#define OUTSIDE_IP ip4(192, 0, 2, 7)

TEST(unicast_known)
{
	static const struct {
		const char *name;
		int in, to;
		bool udp;
		bool routed; /* to an address beyond the gateway */
		int how;
	} cases[] = {
		{ "container to container (ICMP)", C1, C2, false, false, BPFBR_TRACE_PEER },
		{ "container to container (UDP)", C3, C1, true, false, BPFBR_TRACE_PEER },
		{ "container to the gateway", C1, GW, false, false, BPFBR_TRACE_EGRESS },
		{ "container to the outside via the gateway MAC", C2, GW, true, true,
		  BPFBR_TRACE_EGRESS },
		{ "gateway to a container", GW, C3, false, false, BPFBR_TRACE_PEER },
	};
	struct sw_run r;
	struct frame f;
	struct fx fx;

	if (!fx_setup(&fx, 4, 4, BPFBR_NET_SPOOFCHK))
		return;
	for (size_t i = 0; i < sizeof(cases) / sizeof(cases[0]); i++) {
		const struct bpfbr_port *in = &fx.port[cases[i].in], *to = &fx.port[cases[i].to];
		uint32_t saddr = cases[i].in == GW ? OUTSIDE_IP : in->ipv4;
		uint32_t daddr = cases[i].routed ? OUTSIDE_IP : to->ipv4;

		if (cases[i].udp)
			frame_udp(&f, to->mac, in->mac, saddr, daddr, 40000, 53, "query", 5);
		else
			frame_icmp_echo(&f, to->mac, in->mac, saddr, daddr, (uint16_t)i);
		if (!fx_run(&fx, cases[i].in, &f, &r))
			break;
		expect_deliver(&fx.env, &r, &f, cases[i].to, cases[i].how, cases[i].name);
		ASSERT_EQ(r.delta[BPFBR_EV_LEARNED], 0, "a port's own static MAC is not learned");
	}
	fx_teardown(&fx);
}
