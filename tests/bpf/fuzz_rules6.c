// SPDX-License-Identifier: GPL-2.0-only OR BSD-2-Clause
#include <string.h>

#include "fuzz_rules6.h"

#define EXT_MAX	      4
#define CHAIN_MAX     1024
#define NH_HOP	      0
#define NH_TCP	      6
#define NH_UDP	      17
#define NH_ROUTING    43
#define NH_FRAGMENT   44
#define NH_ICMP	      58
#define NH_DEST	      60
#define T_MLD_REPORT  131
#define T_RS	      133
#define T_RA	      134
#define T_NS	      135
#define T_NA	      136
#define T_REDIRECT    137
#define T_MLD2_REPORT 143
#define DHCP6_SERVER  547
#define OPT_SLLA      1
#define OPT_TLLA      2
#define NDP_OPTS      4
#define TCP_ACK_FLAG  0x10

static uint16_t rd16(const uint8_t *b)
{
	return (uint16_t)(b[0] << 8 | b[1]);
}

static bool is_ext(uint8_t nh)
{
	return nh == NH_HOP || nh == NH_ROUTING || nh == NH_DEST || nh == NH_FRAGMENT;
}

bool fz6_parse(const struct frame *f, size_t l3, struct fz6_pkt *p)
{
	const uint8_t *d = f->data;
	size_t off = l3 + 40, need;
	uint8_t nh;

	memset(p, 0, sizeof(*p));
	if (l3 + 40 > f->len || (d[l3] >> 4) != 6)
		return false;
	memcpy(p->saddr, d + l3 + 8, 16);
	memcpy(p->daddr, d + l3 + 24, 16);
	p->hop_limit = d[l3 + 7];
	nh = d[l3 + 6];
	for (int i = 0; i < EXT_MAX && is_ext(nh); i++) {
		const uint8_t *e = d + off;

		if (off + 8 > f->len)
			return false;
		if (nh == NH_FRAGMENT) {
			uint16_t fo = rd16(e + 2);

			nh = e[0];
			off += 8;
			if (fo & 0xfff8) { /* a later fragment: no transport header */
				p->later_fragment = true;
				p->proto = nh;
				p->l4 = off;
				return true;
			}
			continue;
		}
		if (nh == NH_ROUTING && e[2] == 0)
			p->rh0 = true;
		nh = e[0];
		off += (size_t)(e[1] + 1) * 8;
		if (off > CHAIN_MAX)
			return false;
	}
	if (is_ext(nh))
		return false;
	p->proto = nh;
	p->l4 = off;
	need = nh == NH_TCP ? 20 : nh == NH_UDP ? 8 : nh == NH_ICMP ? 8 : 0;
	if (!need)
		return true;
	if (off + need > f->len)
		return false; /* truncated, or a tiny first fragment: dropped either way */
	p->sport = rd16(d + off);
	p->tcp_flags = nh == NH_TCP ? d[off + 13] : 0;
	p->icmp_type = nh == NH_ICMP ? d[off] : 0;
	p->has_l4 = true;
	return true;
}

static bool is_zero(const uint8_t *a)
{
	static const uint8_t zero[16];

	return !memcmp(a, zero, 16);
}

static bool link_local(const uint8_t *a)
{
	return a[0] == 0xfe && (a[1] & 0xc0) == 0x80;
}

static void ll_of(const uint8_t mac[6], uint8_t a[16])
{
	memset(a, 0, 16);
	a[0] = 0xfe;
	a[1] = 0x80;
	a[8] = mac[0] ^ 0x02;
	a[9] = mac[1];
	a[10] = mac[2];
	a[11] = 0xff;
	a[12] = 0xfe;
	memcpy(a + 13, mac + 3, 3);
}

static bool own(const uint8_t mac[6], const struct bpfbr_port6 *p6, const uint8_t *a)
{
	uint8_t ll[16];

	if (p6 && !is_zero(p6->addr) && !memcmp(a, p6->addr, 16))
		return true;
	if (p6 && !is_zero(p6->ll) && !memcmp(a, p6->ll, 16))
		return true;
	ll_of(mac, ll);
	return !memcmp(a, ll, 16);
}

/* Every link-layer address option of `type` among the first four names mac;
 * no option has length 0; no fifth option follows. */
