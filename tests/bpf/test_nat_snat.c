// SPDX-License-Identifier: GPL-2.0-only OR BSD-2-Clause
/*
 * Masquerade of TCP, UDP and ICMP echo: the container's packet leaves with
 * the uplink's address, the reply comes back to the container, every byte
 * and every checksum as a host would have sent them; the container's port
 * kept when free, another one from the range when two containers use the
 * same port towards the same server.
 */
#include <arpa/inet.h>
#include <stdio.h>

#include "harness.h"
#include "nat_expect.h"
#include "nat_fixture.h"

static const struct {
	const char *name;
	uint8_t proto;
	uint16_t sport, dport; /* ICMP: identifier and sequence */
} protos[] = {
	{ "TCP", PROTO_TCP, 40000, 443 },
	{ "UDP", PROTO_UDP, 40000, 53 },
	{ "ICMP echo", PROTO_ICMP, 0x4242, 1 },
};
#define NPROTOS (sizeof(protos) / sizeof(protos[0]))

/* The next packet of a conversation from the container (TCP: the ACK after the SYN-ACK,
 * with data; UDP: another datagram; ICMP: the next echo request). */
static void next_sent(struct pkt *p)
{
	p->id++;
	if (p->proto == PROTO_TCP) {
		p->tcp_flags = TCP_ACK | TCP_PSH;
		p->seq++;
		p->ack = 0x327b23c7u;
		pkt_fill(p, 517, 0x16); /* a TLS client hello */
	} else if (p->proto == PROTO_ICMP) {
		p->dport++;
	} else {
		pkt_fill(p, 33, 0x21);
	}
}

/* Sends sent from container c, expects it masqueraded with oport (0: any port of the
 * range, returned) and the reply delivered back; the flow's books checked on the way. */
static uint16_t round_trip(struct nfx *fx, int c, const struct pkt *sent, uint16_t oport,
			   bool new_flow, const char *what)
{
	struct pkt want, reply;
	struct frame f;
	struct nat_run r;
	char m[200];

	pkt_frame(&f, sent);
	if (!nfx_out(fx, &f, &r))
		return 0;
	if (!oport) {
		oport = nfx_oport(fx, sent);
		snprintf(m, sizeof(m), "%s: outside port %u within the range", what, oport);
		ASSERT_TRUE(nfx_in_range(fx, oport), m);
	}
	nfx_masqueraded(&want, sent, oport);
	snprintf(m, sizeof(m), "%s: out", what);
	nexp_pkt(&r, TC_ACT_OK, &want, 2, m);
	if (new_flow)
		NEXP_COUNTERS(r.delta, m, { BPFBR_EV_NAT_NEW, 1 });
	else
		NEXP_NO_COUNTERS(r.delta, m);

	nfx_reply(&reply, &want);
	pkt_frame(&f, &reply);
	if (!nfx_in(fx, &f, &r))
		return 0;
	nfx_delivered(fx, &want, &reply, c, sent->sport);
	snprintf(m, sizeof(m), "%s: reply in", what);
	nexp_pkt(&r, TC_ACT_REDIRECT, &want, 2, m);
	NEXP_NO_COUNTERS(r.delta, m);
	return oport;
}

TEST(nat_snat_and_reverse)
{
	uint32_t ep_flows[NFX_DEVS] = { 0, 1, 0, 0 };
	struct nat_run r;
	struct pkt sent, want;
	struct frame f;
	struct nfx fx;
	char what[200];

	for (size_t i = 0; i < NPROTOS; i++) {
		if (!nfx_setup(&fx, NULL))
			return;
		nfx_sent(&sent, CT1, protos[i].proto, protos[i].sport, server_addr(),
			 protos[i].dport);
		snprintf(what, sizeof(what), "%s, first packet", protos[i].name);
		round_trip(&fx, CT1, &sent, protos[i].sport, true, what);
		nfx_expect_flow(&fx, CT1, &sent, protos[i].sport, BPFBR_FLOW_ESTABLISHED, NULL,
				what);
		nfx_expect_table(&fx, 1, ep_flows, what);

		/* The conversation goes on through the same flow. */
		next_sent(&sent);
		snprintf(what, sizeof(what), "%s, next packet", protos[i].name);
		pkt_frame(&f, &sent);
		if (nfx_out(&fx, &f, &r)) {
			nfx_masqueraded(&want, &sent, protos[i].sport);
			nexp_pkt(&r, TC_ACT_OK, &want, 2, what);
			NEXP_NO_COUNTERS(r.delta, what);
		}
		nfx_expect_table(&fx, 1, ep_flows, what);
		nfx_teardown(&fx);
	}
}

