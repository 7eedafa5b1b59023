// SPDX-License-Identifier: GPL-2.0-only OR BSD-2-Clause
/*
 * Spoof checks on container ports: IPv4 and ARP only as the port's own
 * address (0.0.0.0 for an ARP probe), ARP sender MAC equal to the frame's.
 */
#include <errno.h>
#include <stdio.h>

#include "expect.h"
#include "fixture.h"
#include "harness.h"

TEST(spoof_ip)
{
	const struct {
		const char *name;
		int from_slot; /* the address used: that port's, or -1 for `addr` */
		uint32_t addr;
		bool udp;
	} cases[] = {
		{ "source address of another container", C2, 0, false },
		{ "source address of the gateway", GW, 0, false },
		{ "source address 0.0.0.0", -1, 0, false },
		{ "source address outside the subnet", -1, ip4(192, 0, 2, 7), false },
		{ "UDP from another container's address", C3, 0, true },
	};
	uint8_t stranger[6];
	struct sw_run r;
	struct frame f;
	struct fx fx;

	if (!fx_setup(&fx, 4, 4, BPFBR_NET_SPOOFCHK))
		return;
	for (size_t i = 0; i < sizeof(cases) / sizeof(cases[0]); i++) {
		uint32_t saddr =
			cases[i].from_slot >= 0 ? fx.port[cases[i].from_slot].ipv4 : cases[i].addr;

		if (cases[i].udp)
			frame_udp(&f, fx.port[C2].mac, fx.port[C1].mac, saddr, fx.port[C2].ipv4, 68,
				  67, "spoof", 5);
		else
			frame_icmp_echo(&f, fx.port[C2].mac, fx.port[C1].mac, saddr,
					fx.port[C2].ipv4, (uint16_t)i);
		if (!fx_run(&fx, C1, &f, &r))
			break;
		expect_drop(&fx.env, &r, &f, BPFBR_DROP_IP_SPOOF, cases[i].name);
	}
	/* Refused before learning: a spoofed frame teaches the fdb nothing. */
	fx_stranger_mac(stranger, 5);
	frame_icmp_echo(&f, fx.port[C2].mac, stranger, fx.port[C3].ipv4, fx.port[C2].ipv4, 9);
	if (fx_run(&fx, C1, &f, &r)) {
		expect_drop(&fx.env, &r, &f, BPFBR_DROP_MAC_SPOOF, "spoofed IP from a new MAC");
		ASSERT_EQ(r.delta[BPFBR_EV_LEARNED], 0, "event learned does not move");
		ASSERT_EQ(sw_fdb_get(&fx.sw, stranger, &(struct bpfbr_fdb_entry){}), -ENOENT,
			  "the new MAC is not learned");
	}
	fx_teardown(&fx);
}

/* A container speaks from its own MAC: any other source MAC is refused
 * before learning, with its own address or not, unicast or broadcast. */
TEST(spoof_mac)
{
	uint8_t stranger[6];
	struct sw_run r;
	struct frame f;
	struct fx fx;

	if (!fx_setup(&fx, 4, 4, BPFBR_NET_SPOOFCHK))
		return;
	fx_stranger_mac(stranger, 6);
	frame_icmp_echo(&f, fx.port[C2].mac, stranger, fx.port[C1].ipv4, fx.port[C2].ipv4, 1);
	if (fx_run(&fx, C1, &f, &r)) {
		expect_drop(&fx.env, &r, &f, BPFBR_DROP_MAC_SPOOF, "own address, other MAC");
		ASSERT_EQ(sw_fdb_get(&fx.sw, stranger, &(struct bpfbr_fdb_entry){}), -ENOENT,
			  "the other MAC is not learned");
	}
	frame_arp_request(&f, stranger, fx.port[C1].ipv4, fx.port[C2].ipv4);
	if (fx_run(&fx, C1, &f, &r))
		expect_drop(&fx.env, &r, &f, BPFBR_DROP_MAC_SPOOF, "ARP broadcast from other MAC");
	frame_icmp_echo(&f, fx.port[C2].mac, fx.port[C1].mac, fx.port[C1].ipv4, fx.port[C2].ipv4,
			2);
	if (fx_run(&fx, C1, &f, &r))
		expect_deliver(&fx.env, &r, &f, C2, BPFBR_TRACE_PEER, "its own MAC still works");
	fx_teardown(&fx);
}

