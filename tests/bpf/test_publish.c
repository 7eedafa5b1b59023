// SPDX-License-Identifier: GPL-2.0-only OR BSD-2-Clause
/*
 * Published ports on the uplink (bpf/lib/publish.h): a client's first packet
 * to a published port of the uplink's address opens a flow and is delivered
 * into the container at its port, from the client's own address and port;
 * the container's answers leave from the published port; ICMP errors about
 * them come back translated; everything else to the node stays the node's,
 * byte for byte.
 */
#include <arpa/inet.h>
#include <errno.h>
#include <string.h>
#include <bpf/bpf.h>

#include "harness.h"
#include "nat_expect.h"
#include "nat_fixture.h"
#include "bpfbr/publish.h"

#define CLIENT_PORT 51000

/* host port (proto) of the uplink's address -> container c's port. */
static bool publish(struct nfx *fx, uint8_t proto, uint16_t host_port, int c, uint16_t port)
{
	struct bpfbr_pub_key k = { .addr = uplink_addr(),
				   .port = htons(host_port),
				   .proto = proto };
	struct bpfbr_pub_target t = { .addr = ct_addr(c), .port = htons(port) };

	return ASSERT_OK(bpf_map_update_elem(fx->dp.published_fd, &k, &t, BPF_NOEXIST) ? -errno : 0,
			 "publish");
}

/* The client (the server's address, CLIENT_PORT) to the uplink's port; TCP: a SYN. */
static void client_sends(struct pkt *p, uint8_t proto, uint16_t port)
{
	struct pkt out;

	nfx_sent(&out, CT1, proto, port, server_addr(), CLIENT_PORT);
	out.saddr = uplink_addr();
	nfx_reply(p, &out);
	if (proto == PROTO_TCP) {
		p->tcp_flags = TCP_SYN;
		p->ack = 0;
	}
}

/* Container c's answer from its port to the client, as the node routed it to the uplink. */
static void container_answers(struct pkt *p, int c, uint8_t proto, uint16_t port)
{
	nfx_sent(p, c, proto, port, server_addr(), CLIENT_PORT);
	if (proto == PROTO_TCP)
		p->tcp_flags = TCP_SYN | TCP_ACK;
}

/* The live flow of container c's port and the client: its slot and entry. */
static bool published_flow(struct nfx *fx, uint8_t proto, int c, uint16_t port, uint16_t host_port,
			   struct bpfbr_flow *fl, const char *what)
{
	struct bpfbr_nat_key in = nat_key_in(proto, ct_addr(c), port, server_addr(), CLIENT_PORT);
	struct bpfbr_nat_key out = nat_key_out(proto, server_addr(), CLIENT_PORT, host_port);
	uint32_t slot, slot_in;

	if (!ASSERT_OK(nat_dp_slot(fx->dp.nat_out_fd, &in, &slot), what) ||
	    !ASSERT_OK(nat_dp_slot(fx->dp.nat_in_fd, &out, &slot_in), what) ||
	    !ASSERT_EQ(slot, slot_in, what) || !ASSERT_OK(nat_dp_flow_get(&fx->dp, slot, fl), what))
		return false;
	return ASSERT_EQ(fl->flags, BPFBR_FLOW_PUBLISHED, what) &&
	       ASSERT_EQ(fl->iaddr, ct_addr(c), what) && ASSERT_EQ(fl->iport, htons(port), what) &&
	       ASSERT_EQ(fl->oport, htons(host_port), what) &&
	       ASSERT_EQ(fl->ifindex, fx->ep[c].ifindex, what);
}

