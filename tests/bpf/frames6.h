/* SPDX-License-Identifier: GPL-2.0-only OR BSD-2-Clause */
/*
 * IPv6 test frames: ICMPv6 messages and neighbour discovery (RFC 4861)
 * with their checksums over the pseudo-header. Addresses are 16 bytes.
 */
#ifndef BPFBR_TESTS_FRAMES6_H
#define BPFBR_TESTS_FRAMES6_H

#include "frames.h"

#define ICMP6_ECHO_REQUEST 128
#define ICMP6_RS	   133
#define ICMP6_RA	   134
#define ICMP6_NS	   135
#define ICMP6_NA	   136
#define ICMP6_REDIRECT	   137

/* An ICMPv6 message: type, code 0, checksum, then body[0..n), hop limit 255. */
void frame_icmp6(struct frame *f, const uint8_t *dst, const uint8_t *src, const uint8_t *saddr,
		 const uint8_t *daddr, uint8_t type, const void *body, size_t n);
/*
 * An NS or NA (type) for target; with a link-layer address option (SLLA
 * for NS, TLLA for NA) naming lladdr unless it is NULL. An NA is solicited
 * and overriding.
 */
void frame_ndp(struct frame *f, const uint8_t *dst, const uint8_t *src, const uint8_t *saddr,
	       const uint8_t *daddr, uint8_t type, const uint8_t *target, const uint8_t *lladdr);
/* A TCP SYN over IPv6 from sport to dport (no checksum check reads it). */
void frame_tcp6_syn(struct frame *f, const uint8_t *dst, const uint8_t *src, const uint8_t *saddr,
		    const uint8_t *daddr, uint16_t sport, uint16_t dport);
/* The solicited-node multicast address of a (ff02::1:ffXX:XXXX) and its MAC. */
void solicited_node(const uint8_t *a, uint8_t group[16], uint8_t mac[6]);
/* The EUI-64 link-local address of mac. */
void ll_of_mac(const uint8_t *mac, uint8_t out[16]);

#endif
