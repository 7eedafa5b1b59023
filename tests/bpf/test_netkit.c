// SPDX-License-Identifier: GPL-2.0-only OR BSD-2-Clause
/*
 * A network of netkit ports (issue 20): the switch runs in the transmit path
 * of a container's netkit end, where the kernel refuses bpf_redirect_peer(),
 * so a container's frame for another container leaves out of that one's node
 * end (an egress redirect); the gateway port is a veth at a TC ingress and
 * still delivers into a container's namespace directly.
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
		{ "container to container", C1, C2, BPFBR_TRACE_EGRESS },
		{ "container to the gateway", C2, GW, BPFBR_TRACE_EGRESS },
		{ "gateway to a container", GW, C3, BPFBR_TRACE_PEER },
	};
	struct sw_run r;
	struct frame f;
	struct fx fx;

	if (!fx_setup(&fx, 4, 4, BPFBR_NET_SPOOFCHK | BPFBR_NET_NETKIT))
		return;
	for (size_t i = 0; i < sizeof(cases) / sizeof(cases[0]); i++) {
		const struct bpfbr_port *in = &fx.port[cases[i].in], *to = &fx.port[cases[i].to];

		frame_icmp_echo(&f, to->mac, in->mac, in->ipv4, to->ipv4, (uint16_t)i);
		if (!fx_run(&fx, cases[i].in, &f, &r))
			break;
		expect_deliver(&fx.env, &r, &f, cases[i].to, cases[i].how, cases[i].name);
	}
	fx_teardown(&fx);
}
