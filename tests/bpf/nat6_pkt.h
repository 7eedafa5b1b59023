/* SPDX-License-Identifier: GPL-2.0-only OR BSD-2-Clause */
/*
 * IPv6 packets for the NAT66 tests, as nat_pkt.h's IPv4 ones: described
 * field by field, rendered into Ethernet frames with every checksum computed
 * (by frames.c's inet_csum, not by what verifies the output), so that a
 * copy of a description with the translated fields changed renders the
 * frame the program must produce, byte for byte.
 */
#ifndef BPFBR_TESTS_NAT6_PKT_H
#define BPFBR_TESTS_NAT6_PKT_H

#include <stddef.h>
#include <stdint.h>

#include "frames.h"

#define PROTO_ICMPV6 58
#define EXT_HOP	     0
#define EXT_ROUTING  43
#define EXT_FRAGMENT 44
#define EXT_DEST     60

#define ICMP6_DEST_UNREACH 1
#define ICMP6_PKT_TOOBIG   2
#define ICMP6_ECHO_REPLY   129

/* What a router quotes of a packet in an ICMPv6 error: up to 1280 bytes in all (RFC 4443). */
#define ICMP6_QUOTE_MAX (1280 - 40 - 8)

struct pkt6 {
	uint8_t dst_mac[6], src_mac[6];
	uint8_t saddr[16], daddr[16];
	uint8_t proto; /* the transport, after ext */
	uint8_t hop_limit;
	/* Extension headers between the IPv6 header and the transport, as they
	 * are on the wire (each one's next header and length filled in by the
	 * test); ext_first: the type of the first. */
	uint8_t ext[64];
	size_t extlen;
	uint8_t ext_first;
	/* TCP and UDP ports; ICMPv6 echo: identifier and sequence. Host order. */
	uint16_t sport, dport;
	uint8_t tcp_flags;
	uint32_t seq, ack;
	uint8_t icmp_type, icmp_code;
	uint32_t icmp_rest; /* bytes 4-7 of an ICMPv6 error (packet too big: the MTU) */
	uint8_t payload[1500];
	size_t len;
};

/* Renders p into an Ethernet frame. */
void pkt6_frame(struct frame *f, const struct pkt6 *p);
/* Sets p's payload to what a router quotes of the packet in frame f (its
 * IPv6 packet as it arrived, cut to quote_max bytes). */
void pkt6_quote(struct pkt6 *p, const struct frame *f, size_t quote_max);

/*
 * Fragments the IPv6 packet in frame whole (no extension headers) as its
 * sender would: fragments of frag_bytes of payload (a multiple of 8), the
 * last one shorter, identification id. Returns how many were written to out
 * (at most max).
 */
int pkt6_fragment(const struct frame *whole, size_t frag_bytes, uint32_t id, struct frame *out,
		  int max);

#endif
