// SPDX-License-Identifier: GPL-2.0-only OR BSD-2-Clause
/*
 * ICMP errors for masqueraded packets (RFC 5508): the error quotes the
 * packet as it left the uplink; what reaches the container must be the error
 * it would have received without masquerade: the quote reverted to the
 * container's address and port with every quoted checksum as the container
 * sent it (the quoted IPv4 header's recomputed for the TTL the reporting
 * router saw), the ICMP checksum right, the outer destination the container,
 * forwarded as a router would (TTL - 1, new Ethernet header). The error the
 * router sends is built from the program's own output: it quotes what left.
 */
#include <stdio.h>
#include <string.h>

#include "harness.h"
#include "nat_csum.h"
#include "nat_expect.h"
#include "nat_fixture.h"

struct err_case {
	const char *name;
	/* The container's packet. */
	uint8_t proto;
	uint16_t sport, dport;
	size_t payload;
	uint8_t sent_ttl;
	bool collide; /* another container holds the port first: the flow's port changes */
	/* The error. */
	uint32_t (*from)(void);
	uint8_t ttl; /* as it arrives at the uplink */
	uint8_t type, code;
	uint32_t rest;
	uint8_t quoted_ttl; /* the TTL the reporting router saw */
	size_t quote;	    /* how much it quotes */
	int ncsums;	    /* checksums the output carries in full */
};

/* An ICMP error as Linux sends one: precedence "internetwork control", no DF. */
static void icmp_error(struct pkt *e, const struct err_case *c, const struct frame *quoted)
{
	memset(e, 0, sizeof(*e));
	memcpy(e->dst_mac, uplink_mac, 6);
	memcpy(e->src_mac, next_hop_mac, 6);
	e->saddr = c->from();
	e->daddr = uplink_addr();
	e->proto = PROTO_ICMP;
	e->tos = 0xc0;
	e->ttl = c->ttl;
	e->id = 0x0b0b;
	e->icmp_type = c->type;
	e->icmp_code = c->code;
	e->icmp_rest = c->rest;
	pkt_quote(e, quoted, c->quoted_ttl, c->quote);
}

static void container_packet(struct pkt *p, int ct, const struct err_case *c)
{
	nfx_sent(p, ct, c->proto, c->sport, server_addr(), c->dport);
	p->ttl = c->sent_ttl;
	if (c->proto == PROTO_TCP) {
		p->tcp_flags = TCP_ACK | TCP_PSH;
		p->ack = 0x11223344;
	}
	if (c->payload)
		pkt_fill(p, c->payload, 0x33);
}

static void run_case(const struct err_case *c)
{
	struct pkt sent, other, err, want;
	struct frame f, sent_f;
	struct nat_run r;
	struct nfx fx;
	char what[200];

	if (!nfx_setup(&fx, NULL))
		return;
	if (c->collide) {
		container_packet(&other, CT2, c);
		pkt_frame(&f, &other);
		if (!nfx_out(&fx, &f, &r) || !ASSERT_EQ(r.verdict, TC_ACT_OK, "the port's holder"))
			goto out;
	}
	container_packet(&sent, CT1, c);
	pkt_frame(&sent_f, &sent);
	if (!nfx_out(&fx, &sent_f, &r))
		goto out;
	snprintf(what, sizeof(what), "%s: masqueraded", c->name);
	if (!ASSERT_EQ(r.verdict, TC_ACT_OK, what))
		goto out;
	snprintf(what, sizeof(what), "%s: the port %s", c->name, c->collide ? "changed" : "kept");
	ASSERT_TRUE((nfx_oport(&fx, &sent) == c->sport) == !c->collide, what);

	icmp_error(&err, c, &r.out);
	pkt_frame(&f, &err);
	if (!nfx_in(&fx, &f, &r))
		goto out;
	want = err;
	memcpy(want.dst_mac, fx.ep[CT1].mac, 6);
	memcpy(want.src_mac, fx.ep[CT1].gw_mac, 6);
	want.daddr = ct_addr(CT1);
	want.ttl = (uint8_t)(err.ttl - 1);
	pkt_quote(&want, &sent_f, c->quoted_ttl, c->quote);
	snprintf(what, sizeof(what), "%s: delivered to the container", c->name);
	nexp_pkt(&r, TC_ACT_REDIRECT, &want, c->ncsums, what);
	NEXP_COUNTERS(r.delta, what, { BPFBR_EV_NAT_ICMP_ERROR, 1 });
out:
	nfx_teardown(&fx);
}

