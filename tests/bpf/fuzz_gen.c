// SPDX-License-Identifier: GPL-2.0-only OR BSD-2-Clause
#include <arpa/inet.h>
#include <stdio.h>
#include <string.h>

#include "fuzz_gen.h"
#include "fuzz_gen6.h"

#define L3  ETH_HDR_LEN /* where the L3 header starts before any tag is pushed */
#define TTL 64

uint64_t fz_next(struct fz_rng *r)
{
	uint64_t z = (r->s += 0x9e3779b97f4a7c15ull);

	z = (z ^ (z >> 30)) * 0xbf58476d1ce4e5b9ull;
	z = (z ^ (z >> 27)) * 0x94d049bb133111ebull;
	return z ^ (z >> 31);
}

uint32_t fz_below(struct fz_rng *r, uint32_t n)
{
	return (uint32_t)(((fz_next(r) >> 32) * n) >> 32);
}

bool fz_chance(struct fz_rng *r, uint32_t pct)
{
	return fz_below(r, 100) < pct;
}

void fz_pools_add_mac(struct fz_pools *p, const uint8_t mac[6])
{
	if (p->nmacs < FZ_MAX_MACS)
		memcpy(p->macs[p->nmacs++], mac, 6);
}

void fz_pools_add_ip(struct fz_pools *p, uint32_t ip)
{
	if (p->nips < FZ_MAX_IPS)
		p->ips[p->nips++] = ip;
}

void fz_pools_add_tuple(struct fz_pools *p, const struct fz_tuple *t)
{
	p->tuples[p->tnext] = *t;
	p->tnext = (p->tnext + 1) % FZ_MAX_TUPLES;
	if (p->ntuples < FZ_MAX_TUPLES)
		p->ntuples++;
}

void fz_pools_add_ip6(struct fz_pools *p, const uint8_t ip6[16])
{
	if (p->nips6 < FZ_MAX_IPS6)
		memcpy(p->ips6[p->nips6++], ip6, 16);
}

void fz_pools_add_tuple6(struct fz_pools *p, const struct fz_tuple6 *t)
{
	p->tuples6[p->tnext6] = *t;
	p->tnext6 = (p->tnext6 + 1) % FZ_MAX_TUPLES;
	if (p->ntuples6 < FZ_MAX_TUPLES)
		p->ntuples6++;
}

/* --- picking addresses --------------------------------------------------------------- */

struct gen {
	struct fz_rng r;
	const struct fz_pools *p;
	const struct fz_sender *s;
	struct frame *f;
	char *what;
	size_t what_size;
};

static void note(struct gen *g, const char *fmt, const char *arg)
{
	size_t len = strlen(g->what);

	if (len < g->what_size)
		snprintf(g->what + len, g->what_size - len, fmt, arg);
}

static void random_bytes(struct gen *g, uint8_t *b, size_t n)
{
	for (size_t i = 0; i < n; i++)
		b[i] = (uint8_t)fz_next(&g->r);
}

/* A source (mostly the sender's own) or destination MAC. */
static void pick_mac(struct gen *g, uint8_t mac[6], bool src)
{
	static const uint8_t mcast4[3] = { 0x01, 0x00, 0x5e }, mcast6[2] = { 0x33, 0x33 };
	uint32_t roll = fz_below(&g->r, 100);

	if (src && roll < 55) {
		memcpy(mac, g->s->mac, 6);
		return;
	}
	if (roll < 75 && g->p->nmacs) {
		memcpy(mac, g->p->macs[fz_below(&g->r, (uint32_t)g->p->nmacs)], 6);
		return;
	}
	random_bytes(g, mac, 6);
	if (roll < 82) {
		memset(mac, 0xff, 6);
	} else if (roll < 86) {
		memcpy(mac, mcast4, 3);
		mac[3] &= 0x7f;
	} else if (roll < 88) {
		memcpy(mac, mcast6, 2);
	} else if (roll < 91) {
		memset(mac, 0, 6);
	} else if (roll < 97) {
		mac[0] = (uint8_t)((mac[0] & 0xfc) | 0x02); /* locally administered unicast */
	}
}

