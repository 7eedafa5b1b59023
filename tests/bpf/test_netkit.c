// SPDX-License-Identifier: GPL-2.0-only OR BSD-2-Clause
/*
 * netkit ports (issue 20): the switch runs in the transmit path of a
 * container's netkit end, where the kernel refuses bpf_redirect_peer(), so a
 * container's frame for another container leaves out of that one's node end
 * (an egress redirect); at a TC ingress (the gateway's port, a container's
 * veth port: the device is the port's, and a network may mix them) the
 * switch still delivers into a container's namespace directly.
 */
#include "expect.h"
#include "fixture.h"
#include "harness.h"

TEST(netkit_delivery)
{
	static const struct {
		const char *name;
		int in, to, how;
	} cases[] = {
		{ "netkit to veth", C1, C2, BPFBR_TRACE_EGRESS },
		{ "netkit to netkit", C1, C3, BPFBR_TRACE_EGRESS },
		{ "netkit to the gateway", C3, GW, BPFBR_TRACE_EGRESS },
		{ "veth to netkit", C2, C3, BPFBR_TRACE_PEER },
		{ "veth to the gateway", C2, GW, BPFBR_TRACE_EGRESS },
		{ "gateway to netkit", GW, C1, BPFBR_TRACE_PEER },
	};
	struct sw_run r;
	struct frame f;
	struct fx fx;

	if (!fx_setup(&fx, 4, 4, BPFBR_NET_SPOOFCHK))
		return;
	/* c1 and c3 on netkit, c2 on veth. */
	fx.port[C1].device = fx.port[C3].device = BPFBR_PORT_NETKIT;
	if (!ASSERT_OK(sw_add_port(&fx.sw, &fx.port[C1]), "c1 on netkit") ||
	    !ASSERT_OK(sw_add_port(&fx.sw, &fx.port[C3]), "c3 on netkit"))
		goto out;
	for (size_t i = 0; i < sizeof(cases) / sizeof(cases[0]); i++) {
		const struct bpfbr_port *in = &fx.port[cases[i].in], *to = &fx.port[cases[i].to];

		frame_icmp_echo(&f, to->mac, in->mac, in->ipv4, to->ipv4, (uint16_t)i);
		if (!fx_run(&fx, cases[i].in, &f, &r))
			break;
		expect_deliver(&fx.env, &r, &f, cases[i].to, cases[i].how, cases[i].name);
	}
out:
	fx_teardown(&fx);
}
