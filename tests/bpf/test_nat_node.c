// SPDX-License-Identifier: GPL-2.0-only OR BSD-2-Clause
/*
 * The node's own connections on the uplink's address: left alone, unless a
 * container's flow already holds the same outside tuple, in which case the
 * node's port is remapped (and restored on the replies and in ICMP errors);
 * and a container's flow never takes an outside tuple a connected socket of
 * the node holds (looked up in the namespace the program runs in).
 */
#include <arpa/inet.h>
#include <stdio.h>
#include <string.h>
#include <unistd.h>

#include "harness.h"
#include "nat_expect.h"
#include "nat_fixture.h"
#include "nat_node.h"

/* Frames the kernel itself sent from the node pass both programs untouched. */
TEST(nat_node_traffic_untouched)
{
	static const uint8_t protos[] = { PROTO_UDP, PROTO_TCP, PROTO_ICMP };
	struct pkt sent, reply;
	struct nat_run r;
	struct frame f;
	struct nfx fx;
	char what[200];
	int fd;

	if (!nfx_setup(&fx, NULL))
		return;
	if (!ASSERT_OK(nat_node_setup(&fx), "the node's address, route and neighbour"))
		goto out;
	for (size_t i = 0; i < sizeof(protos); i++) {
		if (protos[i] == PROTO_UDP) {
			fd = nat_node_udp(40000, server_addr(), 53);
			if (fd >= 0 && send(fd, "a node's query", 14, 0) < 0)
				ASSERT_OK(-errno, "send");
		} else if (protos[i] == PROTO_TCP) {
			fd = nat_node_tcp_connect(40001, server_addr(), 443);
		} else {
			fd = nat_node_ping(server_addr(), 1);
		}
		snprintf(what, sizeof(what), "the node's own %s",
			 protos[i] == PROTO_UDP	  ? "UDP datagram"
			 : protos[i] == PROTO_TCP ? "TCP SYN"
						  : "echo request");
		if (!ASSERT_TRUE(fd >= 0, what))
			break;
		if (ASSERT_OK(nat_node_capture(&fx, protos[i], server_addr(), &f), what) &&
		    nfx_out(&fx, &f, &r))
			nexp_pass(&r, &f, what);
		close(fd);
	}
	nfx_expect_table(&fx, 0, (uint32_t[NFX_DEVS]){ 0 }, "no flow made");

	/* And replies to the node's ports go to the node. */
	nfx_sent(&sent, CT1, PROTO_UDP, 40000, server_addr(), 53);
	sent.saddr = uplink_addr();
	nfx_reply(&reply, &sent);
	pkt_frame(&f, &reply);
	if (nfx_in(&fx, &f, &r))
		nexp_pass(&r, &f, "a reply to the node");
out:
	nfx_teardown(&fx);
}

/* The node's flow: created with the flag HOST, no container, ports as given. */
static void expect_host_flow(struct nfx *fx, const struct pkt *sent, uint16_t oport,
			     const char *what)
{
	uint16_t rport = sent->proto == PROTO_ICMP ? 0 : sent->dport;
	struct bpfbr_nat_key k =
		nat_key_in(sent->proto, uplink_addr(), sent->sport, sent->daddr, rport);
	struct bpfbr_nat_key ok = nat_key_out(sent->proto, sent->daddr, rport, oport);
	uint32_t slot, in_slot;
	struct bpfbr_flow fl;
	char m[300];

	snprintf(m, sizeof(m), "%s: nat_out and nat_in keys", what);
	if (!ASSERT_OK(nat_dp_slot(fx->dp.nat_out_fd, &k, &slot), m) ||
	    !ASSERT_OK(nat_dp_slot(fx->dp.nat_in_fd, &ok, &in_slot), m) ||
	    !ASSERT_EQ(slot, in_slot, m) || !ASSERT_OK(nat_dp_flow_get(&fx->dp, slot, &fl), m))
		return;
	snprintf(m, sizeof(m), "%s: flow entry", what);
	ASSERT_EQ(fl.in_use, 1, m);
	ASSERT_EQ(fl.flags, BPFBR_FLOW_HOST, m);
	ASSERT_EQ(fl.ifindex, 0, m);
	ASSERT_EQ(fl.iaddr, uplink_addr(), m);
	ASSERT_EQ(ntohs(fl.iport), sent->sport, m);
	ASSERT_EQ(ntohs(fl.oport), oport, m);
	ASSERT_EQ(fl.proto, sent->proto, m);
}

static const struct {
	const char *name;
	uint8_t proto;
	uint16_t port, dport;
} collide[] = {
	{ "UDP", PROTO_UDP, 40000, 53 },
	{ "TCP", PROTO_TCP, 40000, 443 },
	{ "ICMP echo", PROTO_ICMP, 0x4242, 1 },
};

