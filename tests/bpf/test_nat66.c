// SPDX-License-Identifier: GPL-2.0-only OR BSD-2-Clause
/*
 * NAT66: a container's TCP, UDP and ICMPv6 echo leave from the uplink's IPv6
 * address, the replies come back into the container, byte for byte and
 * with every checksum recomputed; a packet too big for a hop beyond comes
 * back to the container with its quote translated; extension headers are
 * walked, a routing header of type 0 is dropped and counted; fragments
 * follow their first fragment's flow both ways;
 * the flows share the IPv4 table and its sweeper.
 */
#include <arpa/inet.h>
#include <errno.h>
#include <stdio.h>
#include <string.h>

#include <bpf/bpf.h>
#include <bpf/libbpf.h>

#include "bpfbr/nat6.h"
#include "harness.h"
#include "nat6_pkt.h"
#include "nat_csum6.h"
#include "nat_expect.h"
#include "nat_fixture.h"
#include "uplink.skel.h"

#define PROTO_TCP_ 6
#define PROTO_UDP_ 17
#define SENT_HL	   63 /* a container's 64, less the node's hop */
#define REPLY_HL   52

/* 2001:db8:1::1, the uplink's IPv6 address. */
static const uint8_t uplink6[16] = { 0x20, 0x01, 0x0d, 0xb8, 0, 1, [15] = 1 };
/* 2001:db8:100::2, the server; 2001:db8:100::1, a router on the way. */
static const uint8_t server6[16] = { 0x20, 0x01, 0x0d, 0xb8, 0x01, 0, [15] = 2 };
static const uint8_t router6[16] = { 0x20, 0x01, 0x0d, 0xb8, 0x01, 0, [15] = 1 };

/* fd00:40::<c + 1>, container c's address. */
static void ct6(uint8_t a[16], int c)
{
	const uint8_t p[16] = { 0xfd, 0, 0, 0x40, [15] = (uint8_t)(c + 1) };

	memcpy(a, p, 16);
}

static bool setup6(struct nfx *fx, bool with_address)
{
	struct bpfbr_uplink_cfg6 c6 = { { 0 } };
	uint32_t zero = 0;
	uint8_t a[16];

	if (!nfx_setup(fx, NULL))
		return false;
	if (with_address)
		memcpy(c6.addr, uplink6, 16);
	if (!ASSERT_OK(bpf_map_update_elem(bpf_map__fd(fx->dp.skel->maps.nat_config6), &zero, &c6,
					   BPF_ANY),
		       "write the uplink's IPv6 address"))
		goto fail;
	for (int c = CT1; c <= CT3; c++) {
		ct6(a, c);
		if (!ASSERT_OK(bpf_map_update_elem(bpf_map__fd(fx->dp.skel->maps.nat_endpoints6), a,
						   &fx->ep[c], BPF_ANY),
			       "add an IPv6 endpoint"))
			goto fail;
	}
	return true;
fail:
	nfx_teardown(fx);
	return false;
}

/* Container c sends to the server (TCP: a SYN; UDP: 40 bytes; ICMPv6: ping's echo request),
 * as it crosses the uplink after the node routed it. */
static void sent6(struct pkt6 *p, int c, uint8_t proto, uint16_t sport, uint16_t dport)
{
	memset(p, 0, sizeof(*p));
	memcpy(p->dst_mac, next_hop_mac, 6);
	memcpy(p->src_mac, uplink_mac, 6);
	ct6(p->saddr, c);
	memcpy(p->daddr, server6, 16);
	p->proto = proto;
	p->hop_limit = SENT_HL;
	p->sport = sport;
	p->dport = dport;
	if (proto == PROTO_TCP_) {
		p->tcp_flags = TCP_SYN;
		p->seq = 0x1000;
	} else if (proto == PROTO_ICMPV6) {
		p->icmp_type = 128;
	}
	p->len = proto == PROTO_TCP_ ? 0 : proto == PROTO_UDP_ ? 40 : 56;
	for (size_t i = 0; i < p->len; i++)
		p->payload[i] = (uint8_t)(0x30 + i);
}

