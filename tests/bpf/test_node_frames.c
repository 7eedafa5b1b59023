// SPDX-License-Identifier: GPL-2.0-only OR BSD-2-Clause
/*
 * What a container may give the gateway port besides what the IPv4 guard
 * decides (test_guard.c): no IPv6 on a network without an IPv6 subnet, no
 * VLAN-tagged frame (the node strips priority tags, any number of them, and
 * takes what is inside unchecked), and in a broadcast or multicast frame no
 * IPv4 for a unicast address (the node takes it as its own). A flood still
 * reaches every other port; only the node's copy is withheld, and counted.
 * The XDP flavour drops what it can decide and hands such floods to TC, as
 * one broadcast redirect cannot leave out two ports.
 */
#include <stdio.h>
#include <string.h>
#include <linux/bpf.h>

#include "expect.h"
#include "fixture.h"
#include "harness.h"

static const uint8_t ll_c1[16] = { 0xfe, 0x80, [8] = 0x02, [15] = 0x02 };
static const uint8_t ll_c2[16] = { 0xfe, 0x80, [8] = 0x02, [15] = 0x03 };
static const uint8_t ll_gw[16] = { 0xfe, 0x80, [8] = 0x02, [15] = 0x01 };
static const uint8_t all_nodes[16] = { 0xff, 0x02, [15] = 0x01 };
static const uint8_t mac_all_nodes[6] = { 0x33, 0x33, 0, 0, 0, 0x01 };
static const uint8_t mac_mdns[6] = { 0x01, 0x00, 0x5e, 0, 0, 0xfb };

/* Runs f from slot `in` through TC and XDP; false if a run itself failed. */
static bool run_both(struct fx *fx, int in, const struct frame *f, struct sw_run *tc,
		     struct sw_run *xdp)
{
	return fx_run(fx, in, f, tc) && fx_run_xdp(fx, in, f, xdp);
}

TEST(node_no_ipv6)
{
	const uint32_t flags[] = { BPFBR_NET_SPOOFCHK, BPFBR_NET_NODE_OPEN };
	struct sw_run tc, xdp;
	struct frame f;
	struct fx fx;
	char what[160];

	for (size_t i = 0; i < sizeof(flags) / sizeof(flags[0]); i++) {
		if (!fx_setup(&fx, 3, 3, flags[i]))
			return;
		if (!fx_xdp(&fx))
			goto next;
		frame_udp6(&f, fx.port[GW].mac, fx.port[C1].mac, ll_c1, ll_gw, 40000, 22, "v6", 2);
		if (!run_both(&fx, C1, &f, &tc, &xdp))
			goto next;
		snprintf(what, sizeof(what), "IPv6 to the gateway's MAC (flags %#x)", flags[i]);
		expect_drop(&fx.env, &tc, &f, BPFBR_DROP_NODE_IPV6, what);
		expect_xdp(&xdp, XDP_DROP, BPFBR_DROP_NODE_IPV6, what);

		frame_udp6(&f, mac_all_nodes, fx.port[C1].mac, ll_c1, all_nodes, 40000, 5353, "v6",
			   2);
		if (!run_both(&fx, C1, &f, &tc, &xdp))
			goto next;
		snprintf(what, sizeof(what), "IPv6 to all nodes (flags %#x)", flags[i]);
		expect_flood_withheld(&fx.env, &tc, &f, (int[]){ C2 }, 1, BPFBR_DROP_NODE_IPV6,
				      what);
		expect_xdp(&xdp, XDP_PASS, BPFBR_DROP_NONE, what);

		frame_udp6(&f, fx.port[C2].mac, fx.port[C1].mac, ll_c1, ll_c2, 40000, 22, "v6", 2);
		if (!run_both(&fx, C1, &f, &tc, &xdp))
			goto next;
		snprintf(what, sizeof(what), "IPv6 to another container (flags %#x)", flags[i]);
		expect_deliver(&fx.env, &tc, &f, C2, BPFBR_TRACE_PEER, what);
		expect_xdp(&xdp, XDP_REDIRECT, BPFBR_DROP_NONE, what);
	next:
		fx_teardown(&fx);
	}
}

/* n tags of VLAN vid (0: priority tags), the outermost 802.1ad when ad. */
static void tag(struct frame *f, int n, uint16_t vid, bool ad)
{
	for (int i = 0; i < n; i++)
		frame_vlan_push(f, ad && i == n - 1 ? ETHERTYPE_8021AD : ETHERTYPE_8021Q, vid);
}

