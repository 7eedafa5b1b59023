// SPDX-License-Identifier: GPL-2.0-only OR BSD-2-Clause
/*
 * IPv6 on a dual-stack network (fd00:40::/64, gateway fd00:40::1, the
 * containers fd00:40::<slot+1>): what a container may send (its address,
 * its EUI-64 link-local address, :: for duplicate address detection and
 * MLD), the NDP equivalent of ARP spoofing, RA guard and DHCPv6 server
 * messages refused, and the node's guard for IPv6 (ICMPv6 and allowed
 * services on the gateway's addresses, nothing else). TC and XDP alike.
 */
#include <errno.h>
#include <stdio.h>
#include <string.h>
#include <arpa/inet.h>
#include <bpf/bpf.h>
#include <bpf/libbpf.h>
#include <linux/bpf.h>

#include "bpfbr/net6.h"
#include "expect.h"
#include "fixture.h"
#include "frames6.h"
#include "harness.h"
#include "port.skel.h"

/* fd00:40::n */
static void addr6(uint8_t a[16], uint8_t n)
{
	const uint8_t base[16] = { 0xfd, 0x00, 0x00, 0x40 };

	memcpy(a, base, 16);
	a[15] = n;
}

/* The standard network, dual stack: config6 and each container's ports6 entry. */
static bool fx_setup6(struct fx *fx, uint32_t flags)
{
	struct bpfbr_netcfg6 c6 = { .prefix = 64 };
	uint32_t zero = 0;

	if (!fx_setup(fx, 4, 4, flags))
		return false;
	addr6(c6.subnet, 0);
	addr6(c6.gateway, 1);
	ll_of_mac(fx->port[GW].mac, c6.gateway_ll);
	if (!ASSERT_OK(bpf_map_update_elem(bpf_map__fd(fx->sw.skel->maps.bpfbr_config6), &zero, &c6,
					   BPF_ANY),
		       "config6"))
		goto fail;
	for (int i = C1; i <= C3; i++) {
		struct bpfbr_port6 p6;

		addr6(p6.addr, (uint8_t)(i + 1));
		ll_of_mac(fx->port[i].mac, p6.ll);
		if (!ASSERT_OK(bpf_map_update_elem(bpf_map__fd(fx->sw.skel->maps.bpfbr_ports6),
						   &fx->port[i].ifindex, &p6, BPF_ANY),
			       "ports6"))
			goto fail;
	}
	if (fx_xdp(fx))
		return true;
fail:
	fx_teardown(fx);
	return false;
}

static void echo6(struct frame *f, const uint8_t *dst, const uint8_t *src, const uint8_t *saddr,
		  const uint8_t *daddr)
{
	const uint8_t body[60] = { 0x12, 0x34, 0x00, 0x01 }; /* id, seq, payload */

	frame_icmp6(f, dst, src, saddr, daddr, ICMP6_ECHO_REQUEST, body, sizeof(body));
}

/* f from C1 is dropped for reason by TC and XDP alike. */
static void expect_dropped6(struct fx *fx, const struct frame *f, int reason, const char *what)
{
	struct sw_run tc, xdp;

	if (!fx_run(fx, C1, f, &tc) || !fx_run_xdp(fx, C1, f, &xdp))
		return;
	expect_drop(&fx->env, &tc, f, reason, what);
	expect_xdp(&xdp, XDP_DROP, reason, what);
}

TEST(ipv6_source_spoof)
{
	uint8_t src[16], dst[16], other_ll[16], stranger[6];
	struct frame f;
	struct fx fx;
	const struct {
		const char *name;
		int kind; /* 0: another container's, 1: outside, 2: another MAC's link-local, 3: :: */
	} cases[] = {
		{ "IPv6 source of another container", 0 },
		{ "IPv6 source outside the subnet", 1 },
		{ "link-local source of another MAC", 2 },
		{ "echo request from ::", 3 },
	};

	if (!fx_setup6(&fx, BPFBR_NET_SPOOFCHK))
		return;
	addr6(dst, C2 + 1);
	fx_stranger_mac(stranger, 3);
	ll_of_mac(stranger, other_ll);
	for (size_t i = 0; i < sizeof(cases) / sizeof(cases[0]); i++) {
		memset(src, 0, 16);
		if (cases[i].kind == 0)
			addr6(src, C3 + 1);
		else if (cases[i].kind == 1)
			inet_pton(AF_INET6, "2001:db8::7", src);
		else if (cases[i].kind == 2)
			memcpy(src, other_ll, 16);
		echo6(&f, fx.port[C2].mac, fx.port[C1].mac, src, dst);
		expect_dropped6(&fx, &f, BPFBR_DROP_IPV6_SPOOF, cases[i].name);
	}
	fx_teardown(&fx);
}