/* A source (mostly the sender's own) or destination IPv4 address. */
static uint32_t pick_ip(struct gen *g, bool src)
{
	static const uint32_t special[] = { 0x00000000, 0xffffffff, 0xe0000001, 0xe00000fb,
					    0x7f000001, 0x0a2800ff, 0xc6336402, 0x08080808 };
	uint32_t roll = fz_below(&g->r, 100);

	if (src && g->s->ip && roll < 60)
		return g->s->ip;
	if (roll < 85 && g->p->nips)
		return g->p->ips[fz_below(&g->r, (uint32_t)g->p->nips)];
	if (roll < 93)
		return htonl(special[fz_below(&g->r, sizeof(special) / sizeof(special[0]))]);
	return (uint32_t)fz_next(&g->r);
}

static const struct fz_tuple *pick_tuple(struct gen *g)
{
	if (!g->p->ntuples)
		return NULL;
	return &g->p->tuples[fz_below(&g->r, (uint32_t)g->p->ntuples)];
}

/* --- building valid frames ------------------------------------------------------------- */

static void put16(uint8_t *b, uint16_t v)
{
	b[0] = (uint8_t)(v >> 8);
	b[1] = (uint8_t)v;
}

static void eth(struct gen *g, const uint8_t *dst, const uint8_t *src, uint16_t type)
{
	memcpy(g->f->data, dst, 6);
	memcpy(g->f->data + 6, src, 6);
	put16(g->f->data + 12, type);
	g->f->len = ETH_HDR_LEN;
}

struct ip4 {
	uint32_t saddr, daddr;
	uint8_t proto, ttl;
	uint16_t frag; /* flags and offset, host order */
	uint8_t optlen;
};

/* Appends an IPv4 header with its checksum; returns its offset. tot_len is fixed up later. */
static size_t ip_hdr(struct gen *g, const struct ip4 *h)
{
	uint8_t *ip = g->f->data + g->f->len;
	size_t hl = IPV4_HDR_LEN + h->optlen;

	memset(ip, 0, hl);
	ip[0] = (uint8_t)(0x40 | (hl / 4));
	put16(ip + 4, (uint16_t)fz_next(&g->r));
	put16(ip + 6, h->frag);
	ip[8] = h->ttl;
	ip[9] = h->proto;
	memcpy(ip + 12, &h->saddr, 4);
	memcpy(ip + 16, &h->daddr, 4);
	for (size_t i = IPV4_HDR_LEN; i < hl; i++) {
		uint32_t k = fz_below(&g->r, 4);

		/* NOP, end of list, a record-route-like option, or noise. */
		ip[i] = k == 0 ? 1 : k == 1 ? 0 : k == 2 ? 7 : (uint8_t)fz_next(&g->r);
	}
	g->f->len += hl;
	return (size_t)(ip - g->f->data);
}

/* Sets tot_len and the header checksum of the IPv4 header at off, and the transport
 * checksum (TCP, UDP with its pseudo header; ICMP) of what follows it. */
static void ip_finish(struct gen *g, size_t off)
{
	uint8_t *ip = g->f->data + off, *l4;
	size_t hl = (size_t)(ip[0] & 0xf) * 4, l4len = g->f->len - off - hl;
	uint16_t c;
	uint32_t sum;

	put16(ip + 2, (uint16_t)(g->f->len - off));
	put16(ip + 10, 0);
	c = inet_csum(ip, hl, 0);
	memcpy(ip + 10, &c, 2);
	l4 = ip + hl;
	if (ip[9] == IPPROTO_ICMP && l4len >= 4) {
		put16(l4 + 2, 0);
		c = inet_csum(l4, l4len, 0);
		memcpy(l4 + 2, &c, 2);
		return;
	}
	if ((ip[9] != IPPROTO_TCP || l4len < 20) && (ip[9] != IPPROTO_UDP || l4len < 8))
		return;
	sum = (uint32_t)(ip[12] << 8 | ip[13]) + (uint32_t)(ip[14] << 8 | ip[15]) +
	      (uint32_t)(ip[16] << 8 | ip[17]) + (uint32_t)(ip[18] << 8 | ip[19]) + ip[9] +
	      (uint32_t)l4len;
	if (ip[9] == IPPROTO_UDP)
		put16(l4 + 4, (uint16_t)l4len);
	put16(l4 + (ip[9] == IPPROTO_TCP ? 16 : 6), 0);
	c = inet_csum(l4, l4len, sum);
	memcpy(l4 + (ip[9] == IPPROTO_TCP ? 16 : 6), &c, 2);
}