/* A TCP connection to 8080, published to CT1's 80, both ways, TC then XDP. */
TEST(publish_tcp_delivers_and_answers_from_published_port)
{
	struct pkt syn, synack, ack, want;
	struct bpfbr_flow fl;
	struct nat_run r;
	struct frame f;
	struct nfx fx;

	if (!nfx_setup(&fx, NULL) || !publish(&fx, PROTO_TCP, 8080, CT1, 80) || !nfx_xdp(&fx))
		goto out;
	client_sends(&syn, PROTO_TCP, 8080);
	pkt_frame(&f, &syn);
	if (!nfx_in_xdp(&fx, &f, &r) || !ASSERT_EQ(r.verdict, XDP_PASS, "XDP: no flow yet, to TC"))
		goto out;
	if (!nfx_in(&fx, &f, &r))
		goto out;
	nfx_delivered(&fx, &want, &syn, CT1, 80);
	nexp_pkt(&r, TC_ACT_REDIRECT, &want, 2, "SYN: into CT1 at 80, from the client");
	NEXP_COUNTERS(r.delta, "SYN", { BPFBR_EV_NAT_NEW, 1 }, { BPFBR_EV_PUBLISHED, 1 });
	if (!published_flow(&fx, PROTO_TCP, CT1, 80, 8080, &fl, "the flow"))
		goto out;
	ASSERT_EQ(fl.state, BPFBR_FLOW_NEW, "a SYN alone: not established");

	container_answers(&synack, CT1, PROTO_TCP, 80);
	pkt_frame(&f, &synack);
	if (!nfx_out(&fx, &f, &r))
		goto out;
	nfx_masqueraded(&want, &synack, 8080);
	nexp_pkt(&r, TC_ACT_OK, &want, 2, "SYN-ACK: leaves from the published port");
	NEXP_NO_COUNTERS(r.delta, "SYN-ACK");

	nfx_reply(&ack, &want);
	pkt_frame(&f, &ack);
	if (!nfx_in_xdp(&fx, &f, &r) || !ASSERT_EQ(r.verdict, XDP_REDIRECT, "ACK: XDP delivers"))
		goto out;
	if (!nfx_in(&fx, &f, &r))
		goto out;
	nfx_delivered(&fx, &want, &ack, CT1, 80);
	nexp_pkt(&r, TC_ACT_REDIRECT, &want, 2, "ACK: into CT1");
	NEXP_NO_COUNTERS(r.delta, "ACK");
	if (published_flow(&fx, PROTO_TCP, CT1, 80, 8080, &fl, "answered"))
		ASSERT_EQ(fl.state, BPFBR_FLOW_ESTABLISHED, "answered: established");
	nfx_expect_table(&fx, 1, (uint32_t[NFX_DEVS]){ 0, 1, 0, 0 }, "one flow, CT1's share");
out:
	nfx_teardown(&fx);
}

/* UDP to 5353, published to CT2's 53: the answer leaves from 5353. */
TEST(publish_udp_answer_from_published_port)
{
	struct pkt q, a, want;
	struct bpfbr_flow fl;
	struct nat_run r;
	struct frame f;
	struct nfx fx;

	if (!nfx_setup(&fx, NULL) || !publish(&fx, PROTO_UDP, 5353, CT2, 53))
		goto out;
	client_sends(&q, PROTO_UDP, 5353);
	pkt_frame(&f, &q);
	if (!nfx_in(&fx, &f, &r))
		goto out;
	nfx_delivered(&fx, &want, &q, CT2, 53);
	nexp_pkt(&r, TC_ACT_REDIRECT, &want, 2, "query: into CT2 at 53");
	published_flow(&fx, PROTO_UDP, CT2, 53, 5353, &fl, "the flow");
	container_answers(&a, CT2, PROTO_UDP, 53);
	pkt_frame(&f, &a);
	if (!nfx_out(&fx, &f, &r))
		goto out;
	nfx_masqueraded(&want, &a, 5353);
	nexp_pkt(&r, TC_ACT_OK, &want, 2, "answer: from the uplink's 5353");
out:
	nfx_teardown(&fx);
}

/* The client's port is unreachable when CT1's answer arrives: the error reaches CT1 about
 * the answer CT1 sent. */
TEST(publish_icmp_error_translated_back)
{
	struct pkt q, a, err, want;
	struct frame f, a_f;
	struct nat_run r;
	struct nfx fx;

	if (!nfx_setup(&fx, NULL) || !publish(&fx, PROTO_UDP, 5353, CT1, 53))
		goto out;
	client_sends(&q, PROTO_UDP, 5353);
	pkt_frame(&f, &q);
	if (!nfx_in(&fx, &f, &r) || !ASSERT_EQ(r.verdict, TC_ACT_REDIRECT, "query in"))
		goto out;
	container_answers(&a, CT1, PROTO_UDP, 53);
	pkt_frame(&a_f, &a);
	if (!nfx_out(&fx, &a_f, &r) || !ASSERT_EQ(r.verdict, TC_ACT_OK, "answer out"))
		goto out;
	memset(&err, 0, sizeof(err));
	memcpy(err.dst_mac, uplink_mac, 6);
	memcpy(err.src_mac, next_hop_mac, 6);
	err.saddr = server_addr();
	err.daddr = uplink_addr();
	err.proto = PROTO_ICMP;
	err.tos = 0xc0;
	err.ttl = REPLY_TTL;
	err.id = 0x0b0b;
	err.icmp_type = ICMP_UNREACH;
	err.icmp_code = UNREACH_PORT;
	pkt_quote(&err, &r.out, 55, ICMP_QUOTE_MAX);
	pkt_frame(&f, &err);
	if (!nfx_in(&fx, &f, &r))
		goto out;
	want = err;
	memcpy(want.dst_mac, fx.ep[CT1].mac, 6);
	memcpy(want.src_mac, fx.ep[CT1].gw_mac, 6);
	want.daddr = ct_addr(CT1);
	want.ttl = (uint8_t)(err.ttl - 1);
	pkt_quote(&want, &a_f, 55, ICMP_QUOTE_MAX);
	nexp_pkt(&r, TC_ACT_REDIRECT, &want, 4, "port unreachable: to CT1, about its answer");
	NEXP_COUNTERS(r.delta, "port unreachable", { BPFBR_EV_NAT_ICMP_ERROR, 1 });
out:
	nfx_teardown(&fx);
}

