// SPDX-License-Identifier: GPL-2.0-only OR BSD-2-Clause
#include <arpa/inet.h>
#include <assert.h>
#include <string.h>

#include "frames.h"

const uint8_t mac_broadcast[6] = { 0xff, 0xff, 0xff, 0xff, 0xff, 0xff };
const uint8_t mac_zero[6];

uint32_t ip4(uint8_t a, uint8_t b, uint8_t c, uint8_t d)
{
	return htonl((uint32_t)a << 24 | (uint32_t)b << 16 | (uint32_t)c << 8 | d);
}

uint16_t inet_csum(const void *p, size_t n, uint32_t sum)
{
	const uint8_t *b = p;

	for (; n > 1; n -= 2, b += 2)
		sum += (uint32_t)b[0] << 8 | b[1];
	if (n)
		sum += (uint32_t)b[0] << 8;
	while (sum >> 16)
		sum = (sum & 0xffff) + (sum >> 16);
	return htons((uint16_t)~sum);
}

static void put16(uint8_t *p, uint16_t v)
{
	p[0] = v >> 8;
	p[1] = v & 0xff;
}

void frame_put(struct frame *f, const void *p, size_t n)
{
	assert(f->len + n <= sizeof(f->data));
	memcpy(f->data + f->len, p, n);
	f->len += n;
}

void frame_eth(struct frame *f, const uint8_t *dst, const uint8_t *src, uint16_t ethertype)
{
	uint8_t type[2];

	f->len = 0;
	frame_put(f, dst, 6);
	frame_put(f, src, 6);
	put16(type, ethertype);
	frame_put(f, type, 2);
}

void frame_vlan_push(struct frame *f, uint16_t tpid, uint16_t tci)
{
	assert(f->len >= 12 && f->len + VLAN_TAG_LEN <= sizeof(f->data));
	memmove(f->data + 12 + VLAN_TAG_LEN, f->data + 12, f->len - 12);
	put16(f->data + 12, tpid);
	put16(f->data + 14, tci);
	f->len += VLAN_TAG_LEN;
}

void frame_arp(struct frame *f, const uint8_t *eth_dst, const uint8_t *eth_src, uint16_t op,
	       const uint8_t *sha, uint32_t spa, const uint8_t *tha, uint32_t tpa)
{
	uint8_t a[ARP_BODY_LEN];

	frame_eth(f, eth_dst, eth_src, ETHERTYPE_ARP);
	put16(a + 0, 1); /* htype Ethernet */
	put16(a + 2, ETHERTYPE_IPV4);
	a[4] = 6;
	a[5] = 4;
	put16(a + 6, op);
	memcpy(a + 8, sha, 6);
	memcpy(a + 14, &spa, 4);
	memcpy(a + 18, tha, 6);
	memcpy(a + 24, &tpa, 4);
	frame_put(f, a, sizeof(a));
}

void frame_arp_request(struct frame *f, const uint8_t *sha, uint32_t spa, uint32_t tpa)
{
	frame_arp(f, mac_broadcast, sha, ARP_OP_REQUEST, sha, spa, mac_zero, tpa);
}

/* Appends an IPv4 header for a payload of plen bytes. */
static void put_ipv4(struct frame *f, uint32_t saddr, uint32_t daddr, uint8_t proto, size_t plen)
{
	static uint16_t id = 0x1c46;
	uint8_t h[IPV4_HDR_LEN] = { 0x45, 0x00 };
	uint16_t csum;

	put16(h + 2, (uint16_t)(IPV4_HDR_LEN + plen));
	put16(h + 4, id++);
	put16(h + 6, 0x4000); /* DF */
	h[8] = 64;
	h[9] = proto;
	memcpy(h + 12, &saddr, 4);
	memcpy(h + 16, &daddr, 4);
	csum = inet_csum(h, sizeof(h), 0);
	memcpy(h + 10, &csum, 2);
	frame_put(f, h, sizeof(h));
}

void frame_icmp_echo(struct frame *f, const uint8_t *dst, const uint8_t *src, uint32_t saddr,
		     uint32_t daddr, uint16_t seq)
{
	uint8_t icmp[8 + 56] = { 8, 0 }; /* echo request, code 0 */
	uint16_t csum;

	put16(icmp + 4, 0x4242); /* identifier */
	put16(icmp + 6, seq);
	for (size_t i = 8; i < sizeof(icmp); i++)
		icmp[i] = (uint8_t)i; /* ping's pattern after its timestamp */
	csum = inet_csum(icmp, sizeof(icmp), 0);
	memcpy(icmp + 2, &csum, 2);
	frame_eth(f, dst, src, ETHERTYPE_IPV4);
	put_ipv4(f, saddr, daddr, 1 /* ICMP */, sizeof(icmp));
	frame_put(f, icmp, sizeof(icmp));
}

void frame_udp(struct frame *f, const uint8_t *dst, const uint8_t *src, uint32_t saddr,
	       uint32_t daddr, uint16_t sport, uint16_t dport, const void *payload, size_t n)
{
	uint8_t pseudo[12], udp[8];
	uint16_t ulen = (uint16_t)(sizeof(udp) + n), csum;
	uint32_t sum = 0;

	memcpy(pseudo, &saddr, 4);
	memcpy(pseudo + 4, &daddr, 4);
	pseudo[8] = 0;
	pseudo[9] = 17; /* UDP */
	put16(pseudo + 10, ulen);
	put16(udp + 0, sport);
	put16(udp + 2, dport);
	put16(udp + 4, ulen);
	put16(udp + 6, 0);
	frame_eth(f, dst, src, ETHERTYPE_IPV4);
	put_ipv4(f, saddr, daddr, 17, ulen);
	frame_put(f, udp, sizeof(udp));
	frame_put(f, payload, n);
	/* Sum the pseudo header, then the UDP header and payload as laid out. */
	for (size_t i = 0; i < sizeof(pseudo); i += 2)
		sum += (uint32_t)pseudo[i] << 8 | pseudo[i + 1];
	csum = inet_csum(f->data + f->len - ulen, ulen, sum);
	if (!csum)
		csum = 0xffff; /* 0 means "no checksum" in UDP over IPv4 */
	memcpy(f->data + f->len - ulen + 6, &csum, 2);
}

void frame_udp6(struct frame *f, const uint8_t *dst, const uint8_t *src, const uint8_t *saddr,
		const uint8_t *daddr, uint16_t sport, uint16_t dport, const void *payload, size_t n)
{
	uint8_t ip6[40] = { 0x60 }, udp[8];
	uint16_t ulen = (uint16_t)(sizeof(udp) + n), csum;
	uint32_t sum = 17 + ulen; /* pseudo header: next header and length */

	put16(ip6 + 4, ulen);
	ip6[6] = 17; /* UDP */
	ip6[7] = 64; /* hop limit */
	memcpy(ip6 + 8, saddr, 16);
	memcpy(ip6 + 24, daddr, 16);
	put16(udp + 0, sport);
	put16(udp + 2, dport);
	put16(udp + 4, ulen);
	put16(udp + 6, 0);
	frame_eth(f, dst, src, ETHERTYPE_IPV6);
	frame_put(f, ip6, sizeof(ip6));
	frame_put(f, udp, sizeof(udp));
	frame_put(f, payload, n);
	for (size_t i = 8; i < 40; i += 2)
		sum += (uint32_t)ip6[i] << 8 | ip6[i + 1];
	csum = inet_csum(f->data + f->len - ulen, ulen, sum);
	if (!csum)
		csum = 0xffff;
	memcpy(f->data + f->len - ulen + 6, &csum, 2);
}