static void payload(struct gen *g, size_t max)
{
	size_t n = fz_chance(&g->r, 10) ? fz_below(&g->r, 1400) : fz_below(&g->r, 64);

	if (n > max)
		n = max;
	random_bytes(g, g->f->data + g->f->len, n);
	g->f->len += n;
}

static size_t room(const struct gen *g)
{
	/* Tags and padding may add up to 12 + 64 bytes later. */
	return FRAME_MAX - 80 - g->f->len;
}

static void l4_tcp(struct gen *g, uint16_t sport, uint16_t dport, uint8_t flags)
{
	uint8_t *th = g->f->data + g->f->len;
	size_t hl = fz_chance(&g->r, 20) ? 20 + 4 * fz_below(&g->r, 11) : 20;

	memset(th, 0, hl);
	memcpy(th, &sport, 2);
	memcpy(th + 2, &dport, 2);
	random_bytes(g, th + 4, 8); /* sequence and acknowledgement numbers */
	th[12] = (uint8_t)((hl / 4) << 4);
	th[13] = flags;
	put16(th + 14, 64240);
	for (size_t i = 20; i < hl; i++)
		th[i] = 1; /* NOP options */
	g->f->len += hl;
	payload(g, room(g));
}

static void l4_udp(struct gen *g, uint16_t sport, uint16_t dport)
{
	uint8_t *uh = g->f->data + g->f->len;

	memset(uh, 0, 8);
	memcpy(uh, &sport, 2);
	memcpy(uh + 2, &dport, 2);
	g->f->len += 8;
	payload(g, room(g));
}

static void l4_icmp_echo(struct gen *g, uint8_t type, uint16_t id)
{
	uint8_t *ih = g->f->data + g->f->len;

	memset(ih, 0, 8);
	ih[0] = type;
	memcpy(ih + 4, &id, 2);
	put16(ih + 6, (uint16_t)fz_next(&g->r));
	g->f->len += 8;
	payload(g, room(g));
}

static uint16_t any_port(struct gen *g)
{
	static const uint16_t common[] = { 53, 80, 443, 22, 0, 1, 61000, 65535, 40000, 123 };

	if (fz_chance(&g->r, 50))
		return htons(common[fz_below(&g->r, sizeof(common) / sizeof(common[0]))]);
	return (uint16_t)fz_next(&g->r);
}

static uint8_t any_tcp_flags(struct gen *g)
{
	static const uint8_t common[] = { 0x02, 0x12, 0x10, 0x18, 0x11, 0x04, 0x14, 0x01 };

	if (fz_chance(&g->r, 80))
		return common[fz_below(&g->r, sizeof(common) / sizeof(common[0]))];
	return (uint8_t)fz_next(&g->r);
}

static uint16_t any_frag(struct gen *g)
{
	uint32_t roll = fz_below(&g->r, 100);

	if (roll < 70)
		return roll < 40 ? 0x4000 : 0; /* DF, or nothing */
	if (roll < 80)
		return 0x2000; /* first fragment */
	if (roll < 90)
		return (uint16_t)(0x2000 | (1 + fz_below(&g->r, 0x1ffe))); /* a middle one */
	return (uint16_t)(1 + fz_below(&g->r, 0x1ffe));			   /* the last one */
}

/* IPv4 from the sender (mostly) to anyone: TCP, UDP, ICMP echo or another protocol. */
static void gen_ipv4(struct gen *g, uint8_t proto)
{
	uint8_t dst[6], src[6];
	struct ip4 h = {
		.saddr = pick_ip(g, true),
		.daddr = pick_ip(g, false),
		.proto = proto,
		.ttl = fz_chance(&g->r, 10) ? (uint8_t)fz_below(&g->r, 3) : TTL,
		.frag = any_frag(g),
		.optlen = fz_chance(&g->r, 10) ? (uint8_t)(4 * (1 + fz_below(&g->r, 10))) : 0,
	};
	size_t off;

	pick_mac(g, dst, false);
	pick_mac(g, src, true);
	eth(g, dst, src, ETHERTYPE_IPV4);
	off = ip_hdr(g, &h);
	if (proto == IPPROTO_TCP)
		l4_tcp(g, any_port(g), any_port(g), any_tcp_flags(g));
	else if (proto == IPPROTO_UDP)
		l4_udp(g, any_port(g), any_port(g));
	else if (proto == IPPROTO_ICMP)
		l4_icmp_echo(g, fz_chance(&g->r, 80) ? 8 : (uint8_t)fz_below(&g->r, 20),
			     (uint16_t)fz_next(&g->r));
	else
		payload(g, room(g));
	ip_finish(g, off);
}