static bool lladdr_ok(const struct frame *f, size_t off, uint8_t type, const uint8_t mac[6])
{
	for (int i = 0; i < NDP_OPTS; i++) {
		const uint8_t *o = f->data + off;

		if (off + 2 > f->len)
			return true;
		if (o[1] == 0)
			return false;
		if (o[0] == type && (off + 8 > f->len || memcmp(o + 2, mac, 6)))
			return false;
		off += (size_t)o[1] * 8;
		if (off > CHAIN_MAX)
			return false;
	}
	return off + 2 > f->len;
}

bool fz6_admissible(const uint8_t mac[6], const struct bpfbr_port6 *p6, const struct frame *f)
{
	struct fz6_pkt p;
	bool own_target = false;
	size_t body;

	if (!fz6_parse(f, ETH_HDR_LEN, &p))
		return false;
	if (is_zero(p.saddr)) {
		if (!p.has_l4 || p.proto != NH_ICMP)
			return false;
		if (p.icmp_type == T_MLD2_REPORT || p.icmp_type == T_MLD_REPORT)
			return true;
		if (p.icmp_type != T_NS)
			return false;
	} else if (!own(mac, p6, p.saddr)) {
		return false;
	}
	if (!p.has_l4)
		return true;
	if (p.proto == NH_UDP && p.sport == DHCP6_SERVER)
		return false;
	if (p.proto != NH_ICMP)
		return true;
	body = p.l4 + 8;
	if (p.icmp_type == T_NS || p.icmp_type == T_NA) {
		if (body + 16 > f->len)
			return false;
		own_target = own(mac, p6, f->data + body);
	}
	switch (p.icmp_type) {
	case T_RA:
	case T_REDIRECT:
		return false;
	case T_RS:
		return lladdr_ok(f, body, OPT_SLLA, mac);
	case T_NS:
		if (is_zero(p.saddr) && !own_target)
			return false;
		return lladdr_ok(f, body + 16, OPT_SLLA, mac);
	case T_NA:
		return own_target && lladdr_ok(f, body + 16, OPT_TLLA, mac);
	}
	return true;
}

static bool in_subnet(const struct bpfbr_netcfg6 *c6, const uint8_t *a)
{
	size_t whole = c6->prefix / 8;
	uint8_t mask = (uint8_t)(0xff << (8 - c6->prefix % 8));

	return !memcmp(a, c6->subnet, whole) &&
	       (c6->prefix % 8 == 0 || ((a[whole] ^ c6->subnet[whole]) & mask) == 0);
}

/* What the guard lets through to one of the node's own addresses. */
static bool guard_admits(const struct bpfbr_netcfg *cfg, const struct fz6_pkt *p)
{
	if (cfg->flags & BPFBR_NET_NODE_OPEN)
		return true;
	if (p->later_fragment || !p->has_l4)
		return false;
	if (p->proto == NH_TCP)
		return (p->tcp_flags & TCP_ACK_FLAG) || cfg->n_allow;
	if (p->proto == NH_UDP)
		return true; /* a reply to the node's datagrams passes: the state decides */
	if (p->proto == NH_ICMP)
		return p->icmp_type != T_RA && p->icmp_type != T_REDIRECT;
	return false;
}

bool fz6_node_may_have(const struct bpfbr_netcfg *cfg, const struct bpfbr_netcfg6 *c6,
		       const uint8_t node6[16], const struct frame *f)
{
	struct fz6_pkt p;

	if (!fz6_parse(f, ETH_HDR_LEN, &p))
		return false;
	if (!link_local(p.saddr) && !is_zero(p.saddr) && !in_subnet(c6, p.saddr))
		return false;
	if (p.daddr[0] == 0xff)
		return true;
	if (!memcmp(p.daddr, c6->gateway, 16) || !memcmp(p.daddr, c6->gateway_ll, 16))
		return guard_admits(cfg, &p);
	if (in_subnet(c6, p.daddr) || (cfg->flags & BPFBR_NET_NODE_OPEN))
		return true;
	if (link_local(p.daddr) || !cfg->uplink_ifindex || p.rh0 || link_local(p.saddr))
		return false;
	if (!memcmp(p.daddr, node6, 16))
		return guard_admits(cfg, &p);
	return true; /* the node's FIB routes it out of the uplink, or it is dropped */
}

bool fz6_routable(const struct bpfbr_netcfg6 *c6, const struct frame *f)
{
	struct fz6_pkt p;

	return fz6_parse(f, ETH_HDR_LEN, &p) && p.l4 == ETH_HDR_LEN + 40 && p.hop_limit > 1 &&
	       in_subnet(c6, p.saddr) && p.daddr[0] != 0xff && !link_local(p.daddr) &&
	       !in_subnet(c6, p.daddr);
}