/* p as NAT66 sends it: from the uplink's address, port (or echo id) oport. */
static void masq6(struct pkt6 *want, const struct pkt6 *p, uint16_t oport)
{
	*want = *p;
	memcpy(want->saddr, uplink6, 16);
	want->sport = oport;
}

/* The server's answer to out (a packet that left the uplink). */
static void reply6(struct pkt6 *r, const struct pkt6 *out)
{
	*r = *out;
	memcpy(r->dst_mac, uplink_mac, 6);
	memcpy(r->src_mac, next_hop_mac, 6);
	memcpy(r->saddr, out->daddr, 16);
	memcpy(r->daddr, out->saddr, 16);
	r->hop_limit = REPLY_HL;
	r->extlen = 0;
	if (out->proto == PROTO_ICMPV6) {
		r->icmp_type = ICMP6_ECHO_REPLY; /* same id and sequence */
		return;
	}
	r->sport = out->dport;
	r->dport = out->sport;
	if (out->proto == PROTO_TCP_) {
		r->tcp_flags = TCP_SYN | TCP_ACK;
		r->seq = 0x9000;
		r->ack = out->seq + 1;
	}
}

/* Reply r as NAT66 delivers it into container c at iport: hop limit - 1, the container's L2. */
static void delivered6(const struct nfx *fx, struct pkt6 *want, const struct pkt6 *r, int c,
		       uint16_t iport)
{
	*want = *r;
	memcpy(want->dst_mac, fx->ep[c].mac, 6);
	memcpy(want->src_mac, gw_mac, 6);
	ct6(want->daddr, c);
	want->hop_limit = (uint8_t)(r->hop_limit - 1);
	if (r->proto == PROTO_ICMPV6 && r->icmp_type >= 128)
		want->sport = iport;
	else if (r->proto != PROTO_ICMPV6)
		want->dport = iport;
}

/* Verdict, the frame byte for byte, and n checksums recomputed from scratch that match. */
static bool expect6(const struct nat_run *r, int verdict, const struct pkt6 *p, int n,
		    const char *what)
{
	struct nat_csum_report rep;
	struct frame want;
	char m[200];
	bool ok;

	pkt6_frame(&want, p);
	snprintf(m, sizeof(m), "%s: verdict", what);
	ok = ASSERT_EQ(r->verdict, verdict, m);
	snprintf(m, sizeof(m), "%s: length", what);
	ok &= ASSERT_EQ(r->out.len, want.len, m);
	snprintf(m, sizeof(m), "%s: frame byte for byte", what);
	if (r->out.len == want.len)
		ok &= ASSERT_MEMEQ(r->out.data, want.data, want.len, m);
	nat_csum_frame6(r->out.data, r->out.len, &rep);
	for (int i = 0; i < rep.n; i++)
		if (rep.item[i].stored != rep.item[i].computed)
			ok = test_fail(__FILE__, __LINE__, "%s: %s is %#06x, recomputed %#06x",
				       what, rep.item[i].what, rep.item[i].stored,
				       rep.item[i].computed);
	snprintf(m, sizeof(m), "%s: checksums recomputed", what);
	ok &= ASSERT_EQ(rep.n, n, m);
	return ok;
}

/*
 * The shared table's books with IPv6 flows only: nat_config counts them, each
 * IPv6 endpoint its own (ep_flows[c]; NULL: not checked), nat_out6 and
 * nat_in6 hold a key each, IPv4's keys none, and the free queue the rest.
 */