static const struct err_case cases[] = {
	/* traceroute's probe dies at the next hop, which quotes all of it */
	{ "UDP, time exceeded, port kept", PROTO_UDP, 45000, 33434, 32, 1, false, next_hop, 64,
	  ICMP_TIMXCEED, TIMXCEED_INTRANS, 0, 1, ICMP_QUOTE_MAX, 4 },
	{ "UDP, time exceeded, port changed", PROTO_UDP, 45000, 33434, 32, 1, true, next_hop, 64,
	  ICMP_TIMXCEED, TIMXCEED_INTRANS, 0, 1, ICMP_QUOTE_MAX, 4 },
	/* an old router quoting 8 bytes only (RFC 792): the UDP checksum is quoted, not the data */
	{ "UDP, time exceeded, 8 bytes quoted", PROTO_UDP, 45000, 33434, 32, 1, true, next_hop, 64,
	  ICMP_TIMXCEED, TIMXCEED_INTRANS, 0, 1, 28, 3 },
	/* the server has no socket on the port */
	{ "UDP, port unreachable from the server", PROTO_UDP, 45000, 53, 40, SENT_TTL, true,
	  server_addr, REPLY_TTL, ICMP_UNREACH, UNREACH_PORT, 0, 55, ICMP_QUOTE_MAX, 4 },
	/* path MTU discovery: a router further on has a 1280-byte link */
	{ "TCP, fragmentation needed, 8 bytes quoted", PROTO_TCP, 40000, 443, 1400, SENT_TTL, true,
	  far_router, 62, ICMP_UNREACH, UNREACH_NEEDFRAG, 1280, 61, 28, 3 },
	{ "ICMP echo, host unreachable, id kept", PROTO_ICMP, 0x4242, 7, 56, SENT_TTL, false,
	  next_hop, 64, ICMP_UNREACH, UNREACH_HOST, 0, SENT_TTL, ICMP_QUOTE_MAX, 4 },
	{ "ICMP echo, host unreachable, id changed", PROTO_ICMP, 0x4242, 7, 56, SENT_TTL, true,
	  next_hop, 64, ICMP_UNREACH, UNREACH_HOST, 0, SENT_TTL, ICMP_QUOTE_MAX, 4 },
	{ "ICMP echo, time exceeded, 8 bytes quoted", PROTO_ICMP, 0x4242, 7, 56, 1, true, next_hop,
	  64, ICMP_TIMXCEED, TIMXCEED_INTRANS, 0, 1, 28, 3 },
};

TEST(nat_icmp_error_reverted)
{
	for (size_t i = 0; i < sizeof(cases) / sizeof(cases[0]); i++)
		run_case(&cases[i]);
}

/*
 * Fragmentation needed for TCP from a router that quotes as much as fits
 * (Linux, RFC 1812): the whole TCP header is quoted, checksum included.
 * Reverting "the IP and transport headers of the embedded packet to their
 * original form" (RFC 5508 section 4.2) includes that checksum, as Linux's
 * own NAT does (nf_nat_proto.c, tcp_manip_pkt: the checksum is updated
 * whenever the quote holds a full TCP header).
 */
