// SPDX-License-Identifier: GPL-2.0-only OR BSD-2-Clause
#include <string.h>

#include "frames6.h"
#include "fuzz_gen6.h"
#include "nat6_pkt.h"

#define PROTO_TCP6   6
#define PROTO_UDP6   17
#define MLD2_REPORT  143
#define DHCP6_SERVER 547
/* Payload kept short enough for the tags and padding mutations add later. */
#define PAYLOAD6_MAX (FRAME_MAX - 80 - 14 - 40 - 64 - 20)

struct gen6 {
	struct fz_rng *r;
	const struct fz_pools *p;
	const struct fz_sender *s;
	struct pkt6 pkt;
};

static void bytes(struct gen6 *g, uint8_t *b, size_t n)
{
	for (size_t i = 0; i < n; i++)
		b[i] = (uint8_t)fz_next(g->r);
}

static uint16_t get16n(uint16_t v) /* network order to host order */
{
	return (uint16_t)((v & 0xff) << 8 | v >> 8);
}

/* A MAC: mostly the sender's own (src), a port's, a group's, or any. */
static void mac6(struct gen6 *g, uint8_t mac[6], bool src)
{
	uint32_t roll = fz_below(g->r, 100);

	if (src && roll < 70) {
		memcpy(mac, g->s->mac, 6);
	} else if (roll < 80 && g->p->nmacs) {
		memcpy(mac, g->p->macs[fz_below(g->r, (uint32_t)g->p->nmacs)], 6);
	} else if (roll < 92) {
		bytes(g, mac, 6);
		mac[0] = mac[1] = 0x33; /* IPv6 multicast */
	} else {
		bytes(g, mac, 6);
		mac[0] = (uint8_t)((mac[0] & 0xfc) | 0x02);
	}
}

/* An address: the sender's own ones (src), the pool's, a group, or any. */
static void addr6(struct gen6 *g, uint8_t a[16], bool src)
{
	static const uint8_t all_nodes[16] = { 0xff, 0x02, [15] = 1 },
			     all_routers[16] = { 0xff, 0x02, [15] = 2 };
	uint32_t roll = fz_below(g->r, 100);
	uint8_t mac[6];

	if (src && roll < 50 && g->s->ip6[0]) {
		memcpy(a, g->s->ip6, 16);
	} else if (src && roll < 70) {
		ll_of_mac(g->s->mac, a);
	} else if (src && roll < 74) {
		memset(a, 0, 16);
	} else if (roll < 88 && g->p->nips6) {
		memcpy(a, g->p->ips6[fz_below(g->r, (uint32_t)g->p->nips6)], 16);
	} else if (roll < 92) {
		memcpy(a, fz_chance(g->r, 50) ? all_nodes : all_routers, 16);
	} else if (roll < 95 && g->p->nips6) {
		solicited_node(g->p->ips6[fz_below(g->r, (uint32_t)g->p->nips6)], a, mac);
	} else {
		bytes(g, a, 16);
		if (fz_chance(g->r, 40)) {
			memset(a, 0, 8);
			a[0] = 0xfe;
			a[1] = 0x80;
		}
	}
}

/* The MAC an address is sent to: its group's for multicast, else any. */
static void dst_mac6(struct gen6 *g, const uint8_t *daddr, uint8_t mac[6])
{
	if (daddr[0] == 0xff && fz_chance(g->r, 85)) {
		mac[0] = mac[1] = 0x33;
		memcpy(mac + 2, daddr + 12, 4);
		return;
	}
	mac6(g, mac, false);
}

/* Extension headers before the transport, now and then: hop-by-hop and
 * destination options (PadN), routing (type 0 or 2), fragment. */