/* The port is kept whenever the outside tuple is free: per remote, per protocol. */
TEST(nat_keeps_the_port_when_free)
{
	uint32_t ep_flows[NFX_DEVS] = { 0, 6, 1, 0 };
	struct pkt sent;
	struct nfx fx;
	char what[200];

	if (!nfx_setup(&fx, NULL))
		return;
	for (size_t i = 0; i < NPROTOS; i++) {
		nfx_sent(&sent, CT1, protos[i].proto, protos[i].sport, server_addr(),
			 protos[i].dport);
		snprintf(what, sizeof(what), "%s to the server", protos[i].name);
		round_trip(&fx, CT1, &sent, protos[i].sport, true, what);
		/* Same port to another server: another outside tuple, also free. */
		nfx_sent(&sent, CT1, protos[i].proto, protos[i].sport, ip4(198, 51, 100, 3),
			 protos[i].dport);
		snprintf(what, sizeof(what), "%s, same port to another server", protos[i].name);
		round_trip(&fx, CT1, &sent, protos[i].sport, true, what);
	}
	/* Another container, another port, same server. */
	nfx_sent(&sent, CT2, PROTO_TCP, 40001, server_addr(), 443);
	round_trip(&fx, CT2, &sent, 40001, true, "another container's port");
	nfx_expect_table(&fx, 7, ep_flows, "seven flows");
	nfx_teardown(&fx);
}

TEST(nat_port_collision_takes_a_port_of_the_range)
{
	uint32_t ep_flows[NFX_DEVS] = { 0, 1, 1, 1 };
	uint16_t o2, o3;
	struct pkt s1, s2, s3;
	struct nfx fx;
	char what[200];

	for (size_t i = 0; i < NPROTOS; i++) {
		if (!nfx_setup(&fx, NULL))
			return;
		nfx_sent(&s1, CT1, protos[i].proto, protos[i].sport, server_addr(),
			 protos[i].dport);
		nfx_sent(&s2, CT2, protos[i].proto, protos[i].sport, server_addr(),
			 protos[i].dport);
		nfx_sent(&s3, CT3, protos[i].proto, protos[i].sport, server_addr(),
			 protos[i].dport);
		snprintf(what, sizeof(what), "%s, first container", protos[i].name);
		round_trip(&fx, CT1, &s1, protos[i].sport, true, what);
		snprintf(what, sizeof(what), "%s, second container, same port", protos[i].name);
		o2 = round_trip(&fx, CT2, &s2, 0, true, what);
		snprintf(what, sizeof(what), "%s, third container, same port", protos[i].name);
		o3 = round_trip(&fx, CT3, &s3, 0, true, what);
		ASSERT_NEQ(o2, o3, "the second and third containers got different ports");
		nfx_expect_flow(&fx, CT1, &s1, protos[i].sport, BPFBR_FLOW_ESTABLISHED, NULL,
				"first container");
		nfx_expect_flow(&fx, CT2, &s2, o2, BPFBR_FLOW_ESTABLISHED, NULL,
				"second container");
		nfx_expect_flow(&fx, CT3, &s3, o3, BPFBR_FLOW_ESTABLISHED, NULL, "third container");

		/* Each keeps its own: the first container's next packet still keeps its port,
		 * and replies to each port reach their own container (round_trip again). */
		next_sent(&s1);
		next_sent(&s2);
		snprintf(what, sizeof(what), "%s, first container again", protos[i].name);
		round_trip(&fx, CT1, &s1, protos[i].sport, false, what);
		snprintf(what, sizeof(what), "%s, second container again", protos[i].name);
		round_trip(&fx, CT2, &s2, o2, false, what);
		nfx_expect_table(&fx, 3, ep_flows, protos[i].name);
		nfx_teardown(&fx);
	}
}

/* A range of one port: the second container takes it, the third finds none. */
TEST(nat_no_port_left)
{
	const struct nfx_opts o = {
		.nat_max = NFX_NAT_MAX, .port_lo = 61000, .port_hi = 61000, .share = NFX_SHARE
	};
	uint32_t ep_flows[NFX_DEVS] = { 0, 1, 1, 1 };
	struct pkt s1, s2, s3;
	struct nat_run r;
	struct frame f;
	struct nfx fx;

	if (!nfx_setup(&fx, &o))
		return;
	nfx_sent(&s1, CT1, PROTO_UDP, 40000, server_addr(), 53);
	nfx_sent(&s2, CT2, PROTO_UDP, 40000, server_addr(), 53);
	nfx_sent(&s3, CT3, PROTO_UDP, 40000, server_addr(), 53);
	round_trip(&fx, CT1, &s1, 40000, true, "first container");
	round_trip(&fx, CT2, &s2, 61000, true, "second container, the range's one port");
	pkt_frame(&f, &s3);
	if (nfx_out(&fx, &f, &r))
		nexp_drop(&r, BPFBR_DROP_NAT_NO_PORT, "third container, no port left");
	nfx_expect_no_flow(&fx, &s3, "third container");
	ep_flows[CT3] = 0;
	nfx_expect_table(&fx, 2, ep_flows, "after the refusal");
	/* Its port is free towards another server. */
	nfx_sent(&s3, CT3, PROTO_UDP, 40000, ip4(198, 51, 100, 3), 53);
	round_trip(&fx, CT3, &s3, 40000, true, "third container to another server");
	ep_flows[CT3] = 1;
	nfx_expect_table(&fx, 3, ep_flows, "at the end");
	nfx_teardown(&fx);
}