TEST(nat_icmp_error_quoted_tcp_checksum)
{
	static const struct err_case c[] = {
		{ "TCP, fragmentation needed, port kept", PROTO_TCP, 40000, 443, 1400, SENT_TTL,
		  false, far_router, 62, ICMP_UNREACH, UNREACH_NEEDFRAG, 1280, 61, ICMP_QUOTE_MAX,
		  3 },
		{ "TCP, fragmentation needed, port changed", PROTO_TCP, 40000, 443, 1400, SENT_TTL,
		  true, far_router, 62, ICMP_UNREACH, UNREACH_NEEDFRAG, 1280, 61, ICMP_QUOTE_MAX,
		  3 },
	};

	for (size_t i = 0; i < sizeof(c) / sizeof(c[0]); i++)
		run_case(&c[i]);
}

/* A quoted header with options (ping -R: record route, 40 bytes): the quoted ports are
 * read after them and the options come back as they were. */
TEST(nat_icmp_error_quoted_options)
{
	struct pkt sent, err, want;
	struct frame f, sent_f;
	struct nat_run r;
	struct nfx fx;

	if (!nfx_setup(&fx, NULL))
		return;
	nfx_sent(&sent, CT1, PROTO_ICMP, 0x4242, server_addr(), 1);
	sent.ttl = 1;
	sent.optlen = 40;
	sent.opts[0] = 7;  /* record route */
	sent.opts[1] = 39; /* nine slots */
	sent.opts[2] = 4;  /* pointer: first slot */
	pkt_frame(&sent_f, &sent);
	if (!nfx_out(&fx, &sent_f, &r) || !ASSERT_EQ(r.verdict, TC_ACT_OK, "masqueraded"))
		goto out;
	err = (struct pkt){ .saddr = next_hop(),
			    .daddr = uplink_addr(),
			    .proto = PROTO_ICMP,
			    .tos = 0xc0,
			    .ttl = 64,
			    .icmp_type = ICMP_TIMXCEED };
	memcpy(err.dst_mac, uplink_mac, 6);
	memcpy(err.src_mac, next_hop_mac, 6);
	pkt_quote(&err, &r.out, 1, ICMP_QUOTE_MAX);
	pkt_frame(&f, &err);
	if (!nfx_in(&fx, &f, &r))
		goto out;
	want = err;
	memcpy(want.dst_mac, fx.ep[CT1].mac, 6);
	memcpy(want.src_mac, gw_mac, 6);
	want.daddr = ct_addr(CT1);
	want.ttl = 63;
	pkt_quote(&want, &sent_f, 1, ICMP_QUOTE_MAX);
	nexp_pkt(&r, TC_ACT_REDIRECT, &want, 4, "time exceeded quoting a ping -R");
	NEXP_COUNTERS(r.delta, "time exceeded quoting a ping -R", { BPFBR_EV_NAT_ICMP_ERROR, 1 });
out:
	nfx_teardown(&fx);
}

/* Errors that are not about a flow of ours go to the node untouched; one about a flow
 * that would expire on the way into the container is dropped as any such packet. */
TEST(nat_icmp_error_not_ours)
{
	struct pkt sent, err;
	struct frame f, sent_f;
	struct nat_run r;
	struct nfx fx;

	if (!nfx_setup(&fx, NULL))
		return;
	nfx_sent(&sent, CT1, PROTO_UDP, 45000, server_addr(), 33434);
	pkt_frame(&sent_f, &sent);
	if (!nfx_out(&fx, &sent_f, &r) || !ASSERT_EQ(r.verdict, TC_ACT_OK, "masqueraded"))
		goto out;
	err = (struct pkt){ .saddr = next_hop(),
			    .daddr = uplink_addr(),
			    .proto = PROTO_ICMP,
			    .tos = 0xc0,
			    .ttl = 64,
			    .icmp_type = ICMP_TIMXCEED };
	memcpy(err.dst_mac, uplink_mac, 6);
	memcpy(err.src_mac, next_hop_mac, 6);

	/* Quoting the untranslated packet: not a source of ours. */
	pkt_quote(&err, &sent_f, 1, ICMP_QUOTE_MAX);
	pkt_frame(&f, &err);
	if (nfx_in(&fx, &f, &r))
		nexp_pass(&r, &f, "quoting another source");
	/* Quoting a packet of the node's own (port 45001: no flow). */
	sent.saddr = uplink_addr();
	sent.sport = 45001;
	pkt_frame(&f, &sent);
	pkt_quote(&err, &f, 1, ICMP_QUOTE_MAX);
	pkt_frame(&f, &err);
	if (nfx_in(&fx, &f, &r))
		nexp_pass(&r, &f, "quoting a tuple with no flow");
	/* About our flow, but with TTL 1 left. */
	sent.sport = 45000;
	pkt_frame(&f, &sent);
	pkt_quote(&err, &f, 1, ICMP_QUOTE_MAX);
	err.ttl = 1;
	pkt_frame(&f, &err);
	if (nfx_in(&fx, &f, &r)) {
		ASSERT_EQ(r.verdict, TC_ACT_SHOT, "ICMP error with TTL 1: verdict");
		NEXP_COUNTERS(r.delta, "ICMP error with TTL 1", { BPFBR_EV_NAT_ICMP_ERROR, 1 },
			      { BPFBR_DROP_TTL_EXCEEDED, 1 });
	}
out:
	nfx_teardown(&fx);
}