static void ext6(struct gen6 *g, bool first_fragment_only)
{
	static const uint8_t kinds[] = { EXT_HOP, EXT_DEST, EXT_ROUTING, EXT_FRAGMENT };
	struct pkt6 *p = &g->pkt;
	uint8_t chain[3] = { 0 };
	int n = 0;

	if (!fz_chance(g->r, 25))
		return;
	n = 1 + (int)fz_below(g->r, fz_chance(g->r, 10) ? 3 : 2);
	/* One routing header at most: the chain fits in p->ext (24 + 8 + 8). */
	for (int i = 0, routing = 0; i < n; i++) {
		chain[i] = kinds[fz_below(g->r, 4)];
		if (chain[i] == EXT_ROUTING && routing++)
			chain[i] = EXT_DEST;
	}
	p->ext_first = chain[0];
	p->extlen = 0;
	for (int i = 0; i < n; i++) {
		uint8_t *e = p->ext + p->extlen, next = i + 1 < n ? chain[i + 1] : p->proto;

		memset(e, 0, 24);
		e[0] = next;
		if (chain[i] == EXT_ROUTING) {
			e[1] = 2;
			e[2] = fz_chance(g->r, 50) ? 0 : 2;
			e[3] = (uint8_t)fz_below(g->r, 2);
			bytes(g, e + 8, 16);
			p->extlen += 24;
		} else if (chain[i] == EXT_FRAGMENT) {
			uint16_t off = first_fragment_only || fz_chance(g->r, 60)
					       ? 1 /* offset 0, more to come */
					       : (uint16_t)((1 + fz_below(g->r, 100)) << 3 |
							    fz_below(g->r, 2));

			e[2] = (uint8_t)(off >> 8);
			e[3] = (uint8_t)off;
			bytes(g, e + 4, 4);
			p->extlen += 8;
		} else {
			e[2] = 1; /* PadN over the 4 bytes left */
			e[3] = 4;
			p->extlen += 8;
		}
	}
}

static void payload6(struct gen6 *g, size_t max)
{
	size_t n = fz_chance(g->r, 10) ? fz_below(g->r, 1200) : fz_below(g->r, 48);

	if (n > max)
		n = max;
	bytes(g, g->pkt.payload, n);
	g->pkt.len = n;
}

/* A link-layer address option (type) naming the sender's MAC or another. */
static void lladdr_opt(struct gen6 *g, uint8_t type)
{
	uint8_t *o = g->pkt.payload + g->pkt.len;

	o[0] = type;
	o[1] = fz_chance(g->r, 4) ? 0 : 1;
	mac6(g, o + 2, true);
	g->pkt.len += 8;
}

/* Neighbour discovery as a container might speak it, honestly or not. */
static const char *ndp6(struct gen6 *g)
{
	static const uint8_t types[] = { ICMP6_NS, ICMP6_NS, ICMP6_NA,	    ICMP6_NA,
					 ICMP6_RS, ICMP6_RA, ICMP6_REDIRECT };
	struct pkt6 *p = &g->pkt;
	uint8_t *body = p->payload, mac[6];

	p->proto = PROTO_ICMPV6;
	p->icmp_type = types[fz_below(g->r, sizeof(types))];
	p->hop_limit = fz_chance(g->r, 90) ? 255 : 64;
	addr6(g, p->saddr, true);
	p->len = 0;
	if (p->icmp_type == ICMP6_NS || p->icmp_type == ICMP6_NA ||
	    p->icmp_type == ICMP6_REDIRECT) {
		addr6(g, body, fz_chance(g->r, 50)); /* the target: its own, or another's */
		p->len = 16;
		if (p->icmp_type == ICMP6_REDIRECT) {
			addr6(g, body + 16, false);
			p->len = 32;
		}
	}
	/* Bytes 4-7 (pkt6 renders them from sport and dport): an NA's flags
	 * (solicited, override), an RA's hop limit and router lifetime. */
	if (p->icmp_type == ICMP6_NA)
		p->sport = fz_chance(g->r, 80) ? 0x6000 : (uint16_t)fz_next(g->r);
	if (p->icmp_type == ICMP6_RA) {
		p->sport = 0x4000;
		p->dport = 1800;
	}
	for (uint32_t i = 0, n = fz_below(g->r, 3); i < n; i++)
		lladdr_opt(g, p->icmp_type == ICMP6_NA ? 2 : fz_chance(g->r, 80) ? 1 : 2);
	if (p->icmp_type == ICMP6_NS && fz_chance(g->r, 40)) {
		solicited_node(body, p->daddr, mac); /* to the target's group */
		memcpy(p->dst_mac, mac, 6);
	} else {
		addr6(g, p->daddr, false);
		dst_mac6(g, p->daddr, p->dst_mac);
	}
	mac6(g, p->src_mac, true);
	return p->icmp_type == ICMP6_NS	  ? "ns"
	       : p->icmp_type == ICMP6_NA ? "na"
	       : p->icmp_type == ICMP6_RS ? "rs"
	       : p->icmp_type == ICMP6_RA ? "ra"
					  : "redirect";
}