/* What is not a published port's opening stays the node's, untouched and uncounted. */
TEST(publish_leaves_the_rest_to_the_node)
{
	struct pkt p;
	struct nat_run r;
	struct frame f;
	struct nfx fx;

	if (!nfx_setup(&fx, NULL) || !publish(&fx, PROTO_TCP, 8080, CT1, 80))
		goto out;
#define UNTOUCHED(what)                          \
	do {                                     \
		pkt_frame(&f, &p);               \
		if (nfx_in(&fx, &f, &r))         \
			nexp_pass(&r, &f, what); \
	} while (0)
	client_sends(&p, PROTO_TCP, 8081);
	UNTOUCHED("TCP SYN to a port not published");
	client_sends(&p, PROTO_UDP, 8080);
	UNTOUCHED("UDP to a port published for TCP only");
	client_sends(&p, PROTO_TCP, 8080);
	p.tcp_flags = TCP_ACK;
	UNTOUCHED("TCP ACK to the published port, of no connection");
	client_sends(&p, PROTO_TCP, 8080);
	p.tcp_flags = TCP_SYN | TCP_ACK;
	UNTOUCHED("TCP SYN-ACK to the published port, of no connection");
	client_sends(&p, PROTO_TCP, 8080);
	p.daddr = ip4(203, 0, 113, 9);
	UNTOUCHED("to another address on the link");
#undef UNTOUCHED
	nfx_expect_table(&fx, 0, NULL, "no flow");
out:
	nfx_teardown(&fx);
}

/* A published port whose container is not an endpoint (any more): dropped, counted. */
TEST(publish_without_endpoint_dropped)
{
	struct bpfbr_pub_key k = { .addr = uplink_addr(), .port = htons(8080), .proto = PROTO_TCP };
	struct bpfbr_pub_target t = { .addr = ip4(10, 40, 0, 99), .port = htons(80) };
	struct pkt p;
	struct nat_run r;
	struct frame f;
	struct nfx fx;

	if (!nfx_setup(&fx, NULL) ||
	    !ASSERT_OK(bpf_map_update_elem(fx.dp.published_fd, &k, &t, BPF_NOEXIST), "publish"))
		goto out;
	client_sends(&p, PROTO_TCP, 8080);
	pkt_frame(&f, &p);
	if (nfx_in(&fx, &f, &r))
		nexp_drop(&r, BPFBR_DROP_PUBLISH_NO_TARGET, "to 10.40.0.99, no endpoint");
out:
	nfx_teardown(&fx);
}

/* Detach: sweeping the container's endpoint reclaims its published flows too. */
TEST(publish_flows_go_with_the_endpoint)
{
	struct pkt p;
	struct nat_run r;
	struct frame f;
	struct nfx fx;
	uint32_t n = 0;

	if (!nfx_setup(&fx, NULL) || !publish(&fx, PROTO_UDP, 5353, CT1, 53))
		goto out;
	client_sends(&p, PROTO_UDP, 5353);
	pkt_frame(&f, &p);
	if (!nfx_in(&fx, &f, &r) || !ASSERT_EQ(r.verdict, TC_ACT_REDIRECT, "in"))
		goto out;
	if (!ASSERT_OK(nat_dp_sweep(&fx.dp, BPFBR_SWEEP_ENDPOINT, ct_addr(CT1), &n, r.delta),
		       "sweep CT1"))
		goto out;
	ASSERT_EQ(n, 1, "one flow reclaimed");
	nfx_expect_table(&fx, 0, (uint32_t[NFX_DEVS]){ 0 }, "none left");
out:
	nfx_teardown(&fx);
}