TEST(node_no_vlan_frames)
{
	const uint32_t flags[] = { 0, BPFBR_NET_NODE_OPEN, BPFBR_NET_SPOOFCHK };
	struct sw_run tc, xdp;
	struct frame f;
	struct fx fx;
	char what[200];

	for (size_t i = 0; i < sizeof(flags) / sizeof(flags[0]); i++) {
		bool spoofchk = flags[i] & BPFBR_NET_SPOOFCHK;

		if (!fx_setup(&fx, 3, 3, flags[i]))
			return;
		if (!fx_xdp(&fx))
			goto next;
		for (int n = 1; n <= 4; n++) {
			for (int k = 0; k < 3; k++) {
				uint16_t vid = k == 1 ? 100 : 0;
				bool ad = k == 2;

				frame_udp(&f, fx.port[GW].mac, fx.port[C1].mac, fx.port[C1].ipv4,
					  fx.port[GW].ipv4, 40000, 7000, "tagged", 6);
				tag(&f, n, vid, ad);
				if (!run_both(&fx, C1, &f, &tc, &xdp))
					goto next;
				snprintf(what, sizeof(what),
					 "%d tags (VLAN %u%s) to the gateway (flags %#x)", n, vid,
					 ad ? ", 802.1ad outside" : "", flags[i]);
				expect_drop(&fx.env, &tc, &f, BPFBR_DROP_VLAN, what);
				expect_xdp(&xdp, XDP_DROP, BPFBR_DROP_VLAN, what);

				frame_arp_request(&f, fx.port[C1].mac, fx.port[C1].ipv4,
						  fx.port[GW].ipv4);
				tag(&f, n, vid, ad);
				if (!run_both(&fx, C1, &f, &tc, &xdp))
					goto next;
				snprintf(what, sizeof(what),
					 "%d tags (VLAN %u), broadcast (flags %#x)", n, vid,
					 flags[i]);
				if (spoofchk) {
					expect_drop(&fx.env, &tc, &f, BPFBR_DROP_VLAN, what);
					expect_xdp(&xdp, XDP_DROP, BPFBR_DROP_VLAN, what);
				} else {
					expect_flood_withheld(&fx.env, &tc, &f, (int[]){ C2 }, 1,
							      BPFBR_DROP_VLAN, what);
					expect_xdp(&xdp, XDP_PASS, BPFBR_DROP_NONE, what);
				}
			}
		}
		/* Between containers, tags are switched as before where spoofchk is off. */
		frame_icmp_echo(&f, fx.port[C2].mac, fx.port[C1].mac, fx.port[C1].ipv4,
				fx.port[C2].ipv4, 1);
		tag(&f, 3, 0, false);
		if (!run_both(&fx, C1, &f, &tc, &xdp))
			goto next;
		snprintf(what, sizeof(what), "3 tags to another container (flags %#x)", flags[i]);
		if (spoofchk) {
			expect_drop(&fx.env, &tc, &f, BPFBR_DROP_VLAN, what);
			expect_xdp(&xdp, XDP_DROP, BPFBR_DROP_VLAN, what);
		} else {
			expect_deliver(&fx.env, &tc, &f, C2, BPFBR_TRACE_PEER, what);
			expect_xdp(&xdp, XDP_REDIRECT, BPFBR_DROP_NONE, what);
		}
	next:
		fx_teardown(&fx);
	}
}

TEST(node_flood_with_unicast_ipv4)
{
	const struct {
		const char *what;
		const uint8_t *mac;
		uint32_t daddr;
		bool node_gets_it;
	} cases[] = {
		{ "the gateway's address in a broadcast", mac_broadcast, 0, false },
		{ "an address beyond the gateway in a broadcast", mac_broadcast,
		  ip4(198, 51, 100, 1), false },
		{ "the gateway's address in a multicast frame", mac_mdns, 0, false },
		{ "255.255.255.255", mac_broadcast, ip4(255, 255, 255, 255), true },
		{ "the subnet's broadcast address", mac_broadcast, ip4(10, 40, 0, 255), true },
		{ "a multicast group", mac_mdns, ip4(224, 0, 0, 251), true },
	};
	struct sw_run tc, xdp;
	struct frame f;
	struct fx fx;
	char what[200];

	if (!fx_setup(&fx, 3, 3, BPFBR_NET_SPOOFCHK))
		return;
	if (!fx_xdp(&fx))
		goto out;
	for (size_t i = 0; i < sizeof(cases) / sizeof(cases[0]); i++) {
		uint32_t daddr = cases[i].daddr ?: fx.port[GW].ipv4;

		frame_udp(&f, cases[i].mac, fx.port[C1].mac, fx.port[C1].ipv4, daddr, 40000, 7000,
			  "bcast", 5);
		if (!run_both(&fx, C1, &f, &tc, &xdp))
			break;
		snprintf(what, sizeof(what), "UDP to %s", cases[i].what);
		if (cases[i].node_gets_it) {
			expect_flood(&fx.env, &tc, &f, (int[]){ GW, C2 }, 2, what);
			expect_xdp(&xdp, XDP_REDIRECT, BPFBR_DROP_NONE, what);
		} else {
			expect_flood_withheld(&fx.env, &tc, &f, (int[]){ C2 }, 1,
					      BPFBR_DROP_NODE_DENIED, what);
			expect_xdp(&xdp, XDP_PASS, BPFBR_DROP_NONE, what);
		}
	}
	/* With no other port to flood to, the frame goes nowhere: a drop. */
	fx.cfg.nslots = 2;
	if (fx_config(&fx)) {
		frame_udp(&f, mac_broadcast, fx.port[C1].mac, fx.port[C1].ipv4, fx.port[GW].ipv4,
			  40000, 7000, "bcast", 5);
		if (fx_run(&fx, C1, &f, &tc))
			expect_drop(&fx.env, &tc, &f, BPFBR_DROP_NODE_DENIED,
				    "unicast IPv4 in a broadcast, the node the only other port");
	}
	/* --gateway-allow all opens the node as a bridge does, this too. */
	fx.cfg.nslots = 3;
	fx.cfg.flags |= BPFBR_NET_NODE_OPEN;
	if (fx_config(&fx)) {
		frame_udp(&f, mac_broadcast, fx.port[C1].mac, fx.port[C1].ipv4, fx.port[GW].ipv4,
			  40000, 7000, "bcast", 5);
		if (fx_run(&fx, C1, &f, &tc))
			expect_flood(&fx.env, &tc, &f, (int[]){ GW, C2 }, 2,
				     "unicast IPv4 in a broadcast, the node open");
	}
out:
	fx_teardown(&fx);
}