/* Echo, TCP or UDP (a DHCPv6 server's now and then), or an MLD report. */
static const char *traffic6(struct gen6 *g)
{
	static const uint8_t protos[] = { PROTO_ICMPV6, PROTO_TCP6, PROTO_UDP6,
					  PROTO_TCP6,	PROTO_UDP6, 59 /* no next header */ };
	static const uint16_t ports[] = { 53, 80, 443, 22, 546, 547, 61000, 40000, 0 };
	static const uint8_t mld_group[16] = { 0xff, 0x02, [15] = 0x16 };
	struct pkt6 *p = &g->pkt;
	const char *what;

	p->proto = protos[fz_below(g->r, sizeof(protos))];
	p->hop_limit = fz_chance(g->r, 10) ? (uint8_t)fz_below(g->r, 3) : 64;
	addr6(g, p->saddr, true);
	addr6(g, p->daddr, false);
	p->sport = fz_chance(g->r, 50) ? ports[fz_below(g->r, 9)] : (uint16_t)fz_next(g->r);
	p->dport = fz_chance(g->r, 50) ? ports[fz_below(g->r, 9)] : (uint16_t)fz_next(g->r);
	if (p->proto == PROTO_ICMPV6 && fz_chance(g->r, 20)) {
		/* An MLD report, as a joining host sends it before it has an address. */
		p->icmp_type = MLD2_REPORT;
		p->hop_limit = 1;
		if (fz_chance(g->r, 50))
			memset(p->saddr, 0, 16);
		memcpy(p->daddr, mld_group, 16);
		what = "mld";
	} else if (p->proto == PROTO_ICMPV6) {
		p->icmp_type =
			fz_chance(g->r, 85) ? ICMP6_ECHO_REQUEST : (uint8_t)fz_below(g->r, 256);
		what = "echo6";
	} else if (p->proto == PROTO_TCP6) {
		static const uint8_t flags[] = { 0x02, 0x12, 0x10, 0x18, 0x11, 0x04 };

		p->tcp_flags = flags[fz_below(g->r, sizeof(flags))];
		p->seq = (uint32_t)fz_next(g->r);
		p->ack = (uint32_t)fz_next(g->r);
		what = "tcp6";
	} else if (p->proto == PROTO_UDP6) {
		if (fz_chance(g->r, 10))
			p->sport = DHCP6_SERVER;
		what = "udp6";
	} else {
		what = "nonext6";
	}
	payload6(g, PAYLOAD6_MAX);
	ext6(g, false);
	dst_mac6(g, p->daddr, p->dst_mac);
	mac6(g, p->src_mac, true);
	return what;
}

static const struct fz_tuple6 *tuple6(struct gen6 *g)
{
	if (!g->p->ntuples6)
		return NULL;
	return &g->p->tuples6[fz_below(g->r, (uint32_t)g->p->ntuples6)];
}

/* A remote's reply to a live NAT66 translation, as the next hop delivers it. */
static const char *reply6(struct gen6 *g, const struct fz_tuple6 *t)
{
	struct pkt6 *p = &g->pkt;

	memcpy(p->dst_mac, g->p->uplink_mac, 6);
	memcpy(p->src_mac, g->p->next_hop_mac, 6);
	memcpy(p->saddr, t->raddr, 16);
	memcpy(p->daddr, g->p->uplink6, 16);
	p->proto = t->proto;
	p->hop_limit = fz_chance(g->r, 10) ? (uint8_t)fz_below(g->r, 3) : 52;
	if (t->proto == PROTO_ICMPV6) {
		p->icmp_type = fz_chance(g->r, 90) ? ICMP6_ECHO_REPLY : ICMP6_ECHO_REQUEST;
		p->sport = get16n(t->oport);
		p->dport = (uint16_t)fz_next(g->r);
	} else {
		p->sport = get16n(t->rport);
		p->dport = get16n(t->oport);
		p->tcp_flags = fz_chance(g->r, 70) ? 0x12 : 0x10;
	}
	payload6(g, PAYLOAD6_MAX);
	ext6(g, false);
	return "reply6";
}

