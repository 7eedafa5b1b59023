// SPDX-License-Identifier: GPL-2.0-only OR BSD-2-Clause
#include <assert.h>
#include <string.h>

#include "nat_pkt.h"

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

static uint16_t get16(const uint8_t *p)
{
	return (uint16_t)(p[0] << 8 | p[1]);
}

void pkt_fill(struct pkt *p, size_t n, uint8_t seed)
{
	assert(n <= sizeof(p->payload));
	for (size_t i = 0; i < n; i++)
		p->payload[i] = (uint8_t)(seed + i * 7);
	p->len = n;
}

/* The TCP header Linux sends: options MSS, SACK permitted, timestamps and
 * window scale on a SYN; timestamps after two NOPs otherwise. */
static size_t tcp_header(uint8_t *h, const struct pkt *p)
{
	static const uint8_t syn_opts[20] = { 2, 4, 0x05, 0xb4, 4, 2, 8, 10, 0, 0,
					      0, 0, 0,	  0,	0, 0, 1, 3,  3, 7 };
	static const uint8_t opts[12] = { 1, 1, 8, 10 };
	size_t olen = (p->tcp_flags & TCP_SYN) ? sizeof(syn_opts) : sizeof(opts);

	put16(h, p->sport);
	put16(h + 2, p->dport);
	put32(h + 4, p->seq);
	put32(h + 8, p->ack);
	h[12] = (uint8_t)((20 + olen) / 4 << 4);
	h[13] = p->tcp_flags;
	put16(h + 14, (p->tcp_flags & TCP_SYN) ? 64240 : 502);
	put16(h + 16, 0);
	put16(h + 18, 0);
	memcpy(h + 20, (p->tcp_flags & TCP_SYN) ? syn_opts : opts, olen);
	/* TSval and TSecr: distinct per segment, like a clock would make them. */
	put32(h + 20 + ((p->tcp_flags & TCP_SYN) ? 8 : 4), p->seq ^ 0x5a5a5a5a);
	put32(h + 20 + ((p->tcp_flags & TCP_SYN) ? 12 : 8), p->ack ^ 0xa5a5a5a5);
	return 20 + olen;
}

/* Writes the transport header and payload to seg; returns their length. */
static size_t transport(uint8_t *seg, const struct pkt *p)
{
	uint8_t pseudo[12];
	uint16_t csum;
	size_t hlen, len;
	uint32_t sum = 0;

	switch (p->proto) {
	case PROTO_TCP:
		hlen = tcp_header(seg, p);
		break;
	case PROTO_UDP:
		hlen = 8;
		put16(seg, p->sport);
		put16(seg + 2, p->dport);
		put16(seg + 4, (uint16_t)(8 + p->len));
		put16(seg + 6, 0);
		break;
	case PROTO_ICMP:
		hlen = 8;
		seg[0] = p->icmp_type;
		seg[1] = p->icmp_code;
		put16(seg + 2, 0);
		if (p->icmp_type == ICMP_ECHO || p->icmp_type == ICMP_ECHOREPLY ||
		    p->icmp_type == ICMP_TSTAMP) {
			put16(seg + 4, p->sport);
			put16(seg + 6, p->dport);
		} else {
			put32(seg + 4, p->icmp_rest);
		}
		break;
	default:
		hlen = 0;
		break;
	}
	memcpy(seg + hlen, p->payload, p->len);
	len = hlen + p->len;
	if (p->proto == PROTO_ICMP) {
		csum = inet_csum(seg, len, 0);
		memcpy(seg + 2, &csum, 2);
	} else if (p->proto == PROTO_TCP || (p->proto == PROTO_UDP && !p->udp_no_csum)) {
		memcpy(pseudo, &p->saddr, 4);
		memcpy(pseudo + 4, &p->daddr, 4);
		pseudo[8] = 0;
		pseudo[9] = p->proto;
		put16(pseudo + 10, (uint16_t)len);
		for (size_t i = 0; i < sizeof(pseudo); i += 2)
			sum += get16(pseudo + i);
		csum = inet_csum(seg, len, sum);
		if (p->proto == PROTO_UDP && !csum)
			csum = 0xffff;
		memcpy(seg + (p->proto == PROTO_TCP ? 16 : 6), &csum, 2);
	}
	return len;
}

void pkt_frame(struct frame *f, const struct pkt *p)
{
	uint8_t ip[60], seg[FRAME_MAX];
	size_t ihl = 20 + p->optlen, len;
	uint16_t csum;

	assert(p->optlen % 4 == 0 && p->optlen <= 40);
	len = transport(seg, p);
	memset(ip, 0, sizeof(ip));
	ip[0] = (uint8_t)(0x40 | ihl / 4);
	ip[1] = p->tos;
	put16(ip + 2, (uint16_t)(ihl + len));
	put16(ip + 4, p->id);
	put16(ip + 6, p->frag);
	ip[8] = p->ttl;
	ip[9] = p->proto;
	memcpy(ip + 12, &p->saddr, 4);
	memcpy(ip + 16, &p->daddr, 4);
	memcpy(ip + 20, p->opts, p->optlen);
	csum = inet_csum(ip, ihl, 0);
	memcpy(ip + 10, &csum, 2);
	frame_eth(f, p->dst_mac, p->src_mac, ETHERTYPE_IPV4);
	frame_put(f, ip, ihl);
	frame_put(f, seg, len);
}

const uint8_t *frame_ip(const struct frame *f, size_t *len)
{
	*len = f->len - ETH_HDR_LEN;
	return f->data + ETH_HDR_LEN;
}

void pkt_fix_ip_csum(uint8_t *ip)
{
	uint16_t csum;

	put16(ip + 10, 0);
	csum = inet_csum(ip, (size_t)(ip[0] & 0x0f) * 4, 0);
	memcpy(ip + 10, &csum, 2);
}

void pkt_quote(struct pkt *p, const struct frame *f, uint8_t ttl, size_t quote_max)
{
	size_t len;
	const uint8_t *ip = frame_ip(f, &len);

	if (len > quote_max)
		len = quote_max;
	assert(len <= sizeof(p->payload));
	memcpy(p->payload, ip, len);
	p->payload[8] = ttl;
	pkt_fix_ip_csum(p->payload);
	p->len = len;
}

int pkt_fragment(const struct frame *whole, size_t frag_bytes, struct frame *out, int max)
{
	size_t len, off = 0;
	const uint8_t *ip = frame_ip(whole, &len);
	uint16_t frag = get16(ip + 6);
	int n = 0;

	assert((ip[0] & 0x0f) == 5 && frag_bytes % 8 == 0 && !(frag & IP_DF));
	len = get16(ip + 2) - 20;
	for (; off < len && n < max; off += frag_bytes, n++) {
		size_t chunk = len - off < frag_bytes ? len - off : frag_bytes;
		uint8_t h[20];

		memcpy(h, ip, 20);
		put16(h + 2, (uint16_t)(20 + chunk));
		put16(h + 6, (uint16_t)((frag & IP_MF) | (off + chunk < len ? IP_MF : 0) |
					((frag & 0x1fff) + off / 8)));
		pkt_fix_ip_csum(h);
		out[n].len = 0;
		frame_put(&out[n], whole->data, ETH_HDR_LEN);
		frame_put(&out[n], h, 20);
		frame_put(&out[n], ip + 20 + off, chunk);
	}
	return n;
}