/* A reply from a remote to one of the live translations, as the next hop delivers it. */
static void gen_reply(struct gen *g)
{
	const struct fz_tuple *t = pick_tuple(g);
	struct ip4 h = { .daddr = g->p->uplink_addr, .ttl = TTL };
	size_t off;

	if (!t) {
		gen_ipv4(g, IPPROTO_UDP);
		return;
	}
	h.saddr = t->raddr;
	h.proto = t->proto;
	if (fz_chance(&g->r, 10))
		h.ttl = (uint8_t)fz_below(&g->r, 3);
	if (fz_chance(&g->r, 15))
		h.frag = any_frag(g);
	if (fz_chance(&g->r, 5))
		h.optlen = (uint8_t)(4 * (1 + fz_below(&g->r, 10)));
	eth(g, g->p->uplink_mac, g->p->next_hop_mac, ETHERTYPE_IPV4);
	off = ip_hdr(g, &h);
	if (t->proto == IPPROTO_TCP)
		l4_tcp(g, t->rport, t->oport, any_tcp_flags(g));
	else if (t->proto == IPPROTO_UDP)
		l4_udp(g, t->rport, t->oport);
	else
		l4_icmp_echo(g, fz_chance(&g->r, 90) ? 0 : 8, t->oport);
	ip_finish(g, off);
}

/* An ICMP error about a packet we sent out of the uplink (RFC 5508), quoting it. */
static void gen_icmp_error(struct gen *g)
{
	static const uint8_t types[] = { 3, 11, 12, 3, 4, 5 };
	const struct fz_tuple *t = pick_tuple(g);
	struct ip4 outer = { .saddr = pick_ip(g, false),
			     .daddr = g->p->uplink_addr,
			     .ttl = TTL,
			     .proto = IPPROTO_ICMP };
	struct ip4 inner = { .saddr = g->p->uplink_addr, .ttl = 1 };
	uint16_t sport = any_port(g), dport = any_port(g);
	size_t off, qoff, quote;
	uint8_t *ih;

	inner.proto = t ? t->proto : (uint8_t)(fz_chance(&g->r, 50) ? IPPROTO_UDP : IPPROTO_TCP);
	inner.daddr = t ? t->raddr : pick_ip(g, false);
	if (t) {
		sport = t->oport;
		dport = t->rport;
		if (fz_chance(&g->r, 50))
			outer.saddr = t->raddr;
	}
	if (fz_chance(&g->r, 10))
		inner.optlen = (uint8_t)(4 * (1 + fz_below(&g->r, 10)));
	if (fz_chance(&g->r, 5))
		outer.frag = any_frag(g);
	eth(g, g->p->uplink_mac, g->p->next_hop_mac, ETHERTYPE_IPV4);
	off = ip_hdr(g, &outer);
	ih = g->f->data + g->f->len;
	memset(ih, 0, 8);
	ih[0] = types[fz_below(&g->r, sizeof(types))];
	ih[1] = (uint8_t)fz_below(&g->r, 16);
	if (ih[0] == 3 && ih[1] == 4)
		put16(ih + 6, 1280); /* fragmentation needed: the next hop's MTU */
	g->f->len += 8;
	qoff = ip_hdr(g, &inner);
	if (inner.proto == IPPROTO_ICMP) {
		l4_icmp_echo(g, 8, sport);
	} else if (inner.proto == IPPROTO_TCP) {
		l4_tcp(g, sport, dport, 0x02);
	} else {
		l4_udp(g, sport, dport);
	}
	ip_finish(g, qoff);
	/* Routers quote the header and 8 bytes (RFC 792), Linux up to 576 bytes in all. */
	quote = (size_t)(g->f->data[qoff] & 0xf) * 4 + (fz_chance(&g->r, 50) ? 8 : 28);
	if (qoff + quote < g->f->len)
		g->f->len = qoff + quote;
	ip_finish(g, off);
}

