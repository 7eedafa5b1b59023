// SPDX-License-Identifier: GPL-2.0-only OR BSD-2-Clause
#include <stdbool.h>
#include <string.h>

#include "nat_csum.h"

#define ETH_LEN 14

uint64_t nat_csum_add(uint64_t sum, const void *p, size_t n)
{
	const uint8_t *b = p;
	size_t i;

	/* RFC 1071 section 4.1, byte by byte so that it does not depend on the host's order. */
	for (i = 0; i + 1 < n; i += 2)
		sum += (uint64_t)(b[i] << 8 | b[i + 1]);
	if (i < n)
		sum += (uint64_t)b[i] << 8;
	return sum;
}

uint16_t nat_csum_finish(uint64_t sum)
{
	while (sum > 0xffff)
		sum = (sum >> 16) + (sum & 0xffff);
	return (uint16_t)~sum;
}

static uint16_t get16(const uint8_t *p)
{
	return (uint16_t)(p[0] << 8 | p[1]);
}

/* Sums buf[0..n) as if the 16-bit field at offset field were zero. */
static uint64_t sum_without(uint64_t sum, const uint8_t *buf, size_t n, size_t field)
{
	sum = nat_csum_add(sum, buf, field);
	return nat_csum_add(sum, buf + field + 2, n - field - 2);
}

uint16_t nat_csum_ipv4(const uint8_t *ip)
{
	return nat_csum_finish(sum_without(0, ip, (size_t)(ip[0] & 0x0f) * 4, 10));
}

uint16_t nat_csum_l4(uint32_t saddr, uint32_t daddr, uint8_t proto, const uint8_t *seg, size_t len)
{
	size_t field = proto == 6 ? 16 : 6;
	uint8_t pseudo[12];
	uint64_t sum;
	uint16_t c;

	memcpy(pseudo, &saddr, 4);
	memcpy(pseudo + 4, &daddr, 4);
	pseudo[8] = 0;
	pseudo[9] = proto;
	pseudo[10] = (uint8_t)(len >> 8);
	pseudo[11] = (uint8_t)len;
	sum = sum_without(nat_csum_add(0, pseudo, sizeof(pseudo)), seg, len, field);
	c = nat_csum_finish(sum);
	return proto == 17 && c == 0 ? 0xffff : c; /* RFC 768: 0 is sent as all ones */
}

uint16_t nat_csum_icmp(const uint8_t *msg, size_t len)
{
	return nat_csum_finish(sum_without(0, msg, len, 2));
}

static void item(struct nat_csum_report *r, const char *what, uint16_t stored, uint16_t computed)
{
	if (r->n < NAT_CSUM_MAX)
		r->item[r->n++] = (struct nat_csum_item){ what, stored, computed };
}

/* The transport checksum of the datagram at ip, when ip[0..avail) holds all of it. */
static void transport(struct nat_csum_report *r, const uint8_t *ip, size_t avail, bool quoted)
{
	size_t ihl = (size_t)(ip[0] & 0x0f) * 4, tot = get16(ip + 2);
	const uint8_t *l4 = ip + ihl;
	uint32_t saddr, daddr;
	size_t len;

	if (get16(ip + 6) & 0x3fff) /* MF or an offset: a fragment */
		return;
	if (tot > avail || tot < ihl)
		return;
	len = tot - ihl;
	memcpy(&saddr, ip + 12, 4);
	memcpy(&daddr, ip + 16, 4);
	switch (ip[9]) {
	case 6:
		if (len >= 20)
			item(r, quoted ? "quoted TCP checksum" : "TCP checksum", get16(l4 + 16),
			     nat_csum_l4(saddr, daddr, 6, l4, len));
		break;
	case 17:
		if (len >= 8 && get16(l4 + 6))
			item(r, quoted ? "quoted UDP checksum" : "UDP checksum", get16(l4 + 6),
			     nat_csum_l4(saddr, daddr, 17, l4, len));
		break;
	case 1:
		if (len >= 8)
			item(r, quoted ? "quoted ICMP checksum" : "ICMP checksum", get16(l4 + 2),
			     nat_csum_icmp(l4, len));
		break;
	}
}

void nat_csum_frame(const uint8_t *frame, size_t len, struct nat_csum_report *r)
{
	const uint8_t *ip = frame + ETH_LEN, *l4, *q;
	size_t ihl, avail, qavail;

	r->n = 0;
	if (len < ETH_LEN + 20 || get16(frame + 12) != 0x0800 || (ip[0] >> 4) != 4)
		return;
	ihl = (size_t)(ip[0] & 0x0f) * 4;
	avail = len - ETH_LEN;
	if (ihl < 20 || ihl > avail)
		return;
	item(r, "IPv4 header checksum", get16(ip + 10), nat_csum_ipv4(ip));
	transport(r, ip, avail, false);
	l4 = ip + ihl;
	/* An ICMP error: the quoted header starts after the 8 bytes of the ICMP header. */
	if (ip[9] != 1 || (get16(ip + 6) & 0x3fff) || avail < ihl + 8 + 20 ||
	    (l4[0] != 3 && l4[0] != 11 && l4[0] != 12))
		return;
	q = l4 + 8;
	qavail = (get16(ip + 2) < avail ? get16(ip + 2) : avail) - ihl - 8;
	if ((q[0] >> 4) != 4 || (size_t)(q[0] & 0x0f) * 4 > qavail || (q[0] & 0x0f) < 5)
		return;
	item(r, "quoted IPv4 header checksum", get16(q + 10), nat_csum_ipv4(q));
	transport(r, q, qavail, true);
}