/*
 * RFC 768: a zero UDP checksum means "none" and stays zero through the
 * translation (both ways, port changed or not); a computed zero is sent as
 * all ones, so a translation whose checksum comes to zero must send 0xffff.
 */
TEST(nat_udp_checksum_zero)
{
	struct pkt s1, s2, want, reply;
	struct nat_run r;
	struct frame f;
	struct nfx fx;

	if (!nfx_setup(&fx, NULL))
		return;
	nfx_sent(&s1, CT1, PROTO_UDP, 40000, server_addr(), 53);
	nfx_sent(&s2, CT2, PROTO_UDP, 40000, server_addr(), 53);
	s1.udp_no_csum = s2.udp_no_csum = true;
	for (int c = CT1; c <= CT2; c++) {
		const struct pkt *s = c == CT1 ? &s1 : &s2;
		const char *what = c == CT1 ? "port kept" : "port changed";
		uint16_t oport;

		pkt_frame(&f, s);
		if (!nfx_out(&fx, &f, &r))
			break;
		oport = nfx_oport(&fx, s);
		nfx_masqueraded(&want, s, oport);
		/* One checksum to recompute: the IPv4 header's; the UDP one stays 0. */
		nexp_pkt(&r, TC_ACT_OK, &want, 1, what);
		ASSERT_EQ(r.out.data[ETH_HDR_LEN + 20 + 6] | r.out.data[ETH_HDR_LEN + 20 + 7], 0,
			  "UDP checksum still 0");
		nfx_reply(&reply, &want);
		reply.udp_no_csum = true;
		pkt_frame(&f, &reply);
		if (!nfx_in(&fx, &f, &r))
			break;
		nfx_delivered(&fx, &want, &reply, c, 40000);
		nexp_pkt(&r, TC_ACT_REDIRECT, &want, 1, what);
	}

	/* A datagram whose translated checksum computes to 0: two payload bytes chosen so. */
	nfx_sent(&s1, CT3, PROTO_UDP, 40002, server_addr(), 53);
	for (uint32_t w = 0; w <= 0xffff; w++) {
		s1.payload[0] = (uint8_t)(w >> 8);
		s1.payload[1] = (uint8_t)w;
		nfx_masqueraded(&want, &s1, 40002);
		pkt_frame(&f, &want);
		if (f.data[ETH_HDR_LEN + 26] == 0xff && f.data[ETH_HDR_LEN + 27] == 0xff)
			break;
	}
	if (!ASSERT_TRUE(f.data[ETH_HDR_LEN + 26] == 0xff, "payload found"))
		goto out;
	pkt_frame(&f, &s1);
	if (nfx_out(&fx, &f, &r))
		nexp_pkt(&r, TC_ACT_OK, &want, 2, "a checksum that comes to 0 is sent as 0xffff");
out:
	nfx_teardown(&fx);
}

/* What masquerade cannot translate is dropped, counted as such, and makes no flow. */
TEST(nat_other_protocols_dropped)
{
	struct pkt p;
	struct nat_run r;
	struct frame f;
	struct nfx fx;

	if (!nfx_setup(&fx, NULL))
		return;
	nfx_sent(&p, CT1, PROTO_GRE, 0, server_addr(), 0);
	pkt_fill(&p, 64, 1);
	pkt_frame(&f, &p);
	if (nfx_out(&fx, &f, &r))
		nexp_drop(&r, BPFBR_DROP_NAT_PROTO, "GRE");
	nfx_sent(&p, CT1, PROTO_ICMP, 0x4242, server_addr(), 1);
	p.icmp_type = ICMP_TSTAMP;
	pkt_fill(&p, 12, 0);
	pkt_frame(&f, &p);
	if (nfx_out(&fx, &f, &r))
		nexp_drop(&r, BPFBR_DROP_NAT_PROTO, "ICMP timestamp request");
	nfx_expect_table(&fx, 0, (uint32_t[NFX_DEVS]){ 0 }, "no flow made");
	nfx_teardown(&fx);
}