/* ARP for IPv4: requests, replies, gratuitous ones, probes; mostly as the sender. */
static void gen_arp(struct gen *g)
{
	uint8_t dst[6], src[6], *a;
	uint32_t spa = pick_ip(g, true), tpa = pick_ip(g, false), roll = fz_below(&g->r, 100);
	uint16_t op = roll < 45 ? ARP_OP_REQUEST : roll < 90 ? ARP_OP_REPLY : (uint16_t)roll;

	pick_mac(g, dst, false);
	pick_mac(g, src, true);
	if (fz_chance(&g->r, 10))
		spa = 0; /* a probe (RFC 5227) */
	if (fz_chance(&g->r, 10))
		tpa = spa; /* gratuitous */
	eth(g, dst, src, ETHERTYPE_ARP);
	a = g->f->data + g->f->len;
	put16(a, fz_chance(&g->r, 95) ? 1 : (uint16_t)fz_next(&g->r));
	put16(a + 2, fz_chance(&g->r, 95) ? ETHERTYPE_IPV4 : (uint16_t)fz_next(&g->r));
	a[4] = fz_chance(&g->r, 95) ? 6 : (uint8_t)fz_next(&g->r);
	a[5] = fz_chance(&g->r, 95) ? 4 : (uint8_t)fz_next(&g->r);
	put16(a + 6, op);
	if (fz_chance(&g->r, 85))
		memcpy(a + 8, src, 6);
	else
		pick_mac(g, a + 8, true);
	memcpy(a + 14, &spa, 4);
	pick_mac(g, a + 18, false);
	memcpy(a + 24, &tpa, 4);
	g->f->len += ARP_BODY_LEN;
	if (fz_chance(&g->r, 30))
		payload(g, 18); /* the padding up to 60 bytes that the wire adds */
}

static void gen_other_ethertype(struct gen *g)
{
	static const uint16_t types[] = { 0x88cc, 0x8847, 0x8863, 0x88e5, 0x88f7, 0x0842,
					  0x22f0, 0x88b5, 0x0060, 0x05dc, 0x9000, 0x8035 };
	uint8_t dst[6], src[6];

	pick_mac(g, dst, false);
	pick_mac(g, src, true);
	eth(g, dst, src,
	    fz_chance(&g->r, 60) ? types[fz_below(&g->r, sizeof(types) / sizeof(types[0]))]
				 : (uint16_t)fz_next(&g->r));
	payload(g, room(g));
}

static void gen_noise(struct gen *g)
{
	g->f->len = ETH_HDR_LEN + fz_below(&g->r, 100);
	random_bytes(g, g->f->data, g->f->len);
}

/* --- mutations ------------------------------------------------------------------------- */

static bool is_ipv4(const struct gen *g)
{
	return g->f->len >= L3 + IPV4_HDR_LEN && g->f->data[12] == 0x08 && g->f->data[13] == 0x00;
}

static void mutate_fields(struct gen *g)
{
	uint8_t *ip = g->f->data + L3;

	if (is_ipv4(g) && fz_chance(&g->r, 8)) {
		ip[0] = (uint8_t)((ip[0] & 0xf0) | fz_below(&g->r, 16));
		note(g, " %s", "ihl");
	}
	if (is_ipv4(g) && fz_chance(&g->r, 3)) {
		ip[0] = (uint8_t)((ip[0] & 0x0f) | fz_below(&g->r, 16) << 4);
		note(g, " %s", "version");
	}
	if (is_ipv4(g) && fz_chance(&g->r, 4)) {
		put16(ip + 2, (uint16_t)fz_next(&g->r));
		note(g, " %s", "tot_len");
	}
	if (is_ipv4(g) && fz_chance(&g->r, 5)) {
		put16(ip + 6, any_frag(g));
		note(g, " %s", "frag");
	}
	if (is_ipv4(g) && fz_chance(&g->r, 5)) {
		ip[9] = (uint8_t)fz_next(&g->r);
		note(g, " %s", "proto");
	}
	if (is_ipv4(g) && fz_chance(&g->r, 5)) {
		size_t l4 = L3 + (ip[0] & 0xf) * 4u;
		size_t at = fz_chance(&g->r, 50)   ? L3 + 10
			    : ip[9] == IPPROTO_TCP ? l4 + 16
			    : ip[9] == IPPROTO_UDP ? l4 + 6
						   : l4 + 2;

		if (at + 2 <= g->f->len)
			g->f->data[at] ^= (uint8_t)(1 + fz_below(&g->r, 255));
		note(g, " %s", "csum");
	}
	if (fz_chance(&g->r, 5)) {
		put16(g->f->data + 12, (uint16_t)fz_next(&g->r));
		note(g, " %s", "ethertype");
	}
	if (fz_chance(&g->r, 10)) {
		uint32_t n = 1 + fz_below(&g->r, 4);

		for (uint32_t i = 0; i < n; i++)
			g->f->data[fz_below(&g->r, (uint32_t)g->f->len)] ^=
				(uint8_t)(1 + fz_below(&g->r, 255));
		note(g, " %s", "flip");
	}
}

