// SPDX-License-Identifier: GPL-2.0-only OR BSD-2-Clause
#include <stdbool.h>

#include "nat_csum6.h"

#define ETH_LEN 14
#define IP6_LEN 40

static uint16_t get16(const uint8_t *p)
{
	return (uint16_t)(p[0] << 8 | p[1]);
}

static void item(struct nat_csum_report *r, const char *what, uint16_t stored, uint16_t computed)
{
	if (r->n < NAT_CSUM_MAX)
		r->item[r->n++] = (struct nat_csum_item){ what, stored, computed };
}

/* The checksum segment seg[0..len) of proto should carry, under ip's addresses. */
static uint16_t csum6(const uint8_t *ip, uint8_t proto, const uint8_t *seg, size_t len,
		      size_t field)
{
	uint8_t tail[8] = { 0, 0, (uint8_t)(len >> 8), (uint8_t)len, 0, 0, 0, proto };
	uint64_t sum = nat_csum_add(0, ip + 8, 32);
	uint16_t c;

	sum = nat_csum_add(sum, tail, sizeof(tail));
	sum = nat_csum_add(sum, seg, field);
	sum = nat_csum_add(sum, seg + field + 2, len - field - 2);
	c = nat_csum_finish(sum);
	return proto == 17 && c == 0 ? 0xffff : c;
}

/*
 * The transport of the IPv6 packet at ip (avail bytes there): its protocol
 * and offset after the extension headers; false for a fragment, a chain
 * this does not walk, or a packet not all there.
 */
static bool find_transport(const uint8_t *ip, size_t avail, uint8_t *proto, size_t *off)
{
	size_t plen = get16(ip + 4);
	uint8_t next = ip[6];

	if (IP6_LEN + plen > avail)
		return false;
	*off = IP6_LEN;
	while (next == 0 || next == 43 || next == 60) {
		if (*off + 8 > IP6_LEN + plen)
			return false;
		next = ip[*off];
		*off += ((size_t)ip[*off + 1] + 1) * 8;
	}
	*proto = next;
	return next != 44 && *off <= IP6_LEN + plen;
}

static void transport(struct nat_csum_report *r, const uint8_t *ip, size_t avail, bool quoted)
{
	size_t off, len;
	uint8_t proto;

	if (!find_transport(ip, avail, &proto, &off))
		return;
	len = IP6_LEN + get16(ip + 4) - off;
	if (proto == 6 && len >= 20)
		item(r, quoted ? "quoted TCP checksum" : "TCP checksum", get16(ip + off + 16),
		     csum6(ip, 6, ip + off, len, 16));
	else if (proto == 17 && len >= 8)
		item(r, quoted ? "quoted UDP checksum" : "UDP checksum", get16(ip + off + 6),
		     csum6(ip, 17, ip + off, len, 6));
	else if (proto == 58 && len >= 8)
		item(r, quoted ? "quoted ICMPv6 checksum" : "ICMPv6 checksum", get16(ip + off + 2),
		     csum6(ip, 58, ip + off, len, 2));
}

void nat_csum_frame6(const uint8_t *frame, size_t len, struct nat_csum_report *r)
{
	const uint8_t *ip = frame + ETH_LEN;
	size_t off, avail;
	uint8_t proto;

	r->n = 0;
	if (len < ETH_LEN + IP6_LEN || get16(frame + 12) != 0x86dd || (ip[0] >> 4) != 6)
		return;
	avail = len - ETH_LEN;
	transport(r, ip, avail, false);
	/* An ICMPv6 error: the quoted packet starts after the 8 bytes of its header. */
	if (!find_transport(ip, avail, &proto, &off) || proto != 58 || off + 8 + IP6_LEN > avail ||
	    ip[off] >= 128)
		return;
	transport(r, ip + off + 8, IP6_LEN + get16(ip + 4) - off - 8, true);
}