static bool table6(struct nfx *fx, uint32_t flows, const uint32_t *ep_flows, const char *what)
{
	struct bpfbr_uplink_cfg cfg;
	struct bpfbr_endpoint ep;
	uint32_t slots[NFX_NAT_MAX], n;
	uint8_t a[16];
	char m[200];
	bool ok;

	snprintf(m, sizeof(m), "%s: nat_config counts the flows", what);
	ok = ASSERT_OK(nat_dp_config_get(&fx->dp, &cfg), m) && ASSERT_EQ(cfg.flows, flows, m);
	for (int c = CT1; ep_flows && c <= CT3; c++) {
		ct6(a, c);
		snprintf(m, sizeof(m), "%s: IPv6 endpoint of container %d counts its flows", what,
			 c);
		ok &= ASSERT_OK(bpf_map_lookup_elem(bpf_map__fd(fx->dp.skel->maps.nat_endpoints6),
						    a, &ep),
				m) &&
		      ASSERT_EQ(ep.flows, ep_flows[c], m);
	}
	snprintf(m, sizeof(m), "%s: keys in nat_out6", what);
	ok &= ASSERT_OK(nat_dp_keys(bpf_map__fd(fx->dp.skel->maps.nat_out6), &n), m) &&
	      ASSERT_EQ(n, flows, m);
	snprintf(m, sizeof(m), "%s: keys in nat_in6", what);
	ok &= ASSERT_OK(nat_dp_keys(bpf_map__fd(fx->dp.skel->maps.nat_in6), &n), m) &&
	      ASSERT_EQ(n, flows, m);
	snprintf(m, sizeof(m), "%s: no IPv4 keys", what);
	ok &= ASSERT_OK(nat_dp_keys(fx->dp.nat_out_fd, &n), m) && ASSERT_EQ(n, 0, m);
	ok &= ASSERT_OK(nat_dp_keys(fx->dp.nat_in_fd, &n), m) && ASSERT_EQ(n, 0, m);
	snprintf(m, sizeof(m), "%s: free slots = nat_max - flows", what);
	ok &= ASSERT_OK(nat_dp_free_slots(&fx->dp, slots, NFX_NAT_MAX, &n), m) &&
	      ASSERT_EQ(n, NFX_NAT_MAX - flows, m);
	return ok;
}

static bool run6(struct nfx *fx, bool out, const struct pkt6 *p, struct nat_run *r)
{
	struct frame f;

	pkt6_frame(&f, p);
	return out ? nfx_out(fx, &f, r) : nfx_in(fx, &f, r);
}

/* The flow of sent's inside tuple: its slot, or -1 after failing the test. */
static long flow6_slot(struct nfx *fx, const struct pkt6 *sent, struct bpfbr_flow *fl)
{
	struct bpfbr_nat6_key k = { .proto = sent->proto };
	uint32_t slot;

	memcpy(k.addr, sent->saddr, 16);
	memcpy(k.raddr, sent->daddr, 16);
	k.port = htons(sent->sport);
	k.rport = sent->proto == PROTO_ICMPV6 ? 0 : htons(sent->dport);
	if (!ASSERT_OK(bpf_map_lookup_elem(bpf_map__fd(fx->dp.skel->maps.nat_out6), &k, &slot)
			       ? -errno
			       : 0,
		       "nat_out6 holds the inside tuple") ||
	    !ASSERT_OK(nat_dp_flow_get(&fx->dp, slot, fl), "the flow of the slot"))
		return -1;
	return slot;
}

static const struct {
	const char *name;
	uint8_t proto;
	uint16_t sport, dport; /* ICMPv6: identifier and sequence */
	int ncsums;
} protos[] = {
	{ "TCP", PROTO_TCP_, 40000, 443, 1 },
	{ "UDP", PROTO_UDP_, 40000, 53, 1 },
	{ "ICMPv6 echo", PROTO_ICMPV6, 0x4242, 1, 1 },
};
#define NPROTOS (sizeof(protos) / sizeof(protos[0]))

