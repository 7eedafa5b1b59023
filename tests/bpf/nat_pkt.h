/* SPDX-License-Identifier: GPL-2.0-only OR BSD-2-Clause */
/*
 * IPv4 packets for the masquerade tests, described field by field and
 * rendered into Ethernet frames with every checksum computed (by frames.c's
 * inet_csum, not by the routine that verifies the output). A test describes
 * what a host sends, copies the description, changes what the translation
 * should change and renders both: the second is the frame the program must
 * produce, byte for byte.
 */
#ifndef BPFBR_TESTS_NAT_PKT_H
#define BPFBR_TESTS_NAT_PKT_H

#include <stdbool.h>
#include <stddef.h>
#include <stdint.h>

#include "frames.h"

#define PROTO_ICMP 1
#define PROTO_TCP  6
#define PROTO_UDP  17
#define PROTO_GRE  47

#define IP_DF 0x4000
#define IP_MF 0x2000

#define TCP_FIN 0x01
#define TCP_SYN 0x02
#define TCP_RST 0x04
#define TCP_PSH 0x08
#define TCP_ACK 0x10

#define ICMP_ECHOREPLY	 0
#define ICMP_UNREACH	 3
#define ICMP_ECHO	 8
#define ICMP_TIMXCEED	 11
#define ICMP_TSTAMP	 13
#define UNREACH_HOST	 1
#define UNREACH_PORT	 3
#define UNREACH_NEEDFRAG 4
#define TIMXCEED_INTRANS 0

/* What a router quotes of a packet in an ICMP error: 576 bytes in all (RFC 1812 4.3.2.3). */
#define ICMP_QUOTE_MAX (576 - 20 - 8)

#define PKT_PAYLOAD_MAX 1500

struct pkt {
	uint8_t dst_mac[6], src_mac[6];
	uint32_t saddr, daddr; /* network order */
	uint8_t proto;
	uint8_t ttl;
	uint8_t tos;
	uint16_t id;
	uint16_t frag;	  /* flags and fragment offset field (IP_DF, IP_MF), host order */
	uint8_t opts[40]; /* IPv4 options, optlen bytes (a multiple of 4) */
	uint8_t optlen;
	/* TCP and UDP; for ICMP echo (request or reply) sport is the identifier
	 * and dport the sequence number. Host order. */
	uint16_t sport, dport;
	uint8_t tcp_flags;
	uint32_t seq, ack;
	uint8_t icmp_type, icmp_code;
	uint32_t icmp_rest; /* bytes 4-7 of an ICMP error (frag needed: next-hop MTU) */
	bool udp_no_csum;   /* send UDP with checksum 0 (none) */
	/* After the transport header; for an ICMP error, the quoted packet. */
	uint8_t payload[PKT_PAYLOAD_MAX];
	size_t len;
};

/* Payload of n bytes with a recognisable pattern (seeded, so two differ). */
void pkt_fill(struct pkt *p, size_t n, uint8_t seed);

/* Renders p into an Ethernet frame. */
void pkt_frame(struct frame *f, const struct pkt *p);

/* The IPv4 packet of a frame (after the Ethernet header) and its length. */
const uint8_t *frame_ip(const struct frame *f, size_t *len);

/* Recomputes the checksum of the IPv4 header at ip. */
void pkt_fix_ip_csum(uint8_t *ip);

/*
 * Sets p's payload to what a router quotes of the packet in frame f when
 * reporting an error: the packet as it arrived there, with TTL ttl (its
 * header checksum fixed), cut to quote_max bytes.
 */
void pkt_quote(struct pkt *p, const struct frame *f, uint8_t ttl, size_t quote_max);

/*
 * Fragments the datagram in frame whole as a router with an MTU of
 * 20 + frag_bytes would: fragments of frag_bytes of payload (a multiple of
 * 8), the last one shorter; header copied (it has no options), MF and offset
 * set, checksum fixed. Returns how many were written to out (at most max).
 */
int pkt_fragment(const struct frame *whole, size_t frag_bytes, struct frame *out, int max);

#endif
