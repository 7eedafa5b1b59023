// SPDX-License-Identifier: GPL-2.0-only OR BSD-2-Clause
/* Frames the switch refuses before any forwarding decision: runts, malformed headers, bad
 * source MACs, and frames from a device that is not a port. */
#include <errno.h>
#include <stdio.h>
#include <string.h>
#include <linux/bpf.h>

#include "expect.h"
#include "fixture.h"
#include "harness.h"

/*
 * Runts. BPF_PROG_TEST_RUN refuses skb input shorter than an Ethernet header
 * (EINVAL), so a frame under 14 bytes cannot be fed to the program; what can
 * be is the other kind of runt: a VLAN ethertype whose tag, or whose inner
 * tag, is cut short.
 */
static void runt_frame(struct frame *f, int kind, const uint8_t *src, const uint8_t *dst)
{
	static const uint8_t tag_8021q[2] = { 0x81, 0x00 }, tci[2] = { 0x00, 0x0a };

	switch (kind) {
	case 0: /* 802.1Q ethertype and nothing after it */
		frame_eth(f, dst, src, ETHERTYPE_8021Q);
		break;
	case 1: /* 802.1Q tag with its TCI but no inner ethertype */
		frame_eth(f, dst, src, ETHERTYPE_8021Q);
		frame_put(f, tci, 2);
		break;
	case 2: /* 802.1ad outer tag complete, inner 802.1Q tag cut after its TCI */
		frame_eth(f, dst, src, ETHERTYPE_8021AD);
		frame_put(f, tci, 2);
		frame_put(f, tag_8021q, 2);
		frame_put(f, tci, 2);
		break;
	}
}

TEST(drop_runt)
{
	static const char *const names[] = {
		"802.1Q ethertype without a tag (14 bytes)",
		"802.1Q tag without its inner ethertype (16 bytes)",
		"802.1ad tag, inner 802.1Q tag cut short (20 bytes)",
	};
	static const uint32_t flags[] = { BPFBR_NET_SPOOFCHK, 0 };
	struct bpfbr_port_stats st;
	struct sw_run r;
	struct frame f;
	struct fx fx;
	char what[200];

	for (size_t fl = 0; fl < 2; fl++) {
		if (!fx_setup(&fx, 4, 4, flags[fl]))
			return;
		for (int in = GW; in <= C1; in++) {
			for (int k = 0; k < 3; k++) {
				runt_frame(&f, k, fx.port[in].mac, fx.port[C2].mac);
				if (!fx_run(&fx, in, &f, &r))
					goto next;
				snprintf(what, sizeof(what), "%s from %s, spoofchk %s", names[k],
					 in == GW ? "the gateway" : "a container",
					 flags[fl] ? "on" : "off");
				expect_drop(&fx.env, &r, &f, BPFBR_DROP_RUNT, what);
			}
			/* A runt is a runt before its source MAC is looked at. */
			runt_frame(&f, 0, mac_zero, fx.port[C2].mac);
			if (!fx_run(&fx, in, &f, &r))
				goto next;
			expect_drop(&fx.env, &r, &f, BPFBR_DROP_RUNT,
				    "runt with a zero source MAC");
			if (ASSERT_OK(sw_port_stats(&fx.sw, (uint16_t)in, &st), "port stats"))
				ASSERT_EQ(st.drops, 4, "every runt counted on the ingress port");
		}
	next:
		fx_teardown(&fx);
	}
}

/* ARP/IPv4 headers cut short or malformed, from a container with spoof checks on. */
enum trunc_kind {
	ARP_CUT,
	ARP_HLEN,
	ARP_PTYPE,
	ARP_HTYPE,
	IPV4_VERSION,
	IPV4_IHL,
	TRUNC_KINDS,
	IPV4_CUT = TRUNC_KINDS, /* its own test: not every kernel's test run takes it */
};

static const char *const trunc_names[TRUNC_KINDS + 1] = {
	[ARP_CUT] = "ARP body cut to 20 of 28 bytes",
	[ARP_HLEN] = "ARP with hardware length 8",
	[ARP_PTYPE] = "ARP for IPv6 (ptype 0x86dd)",
	[ARP_HTYPE] = "ARP over IEEE 802 (htype 6)",
	[IPV4_CUT] = "IPv4 header cut to 19 bytes",
	[IPV4_VERSION] = "ethertype IPv4 carrying version 6",
	[IPV4_IHL] = "IPv4 with header length 4 words",
};

