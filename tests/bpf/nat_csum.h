/* SPDX-License-Identifier: GPL-2.0-only OR BSD-2-Clause */
/*
 * The Internet checksum, written from RFC 1071 for the masquerade tests and
 * shared with nothing else: not with bpf/lib/csum.h (what is under test), not
 * with frames.c (which builds the test input). Verifying a frame means
 * recomputing each checksum it carries from scratch (the field counted as
 * zero) and comparing with what the field holds; no incremental arithmetic.
 */
#ifndef BPFBR_TESTS_NAT_CSUM_H
#define BPFBR_TESTS_NAT_CSUM_H

#include <stddef.h>
#include <stdint.h>

/* One's complement sum of n bytes as 16-bit big-endian words (an odd last
 * byte is padded with zero), added to sum; not folded. */
uint64_t nat_csum_add(uint64_t sum, const void *p, size_t n);
/* Folds a sum to 16 bits and complements it: the value a checksum field holds,
 * host order. */
uint16_t nat_csum_finish(uint64_t sum);

/* The checksum an IPv4 header at ip should carry (its own field counted as 0). */
uint16_t nat_csum_ipv4(const uint8_t *ip);
/* The TCP or UDP checksum a segment of len bytes should carry, pseudo header
 * included (UDP: 0 computed is sent as 0xffff). */
uint16_t nat_csum_l4(uint32_t saddr, uint32_t daddr, uint8_t proto, const uint8_t *seg, size_t len);
/* The checksum an ICMP message of len bytes should carry. */
uint16_t nat_csum_icmp(const uint8_t *msg, size_t len);

#define NAT_CSUM_MAX 6

/* One checksum of a frame: the value its field holds and the one it should. */
struct nat_csum_item {
	const char *what;
	uint16_t stored;
	uint16_t computed;
};

struct nat_csum_report {
	int n;
	struct nat_csum_item item[NAT_CSUM_MAX];
};

/*
 * Every checksum of an Ethernet frame carrying IPv4 that can be recomputed
 * from the frame alone: the IPv4 header; TCP, UDP (unless 0: absent) or ICMP
 * when the frame holds the whole datagram (not a fragment); in an ICMP error,
 * the quoted IPv4 header, and the quoted TCP, UDP or ICMP checksum when the
 * quote holds the whole quoted datagram. Values in host order.
 */
void nat_csum_frame(const uint8_t *frame, size_t len, struct nat_csum_report *r);

#endif