TEST(nat_node_remapped_when_a_container_holds_the_tuple)
{
	uint32_t ep_flows[NFX_DEVS] = { 0, 1, 0, 0 };
	struct pkt ct, node, want, reply, err;
	struct frame f, node_f;
	struct nat_run r;
	struct nfx fx;
	size_t quote;
	char what[200];
	uint16_t q;

	for (size_t i = 0; i < sizeof(collide) / sizeof(collide[0]); i++) {
		if (!nfx_setup(&fx, NULL))
			return;
		nfx_sent(&ct, CT1, collide[i].proto, collide[i].port, server_addr(),
			 collide[i].dport);
		pkt_frame(&f, &ct);
		if (!nfx_out(&fx, &f, &r) || !ASSERT_EQ(nfx_oport(&fx, &ct), collide[i].port,
							"the container keeps its port"))
			goto next;

		/* The node, unaware, uses the same tuple. */
		node = ct;
		node.saddr = uplink_addr();
		node.dport = (uint16_t)(collide[i].dport + (collide[i].proto == PROTO_ICMP));
		pkt_frame(&node_f, &node);
		if (!nfx_out(&fx, &node_f, &r))
			goto next;
		q = nfx_oport(&fx, &(struct pkt){ .proto = node.proto,
						  .saddr = node.saddr,
						  .daddr = node.daddr,
						  .sport = node.sport,
						  .dport = node.dport });
		snprintf(what, sizeof(what), "%s: the node's port %u remapped to %u in range",
			 collide[i].name, collide[i].port, q);
		ASSERT_TRUE(nfx_in_range(&fx, q), what);
		nfx_masqueraded(&want, &node, q);
		snprintf(what, sizeof(what), "%s: the node's packet", collide[i].name);
		nexp_pkt(&r, TC_ACT_OK, &want, 2, what);
		NEXP_COUNTERS(r.delta, what, { BPFBR_EV_NAT_HOST_REMAP, 1 },
			      { BPFBR_EV_NAT_NEW, 1 });
		expect_host_flow(&fx, &node, q, what);
		/* A node flow is nobody's share. */
		nfx_expect_table(&fx, 2, ep_flows, what);

		/* Its next packet: same port, nothing new. */
		node.id++;
		pkt_frame(&node_f, &node);
		if (nfx_out(&fx, &node_f, &r)) {
			nfx_masqueraded(&want, &node, q);
			snprintf(what, sizeof(what), "%s: the node's next packet", collide[i].name);
			nexp_pkt(&r, TC_ACT_OK, &want, 2, what);
			NEXP_NO_COUNTERS(r.delta, what);
		}

		/* The reply to the remapped port: restored, and left to the node's stack. */
		nfx_masqueraded(&want, &node, q);
		nfx_reply(&reply, &want);
		pkt_frame(&f, &reply);
		if (nfx_in(&fx, &f, &r)) {
			want = reply;
			if (reply.proto == PROTO_ICMP)
				want.sport = collide[i].port;
			else
				want.dport = collide[i].port;
			snprintf(what, sizeof(what), "%s: reply to the node", collide[i].name);
			nexp_pkt(&r, TC_ACT_OK, &want, 2, what);
			NEXP_NO_COUNTERS(r.delta, what);
		}
		/* The reply to the container's port still reaches the container. */
		nfx_masqueraded(&want, &ct, collide[i].port);
		nfx_reply(&reply, &want);
		pkt_frame(&f, &reply);
		if (nfx_in(&fx, &f, &r)) {
			nfx_delivered(&fx, &want, &reply, CT1, collide[i].port);
			snprintf(what, sizeof(what), "%s: reply to the container", collide[i].name);
			nexp_pkt(&r, TC_ACT_REDIRECT, &want, 2, what);
		}
		/* An ICMP error about the node's packet: the quote restored, left to the node.
		 * (TCP: 8 bytes quoted; a quoted TCP checksum has a test of its own.) */
		quote = collide[i].proto == PROTO_TCP ? 28 : ICMP_QUOTE_MAX;
		nfx_masqueraded(&want, &node, q);
		pkt_frame(&f, &want);
		err = (struct pkt){ .saddr = next_hop(),
				    .daddr = uplink_addr(),
				    .proto = PROTO_ICMP,
				    .tos = 0xc0,
				    .ttl = 64,
				    .icmp_type = ICMP_UNREACH,
				    .icmp_code = UNREACH_HOST };
		memcpy(err.dst_mac, uplink_mac, 6);
		memcpy(err.src_mac, next_hop_mac, 6);
		pkt_quote(&err, &f, SENT_TTL, quote);
		pkt_frame(&f, &err);
		if (nfx_in(&fx, &f, &r)) {
			want = err;
			pkt_quote(&want, &node_f, SENT_TTL, quote);
			snprintf(what, sizeof(what), "%s: ICMP error for the node",
				 collide[i].name);
			nexp_pkt(&r, TC_ACT_OK, &want, collide[i].proto == PROTO_TCP ? 3 : 4, what);
			NEXP_COUNTERS(r.delta, what, { BPFBR_EV_NAT_ICMP_ERROR, 1 });
		}
	next:
		nfx_teardown(&fx);
	}
}