TEST(spoof_arp)
{
	struct bpfbr_port *c1, *c2, *gw;
	struct sw_run r;
	struct frame f;
	struct fx fx;

	if (!fx_setup(&fx, 4, 4, BPFBR_NET_SPOOFCHK))
		return;
	c1 = &fx.port[C1];
	c2 = &fx.port[C2];
	gw = &fx.port[GW];

	/* A container answering for the gateway: the classic ARP poisoning. */
	frame_arp(&f, c2->mac, c1->mac, ARP_OP_REPLY, c1->mac, gw->ipv4, c2->mac, c2->ipv4);
	if (fx_run(&fx, C1, &f, &r))
		expect_drop(&fx.env, &r, &f, BPFBR_DROP_ARP_SPOOF,
			    "ARP reply claiming the gateway's address");
	/* The same as a gratuitous broadcast. */
	frame_arp(&f, mac_broadcast, c1->mac, ARP_OP_REPLY, c1->mac, gw->ipv4, mac_broadcast,
		  gw->ipv4);
	if (fx_run(&fx, C1, &f, &r))
		expect_drop(&fx.env, &r, &f, BPFBR_DROP_ARP_SPOOF,
			    "gratuitous ARP for the gateway's address");
	frame_arp_request(&f, c1->mac, c2->ipv4, gw->ipv4);
	if (fx_run(&fx, C1, &f, &r))
		expect_drop(&fx.env, &r, &f, BPFBR_DROP_ARP_SPOOF,
			    "ARP request from another container's address");
	/* Own address, but the ARP sender MAC is not the frame's. */
	frame_arp(&f, mac_broadcast, c1->mac, ARP_OP_REQUEST, c2->mac, c1->ipv4, mac_zero,
		  gw->ipv4);
	if (fx_run(&fx, C1, &f, &r))
		expect_drop(&fx.env, &r, &f, BPFBR_DROP_ARP_SPOOF,
			    "ARP sender MAC differs from the Ethernet source");
	/* 0.0.0.0 is allowed to ask (a probe), never to answer. */
	frame_arp(&f, c2->mac, c1->mac, ARP_OP_REPLY, c1->mac, 0, c2->mac, c2->ipv4);
	if (fx_run(&fx, C1, &f, &r))
		expect_drop(&fx.env, &r, &f, BPFBR_DROP_ARP_SPOOF, "ARP reply from 0.0.0.0");
	fx_teardown(&fx);
}

TEST(spoof_allowed)
{
	struct bpfbr_port *c1, *c2, *gw;
	struct sw_run r;
	struct frame f;
	struct fx fx;

	if (!fx_setup(&fx, 4, 4, BPFBR_NET_SPOOFCHK))
		return;
	c1 = &fx.port[C1];
	c2 = &fx.port[C2];
	gw = &fx.port[GW];

	/* RFC 5227 address-conflict probe: sender 0.0.0.0, target the own address. */
	frame_arp_request(&f, c1->mac, 0, c1->ipv4);
	if (fx_run(&fx, C1, &f, &r))
		expect_flood(&fx.env, &r, &f, (int[]){ GW, C2, C3 }, 3, "ACD probe from 0.0.0.0");
	frame_arp_request(&f, c1->mac, c1->ipv4, gw->ipv4);
	if (fx_run(&fx, C1, &f, &r))
		expect_flood(&fx.env, &r, &f, (int[]){ GW, C2, C3 }, 3,
			     "ARP request from the own address");
	frame_arp(&f, c2->mac, c1->mac, ARP_OP_REPLY, c1->mac, c1->ipv4, c2->mac, c2->ipv4);
	if (fx_run(&fx, C1, &f, &r))
		expect_deliver(&fx.env, &r, &f, C2, BPFBR_TRACE_PEER,
			       "ARP reply for the own address");
	frame_icmp_echo(&f, gw->mac, c1->mac, c1->ipv4, ip4(192, 0, 2, 7), 1);
	if (fx_run(&fx, C1, &f, &r))
		expect_deliver(&fx.env, &r, &f, GW, BPFBR_TRACE_EGRESS,
			       "IPv4 from the own address");

	/* The gateway port carries routed traffic and answers for the gateway: unchecked. */
	frame_icmp_echo(&f, c2->mac, gw->mac, ip4(198, 51, 100, 1), c2->ipv4, 2);
	if (fx_run(&fx, GW, &f, &r))
		expect_deliver(&fx.env, &r, &f, C2, BPFBR_TRACE_PEER,
			       "routed IPv4 from the gateway port");
	frame_arp(&f, c2->mac, gw->mac, ARP_OP_REPLY, gw->mac, gw->ipv4, c2->mac, c2->ipv4);
	if (fx_run(&fx, GW, &f, &r))
		expect_deliver(&fx.env, &r, &f, C2, BPFBR_TRACE_PEER,
			       "ARP reply from the gateway port");

	/* A container without an address (no IPAM): no IP checks. */
	c2->ipv4 = 0;
	if (fx_port_update(&fx, C2)) {
		frame_icmp_echo(&f, gw->mac, c2->mac, ip4(10, 40, 0, 77), ip4(192, 0, 2, 7), 3);
		if (fx_run(&fx, C2, &f, &r))
			expect_deliver(&fx.env, &r, &f, GW, BPFBR_TRACE_EGRESS,
				       "any IPv4 source from a port without address");
		frame_arp(&f, c1->mac, c2->mac, ARP_OP_REPLY, c2->mac, gw->ipv4, c1->mac, c1->ipv4);
		if (fx_run(&fx, C2, &f, &r))
			expect_deliver(&fx.env, &r, &f, C1, BPFBR_TRACE_PEER,
				       "any ARP sender from a port without address");
	}
	fx_teardown(&fx);

	/* Spoof checks off: the network trusts its containers. */
	if (!fx_setup(&fx, 4, 4, 0))
		return;
	frame_icmp_echo(&f, fx.port[C2].mac, fx.port[C1].mac, fx.port[C3].ipv4, fx.port[C2].ipv4,
			4);
	if (fx_run(&fx, C1, &f, &r))
		expect_deliver(&fx.env, &r, &f, C2, BPFBR_TRACE_PEER,
			       "another container's address, spoofchk off");
	frame_arp(&f, fx.port[C2].mac, fx.port[C1].mac, ARP_OP_REPLY, fx.port[C1].mac,
		  fx.port[GW].ipv4, fx.port[C2].mac, fx.port[C2].ipv4);
	if (fx_run(&fx, C1, &f, &r))
		expect_deliver(&fx.env, &r, &f, C2, BPFBR_TRACE_PEER,
			       "ARP for the gateway's address, spoofchk off");
	fx_teardown(&fx);
}
