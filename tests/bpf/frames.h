/* SPDX-License-Identifier: GPL-2.0-only OR BSD-2-Clause */
/*
 * Building test frames byte by byte: Ethernet, 802.1Q/802.1ad tags, ARP for
 * IPv4, IPv4 with ICMP echo or UDP. Checksums are computed, so every frame is
 * one a real endpoint could have sent. Addresses are in network order.
 */
#ifndef BPFBR_TESTS_FRAMES_H
#define BPFBR_TESTS_FRAMES_H

#include <stddef.h>
#include <stdint.h>

#define FRAME_MAX 1600

#define ETH_HDR_LEN  14
#define VLAN_TAG_LEN 4
#define ARP_BODY_LEN 28 /* ARP for IPv4 over Ethernet */
#define IPV4_HDR_LEN 20

#define ETHERTYPE_IPV4	 0x0800
#define ETHERTYPE_ARP	 0x0806
#define ETHERTYPE_8021Q	 0x8100
#define ETHERTYPE_8021AD 0x88a8
#define ETHERTYPE_IPV6	 0x86dd

#define ARP_OP_REQUEST 1
#define ARP_OP_REPLY   2

struct frame {
	uint8_t data[FRAME_MAX];
	size_t len;
};

extern const uint8_t mac_broadcast[6];
extern const uint8_t mac_zero[6];

/* a.b.c.d in network order. */
uint32_t ip4(uint8_t a, uint8_t b, uint8_t c, uint8_t d);

/* The Internet checksum (RFC 1071) of p[0..n), starting from a partial sum. */
uint16_t inet_csum(const void *p, size_t n, uint32_t sum);

/* Starts f with an Ethernet header. */
void frame_eth(struct frame *f, const uint8_t *dst, const uint8_t *src, uint16_t ethertype);
/* Appends n bytes. */
void frame_put(struct frame *f, const void *p, size_t n);
/* Inserts a VLAN tag (tpid, tci) right after the MAC addresses, outermost. */
void frame_vlan_push(struct frame *f, uint16_t tpid, uint16_t tci);

/* An ARP packet for IPv4 (RFC 826); the Ethernet source is eth_src, which a
 * well-behaved sender sets equal to sha. */
void frame_arp(struct frame *f, const uint8_t *eth_dst, const uint8_t *eth_src, uint16_t op,
	       const uint8_t *sha, uint32_t spa, const uint8_t *tha, uint32_t tpa);
/* An ARP request who-has tpa from (sha, spa), broadcast. */
void frame_arp_request(struct frame *f, const uint8_t *sha, uint32_t spa, uint32_t tpa);

/* An ICMP echo request as ping sends it: 56 bytes of payload, DF, TTL 64. */
void frame_icmp_echo(struct frame *f, const uint8_t *dst, const uint8_t *src, uint32_t saddr,
		     uint32_t daddr, uint16_t seq);
/* A UDP datagram with the given payload, checksum included. */
void frame_udp(struct frame *f, const uint8_t *dst, const uint8_t *src, uint32_t saddr,
	       uint32_t daddr, uint16_t sport, uint16_t dport, const void *payload, size_t n);

/* A UDP datagram over IPv6 (addresses of 16 bytes), checksum included. */
void frame_udp6(struct frame *f, const uint8_t *dst, const uint8_t *src, const uint8_t *saddr,
		const uint8_t *daddr, uint16_t sport, uint16_t dport, const void *payload,
		size_t n);

#endif