/* What a well-behaved container sends passes: its addresses, DAD, NDP about itself. */
TEST(ipv6_own_traffic_passes)
{
	uint8_t own[16], ll[16], c2[16], group[16], gmac[6], zero[16] = { 0 };
	const uint8_t mld2[24] = { 0, 0, 0, 1, 4, 0, 0, 0, 0xff, 0x02, [23] = 0x16 };
	struct sw_run tc, xdp;
	struct frame f;
	struct fx fx;

	if (!fx_setup6(&fx, BPFBR_NET_SPOOFCHK))
		return;
	addr6(own, C1 + 1);
	addr6(c2, C2 + 1);
	ll_of_mac(fx.port[C1].mac, ll);
	echo6(&f, fx.port[C2].mac, fx.port[C1].mac, own, c2);
	if (fx_run(&fx, C1, &f, &tc))
		expect_deliver(&fx.env, &tc, &f, C2, BPFBR_TRACE_PEER, "echo from its address");
	echo6(&f, fx.port[C2].mac, fx.port[C1].mac, ll, c2);
	if (fx_run(&fx, C1, &f, &tc))
		expect_deliver(&fx.env, &tc, &f, C2, BPFBR_TRACE_PEER,
			       "echo from its link-local address");
	frame_ndp(&f, fx.port[C2].mac, fx.port[C1].mac, own, c2, ICMP6_NA, own, fx.port[C1].mac);
	if (fx_run(&fx, C1, &f, &tc))
		expect_deliver(&fx.env, &tc, &f, C2, BPFBR_TRACE_PEER, "NA for itself");
	solicited_node(own, group, gmac);
	frame_ndp(&f, gmac, fx.port[C1].mac, zero, group, ICMP6_NS, own, NULL);
	if (fx_run(&fx, C1, &f, &tc) && fx_run_xdp(&fx, C1, &f, &xdp)) {
		expect_flood(&fx.env, &tc, &f, (int[]){ GW, C2, C3 }, 3,
			     "DAD: NS from :: for its own address");
		expect_xdp(&xdp, XDP_REDIRECT, BPFBR_DROP_NONE, "DAD (XDP)");
	}
	solicited_node(c2, group, gmac);
	frame_ndp(&f, gmac, fx.port[C1].mac, own, group, ICMP6_NS, c2, fx.port[C1].mac);
	if (fx_run(&fx, C1, &f, &tc))
		expect_flood(&fx.env, &tc, &f, (int[]){ GW, C2, C3 }, 3,
			     "NS for another container with its own MAC");
	{
		const uint8_t mld_group[16] = { 0xff, 0x02, [15] = 0x16 };
		const uint8_t mld_mac[6] = { 0x33, 0x33, 0, 0, 0, 0x16 };

		frame_icmp6(&f, mld_mac, fx.port[C1].mac, zero, mld_group, 143, mld2, sizeof(mld2));
		if (fx_run(&fx, C1, &f, &tc))
			expect_flood(&fx.env, &tc, &f, (int[]){ GW, C2, C3 }, 3,
				     "MLDv2 report from :: (during DAD)");
	}
	fx_teardown(&fx);
}

/* The NDP equivalent of ARP spoofing. */
TEST(ipv6_ndp_spoof)
{
	uint8_t own[16], c2[16], c3[16], group[16], gmac[6], stranger[6], zero[16] = { 0 };
	struct frame f;
	struct fx fx;

	if (!fx_setup6(&fx, BPFBR_NET_SPOOFCHK))
		return;
	addr6(own, C1 + 1);
	addr6(c2, C2 + 1);
	addr6(c3, C3 + 1);
	fx_stranger_mac(stranger, 4);
	frame_ndp(&f, fx.port[C2].mac, fx.port[C1].mac, own, c2, ICMP6_NA, c3, fx.port[C1].mac);
	expect_dropped6(&fx, &f, BPFBR_DROP_NDP_SPOOF, "NA for another container's address");
	frame_ndp(&f, fx.port[C2].mac, fx.port[C1].mac, own, c2, ICMP6_NA, own, stranger);
	expect_dropped6(&fx, &f, BPFBR_DROP_NDP_SPOOF, "NA naming another MAC");
	solicited_node(c2, group, gmac);
	frame_ndp(&f, gmac, fx.port[C1].mac, own, group, ICMP6_NS, c2, stranger);
	expect_dropped6(&fx, &f, BPFBR_DROP_NDP_SPOOF, "NS naming another MAC");
	solicited_node(c3, group, gmac);
	frame_ndp(&f, gmac, fx.port[C1].mac, zero, group, ICMP6_NS, c3, NULL);
	expect_dropped6(&fx, &f, BPFBR_DROP_NDP_SPOOF, "DAD for another container's address");
	fx_teardown(&fx);
}