TEST(nat66_translates_and_reverses)
{
	struct pkt6 sent, want, reply;
	struct bpfbr_flow6 a;
	struct bpfbr_flow fl;
	struct nat_run r;
	struct nfx fx;
	char what[200];
	long slot;

	for (size_t i = 0; i < NPROTOS; i++) {
		if (!setup6(&fx, true))
			return;
		sent6(&sent, CT1, protos[i].proto, protos[i].sport, protos[i].dport);
		snprintf(what, sizeof(what), "%s out", protos[i].name);
		if (run6(&fx, true, &sent, &r)) {
			masq6(&want, &sent, protos[i].sport); /* the port is free: kept */
			expect6(&r, TC_ACT_OK, &want, protos[i].ncsums, what);
			NEXP_COUNTERS(r.delta, what, { BPFBR_EV_NAT_NEW, 1 });
		}
		reply6(&reply, &want);
		snprintf(what, sizeof(what), "%s reply in", protos[i].name);
		if (run6(&fx, false, &reply, &r)) {
			delivered6(&fx, &want, &reply, CT1, protos[i].sport);
			expect6(&r, TC_ACT_REDIRECT, &want, protos[i].ncsums, what);
			NEXP_NO_COUNTERS(r.delta, what);
		}
		snprintf(what, sizeof(what), "%s flow", protos[i].name);
		slot = flow6_slot(&fx, &sent, &fl);
		if (slot >= 0) {
			ASSERT_EQ(fl.flags, BPFBR_FLOW_IPV6, what);
			ASSERT_EQ(fl.state, BPFBR_FLOW_ESTABLISHED, what);
			ASSERT_EQ(fl.ifindex, fx.ep[CT1].ifindex, what);
			ASSERT_EQ(fl.oport, htons(protos[i].sport), what);
			ASSERT_EQ(fl.iaddr | fl.raddr, 0, what);
			ASSERT_OK(bpf_map_lookup_elem(bpf_map__fd(fx.dp.skel->maps.nat_flows6),
						      &(uint32_t){ (uint32_t)slot }, &a),
				  what);
			ASSERT_MEMEQ(a.iaddr, sent.saddr, 16, what);
			ASSERT_MEMEQ(a.raddr, server6, 16, what);
		}
		table6(&fx, 1, (const uint32_t[NFX_DEVS]){ 0, 1, 0, 0 }, what);
		nfx_teardown(&fx);
	}
}

/* Two containers on the same port towards the same server: the second gets another port. */
TEST(nat66_port_taken)
{
	struct pkt6 s1, s2, want, reply;
	struct bpfbr_flow fl;
	struct nat_run r;
	struct nfx fx;
	uint16_t oport;

	if (!setup6(&fx, true))
		return;
	sent6(&s1, CT1, PROTO_UDP_, 40000, 53);
	sent6(&s2, CT2, PROTO_UDP_, 40000, 53);
	if (!run6(&fx, true, &s1, &r) || !run6(&fx, true, &s2, &r) || flow6_slot(&fx, &s2, &fl) < 0)
		goto out;
	oport = ntohs(fl.oport);
	ASSERT_TRUE(oport != 40000 && nfx_in_range(&fx, oport), "the second flow's port");
	masq6(&want, &s2, oport);
	expect6(&r, TC_ACT_OK, &want, 1, "CT2 out");
	reply6(&reply, &want);
	if (run6(&fx, false, &reply, &r)) {
		delivered6(&fx, &want, &reply, CT2, 40000);
		expect6(&r, TC_ACT_REDIRECT, &want, 1, "CT2's reply in, back to its port");
	}
out:
	nfx_teardown(&fx);
}

