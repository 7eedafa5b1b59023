// SPDX-License-Identifier: GPL-2.0-only OR BSD-2-Clause
/*
 * The checksum routine that judges the masquerade's output (nat_csum.c),
 * judged itself: against RFC 1071's worked example and a known IPv4 header,
 * against the frame builders, against frames the kernel computed in
 * software, and on frames with one bit wrong, which it must refuse.
 */
#include <arpa/inet.h>
#include <unistd.h>

#include "harness.h"
#include "nat_csum.h"
#include "nat_expect.h"
#include "nat_node.h"

TEST(nat_csum_known_values)
{
	/* RFC 1071 section 3: these bytes sum to 0xddf2 (checksum 0x220d). */
	static const uint8_t rfc1071[8] = { 0x00, 0x01, 0xf2, 0x03, 0xf4, 0xf5, 0xf6, 0xf7 };
	/* An IPv4 header whose checksum (offset 10) is 0xb861. */
	static const uint8_t hdr[20] = {
		0x45, 0x00, 0x00, 0x73, 0x00, 0x00, 0x40, 0x00, 0x40, 0x11,
		0xb8, 0x61, 0xc0, 0xa8, 0x00, 0x01, 0xc0, 0xa8, 0x00, 0xc7
	};
	static const uint8_t odd[3] = { 0x12, 0x34, 0x56 };

	ASSERT_EQ(nat_csum_finish(nat_csum_add(0, rfc1071, sizeof(rfc1071))), 0x220d,
		  "RFC 1071 example");
	/* Carries beyond 32 bits fold too. */
	ASSERT_EQ(nat_csum_finish(0x1ffffffffull), (uint16_t)~0x1, "fold of a 33-bit sum");
	ASSERT_EQ(nat_csum_ipv4(hdr), 0xb861, "known IPv4 header");
	ASSERT_EQ(nat_csum_finish(nat_csum_add(0, odd, sizeof(odd))), (uint16_t) ~(0x1234 + 0x5600),
		  "an odd byte is padded on the right");
}

TEST(nat_csum_agrees_with_the_builders)
{
	struct frame f;
	struct pkt p;

	for (int proto = 0; proto < 3; proto++) {
		static const uint8_t protos[] = { PROTO_TCP, PROTO_UDP, PROTO_ICMP };

		nfx_sent(&p, CT1, protos[proto], 40000, server_addr(), 443);
		pkt_frame(&f, &p);
		nexp_csums(&f, 2, "a built packet");
		/* And with IPv4 options before the transport header. */
		p.optlen = 4;
		p.opts[0] = 0x94; /* router alert */
		p.opts[1] = 4;
		pkt_frame(&f, &p);
		nexp_csums(&f, 2, "a built packet with options");
	}
	frame_udp(&f, uplink_mac, next_hop_mac, ct_addr(CT1), server_addr(), 1234, 53, "hello", 5);
	nexp_csums(&f, 2, "frames.c: a UDP datagram");
	frame_icmp_echo(&f, uplink_mac, next_hop_mac, ct_addr(CT1), server_addr(), 3);
	nexp_csums(&f, 2, "frames.c: an echo request");
}

TEST(nat_csum_refuses_a_wrong_bit)
{
	struct nat_csum_report rep;
	struct frame f;
	struct pkt p;
	unsigned int bad;

	/* Each part of an ICMP error quoting a whole UDP datagram, broken in turn; the
	 * ICMP checksum covers the quote too. */
	static const struct {
		const char *what;
		size_t off;	    /* byte flipped, from the IPv4 header */
		unsigned int items; /* the checksums that must notice, by report index */
	} flips[] = {
		{ "outer header", 15, 1u << 0 },		   /* source address */
		{ "ICMP message", 20 + 5, 1u << 1 },		   /* a byte of the ICMP header */
		{ "quoted header", 28 + 8, 1u << 1 | 1u << 2 },	   /* quoted TTL */
		{ "quoted datagram", 28 + 40, 1u << 1 | 1u << 3 }, /* quoted UDP payload */
	};

	nfx_sent(&p, CT1, PROTO_UDP, 40000, server_addr(), 33434);
	pkt_frame(&f, &p);
	p = (struct pkt){ .saddr = next_hop(),
			  .daddr = uplink_addr(),
			  .proto = PROTO_ICMP,
			  .ttl = 64,
			  .icmp_type = ICMP_TIMXCEED };
	pkt_quote(&p, &f, 1, ICMP_QUOTE_MAX);
	pkt_frame(&f, &p);
	nexp_csums(&f, 4, "ICMP error quoting a whole datagram");
	for (size_t i = 0; i < sizeof(flips) / sizeof(flips[0]); i++) {
		f.data[ETH_HDR_LEN + flips[i].off] ^= 0x10;
		nat_csum_frame(f.data, f.len, &rep);
		bad = 0;
		for (int k = 0; k < rep.n; k++)
			if (rep.item[k].stored != rep.item[k].computed)
				bad |= 1u << k;
		ASSERT_EQ(bad, flips[i].items, flips[i].what);
		f.data[ETH_HDR_LEN + flips[i].off] ^= 0x10;
	}
	/* A zero UDP checksum means none: nothing to recompute. */
	nfx_sent(&p, CT1, PROTO_UDP, 40000, server_addr(), 53);
	p.udp_no_csum = true;
	pkt_frame(&f, &p);
	nexp_csums(&f, 1, "UDP without checksum");
}

/* What the kernel computed in software (transmit offload off) must check. */
TEST(nat_csum_agrees_with_the_kernel)
{
	static const struct {
		const char *what;
		uint8_t proto;
	} kinds[] = {
		{ "the kernel's UDP datagram", PROTO_UDP },
		{ "the kernel's TCP SYN", PROTO_TCP },
		{ "the kernel's echo request", PROTO_ICMP },
	};
	struct frame f;
	struct nfx fx;
	int fd;

	if (!nfx_setup(&fx, NULL))
		return;
	if (!ASSERT_OK(nat_node_setup(&fx), "the node's address, route and neighbour"))
		goto out;
	for (size_t i = 0; i < sizeof(kinds) / sizeof(kinds[0]); i++) {
		switch (kinds[i].proto) {
		case PROTO_UDP:
			fd = nat_node_udp(40000, server_addr(), 53);
			if (fd >= 0 && send(fd, "a query of 21 bytes..", 21, 0) < 0)
				ASSERT_OK(-errno, "send");
			break;
		case PROTO_TCP:
			fd = nat_node_tcp_connect(40001, server_addr(), 443);
			break;
		default:
			fd = nat_node_ping(server_addr(), 1);
			break;
		}
		if (!ASSERT_TRUE(fd >= 0, kinds[i].what))
			break;
		if (ASSERT_OK(nat_node_capture(&fx, kinds[i].proto, server_addr(), &f),
			      kinds[i].what))
			nexp_csums(&f, 2, kinds[i].what);
		close(fd);
	}
out:
	nfx_teardown(&fx);
}
