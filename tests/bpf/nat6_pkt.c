// SPDX-License-Identifier: GPL-2.0-only OR BSD-2-Clause
#include <stdbool.h>
#include <string.h>

#include "nat6_pkt.h"

#define ETHERTYPE_IPV6_ 0x86dd

static void put16(uint8_t *p, uint16_t v)
{
	p[0] = (uint8_t)(v >> 8);
	p[1] = (uint8_t)v;
}

static void put32(uint8_t *p, uint32_t v)
{
	put16(p, (uint16_t)(v >> 16));
	put16(p + 2, (uint16_t)v);
}

/* The transport header of p (without its payload) into l4; its length. */
static size_t transport(const struct pkt6 *p, uint8_t *l4)
{
	if (p->proto == 6) {
		memset(l4, 0, 20);
		put16(l4, p->sport);
		put16(l4 + 2, p->dport);
		put32(l4 + 4, p->seq);
		put32(l4 + 8, p->ack);
		l4[12] = 5 << 4;
		l4[13] = p->tcp_flags;
		put16(l4 + 14, 64240);
		return 20;
	}
	if (p->proto == 17) {
		put16(l4, p->sport);
		put16(l4 + 2, p->dport);
		put16(l4 + 4, (uint16_t)(8 + p->len));
		put16(l4 + 6, 0);
		return 8;
	}
	l4[0] = p->icmp_type;
	l4[1] = p->icmp_code;
	put16(l4 + 2, 0);
	if (p->icmp_type >= 128) {
		put16(l4 + 4, p->sport);
		put16(l4 + 6, p->dport);
	} else {
		put32(l4 + 4, p->icmp_rest);
	}
	return 8;
}

void pkt6_frame(struct frame *f, const struct pkt6 *p)
{
	uint8_t ip6[40] = { 0x60 }, l4[20];
	size_t l4len = transport(p, l4), seg = l4len + p->len;
	uint32_t sum = (uint32_t)seg + p->proto; /* pseudo header: length, next header */
	uint16_t csum;
	size_t at;

	put16(ip6 + 4, (uint16_t)(p->extlen + seg));
	ip6[6] = p->extlen ? p->ext_first : p->proto;
	ip6[7] = p->hop_limit;
	memcpy(ip6 + 8, p->saddr, 16);
	memcpy(ip6 + 24, p->daddr, 16);
	frame_eth(f, p->dst_mac, p->src_mac, ETHERTYPE_IPV6_);
	frame_put(f, ip6, sizeof(ip6));
	frame_put(f, p->ext, p->extlen);
	at = f->len;
	frame_put(f, l4, l4len);
	frame_put(f, p->payload, p->len);
	for (size_t i = 8; i < 40; i += 2)
		sum += (uint32_t)ip6[i] << 8 | ip6[i + 1];
	csum = inet_csum(f->data + at, seg, sum);
	if (p->proto == 17 && !csum)
		csum = 0xffff;
	memcpy(f->data + at + (p->proto == 6 ? 16 : p->proto == 17 ? 6 : 2), &csum, 2);
}

void pkt6_quote(struct pkt6 *p, const struct frame *f, size_t quote_max)
{
	size_t n = f->len - 14;

	if (n > quote_max)
		n = quote_max;
	memcpy(p->payload, f->data + 14, n);
	p->len = n;
}

int pkt6_fragment(const struct frame *whole, size_t frag_bytes, uint32_t id, struct frame *out,
		  int max)
{
	const uint8_t *ip = whole->data + 14;
	size_t plen = (size_t)(ip[4] << 8 | ip[5]), off = 0;
	int n = 0;

	/* The packet has no extension header: all of its payload is fragmentable. */
	while (off < plen && n < max) {
		size_t len = plen - off > frag_bytes ? frag_bytes : plen - off;
		uint8_t h[40], fh[8] = { ip[6], 0 };
		bool more = off + len < plen;

		memcpy(h, ip, 40);
		put16(h + 4, (uint16_t)(len + 8));
		h[6] = EXT_FRAGMENT;
		put16(fh + 2, (uint16_t)(off | (more ? 1 : 0)));
		put32(fh + 4, id);
		frame_eth(&out[n], whole->data, whole->data + 6, ETHERTYPE_IPV6_);
		frame_put(&out[n], h, sizeof(h));
		frame_put(&out[n], fh, sizeof(fh));
		frame_put(&out[n], ip + 40 + off, len);
		off += len;
		n++;
	}
	return n;
}