/* A router beyond says "packet too big" about a masqueraded segment: the container gets it. */
TEST(nat66_packet_too_big)
{
	struct pkt6 sent, out, ptb, want;
	struct frame f;
	struct nat_run r;
	struct nfx fx;

	if (!setup6(&fx, true))
		return;
	sent6(&sent, CT1, PROTO_TCP_, 40000, 443);
	if (!run6(&fx, true, &sent, &r))
		goto done;
	/* The next segment, full-sized, leaves too. */
	sent.tcp_flags = TCP_ACK | TCP_PSH;
	sent.seq++;
	sent.len = 1400;
	for (size_t i = 0; i < sent.len; i++)
		sent.payload[i] = (uint8_t)i;
	if (!run6(&fx, true, &sent, &r))
		goto done;
	masq6(&out, &sent, 40000);
	expect6(&r, TC_ACT_OK, &out, 1, "the big segment out");

	memset(&ptb, 0, sizeof(ptb));
	memcpy(ptb.dst_mac, uplink_mac, 6);
	memcpy(ptb.src_mac, next_hop_mac, 6);
	memcpy(ptb.saddr, router6, 16);
	memcpy(ptb.daddr, uplink6, 16);
	ptb.proto = PROTO_ICMPV6;
	ptb.hop_limit = REPLY_HL;
	ptb.icmp_type = ICMP6_PKT_TOOBIG;
	ptb.icmp_rest = 1280;
	pkt6_frame(&f, &out);
	pkt6_quote(&ptb, &f, ICMP6_QUOTE_MAX);
	if (!run6(&fx, false, &ptb, &r))
		goto done;
	/* As delivered: to the container, quoting its segment as it sent it. */
	want = ptb;
	memcpy(want.dst_mac, fx.ep[CT1].mac, 6);
	memcpy(want.src_mac, gw_mac, 6);
	ct6(want.daddr, CT1);
	want.hop_limit = REPLY_HL - 1;
	pkt6_frame(&f, &sent);
	pkt6_quote(&want, &f, ICMP6_QUOTE_MAX);
	/* The quote is cut short (1232 of 1460 bytes): only the ICMPv6 checksum can be recomputed. */
	expect6(&r, TC_ACT_REDIRECT, &want, 1, "packet too big in");
	NEXP_COUNTERS(r.delta, "packet too big in", { BPFBR_EV_NAT_ICMP_ERROR, 1 });

	/* A short segment's error quotes all of it: the quoted TCP checksum is checked too. */
	sent.len = 100;
	if (!run6(&fx, true, &sent, &r))
		goto done;
	masq6(&out, &sent, 40000);
	pkt6_frame(&f, &out);
	ptb.icmp_type = ICMP6_DEST_UNREACH;
	ptb.icmp_rest = 0;
	pkt6_quote(&ptb, &f, ICMP6_QUOTE_MAX);
	if (!run6(&fx, false, &ptb, &r))
		goto done;
	want = ptb;
	memcpy(want.dst_mac, fx.ep[CT1].mac, 6);
	memcpy(want.src_mac, gw_mac, 6);
	ct6(want.daddr, CT1);
	want.hop_limit = REPLY_HL - 1;
	pkt6_frame(&f, &sent);
	pkt6_quote(&want, &f, ICMP6_QUOTE_MAX);
	expect6(&r, TC_ACT_REDIRECT, &want, 2, "destination unreachable in");
done:
	nfx_teardown(&fx);
}

/* An 8-byte extension header of type type (next header next), padded. */
static void ext8(struct pkt6 *p, uint8_t type, uint8_t next, const uint8_t *body6)
{
	if (!p->extlen)
		p->ext_first = type;
	else
		p->ext[p->extlen - 8] = type; /* the previous one leads here */
	p->ext[p->extlen] = next;
	p->ext[p->extlen + 1] = 0;
	memcpy(p->ext + p->extlen + 2, body6, 6);
	p->extlen += 8;
}