/* RA guard (RFC 6105) and DHCPv6 server messages (with anti-spoofing, the default). */
TEST(ipv6_ra_guard)
{
	const uint8_t all_nodes[16] = { 0xff, 0x02, [15] = 0x01 };
	const uint8_t mac_all_nodes[6] = { 0x33, 0x33, 0, 0, 0, 0x01 };
	uint8_t ll[16], c2[16], body[40] = { 64, 0, 0x07, 0x08 };
	struct frame f;
	struct fx fx;

	if (!fx_setup6(&fx, BPFBR_NET_SPOOFCHK))
		return;
	ll_of_mac(fx.port[C1].mac, ll);
	addr6(c2, C2 + 1);
	frame_icmp6(&f, mac_all_nodes, fx.port[C1].mac, ll, all_nodes, ICMP6_RA, body, 12);
	expect_dropped6(&fx, &f, BPFBR_DROP_RA_GUARD, "router advertisement");
	frame_icmp6(&f, fx.port[C2].mac, fx.port[C1].mac, ll, c2, ICMP6_REDIRECT, body, 36);
	expect_dropped6(&fx, &f, BPFBR_DROP_RA_GUARD, "redirect");
	frame_udp6(&f, fx.port[C2].mac, fx.port[C1].mac, ll, c2, 547, 546, "\x02\0\0\x01", 4);
	expect_dropped6(&fx, &f, BPFBR_DROP_DHCP6_SERVER, "DHCPv6 advertise");
	fx_teardown(&fx);
}

/* The node's guard: the gateway's addresses answer ICMPv6 and allowed services only. */
TEST(ipv6_node_guard)
{
	uint8_t own[16], gw[16], gw_ll[16], outside[16];
	const uint8_t mac_all_nodes[6] = { 0x33, 0x33, 0, 0, 0, 0x01 };
	struct sw_run tc, xdp;
	struct frame f;
	struct fx fx;

	if (!fx_setup6(&fx, BPFBR_NET_SPOOFCHK))
		return;
	addr6(own, C1 + 1);
	addr6(gw, 1);
	ll_of_mac(fx.port[GW].mac, gw_ll);
	inet_pton(AF_INET6, "2001:db8::1", outside);
	fx.cfg.n_allow = 1;
	fx.cfg.allow[0].proto = 6;
	fx.cfg.allow[0].port = htons(8080);
	if (!fx_config(&fx))
		goto out;
	echo6(&f, fx.port[GW].mac, fx.port[C1].mac, own, gw);
	if (fx_run(&fx, C1, &f, &tc) && fx_run_xdp(&fx, C1, &f, &xdp)) {
		expect_deliver(&fx.env, &tc, &f, GW, BPFBR_TRACE_EGRESS, "ping the gateway");
		expect_xdp(&xdp, XDP_PASS, BPFBR_DROP_NONE, "IPv6 for the gateway goes to TC");
	}
	echo6(&f, fx.port[GW].mac, fx.port[C1].mac, own, gw_ll);
	if (fx_run(&fx, C1, &f, &tc))
		expect_deliver(&fx.env, &tc, &f, GW, BPFBR_TRACE_EGRESS,
			       "ping the gateway's link-local address");
	frame_tcp6_syn(&f, fx.port[GW].mac, fx.port[C1].mac, own, gw, 40000, 8080);
	if (fx_run(&fx, C1, &f, &tc))
		expect_deliver(&fx.env, &tc, &f, GW, BPFBR_TRACE_EGRESS, "an allowed service");
	frame_tcp6_syn(&f, fx.port[GW].mac, fx.port[C1].mac, own, gw, 40000, 22);
	if (fx_run(&fx, C1, &f, &tc))
		expect_drop(&fx.env, &tc, &f, BPFBR_DROP_NODE_DENIED, "SSH on the gateway");
	frame_udp6(&f, fx.port[GW].mac, fx.port[C1].mac, own, gw, 40000, 53, "q", 1);
	if (fx_run(&fx, C1, &f, &tc))
		expect_drop(&fx.env, &tc, &f, BPFBR_DROP_NODE_DENIED, "DNS not allowed");
	echo6(&f, fx.port[GW].mac, fx.port[C1].mac, own, outside);
	if (fx_run(&fx, C1, &f, &tc))
		expect_drop(&fx.env, &tc, &f, BPFBR_DROP_IPV6_UNROUTED,
			    "ping beyond the network (IPv6 is not routed)");
	frame_tcp6_syn(&f, mac_all_nodes, fx.port[C1].mac, own, gw, 40000, 22);
	if (fx_run(&fx, C1, &f, &tc))
		expect_flood_withheld(&fx.env, &tc, &f, (int[]){ C2, C3 }, 2,
				      BPFBR_DROP_NODE_DENIED,
				      "unicast IPv6 for the gateway in a multicast frame");
	/* Without spoofchk a foreign source reaches the guard, which refuses it. */
	fx.cfg.flags = 0;
	if (!fx_config(&fx))
		goto out;
	echo6(&f, fx.port[GW].mac, fx.port[C1].mac, outside, gw);
	if (fx_run(&fx, C1, &f, &tc))
		expect_drop(&fx.env, &tc, &f, BPFBR_DROP_FOREIGN_SOURCE,
			    "a source outside the network");
out:
	fx_teardown(&fx);
}