/* A unicast frame from port `in` to port `to` of kind k; known unicast when accepted. */
static void trunc_frame(struct frame *f, enum trunc_kind k, const struct bpfbr_port *in,
			const struct bpfbr_port *to)
{
	if (k <= ARP_HTYPE)
		frame_arp(f, to->mac, in->mac, ARP_OP_REPLY, in->mac, in->ipv4, to->mac, to->ipv4);
	else
		frame_icmp_echo(f, to->mac, in->mac, in->ipv4, to->ipv4, 1);
	switch (k) {
	case ARP_CUT:
		f->len = ETH_HDR_LEN + 20;
		break;
	case ARP_HLEN:
		f->data[ETH_HDR_LEN + 4] = 8;
		break;
	case ARP_PTYPE:
		f->data[ETH_HDR_LEN + 2] = 0x86;
		f->data[ETH_HDR_LEN + 3] = 0xdd;
		break;
	case ARP_HTYPE:
		f->data[ETH_HDR_LEN + 1] = 6;
		break;
	case IPV4_CUT:
		f->len = ETH_HDR_LEN + IPV4_HDR_LEN - 1;
		break;
	case IPV4_VERSION:
		f->data[ETH_HDR_LEN] = 0x65;
		break;
	case IPV4_IHL:
		f->data[ETH_HDR_LEN] = 0x44;
		break;
	default:
		break;
	}
}

TEST(drop_truncated)
{
	struct sw_run r;
	struct frame f;
	struct fx fx;
	char what[200];

	if (!fx_setup(&fx, 4, 4, BPFBR_NET_SPOOFCHK))
		return;
	for (int k = 0; k < TRUNC_KINDS; k++) {
		trunc_frame(&f, k, &fx.port[C1], &fx.port[C2]);
		if (!fx_run(&fx, C1, &f, &r))
			break;
		snprintf(what, sizeof(what), "%s from a container", trunc_names[k]);
		expect_drop(&fx.env, &r, &f, BPFBR_DROP_TRUNCATED, what);
		ASSERT_EQ(r.delta[BPFBR_EV_LEARNED], 0, "nothing learned");
	}
	fx_teardown(&fx);
}

/* The L3 headers are only parsed for the spoof checks; elsewhere the switch is pure L2. */
TEST(truncated_passes_unchecked)
{
	static const struct {
		const char *name;
		uint32_t flags;
		int in, to;
		bool no_ip; /* the ingress port has no address */
		int how;
	} cases[] = {
		{ "from the gateway port", BPFBR_NET_SPOOFCHK, GW, C2, false, BPFBR_TRACE_PEER },
		{ "with spoofchk off", 0, C1, C2, false, BPFBR_TRACE_PEER },
		{ "from a port without address", BPFBR_NET_SPOOFCHK, C1, GW, true,
		  BPFBR_TRACE_EGRESS },
	};
	struct sw_run r;
	struct frame f;
	struct fx fx;
	char what[200];

	for (size_t i = 0; i < sizeof(cases) / sizeof(cases[0]); i++) {
		if (!subtest_begin(cases[i].name))
			continue;
		if (!fx_setup(&fx, 4, 4, cases[i].flags))
			return;
		if (cases[i].no_ip) {
			fx.port[cases[i].in].ipv4 = 0;
			if (!fx_port_update(&fx, cases[i].in))
				goto next;
		}
		for (int k = 0; k < TRUNC_KINDS; k++) {
			trunc_frame(&f, k, &fx.port[cases[i].in], &fx.port[cases[i].to]);
			if (!fx_run(&fx, cases[i].in, &f, &r))
				break;
			snprintf(what, sizeof(what), "%s %s", trunc_names[k], cases[i].name);
			expect_deliver(&fx.env, &r, &f, cases[i].to, cases[i].how, what);
		}
	next:
		fx_teardown(&fx);
	}
}

/*
 * An IPv4 header cut short. BPF_PROG_TEST_RUN refuses an skb whose ethertype
 * is IPv4 but whose IP header is incomplete (EINVAL; seen on 6.1, 6.12 and
 * 6.18), so the TC case reports a skip where the kernel refuses it; the XDP
 * program takes any frame, and its case runs on every kernel.
 */
TEST(drop_truncated_ipv4_header_xdp)
{
	struct sw_run r;
	struct frame f;
	struct fx fx;

	if (!fx_setup(&fx, 4, 4, BPFBR_NET_SPOOFCHK))
		return;
	if (!fx_xdp(&fx))
		goto out;
	trunc_frame(&f, IPV4_CUT, &fx.port[C1], &fx.port[C2]);
	if (!fx_run_xdp(&fx, C1, &f, &r))
		goto out;
	ASSERT_EQ(r.verdict, XDP_DROP, "IPv4 header cut short, container: verdict XDP_DROP");
	ASSERT_EQ(r.delta[BPFBR_DROP_TRUNCATED], 1,
		  "IPv4 header cut short, container: counter \"truncated\" +1");
	expect_drops_only(&r, BPFBR_DROP_TRUNCATED, "IPv4 header cut short, container");
out:
	fx_teardown(&fx);
}

