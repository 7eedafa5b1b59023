// SPDX-License-Identifier: GPL-2.0-only OR BSD-2-Clause
/*
 * Flow state, as far as timeouts need it: NEW until a reply is seen,
 * ESTABLISHED after, CLOSING once a FIN or RST passes either way; a SYN
 * from the container reusing the tuple starts over.
 */
#include <stdio.h>
#include <linux/bpf.h>

#include "harness.h"
#include "nat_expect.h"
#include "nat_fixture.h"

static bool pass(struct nfx *fx, bool out, const struct pkt *p, const char *what)
{
	struct nat_run r;
	struct frame f;

	pkt_frame(&f, p);
	if (!(out ? nfx_out(fx, &f, &r) : nfx_in(fx, &f, &r)))
		return false;
	return ASSERT_EQ(r.verdict, out ? TC_ACT_OK : TC_ACT_REDIRECT, what);
}

TEST(nat_tcp_states)
{
	static const struct {
		const char *what;
		bool out;
		uint8_t flags;
		uint8_t state; /* after it */
	} steps[] = {
		{ "SYN", true, TCP_SYN, BPFBR_FLOW_NEW },
		{ "SYN retransmitted", true, TCP_SYN, BPFBR_FLOW_NEW },
		{ "SYN-ACK", false, TCP_SYN | TCP_ACK, BPFBR_FLOW_ESTABLISHED },
		{ "ACK", true, TCP_ACK, BPFBR_FLOW_ESTABLISHED },
		{ "data", false, TCP_ACK | TCP_PSH, BPFBR_FLOW_ESTABLISHED },
		{ "FIN from the container", true, TCP_FIN | TCP_ACK, BPFBR_FLOW_CLOSING },
		{ "ACK of the FIN", false, TCP_ACK, BPFBR_FLOW_CLOSING },
		{ "SYN reusing the tuple", true, TCP_SYN, BPFBR_FLOW_NEW },
		{ "SYN-ACK again", false, TCP_SYN | TCP_ACK, BPFBR_FLOW_ESTABLISHED },
		{ "RST from the server", false, TCP_RST, BPFBR_FLOW_CLOSING },
	};
	struct pkt sent, p, out;
	struct nfx fx;

	if (!nfx_setup(&fx, NULL))
		return;
	nfx_sent(&sent, CT1, PROTO_TCP, 40000, server_addr(), 443);
	nfx_masqueraded(&out, &sent, 40000);
	for (size_t i = 0; i < sizeof(steps) / sizeof(steps[0]); i++) {
		if (steps[i].out) {
			p = sent;
		} else {
			nfx_reply(&p, &out);
			p.len = 0;
		}
		p.tcp_flags = steps[i].flags;
		if (!pass(&fx, steps[i].out, &p, steps[i].what))
			break;
		nfx_expect_flow(&fx, CT1, &sent, 40000, steps[i].state, NULL, steps[i].what);
	}
	nfx_teardown(&fx);
}

TEST(nat_udp_icmp_states)
{
	static const struct {
		const char *name;
		uint8_t proto;
		uint16_t port, dport;
	} kinds[] = {
		{ "UDP", PROTO_UDP, 40000, 53 },
		{ "ICMP echo", PROTO_ICMP, 0x4242, 1 },
	};
	struct pkt sent, out, reply;
	struct nfx fx;
	char what[200];

	if (!nfx_setup(&fx, NULL))
		return;
	for (size_t i = 0; i < sizeof(kinds) / sizeof(kinds[0]); i++) {
		nfx_sent(&sent, CT1, kinds[i].proto, kinds[i].port, server_addr(), kinds[i].dport);
		snprintf(what, sizeof(what), "%s, sent", kinds[i].name);
		if (!pass(&fx, true, &sent, what))
			break;
		nfx_expect_flow(&fx, CT1, &sent, kinds[i].port, BPFBR_FLOW_NEW, NULL, what);
		nfx_masqueraded(&out, &sent, kinds[i].port);
		nfx_reply(&reply, &out);
		snprintf(what, sizeof(what), "%s, answered", kinds[i].name);
		if (!pass(&fx, false, &reply, what))
			break;
		nfx_expect_flow(&fx, CT1, &sent, kinds[i].port, BPFBR_FLOW_ESTABLISHED, NULL, what);
	}
	nfx_teardown(&fx);
}