/* UDP the node sends into a container opens the way for its replies, from
 * that container's port only (without spoofchk another may use its address). */
TEST(ipv6_node_udp_replies)
{
	uint8_t c1[16], gw[16];
	struct sw_run tc, xdp;
	struct frame f;
	struct fx fx;

	if (!fx_setup6(&fx, BPFBR_NET_SPOOFCHK))
		return;
	addr6(c1, C1 + 1);
	addr6(gw, 1);
	frame_udp6(&f, fx.port[GW].mac, fx.port[C1].mac, c1, gw, 53, 5353, "a", 1);
	if (fx_run(&fx, C1, &f, &tc))
		expect_drop(&fx.env, &tc, &f, BPFBR_DROP_NODE_DENIED,
			    "UDP before the node sent any");
	frame_udp6(&f, fx.port[C1].mac, fx.port[GW].mac, gw, c1, 5353, 53, "q", 1);
	if (fx_run(&fx, GW, &f, &tc))
		expect_deliver(&fx.env, &tc, &f, C1, BPFBR_TRACE_PEER, "the node's query");
	frame_udp6(&f, fx.port[GW].mac, fx.port[C1].mac, c1, gw, 53, 5353, "a", 1);
	if (fx_run(&fx, C1, &f, &tc) && fx_run_xdp(&fx, C1, &f, &xdp)) {
		expect_deliver(&fx.env, &tc, &f, GW, BPFBR_TRACE_EGRESS, "the container's answer");
		expect_xdp(&xdp, XDP_PASS, BPFBR_DROP_NONE, "the answer goes to TC");
	}
	frame_udp6(&f, fx.port[GW].mac, fx.port[C1].mac, c1, gw, 54, 5353, "a", 1);
	if (fx_run(&fx, C1, &f, &tc))
		expect_drop(&fx.env, &tc, &f, BPFBR_DROP_NODE_DENIED, "UDP from another port");
	fx.cfg.flags = 0;
	if (fx_config(&fx)) {
		frame_udp6(&f, fx.port[GW].mac, fx.port[C2].mac, c1, gw, 53, 5353, "a", 1);
		if (fx_run(&fx, C2, &f, &tc))
			expect_drop(&fx.env, &tc, &f, BPFBR_DROP_NODE_DENIED,
				    "the answer's flow from another container's port");
	}
	fx_teardown(&fx);
}

/* Only the gateway port's delivery opens such a flow: UDP one container sends
 * another opens none, by TC or XDP (without spoofchk the sender could write
 * the node's address as its source, and the receiver's "answers" would pass
 * the guard; and no container fills the table another's flows need). */
TEST(ipv6_container_udp_opens_no_node_flow)
{
	uint8_t c1[16], gw[16], key[64];
	struct sw_run tc, xdp;
	struct frame f;
	struct fx fx;
	int map;

	if (!fx_setup6(&fx, 0))
		return;
	addr6(c1, C1 + 1);
	addr6(gw, 1);
	map = bpf_map__fd(fx.sw.skel->maps.bpfbr_inbound6);
	frame_udp6(&f, fx.port[C1].mac, fx.port[C2].mac, gw, c1, 5353, 53, "q", 1);
	if (fx_run_xdp(&fx, C2, &f, &xdp))
		expect_xdp(&xdp, XDP_REDIRECT, BPFBR_DROP_NONE, "C2's datagram to C1 (XDP)");
	if (fx_run(&fx, C2, &f, &tc))
		expect_deliver(&fx.env, &tc, &f, C1, BPFBR_TRACE_PEER, "C2's datagram to C1 (TC)");
	ASSERT_TRUE(bpf_map_get_next_key(map, NULL, key) && errno == ENOENT,
		    "inbound6_flows is empty after C2's datagrams");
	frame_udp6(&f, fx.port[GW].mac, fx.port[C1].mac, c1, gw, 53, 5353, "a", 1);
	if (fx_run(&fx, C1, &f, &tc))
		expect_drop(&fx.env, &tc, &f, BPFBR_DROP_NODE_DENIED,
			    "C1's answer to what C2 sent in the node's name");
	fx_teardown(&fx);
}