TEST(drop_truncated_ipv4_header)
{
	struct sw_run r;
	struct frame f;
	struct fx fx;
	int err;

	if (!fx_setup(&fx, 4, 4, BPFBR_NET_SPOOFCHK))
		return;
	trunc_frame(&f, IPV4_CUT, &fx.port[C1], &fx.port[C2]);
	env_drain(&fx.env);
	err = sw_run(&fx.sw, fx.port[C1].ifindex, &f, &r);
	if (err == -EINVAL) {
		test_skip("this kernel's BPF_PROG_TEST_RUN refuses an IPv4 skb shorter than "
			  "its IP header (drop_truncated_ipv4_header_xdp checks the XDP program)");
		goto out;
	}
	if (!ASSERT_OK(err, "BPF_PROG_TEST_RUN"))
		goto out;
	expect_drop(&fx.env, &r, &f, BPFBR_DROP_TRUNCATED, "IPv4 header cut short, container");
	trunc_frame(&f, IPV4_CUT, &fx.port[GW], &fx.port[C2]);
	if (fx_run(&fx, GW, &f, &r))
		expect_deliver(&fx.env, &r, &f, C2, BPFBR_TRACE_PEER,
			       "IPv4 header cut short, gateway port (unchecked)");
out:
	fx_teardown(&fx);
}

TEST(drop_bad_src_mac)
{
	static const struct {
		const char *name;
		uint8_t mac[6];
	} macs[] = {
		{ "broadcast source", { 0xff, 0xff, 0xff, 0xff, 0xff, 0xff } },
		{ "IPv4 multicast source", { 0x01, 0x00, 0x5e, 0x00, 0x00, 0x01 } },
		{ "IPv6 multicast source", { 0x33, 0x33, 0x00, 0x00, 0x00, 0x01 } },
		{ "zero source", { 0 } },
	};
	static const uint32_t flags[] = { BPFBR_NET_SPOOFCHK, 0 };
	struct sw_run r;
	struct frame f;
	struct fx fx;
	char what[200];

	for (size_t fl = 0; fl < 2; fl++) {
		if (!fx_setup(&fx, 4, 4, flags[fl]))
			return;
		for (int in = GW; in <= C1; in++) {
			for (size_t i = 0; i < sizeof(macs) / sizeof(macs[0]); i++) {
				frame_icmp_echo(&f, fx.port[C2].mac, macs[i].mac, fx.port[in].ipv4,
						fx.port[C2].ipv4, 1);
				if (!fx_run(&fx, in, &f, &r))
					goto next;
				snprintf(what, sizeof(what), "%s from %s, spoofchk %s",
					 macs[i].name, in == GW ? "the gateway" : "a container",
					 flags[fl] ? "on" : "off");
				expect_drop(&fx.env, &r, &f, BPFBR_DROP_BAD_SRC_MAC, what);
				ASSERT_EQ(sw_fdb_get(&fx.sw, macs[i].mac,
						     &(struct bpfbr_fdb_entry){}),
					  -ENOENT, "a bad source MAC is never learned");
			}
		}
	next:
		fx_teardown(&fx);
	}
}

TEST(drop_not_a_port)
{
	struct bpfbr_port_stats st;
	struct sw_run r;
	struct frame f;
	struct fx fx;

	/* Device 4 exists in the namespace but is no port of the network. */
	if (!fx_setup(&fx, 5, 4, BPFBR_NET_SPOOFCHK))
		return;
	frame_icmp_echo(&f, fx.port[C2].mac, fx.port[C1].mac, fx.port[C1].ipv4, fx.port[C2].ipv4,
			1);
	if (fx_run(&fx, 4, &f, &r))
		expect_drop(&fx.env, &r, &f, BPFBR_DROP_NOT_A_PORT, "frame on a device not a port");
	/* Without a context the test run uses the loopback device. */
	env_drain(&fx.env);
	if (ASSERT_OK(sw_run(&fx.sw, 0, &f, &r), "BPF_PROG_TEST_RUN on lo"))
		expect_drop(&fx.env, &r, &f, BPFBR_DROP_NOT_A_PORT, "frame on the loopback device");
	ASSERT_EQ(sw_fdb_get(&fx.sw, fx.port[C1].mac, &(struct bpfbr_fdb_entry){}), 0,
		  "static entry still there");
	for (int i = 0; i < fx.nports; i++) {
		if (!ASSERT_OK(sw_port_stats(&fx.sw, (uint16_t)i, &st), "port stats"))
			break;
		ASSERT_EQ(st.rx_packets + st.tx_packets + st.drops, 0,
			  "no port counts a frame from a non-port");
	}
	fx_teardown(&fx);
}