/*
 * The other way (RFC 5508, 4.2): an ICMP error the container sends about a
 * packet that came in on one of its flows (a port unreachable for a
 * datagram from outside, say) quotes that packet as it was delivered, to
 * the container's address and port. What leaves the uplink must be what
 * the remote would get without masquerade: from the uplink's address,
 * quoting its own packet as it sent it (to the uplink's address and the
 * flow's outside port), every checksum right. An error about no flow of
 * the container's is not let out untranslated.
 */
TEST(nat_icmp_error_from_container)
{
	static const struct {
		const char *name;
		uint8_t proto;
		bool collide;
	} out_cases[] = {
		{ "UDP, port kept", PROTO_UDP, false },
		{ "UDP, port changed", PROTO_UDP, true },
		{ "TCP, port changed", PROTO_TCP, true },
	};
	struct pkt sent, other, reply, delivered, err, want;
	struct frame f, reply_f, delivered_f;
	struct nat_run r;
	struct nfx fx;
	char what[200];
	uint16_t oport;

	for (size_t i = 0; i < sizeof(out_cases) / sizeof(out_cases[0]); i++) {
		if (!nfx_setup(&fx, NULL))
			return;
		if (out_cases[i].collide) {
			nfx_sent(&other, CT2, out_cases[i].proto, 40000, server_addr(), 5000);
			pkt_frame(&f, &other);
			if (!nfx_out(&fx, &f, &r) || !ASSERT_EQ(r.verdict, TC_ACT_OK, "holder"))
				goto next;
		}
		nfx_sent(&sent, CT1, out_cases[i].proto, 40000, server_addr(), 5000);
		pkt_frame(&f, &sent);
		if (!nfx_out(&fx, &f, &r) || !ASSERT_EQ(r.verdict, TC_ACT_OK, "a flow"))
			goto next;
		oport = nfx_oport(&fx, &sent);
		nfx_masqueraded(&want, &sent, oport);
		nfx_reply(&reply, &want);
		pkt_frame(&reply_f, &reply);
		if (!nfx_in(&fx, &reply_f, &r) || !ASSERT_EQ(r.verdict, TC_ACT_REDIRECT, "a reply"))
			goto next;
		nfx_delivered(&fx, &delivered, &reply, CT1, 40000);
		pkt_frame(&delivered_f, &delivered);
		/* The container refuses it: its error, as the node routes it out. */
		memset(&err, 0, sizeof(err));
		memcpy(err.dst_mac, next_hop_mac, 6);
		memcpy(err.src_mac, uplink_mac, 6);
		err.saddr = ct_addr(CT1);
		err.daddr = server_addr();
		err.proto = PROTO_ICMP;
		err.tos = 0xc0;
		err.ttl = SENT_TTL;
		err.id = 0x0c0c;
		err.icmp_type = ICMP_UNREACH;
		err.icmp_code = UNREACH_PORT;
		pkt_quote(&err, &delivered_f, delivered.ttl, ICMP_QUOTE_MAX);
		pkt_frame(&f, &err);
		if (!nfx_out(&fx, &f, &r))
			goto next;
		want = err;
		want.saddr = uplink_addr();
		pkt_quote(&want, &reply_f, delivered.ttl, ICMP_QUOTE_MAX);
		snprintf(what, sizeof(what), "%s: the container's port unreachable",
			 out_cases[i].name);
		nexp_pkt(&r, TC_ACT_OK, &want, 4, what);
		NEXP_COUNTERS(r.delta, what, { BPFBR_EV_NAT_ICMP_ERROR, 1 });

		/* About a packet of no flow: dropped, never out untranslated. */
		delivered.sport = 5001;
		pkt_frame(&delivered_f, &delivered);
		pkt_quote(&err, &delivered_f, delivered.ttl, ICMP_QUOTE_MAX);
		pkt_frame(&f, &err);
		snprintf(what, sizeof(what), "%s: an error about no flow", out_cases[i].name);
		if (nfx_out(&fx, &f, &r))
			nexp_drop(&r, BPFBR_DROP_NAT_PROTO, what);
	next:
		nfx_teardown(&fx);
	}
}