TEST(nat66_extension_headers)
{
	const uint8_t padn[6] = { 1, 4, 0, 0, 0, 0 };
	const uint8_t rh0[6] = { 0, 0, 0, 0, 0, 0 };	       /* type 0, no segments left */
	const uint8_t frag[6] = { 0, 0x10, 0x12, 0x34, 0, 0 }; /* offset 16, last */
	struct pkt6 sent, want;
	struct nat_run r;
	struct nfx fx;

	if (!setup6(&fx, true))
		return;
	/* Hop-by-hop and destination options are walked: the ports after them translated. */
	sent6(&sent, CT1, PROTO_UDP_, 40001, 53);
	ext8(&sent, EXT_HOP, EXT_DEST, padn);
	ext8(&sent, EXT_DEST, PROTO_UDP_, padn);
	sent.sport = 40001;
	if (run6(&fx, true, &sent, &r)) {
		masq6(&want, &sent, 40001);
		expect6(&r, TC_ACT_OK, &want, 1, "UDP after two extension headers");
		NEXP_COUNTERS(r.delta, "UDP after two extension headers", { BPFBR_EV_NAT_NEW, 1 });
	}
	/* Routing header type 0 (RFC 5095): dropped, counted. */
	sent6(&sent, CT1, PROTO_UDP_, 40002, 53);
	ext8(&sent, EXT_ROUTING, PROTO_UDP_, rh0);
	if (run6(&fx, true, &sent, &r))
		nexp_drop(&r, BPFBR_DROP_IPV6_RH0, "a container's routing header type 0");
	/* A later fragment whose first did not pass: dropped and counted. */
	sent6(&sent, CT1, PROTO_UDP_, 40003, 53);
	ext8(&sent, EXT_FRAGMENT, PROTO_UDP_, frag);
	if (run6(&fx, true, &sent, &r))
		nexp_drop(&r, BPFBR_DROP_FRAG_UNKNOWN, "a later fragment of no datagram seen");
	/* A reply with a routing header of type 0: dropped, not delivered. */
	sent6(&sent, CT1, PROTO_UDP_, 40001, 53);
	masq6(&want, &sent, 40001);
	reply6(&sent, &want);
	ext8(&sent, EXT_ROUTING, PROTO_UDP_, rh0);
	if (run6(&fx, false, &sent, &r))
		nexp_drop(&r, BPFBR_DROP_IPV6_RH0, "a reply with a routing header type 0");
	table6(&fx, 1, NULL, "only the first made a flow");
	nfx_teardown(&fx);
}

TEST(nat66_needs_an_uplink_address)
{
	struct pkt6 sent;
	struct nat_run r;
	struct nfx fx;

	if (!setup6(&fx, false))
		return;
	sent6(&sent, CT1, PROTO_TCP_, 40000, 443);
	if (run6(&fx, true, &sent, &r))
		nexp_drop(&r, BPFBR_DROP_NAT6_NO_ADDRESS, "no IPv6 address on the uplink");
	nfx_teardown(&fx);
}

/* A container's port removed: the sweep by port reclaims its IPv6 flows and their keys. */
TEST(nat66_sweep_by_port)
{
	uint64_t delta[BPFBR_COUNTER_MAX];
	uint32_t reclaimed = 0;
	struct pkt6 sent;
	struct nat_run r;
	struct nfx fx;

	if (!setup6(&fx, true))
		return;
	for (size_t i = 0; i < NPROTOS; i++) {
		sent6(&sent, CT1, protos[i].proto, protos[i].sport, protos[i].dport);
		run6(&fx, true, &sent, &r);
	}
	sent6(&sent, CT2, PROTO_TCP_, 40000, 443);
	run6(&fx, true, &sent, &r);
	if (ASSERT_OK(nat_dp_sweep(&fx.dp, BPFBR_SWEEP_PORT, fx.ep[CT1].ifindex, &reclaimed, delta),
		      "sweep CT1's port"))
		ASSERT_EQ(reclaimed, NPROTOS, "flows reclaimed");
	table6(&fx, 1, (const uint32_t[NFX_DEVS]){ 0, 0, 1, 0 }, "CT2's flow left");
	nfx_teardown(&fx);
}

/* A UDP datagram of 1 400 bytes in three fragments, out and back: the first
 * carries the port (and the checksum of the whole datagram), the later ones
 * follow it; each fragment out is the translated datagram's, byte for byte. */
