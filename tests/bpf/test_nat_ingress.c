// SPDX-License-Identifier: GPL-2.0-only OR BSD-2-Clause
/*
 * What the ingress program must leave alone (anything that is not a reply of
 * a flow: it belongs to the node, byte for byte, nothing counted), and a
 * reply that would expire on the way into the container.
 */
#include <stdio.h>
#include <string.h>

#include "harness.h"
#include "nat_expect.h"
#include "nat_fixture.h"

/* A UDP flow (40000 to the server's 53), a TCP one (40000 to 443) and a ping (id 0x4242)
 * from CT1, all with their own ports. */
static bool three_flows(struct nfx *fx, struct pkt sent[3])
{
	static const uint8_t protos[3] = { PROTO_UDP, PROTO_TCP, PROTO_ICMP };
	static const uint16_t sports[3] = { 40000, 40000, 0x4242 }, dports[3] = { 53, 443, 1 };
	struct nat_run r;
	struct frame f;

	for (int i = 0; i < 3; i++) {
		nfx_sent(&sent[i], CT1, protos[i], sports[i], server_addr(), dports[i]);
		pkt_frame(&f, &sent[i]);
		if (!nfx_out(fx, &f, &r) || !ASSERT_EQ(r.verdict, TC_ACT_OK, "a flow") ||
		    !ASSERT_EQ(nfx_oport(fx, &sent[i]), sports[i], "its own port"))
			return false;
	}
	return true;
}

/* The remote's packet to the uplink: proto from raddr:rport to our port (ICMP echo: the
 * identifier is our port, rport the sequence). */
static void from_outside(struct pkt *p, uint8_t proto, uint32_t raddr, uint16_t rport,
			 uint16_t port)
{
	struct pkt out;

	nfx_sent(&out, CT1, proto, port, raddr, rport);
	out.saddr = uplink_addr();
	nfx_reply(p, &out);
	p->tcp_flags = TCP_SYN;
}

TEST(nat_ingress_not_a_reply_untouched)
{
	static const uint8_t ipv6[14 + 48] = {
		/* Ethernet, then IPv6 with an ICMPv6 echo request of 8 bytes */
		0x02, 0xaa,	0,    0,    0,	  0x01, 0x02,	  0xaa, 0,    0,
		0,    0xfe,	0x86, 0xdd, 0x60, 0,	0,	  0,	0,    8,
		58,   64,	0x20, 0x01, 0x0d, 0xb8, [37] = 1, 0x20, 0x01, 0x0d,
		0xb8, [53] = 2, 128,  0,    0x7b, 0x70, 0,	  1,	0,    1,
	};
	struct pkt sent[3], p;
	struct nat_run r;
	struct frame f;
	struct nfx fx;

	if (!nfx_setup(&fx, NULL) || !three_flows(&fx, sent))
		goto out;
#define UNTOUCHED(what)                          \
	do {                                     \
		pkt_frame(&f, &p);               \
		if (nfx_in(&fx, &f, &r))         \
			nexp_pass(&r, &f, what); \
	} while (0)
	from_outside(&p, PROTO_UDP, server_addr(), 53, 40001);
	UNTOUCHED("UDP to a port with no flow");
	from_outside(&p, PROTO_UDP, server_addr(), 5353, 40000);
	UNTOUCHED("UDP to a flow's port from another port of its server");
	from_outside(&p, PROTO_UDP, ip4(198, 51, 100, 3), 53, 40000);
	UNTOUCHED("UDP to a flow's port from another server");
	from_outside(&p, PROTO_TCP, server_addr(), 53, 40000);
	UNTOUCHED("TCP on the UDP flow's tuple");
	from_outside(&p, PROTO_TCP, ip4(192, 0, 2, 10), 51234, 22);
	UNTOUCHED("TCP SYN to the node's ssh");
	from_outside(&p, PROTO_ICMP, server_addr(), 1, 0x1234);
	p.icmp_type = ICMP_ECHOREPLY;
	UNTOUCHED("echo reply with another identifier");
	from_outside(&p, PROTO_ICMP, server_addr(), 1, 0x1234);
	p.icmp_type = ICMP_ECHO;
	UNTOUCHED("echo request to the node");
	from_outside(&p, PROTO_UDP, server_addr(), 53, 40000);
	p.daddr = ip4(203, 0, 113, 9);
	UNTOUCHED("to another address on the link");
#undef UNTOUCHED
	frame_arp_request(&f, next_hop_mac, next_hop(), uplink_addr());
	if (nfx_in(&fx, &f, &r))
		nexp_pass(&r, &f, "ARP request for the uplink's address");
	f.len = 0;
	frame_put(&f, ipv6, sizeof(ipv6));
	if (nfx_in(&fx, &f, &r))
		nexp_pass(&r, &f, "IPv6");
	nfx_expect_table(&fx, 3, (uint32_t[NFX_DEVS]){ 0, 3, 0, 0 }, "the flows as they were");
out:
	nfx_teardown(&fx);
}

/*
 * An echo request is never a reply: even with the identifier of a
 * container's ping to the same host, a ping from outside to the uplink's
 * address is for the node (conntrack tells a request from a reply by type).
 */
TEST(nat_ingress_echo_request_for_the_node)
{
	struct pkt sent[3], p;
	struct nat_run r;
	struct frame f;
	struct nfx fx;

	if (!nfx_setup(&fx, NULL) || !three_flows(&fx, sent))
		goto out;
	from_outside(&p, PROTO_ICMP, server_addr(), 9, 0x4242);
	p.icmp_type = ICMP_ECHO;
	pkt_frame(&f, &p);
	if (nfx_in(&fx, &f, &r))
		nexp_pass(&r, &f, "echo request from the server, id of CT1's ping");
out:
	nfx_teardown(&fx);
}

/* As a router forwarding into the container: TTL 1 or 0 cannot go on; 2 goes on as 1. */
TEST(nat_reply_ttl_exceeded)
{
	static const uint8_t protos[] = { PROTO_UDP, PROTO_TCP, PROTO_ICMP };
	struct pkt sent[3], reply, out, want;
	struct nat_run r;
	struct frame f;
	struct nfx fx;
	char what[200];

	if (!nfx_setup(&fx, NULL) || !three_flows(&fx, sent))
		goto out;
	for (int i = 0; i < 3; i++) {
		nfx_masqueraded(&out, &sent[i], sent[i].sport);
		nfx_reply(&reply, &out);
		for (int ttl = 0; ttl <= 2; ttl++) {
			reply.ttl = (uint8_t)ttl;
			pkt_frame(&f, &reply);
			if (!nfx_in(&fx, &f, &r))
				goto out;
			snprintf(what, sizeof(what), "proto %u, reply with TTL %d", protos[i], ttl);
			if (ttl < 2) {
				nexp_drop(&r, BPFBR_DROP_TTL_EXCEEDED, what);
				continue;
			}
			nfx_delivered(&fx, &want, &reply, CT1, sent[i].sport);
			nexp_pkt(&r, TC_ACT_REDIRECT, &want, 2, what);
			ASSERT_EQ(r.out.data[ETH_HDR_LEN + 8], 1, "delivered with TTL 1");
		}
	}
out:
	nfx_teardown(&fx);
}
