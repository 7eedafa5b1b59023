// SPDX-License-Identifier: GPL-2.0-only OR BSD-2-Clause
/*
 * IPv4 options (IHL > 5): the ports are read and written after the options,
 * and the options themselves pass byte for byte, both ways; but a reply
 * with a source route is dropped, as the node's stack drops it
 * (accept_source_route=0), where the reply's translation would go around it.
 * XDP hands every reply with options to TC.
 */
#include <stdio.h>
#include <string.h>

#include <linux/bpf.h>

#include "harness.h"
#include "nat_expect.h"
#include "nat_fixture.h"

static const struct {
	const char *name;
	uint8_t proto;
	uint16_t sport, dport;
	uint8_t optlen;
	uint8_t opts[40];
} cases[] = {
	/* router alert (RFC 2113), as IGMP and RSVP send it */
	{ "UDP with router alert", PROTO_UDP, 40000, 53, 4, { 0x94, 4, 0, 0 } },
	/* timestamp (RFC 791), two slots, then end of options */
	{ "TCP with timestamps", PROTO_TCP, 40000, 443, 12, { 68, 12, 5, 0 } },
	/* ping -R: record route with nine slots, the longest header there is */
	{ "ICMP echo with record route", PROTO_ICMP, 0x4242, 1, 40, { 7, 39, 4 } },
};

TEST(nat_ip_options)
{
	struct pkt sent, other, want, reply;
	uint16_t oport;
	struct nat_run r;
	struct frame f;
	struct nfx fx;
	char what[200];

	for (size_t i = 0; i < sizeof(cases) / sizeof(cases[0]); i++) {
		if (!nfx_setup(&fx, NULL))
			return;
		for (int c = CT2; c >= CT1; c--) {
			/* CT2 first, keeping its port; then CT1, whose port must change. */
			struct pkt *p = c == CT2 ? &other : &sent;

			nfx_sent(p, c, cases[i].proto, cases[i].sport, server_addr(),
				 cases[i].dport);
			p->optlen = cases[i].optlen;
			memcpy(p->opts, cases[i].opts, sizeof(p->opts));
			pkt_frame(&f, p);
			if (!nfx_out(&fx, &f, &r))
				goto next;
			oport = nfx_oport(&fx, p);
			snprintf(what, sizeof(what), "%s, port %s", cases[i].name,
				 c == CT2 ? "kept" : "changed");
			ASSERT_TRUE((oport == cases[i].sport) == (c == CT2), what);
			nfx_expect_flow(&fx, c, p, oport, BPFBR_FLOW_NEW, NULL, what);
			nfx_masqueraded(&want, p, oport);
			nexp_pkt(&r, TC_ACT_OK, &want, 2, what);
			NEXP_COUNTERS(r.delta, what, { BPFBR_EV_NAT_NEW, 1 });

			/* The reply carries options too (the server echoes ping -R's). */
			nfx_reply(&reply, &want);
			pkt_frame(&f, &reply);
			if (!nfx_in(&fx, &f, &r))
				goto next;
			nfx_delivered(&fx, &want, &reply, c, cases[i].sport);
			snprintf(what, sizeof(what), "%s, reply to the port %s", cases[i].name,
				 c == CT2 ? "kept" : "changed");
			nexp_pkt(&r, TC_ACT_REDIRECT, &want, 2, what);
			NEXP_NO_COUNTERS(r.delta, what);
		}
	next:
		nfx_teardown(&fx);
	}
}

TEST(nat_source_routed_reply)
{
	static const struct {
		const char *name;
		uint8_t optlen;
		uint8_t opts[40];
	} routes[] = {
		{ "a loose source route", 8, { 131, 7, 4, 198, 51, 100, 9, 1 } },
		{ "a strict source route after a NOP", 8, { 1, 137, 7, 4, 198, 51, 100, 9 } },
		{ "a loose source route after a timestamp",
		  12,
		  { 68, 4, 5, 0, 131, 7, 4, 198, 51, 100, 9, 0 } },
	};
	struct pkt sent, want, reply;
	struct nat_run r;
	struct frame f;
	struct nfx fx;

	if (!nfx_setup(&fx, NULL))
		return;
	if (!nfx_xdp(&fx))
		goto out;
	if (!nfx_dns_flow(&fx, &sent, &want))
		goto out;
	for (size_t i = 0; i < sizeof(routes) / sizeof(routes[0]); i++) {
		nfx_reply(&reply, &want);
		reply.optlen = routes[i].optlen;
		memcpy(reply.opts, routes[i].opts, sizeof(reply.opts));
		pkt_frame(&f, &reply);
		if (nfx_in(&fx, &f, &r))
			nexp_drop(&r, BPFBR_DROP_SOURCE_ROUTE, routes[i].name);
		if (nfx_in_xdp(&fx, &f, &r))
			nexp_frame(&r, XDP_PASS, &f, 2, routes[i].name);
	}
out:
	nfx_teardown(&fx);
}