/* A router's ICMPv6 error about a packet the uplink sent on translation t. */
static const char *error6(struct gen6 *g, const struct fz_tuple6 *t)
{
	static const uint8_t types[] = { ICMP6_DEST_UNREACH, ICMP6_PKT_TOOBIG, 3, 4 };
	struct pkt6 *p = &g->pkt, sent = { 0 };
	struct frame quoted;

	sent.proto = t->proto;
	sent.hop_limit = 1;
	memcpy(sent.saddr, g->p->uplink6, 16);
	memcpy(sent.daddr, t->raddr, 16);
	if (t->proto == PROTO_ICMPV6) {
		sent.icmp_type = ICMP6_ECHO_REQUEST;
		sent.sport = get16n(t->oport);
	} else {
		sent.sport = get16n(t->oport);
		sent.dport = get16n(t->rport);
		sent.tcp_flags = 0x02;
	}
	sent.len = fz_below(g->r, 64);
	bytes(g, sent.payload, sent.len);
	pkt6_frame(&quoted, &sent);
	memcpy(p->dst_mac, g->p->uplink_mac, 6);
	memcpy(p->src_mac, g->p->next_hop_mac, 6);
	addr6(g, p->saddr, false);
	if (fz_chance(g->r, 30))
		memcpy(p->saddr, t->raddr, 16);
	memcpy(p->daddr, g->p->uplink6, 16);
	p->proto = PROTO_ICMPV6;
	p->hop_limit = 60;
	p->icmp_type = types[fz_below(g->r, sizeof(types))];
	p->icmp_code = (uint8_t)fz_below(g->r, 4);
	p->icmp_rest = p->icmp_type == ICMP6_PKT_TOOBIG ? 1280 : 0;
	pkt6_quote(p, &quoted, fz_chance(g->r, 80) ? ICMP6_QUOTE_MAX : 40 + fz_below(g->r, 8));
	return "error6";
}

/* The old way: a header of random bytes behind a valid version and length. */
static const char *raw6(struct gen6 *g, struct frame *f)
{
	static const uint8_t next[] = { 58, 6, 17, 0, 44, 43, 60, 59 };
	uint8_t dst[6], src[6], *ip;
	uint32_t n;

	mac6(g, dst, false);
	mac6(g, src, true);
	frame_eth(f, dst, src, 0x86dd);
	ip = f->data + f->len;
	bytes(g, ip, 40);
	ip[0] = (uint8_t)(0x60 | (ip[0] & 0x0f));
	ip[6] = next[fz_below(g->r, sizeof(next))];
	ip[7] = 255;
	f->len += 40;
	n = fz_below(g->r, 64);
	bytes(g, f->data + f->len, n);
	f->len += n;
	ip[4] = 0;
	ip[5] = (uint8_t)(f->len - 54);
	return "raw6";
}

const char *fz_ipv6(struct fz_rng *r, const struct fz_pools *p, const struct fz_sender *s,
		    struct frame *f)
{
	struct gen6 g = { .r = r, .p = p, .s = s };
	uint32_t roll = fz_below(r, 100);
	const struct fz_tuple6 *t = tuple6(&g);
	const char *what;

	if (roll < 8)
		return raw6(&g, f);
	if (roll < 40)
		what = ndp6(&g);
	else if (roll < 75 || !t)
		what = traffic6(&g);
	else if (roll < 92)
		what = reply6(&g, t);
	else
		what = error6(&g, t);
	pkt6_frame(f, &g.pkt);
	return what;
}