/* A container's port against the node's sockets on the uplink's address. */
TEST(nat_node_socket_port_not_taken)
{
	static const struct {
		const char *name;
		int kind; /* 0 connected UDP, 1 connecting TCP, 2 TCP listener, 3 bound UDP */
		uint16_t port, node_rport, ct_rport;
		bool kept;
	} cases[] = {
		{ "a connected UDP socket on the tuple", 0, 40000, 53, 53, false },
		{ "a connecting TCP socket on the tuple", 1, 40001, 443, 443, false },
		{ "a TCP listener on the port (replies never go to it)", 2, 40002, 0, 443, true },
		/* It may be sending to that server with sendto(): as conntrack, it keeps it. */
		{ "an unconnected UDP socket on the port", 3, 40003, 0, 53, false },
		{ "a connected UDP socket to another server port", 0, 40004, 53, 5353, true },
	};
	struct pkt sent, want;
	struct nat_run r;
	struct frame f;
	struct nfx fx;
	int fds[5];
	uint16_t oport;

	if (!nfx_setup(&fx, NULL))
		return;
	if (!ASSERT_OK(nat_node_setup(&fx), "the node's address, route and neighbour"))
		goto out;
	for (size_t i = 0; i < 5; i++) {
		switch (cases[i].kind) {
		case 0:
		case 3:
			fds[i] = nat_node_udp(cases[i].port, server_addr(), cases[i].node_rport);
			break;
		case 1:
			fds[i] = nat_node_tcp_connect(cases[i].port, server_addr(),
						      cases[i].node_rport);
			break;
		default:
			fds[i] = nat_node_tcp_listen(cases[i].port);
			break;
		}
		if (!ASSERT_TRUE(fds[i] >= 0, cases[i].name)) {
			while (i--)
				close(fds[i]);
			goto out;
		}
	}
	for (size_t i = 0; i < 5; i++) {
		nfx_sent(&sent, CT1,
			 cases[i].kind == 1 || cases[i].kind == 2 ? PROTO_TCP : PROTO_UDP,
			 cases[i].port, server_addr(), cases[i].ct_rport);
		pkt_frame(&f, &sent);
		if (!nfx_out(&fx, &f, &r))
			break;
		oport = nfx_oport(&fx, &sent);
		if (cases[i].kept)
			ASSERT_EQ(oport, cases[i].port, cases[i].name);
		else
			ASSERT_TRUE(nfx_in_range(&fx, oport), cases[i].name);
		nfx_masqueraded(&want, &sent, oport);
		nexp_pkt(&r, TC_ACT_OK, &want, 2, cases[i].name);
		NEXP_COUNTERS(r.delta, cases[i].name, { BPFBR_EV_NAT_NEW, 1 });
	}
	for (size_t i = 0; i < 5; i++)
		close(fds[i]);
out:
	nfx_teardown(&fx);
}

/* The search of the range skips what the node holds: with two ports, one the node's,
 * the other is the only choice; with that one taken too, none is left. */
TEST(nat_node_socket_port_skipped_in_range)
{
	const struct nfx_opts o = {
		.nat_max = NFX_NAT_MAX, .port_lo = 61000, .port_hi = 61001, .share = NFX_SHARE
	};
	struct pkt s1, s2, want;
	struct nat_run r;
	struct frame f;
	struct nfx fx;
	int fd1 = -1, fd2 = -1;

	if (!nfx_setup(&fx, &o))
		return;
	if (!ASSERT_OK(nat_node_setup(&fx), "the node's address, route and neighbour"))
		goto out;
	fd1 = nat_node_udp(40005, server_addr(), 53);
	fd2 = nat_node_udp(61000, server_addr(), 53);
	if (!ASSERT_TRUE(fd1 >= 0 && fd2 >= 0, "the node's sockets"))
		goto out;
	for (int run = 0; run < 8; run++) { /* the search starts at a random port */
		nfx_sent(&s1, CT1, PROTO_UDP, 40005, server_addr(), 53);
		pkt_frame(&f, &s1);
		if (!nfx_out(&fx, &f, &r))
			goto out;
		nfx_masqueraded(&want, &s1, 61001);
		if (!nexp_pkt(&r, TC_ACT_OK, &want, 2, "the one port left of the range"))
			goto out;
		if (run == 0)
			NEXP_COUNTERS(r.delta, "first packet", { BPFBR_EV_NAT_NEW, 1 });
		if (run < 7) {
			/* Start again from an empty table. */
			uint64_t delta[BPFBR_COUNTER_MAX];
			uint32_t n;

			ASSERT_OK(nat_dp_sweep(&fx.dp, BPFBR_SWEEP_ALL, 0, &n, delta), "sweep");
		}
	}
	nfx_sent(&s2, CT2, PROTO_UDP, 40005, server_addr(), 53);
	pkt_frame(&f, &s2);
	if (nfx_out(&fx, &f, &r))
		nexp_drop(&r, BPFBR_DROP_NAT_NO_PORT, "the node's port, then the container's");
	nfx_expect_table(&fx, 1, (uint32_t[NFX_DEVS]){ 0, 1, 0, 0 }, "one flow");
out:
	if (fd1 >= 0)
		close(fd1);
	if (fd2 >= 0)
		close(fd2);
	nfx_teardown(&fx);
}