static void vlan_push(struct gen *g, uint16_t tpid)
{
	uint8_t *d = g->f->data;

	memmove(d + 16, d + 12, g->f->len - 12);
	put16(d + 12, tpid);
	put16(d + 14, (uint16_t)fz_next(&g->r));
	g->f->len += VLAN_TAG_LEN;
}

static void mutate_tags(struct gen *g)
{
	static const uint16_t tpids[] = { ETHERTYPE_8021Q, ETHERTYPE_8021AD, 0x9100, 0x9200 };
	uint32_t n;

	if (!fz_chance(&g->r, 12))
		return;
	n = 1 + fz_below(&g->r, 3);
	if (n == 2 && fz_chance(&g->r, 60)) { /* QinQ: S-tag outside, C-tag inside */
		vlan_push(g, ETHERTYPE_8021Q);
		vlan_push(g, ETHERTYPE_8021AD);
		note(g, " %s", "qinq");
		return;
	}
	for (uint32_t i = 0; i < n; i++)
		vlan_push(g, fz_chance(&g->r, 80) ? tpids[fz_below(&g->r, 4)]
						  : (uint16_t)fz_next(&g->r));
	note(g, " %s", n == 1 ? "vlan" : n == 2 ? "vlan2" : "vlan3");
}

static void mutate_length(struct gen *g)
{
	if (fz_chance(&g->r, 15)) {
		g->f->len = ETH_HDR_LEN + fz_below(&g->r, (uint32_t)(g->f->len - ETH_HDR_LEN + 1));
		note(g, " %s", "trunc");
	} else if (fz_chance(&g->r, 5)) {
		size_t n = 1 + fz_below(&g->r, 64);

		random_bytes(g, g->f->data + g->f->len, n);
		g->f->len += n;
		note(g, " %s", "pad");
	}
}

void fz_frame(uint64_t seed, uint64_t index, const struct fz_pools *p, const struct fz_sender *s,
	      struct frame *f, char *what, size_t what_size)
{
	static const char *const kinds[] = { "arp",   "tcp",   "udp",  "icmp",	"ipproto",
					     "reply", "error", "ipv6", "ether", "noise" };
	struct gen g = { .r = { seed ^ (index * 0xd1342543de82ef95ull) },
			 .p = p,
			 .s = s,
			 .f = f,
			 .what = what,
			 .what_size = what_size };
	uint32_t roll, kind;

	fz_next(&g.r);
	roll = fz_below(&g.r, 100);
	kind = roll < 14   ? 0
	       : roll < 25 ? 1
	       : roll < 36 ? 2
	       : roll < 45 ? 3
	       : roll < 50 ? 4
	       : roll < 66 ? 5
	       : roll < 74 ? 6
	       : roll < 91 ? 7
	       : roll < 96 ? 8
			   : 9;
	what[0] = '\0';
	note(&g, "%s", kinds[kind]);
	memset(f->data, 0, sizeof(f->data));
	switch (kind) {
	case 0:
		gen_arp(&g);
		break;
	case 1:
		gen_ipv4(&g, IPPROTO_TCP);
		break;
	case 2:
		gen_ipv4(&g, IPPROTO_UDP);
		break;
	case 3:
		gen_ipv4(&g, IPPROTO_ICMP);
		break;
	case 4:
		gen_ipv4(&g, fz_chance(&g.r, 50) ? 47 : (uint8_t)fz_next(&g.r));
		break;
	case 5:
		gen_reply(&g);
		break;
	case 6:
		gen_icmp_error(&g);
		break;
	case 7:
		note(&g, " %s", fz_ipv6(&g.r, p, s, f));
		break;
	case 8:
		gen_other_ethertype(&g);
		break;
	default:
		gen_noise(&g);
		break;
	}
	if (kind != 9) {
		mutate_fields(&g);
		mutate_tags(&g);
		mutate_length(&g);
	}
}