/*
 * A FIN or RST from outside ends a flow only when it is plausible: its
 * sequence number lies within a window of what the remote sent so far
 * (as conntrack's and RFC 5961's checks). A blind one leaves the flow
 * established (an idle connection would otherwise lose its translation
 * 240 s later); the segment itself is still delivered, for the container's
 * stack to judge. The container's own FIN or RST always counts. A blind RST
 * before the answer cannot close the flow for good either: the SYN-ACK
 * establishes it.
 */
TEST(nat_tcp_blind_close)
{
	static const struct {
		const char *what;
		uint8_t flags;
		uint32_t seq; /* from the remote's next sequence number */
		uint8_t state;
	} steps[] = {
		{ "RST 1 GiB ahead", TCP_RST, 1u << 30, BPFBR_FLOW_ESTABLISHED },
		{ "RST 1 GiB behind", TCP_RST | TCP_ACK, -(1u << 30), BPFBR_FLOW_ESTABLISHED },
		{ "FIN 64 MiB ahead", TCP_FIN | TCP_ACK, 1u << 26, BPFBR_FLOW_ESTABLISHED },
		{ "data 2 KiB ahead (a segment lost on the way)", TCP_ACK, 2048,
		  BPFBR_FLOW_ESTABLISHED },
		{ "RST at the next sequence number", TCP_RST, 2048 + 100, BPFBR_FLOW_CLOSING },
	};
	struct pkt sent, out, p;
	uint32_t next;
	struct nfx fx;

	if (!nfx_setup(&fx, NULL))
		return;
	if (!nfx_xdp(&fx))
		goto out;
	nfx_sent(&sent, CT1, PROTO_TCP, 40000, server_addr(), 443);
	nfx_masqueraded(&out, &sent, 40000);
	if (!pass(&fx, true, &sent, "SYN"))
		goto out;
	nfx_reply(&p, &out);
	if (!pass(&fx, false, &p, "SYN-ACK"))
		goto out;
	next = p.seq + 1;
	p = sent;
	p.tcp_flags = TCP_ACK;
	if (!pass(&fx, true, &p, "ACK"))
		goto out;
	nfx_reply(&p, &out);
	p.tcp_flags = TCP_ACK | TCP_PSH;
	p.seq = next;
	pkt_fill(&p, 100, 7);
	if (!pass(&fx, false, &p, "100 bytes of data"))
		goto out;
	next += 100;
	for (size_t i = 0; i < sizeof(steps) / sizeof(steps[0]); i++) {
		struct nat_run r;
		struct frame f;

		nfx_reply(&p, &out);
		p.tcp_flags = steps[i].flags;
		p.seq = next + steps[i].seq;
		if (steps[i].flags == TCP_ACK)
			pkt_fill(&p, 100, 8);
		else
			p.len = 0;
		/* The XDP flavour first (it delivers what TC would), then TC. */
		pkt_frame(&f, &p);
		if (steps[i].state == BPFBR_FLOW_ESTABLISHED && nfx_in_xdp(&fx, &f, &r)) {
			ASSERT_EQ(r.verdict, XDP_REDIRECT, steps[i].what);
			nfx_expect_flow(&fx, CT1, &sent, 40000, steps[i].state, NULL,
					steps[i].what);
		}
		if (!pass(&fx, false, &p, steps[i].what))
			break;
		nfx_expect_flow(&fx, CT1, &sent, 40000, steps[i].state, NULL, steps[i].what);
	}
	/* A new connection on the tuple: a blind RST before the answer, then the answer. */
	p = sent;
	p.seq += 1000;
	if (!pass(&fx, true, &p, "SYN again"))
		goto out;
	nfx_reply(&p, &out);
	p.tcp_flags = TCP_RST | TCP_ACK;
	p.seq = 0x1234;
	p.len = 0;
	if (!pass(&fx, false, &p, "RST before the SYN-ACK"))
		goto out;
	nfx_reply(&p, &out);
	if (!pass(&fx, false, &p, "SYN-ACK after it"))
		goto out;
	nfx_expect_flow(&fx, CT1, &sent, 40000, BPFBR_FLOW_ESTABLISHED, NULL, "answered after all");
	/* The container's RST counts whatever its number. */
	p = sent;
	p.tcp_flags = TCP_RST;
	p.seq = 7;
	if (pass(&fx, true, &p, "the container's RST"))
		nfx_expect_flow(&fx, CT1, &sent, 40000, BPFBR_FLOW_CLOSING, NULL, "closed by it");
out:
	nfx_teardown(&fx);
}
