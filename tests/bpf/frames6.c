// SPDX-License-Identifier: GPL-2.0-only OR BSD-2-Clause
#include <string.h>

#include "frames6.h"

static void put16be(uint8_t *p, uint16_t v)
{
	p[0] = (uint8_t)(v >> 8);
	p[1] = (uint8_t)v;
}

/* The IPv6 header and the upper-layer packet l4[0..n) of protocol proto; its
 * checksum (at csum_at) over the pseudo-header. */
static void ipv6_packet(struct frame *f, const uint8_t *dst, const uint8_t *src,
			const uint8_t *saddr, const uint8_t *daddr, uint8_t proto, uint8_t *l4,
			size_t n, size_t csum_at)
{
	uint8_t ip6[40] = { 0x60 };
	uint32_t sum = proto + (uint32_t)n;
	uint16_t csum;

	put16be(ip6 + 4, (uint16_t)n);
	ip6[6] = proto;
	ip6[7] = 255;
	memcpy(ip6 + 8, saddr, 16);
	memcpy(ip6 + 24, daddr, 16);
	for (size_t i = 8; i < 40; i += 2)
		sum += (uint32_t)ip6[i] << 8 | ip6[i + 1];
	l4[csum_at] = l4[csum_at + 1] = 0;
	csum = inet_csum(l4, n, sum);
	memcpy(l4 + csum_at, &csum, 2);
	frame_eth(f, dst, src, ETHERTYPE_IPV6);
	frame_put(f, ip6, sizeof(ip6));
	frame_put(f, l4, n);
}

void frame_icmp6(struct frame *f, const uint8_t *dst, const uint8_t *src, const uint8_t *saddr,
		 const uint8_t *daddr, uint8_t type, const void *body, size_t n)
{
	uint8_t l4[512] = { type };

	memcpy(l4 + 4, body, n);
	ipv6_packet(f, dst, src, saddr, daddr, 58, l4, 4 + n, 2);
}

void frame_ndp(struct frame *f, const uint8_t *dst, const uint8_t *src, const uint8_t *saddr,
	       const uint8_t *daddr, uint8_t type, const uint8_t *target, const uint8_t *lladdr)
{
	uint8_t body[28] = { 0 };
	size_t n = 20;

	if (type == ICMP6_NA)
		body[0] = 0x60; /* solicited, override */
	memcpy(body + 4, target, 16);
	if (lladdr) {
		body[20] = type == ICMP6_NS ? 1 : 2;
		body[21] = 1; /* 8 bytes */
		memcpy(body + 22, lladdr, 6);
		n = 28;
	}
	frame_icmp6(f, dst, src, saddr, daddr, type, body, n);
}

void frame_tcp6_syn(struct frame *f, const uint8_t *dst, const uint8_t *src, const uint8_t *saddr,
		    const uint8_t *daddr, uint16_t sport, uint16_t dport)
{
	uint8_t tcp[20] = { 0 };

	put16be(tcp, sport);
	put16be(tcp + 2, dport);
	tcp[12] = 5 << 4;
	tcp[13] = 0x02; /* SYN */
	put16be(tcp + 14, 64240);
	ipv6_packet(f, dst, src, saddr, daddr, 6, tcp, sizeof(tcp), 16);
}

void solicited_node(const uint8_t *a, uint8_t group[16], uint8_t mac[6])
{
	const uint8_t g[16] = { 0xff, 0x02, [11] = 0x01, [12] = 0xff };

	memcpy(group, g, 16);
	memcpy(group + 13, a + 13, 3);
	mac[0] = mac[1] = 0x33;
	memcpy(mac + 2, group + 12, 4);
}

void ll_of_mac(const uint8_t *mac, uint8_t out[16])
{
	memset(out, 0, 16);
	out[0] = 0xfe;
	out[1] = 0x80;
	out[8] = mac[0] ^ 0x02;
	out[9] = mac[1];
	out[10] = mac[2];
	out[11] = 0xff;
	out[12] = 0xfe;
	memcpy(out + 13, mac + 3, 3);
}