/* Every checksum of frame f that can be recomputed is right (false: test failed, naming it). */
static bool csums_right(const struct frame *f, const char *what)
{
	struct nat_csum_report rep;

	nat_csum_frame(f->data, f->len, &rep);
	for (int i = 0; i < rep.n; i++)
		if (!ASSERT_EQ(rep.item[i].stored, rep.item[i].computed, what))
			return false;
	return rep.n > 0;
}

/* A time exceeded quoting 8 bytes of a masqueraded segment (RFC 792), in a
 * frame with 24 more bytes than the packet (a link's trailer): the quote
 * ends with the packet; nothing beyond it is read or rewritten, and the
 * ICMP checksum covers the packet alone (the fuzz found one "fixed" for a
 * TCP checksum it read from the trailer). */
TEST(nat_icmp_error_frame_longer_than_packet)
{
	struct pkt sent, err;
	struct frame f, sent_f;
	struct nat_run r;
	struct nfx fx;
	size_t end;

	if (!nfx_setup(&fx, NULL))
		return;
	nfx_sent(&sent, CT1, PROTO_TCP, 40000, server_addr(), 443);
	pkt_frame(&sent_f, &sent);
	if (!nfx_out(&fx, &sent_f, &r) || !ASSERT_EQ(r.verdict, TC_ACT_OK, "masqueraded"))
		goto out;
	err = (struct pkt){ .saddr = next_hop(),
			    .daddr = uplink_addr(),
			    .proto = PROTO_ICMP,
			    .ttl = 64,
			    .icmp_type = ICMP_TIMXCEED };
	memcpy(err.dst_mac, uplink_mac, 6);
	memcpy(err.src_mac, next_hop_mac, 6);
	pkt_quote(&err, &r.out, 1, 20 + 8);
	pkt_frame(&f, &err);
	end = f.len;
	for (int i = 0; i < 24; i++)
		f.data[f.len++] = (uint8_t)(0xa0 + i);
	if (!nfx_in(&fx, &f, &r) || !ASSERT_EQ(r.verdict, TC_ACT_REDIRECT, "delivered"))
		goto out;
	ASSERT_EQ(r.out.len, f.len, "the frame keeps its length");
	ASSERT_EQ(test_first_diff(r.out.data + end, f.data + end, f.len - end), f.len - end,
		  "the bytes past the packet are untouched");
	r.out.len = end;
	csums_right(&r.out, "every checksum of the delivered error");
	NEXP_COUNTERS(r.delta, "time exceeded in a long frame", { BPFBR_EV_NAT_ICMP_ERROR, 1 });
out:
	nfx_teardown(&fx);
}