TEST(nat66_fragments)
{
	struct frame whole, frags[4], want[4];
	struct pkt6 sent, out, reply, in;
	struct nat_run r;
	struct nfx fx;
	char what[64];
	int n;

	if (!setup6(&fx, true))
		return;
	sent6(&sent, CT1, PROTO_UDP_, 40000, 4000);
	sent.len = 1400;
	for (size_t i = 0; i < sent.len; i++)
		sent.payload[i] = (uint8_t)(i * 7);
	pkt6_frame(&whole, &sent);
	n = pkt6_fragment(&whole, 512, 0x01020304, frags, 4);
	masq6(&out, &sent, 40000);
	pkt6_frame(&whole, &out);
	pkt6_fragment(&whole, 512, 0x01020304, want, 4);
	ASSERT_EQ(n, 3, "fragments");
	for (int i = 0; i < n; i++) {
		snprintf(what, sizeof(what), "fragment %d out", i);
		if (!nfx_out(&fx, &frags[i], &r))
			goto done;
		ASSERT_EQ(r.verdict, TC_ACT_OK, what);
		ASSERT_EQ(r.out.len, want[i].len, what);
		ASSERT_MEMEQ(r.out.data, want[i].data, want[i].len, what);
		if (i == 0)
			NEXP_COUNTERS(r.delta, what, { BPFBR_EV_NAT_NEW, 1 });
		else
			NEXP_NO_COUNTERS(r.delta, what);
	}
	/* The answer, as big, fragmented by the server. */
	reply6(&reply, &out);
	pkt6_frame(&whole, &reply);
	n = pkt6_fragment(&whole, 512, 0x0a0b0c0d, frags, 4);
	delivered6(&fx, &in, &reply, CT1, 40000);
	pkt6_frame(&whole, &in);
	pkt6_fragment(&whole, 512, 0x0a0b0c0d, want, 4);
	for (int i = 0; i < n; i++) {
		snprintf(what, sizeof(what), "fragment %d in", i);
		if (!nfx_in(&fx, &frags[i], &r))
			goto done;
		ASSERT_EQ(r.verdict, TC_ACT_REDIRECT, what);
		ASSERT_EQ(r.out.len, want[i].len, what);
		ASSERT_MEMEQ(r.out.data, want[i].data, want[i].len, what);
		NEXP_NO_COUNTERS(r.delta, what);
	}
done:
	nfx_teardown(&fx);
}

/* A time exceeded quoting 8 bytes of a masqueraded segment, in a frame with
 * 24 more bytes than the packet: the quote ends with the packet (its
 * payload length); nothing beyond is read or rewritten, and the ICMPv6
 * checksum covers the packet alone (the fuzz found it "fixed" for a TCP
 * checksum read from the trailer). */
TEST(nat66_error_frame_longer_than_packet)
{
	struct pkt6 sent, out, err;
	struct nat_csum_report rep;
	struct frame f, q;
	struct nat_run r;
	struct nfx fx;
	size_t end;

	if (!setup6(&fx, true))
		return;
	sent6(&sent, CT1, PROTO_TCP_, 40000, 443);
	if (!run6(&fx, true, &sent, &r))
		goto done;
	masq6(&out, &sent, 40000);
	memset(&err, 0, sizeof(err));
	memcpy(err.dst_mac, uplink_mac, 6);
	memcpy(err.src_mac, next_hop_mac, 6);
	memcpy(err.saddr, router6, 16);
	memcpy(err.daddr, uplink6, 16);
	err.proto = PROTO_ICMPV6;
	err.hop_limit = REPLY_HL;
	err.icmp_type = 3; /* time exceeded */
	pkt6_frame(&q, &out);
	pkt6_quote(&err, &q, 40 + 8);
	pkt6_frame(&f, &err);
	end = f.len;
	for (int i = 0; i < 24; i++)
		f.data[f.len++] = (uint8_t)(0xa0 + i);
	if (!nfx_in(&fx, &f, &r) || !ASSERT_EQ(r.verdict, TC_ACT_REDIRECT, "delivered"))
		goto done;
	ASSERT_EQ(r.out.len, f.len, "the frame keeps its length");
	ASSERT_EQ(test_first_diff(r.out.data + end, f.data + end, f.len - end), f.len - end,
		  "the bytes past the packet are untouched");
	r.out.len = end;
	nat_csum_frame6(r.out.data, r.out.len, &rep);
	ASSERT_TRUE(rep.n > 0, "a checksum to check");
	for (int i = 0; i < rep.n; i++)
		ASSERT_EQ(rep.item[i].stored, rep.item[i].computed, rep.item[i].what);
	NEXP_COUNTERS(r.delta, "time exceeded in a long frame", { BPFBR_EV_NAT_ICMP_ERROR, 1 });
done:
	nfx_teardown(&fx);
}
