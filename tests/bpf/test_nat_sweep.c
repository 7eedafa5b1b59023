// SPDX-License-Identifier: GPL-2.0-only OR BSD-2-Clause
/*
 * Reclaiming flows with bpfbr_nat_sweep, run as the agent runs it: flows
 * idle past their timeout (include/bpfbr/nat.h, by protocol and TCP state)
 * go, fresher ones stay; one endpoint's flows go at its detach; all go at
 * the end. What goes leaves no key behind, gives its slot back to the free
 * queue and its count back to the endpoint and the table.
 *
 * No test waits for a timeout: the flows' seen_ns is written into the past.
 * Times are differences on a 64-bit clock, so "now - 7450 s" is fine even
 * on a VM that booted a minute ago (the program subtracts the same way).
 */
#include <arpa/inet.h>
#include <stdio.h>

#include "harness.h"
#include "nat_expect.h"
#include "nat_fixture.h"

#define MARGIN_NS (10ull * 1000000000ull)

/* Runs p through prog (out or in) and requires the verdict. */
static bool run_pkt(struct nfx *fx, bool out, const struct pkt *p, int verdict, const char *what)
{
	struct nat_run r;
	struct frame f;

	pkt_frame(&f, p);
	if (!(out ? nfx_out(fx, &f, &r) : nfx_in(fx, &f, &r)))
		return false;
	return ASSERT_EQ(r.verdict, verdict, what);
}

/* Container c's flow from port, brought to state; *sent is its first packet. */
static bool make_flow(struct nfx *fx, int c, uint8_t proto, uint16_t port, uint8_t state,
		      struct pkt *sent)
{
	struct pkt out, reply, fin;

	nfx_sent(sent, c, proto, port, server_addr(), proto == PROTO_ICMP ? 1 : 443);
	if (!run_pkt(fx, true, sent, TC_ACT_OK, "a flow's first packet"))
		return false;
	if (state == BPFBR_FLOW_NEW)
		return true;
	nfx_masqueraded(&out, sent, nfx_oport(fx, sent));
	nfx_reply(&reply, &out);
	if (!run_pkt(fx, false, &reply, TC_ACT_REDIRECT, "a flow's reply"))
		return false;
	if (state == BPFBR_FLOW_ESTABLISHED)
		return true;
	fin = *sent;
	fin.tcp_flags = TCP_FIN | TCP_ACK;
	fin.seq++;
	fin.ack = reply.seq + 1;
	return run_pkt(fx, true, &fin, TC_ACT_OK, "a flow's FIN");
}

/* Makes the flow of sent one created and last seen ago_ns before now. */
static bool age_flow(struct nfx *fx, const struct pkt *sent, uint64_t ago_ns)
{
	struct bpfbr_nat_key k = nat_key_in(sent->proto, sent->saddr, sent->sport, sent->daddr,
					    sent->proto == PROTO_ICMP ? 0 : sent->dport);
	struct bpfbr_flow fl;
	uint32_t slot;

	if (!ASSERT_OK(nat_dp_slot(fx->dp.nat_out_fd, &k, &slot), "the flow's slot") ||
	    !ASSERT_OK(nat_dp_flow_get(&fx->dp, slot, &fl), "the flow"))
		return false;
	fl.created_ns = fl.seen_ns = nat_now_ns() - ago_ns;
	return ASSERT_OK(nat_dp_flow_put(&fx->dp, slot, &fl), "write seen_ns");
}

/* Nothing of the flow of sent is left: no key on either side, its slot not live. */
static void expect_gone(struct nfx *fx, const struct pkt *sent, uint16_t oport, uint32_t slot,
			const char *what)
{
	uint16_t rport = sent->proto == PROTO_ICMP ? 0 : sent->dport;
	struct bpfbr_nat_key ok = nat_key_out(sent->proto, sent->daddr, rport, oport);
	struct bpfbr_flow fl;
	uint32_t s;
	char m[200];

	nfx_expect_no_flow(fx, sent, what);
	snprintf(m, sizeof(m), "%s: no nat_in key", what);
	ASSERT_EQ(nat_dp_slot(fx->dp.nat_in_fd, &ok, &s), -ENOENT, m);
	snprintf(m, sizeof(m), "%s: slot released", what);
	if (ASSERT_OK(nat_dp_flow_get(&fx->dp, slot, &fl), m)) {
		ASSERT_EQ(fl.in_use, 0, m);
		ASSERT_EQ(fl.state, BPFBR_FLOW_FREE, m);
	}
}

/*
 * The timeouts as the README promises them (RFC 5382 and 4787 minimums),
 * written out rather than taken from include/bpfbr/nat.h: a changed
 * constant there must fail here, not move the test along with it.
 */
static const struct {
	const char *name;
	uint8_t proto;
	uint8_t state;
	uint64_t timeout_s;
} kinds[] = {
	{ "TCP, SYN sent", PROTO_TCP, BPFBR_FLOW_NEW, 240 },
	{ "TCP, established", PROTO_TCP, BPFBR_FLOW_ESTABLISHED, 7440 },
	{ "TCP, closing", PROTO_TCP, BPFBR_FLOW_CLOSING, 240 },
	{ "UDP, unanswered", PROTO_UDP, BPFBR_FLOW_NEW, 120 },
	{ "UDP, answered", PROTO_UDP, BPFBR_FLOW_ESTABLISHED, 120 },
	{ "ICMP echo", PROTO_ICMP, BPFBR_FLOW_ESTABLISHED, 30 },
};
#define NKINDS (sizeof(kinds) / sizeof(kinds[0]))

TEST(nat_sweep_expired)
{
	struct pkt old[NKINDS], fresh[NKINDS];
	uint64_t delta[BPFBR_COUNTER_MAX];
	uint32_t slot[NKINDS], n;
	uint16_t oport[NKINDS];
	struct nfx fx;
	char what[200];

	if (!nfx_setup(&fx, NULL))
		return;
	for (size_t i = 0; i < NKINDS; i++) {
		uint16_t port = (uint16_t)(41000 + 2 * i);
		uint64_t t = kinds[i].timeout_s * 1000000000ull;

		if (!make_flow(&fx, CT1, kinds[i].proto, port, kinds[i].state, &old[i]) ||
		    !make_flow(&fx, CT2, kinds[i].proto, port, kinds[i].state, &fresh[i]))
			goto out;
		oport[i] = nfx_oport(&fx, &old[i]);
		snprintf(what, sizeof(what), "%s, idle past its timeout", kinds[i].name);
		if (!nfx_expect_flow(&fx, CT1, &old[i], oport[i], kinds[i].state, &slot[i], what) ||
		    !age_flow(&fx, &old[i], t + MARGIN_NS) ||
		    !age_flow(&fx, &fresh[i], t - MARGIN_NS))
			goto out;
	}
	if (!ASSERT_OK(nat_dp_sweep(&fx.dp, BPFBR_SWEEP_EXPIRED, 0, &n, delta), "sweep"))
		goto out;
	ASSERT_EQ(n, NKINDS, "the sweep returns how many it reclaimed");
	NEXP_COUNTERS(delta, "sweep", { BPFBR_EV_NAT_RECLAIMED, NKINDS });
	for (size_t i = 0; i < NKINDS; i++) {
		snprintf(what, sizeof(what), "%s, idle past its timeout", kinds[i].name);
		expect_gone(&fx, &old[i], oport[i], slot[i], what);
		snprintf(what, sizeof(what), "%s, idle not as long", kinds[i].name);
		nfx_expect_flow(&fx, CT2, &fresh[i], nfx_oport(&fx, &fresh[i]), kinds[i].state,
				NULL, what);
	}
	nfx_expect_table(&fx, NKINDS, (uint32_t[NFX_DEVS]){ 0, 0, NKINDS, 0 }, "after the sweep");

	/* Nothing more to reclaim. */
	if (ASSERT_OK(nat_dp_sweep(&fx.dp, BPFBR_SWEEP_EXPIRED, 0, &n, delta), "sweep again")) {
		ASSERT_EQ(n, 0, "a second sweep reclaims nothing");
		NEXP_NO_COUNTERS(delta, "second sweep");
	}
	/* The reclaimed tuple starts a new flow, port kept as before. */
	for (size_t i = 0; i < NKINDS; i++) {
		struct nat_run r;
		struct frame f;

		snprintf(what, sizeof(what), "%s, after it was reclaimed", kinds[i].name);
		pkt_frame(&f, &old[i]);
		if (nfx_out(&fx, &f, &r)) {
			ASSERT_EQ(r.verdict, TC_ACT_OK, what);
			NEXP_COUNTERS(r.delta, what, { BPFBR_EV_NAT_NEW, 1 });
			nfx_expect_flow(&fx, CT1, &old[i], oport[i], BPFBR_FLOW_NEW, NULL, what);
		}
	}
	nfx_expect_table(&fx, 2 * NKINDS, (uint32_t[NFX_DEVS]){ 0, NKINDS, NKINDS, 0 },
			 "at the end");
out:
	nfx_teardown(&fx);
}

/* At detach: every flow of that container, and nobody else's. */
TEST(nat_sweep_endpoint)
{
	struct pkt a1, a2, b1, node;
	uint64_t delta[BPFBR_COUNTER_MAX];
	uint16_t o1, o2;
	uint32_t s1, s2, n;
	struct nat_run r;
	struct frame f;
	struct nfx fx;

	if (!nfx_setup(&fx, NULL))
		return;
	if (!make_flow(&fx, CT1, PROTO_TCP, 40000, BPFBR_FLOW_ESTABLISHED, &a1) ||
	    !make_flow(&fx, CT1, PROTO_UDP, 40001, BPFBR_FLOW_NEW, &a2) ||
	    !make_flow(&fx, CT2, PROTO_UDP, 40001, BPFBR_FLOW_ESTABLISHED, &b1))
		goto out;
	/* And a flow of the node, remapped away from CT1's tuple. */
	node = a1;
	node.saddr = uplink_addr();
	if (!run_pkt(&fx, true, &node, TC_ACT_OK, "the node's packet"))
		goto out;
	o1 = nfx_oport(&fx, &a1);
	o2 = nfx_oport(&fx, &a2);
	if (!nfx_expect_flow(&fx, CT1, &a1, o1, BPFBR_FLOW_ESTABLISHED, &s1, "CT1's TCP flow") ||
	    !nfx_expect_flow(&fx, CT1, &a2, o2, BPFBR_FLOW_NEW, &s2, "CT1's UDP flow"))
		goto out;
	nfx_expect_table(&fx, 4, (uint32_t[NFX_DEVS]){ 0, 2, 1, 0 }, "before");

	if (ASSERT_OK(nat_dp_sweep(&fx.dp, BPFBR_SWEEP_ENDPOINT, ct_addr(CT1), &n, delta),
		      "sweep CT1")) {
		ASSERT_EQ(n, 2, "CT1's two flows reclaimed");
		NEXP_COUNTERS(delta, "sweep CT1", { BPFBR_EV_NAT_RECLAIMED, 2 });
	}
	expect_gone(&fx, &a1, o1, s1, "CT1's TCP flow");
	expect_gone(&fx, &a2, o2, s2, "CT1's UDP flow");
	nfx_expect_flow(&fx, CT2, &b1, nfx_oport(&fx, &b1), BPFBR_FLOW_ESTABLISHED, NULL,
			"CT2's flow stays");
	nfx_expect_table(&fx, 2, (uint32_t[NFX_DEVS]){ 0, 0, 1, 0 }, "after");

	/* A late reply to a reclaimed flow is no longer the container's. */
	nfx_masqueraded(&node, &a2, o2);
	nfx_reply(&node, &node);
	pkt_frame(&f, &node);
	if (nfx_in(&fx, &f, &r))
		nexp_pass(&r, &f, "a reply to a reclaimed flow");
	/* An endpoint with no flows: nothing. */
	if (ASSERT_OK(nat_dp_sweep(&fx.dp, BPFBR_SWEEP_ENDPOINT, ct_addr(CT3), &n, delta),
		      "sweep CT3")) {
		ASSERT_EQ(n, 0, "CT3 had no flow");
		NEXP_NO_COUNTERS(delta, "sweep CT3");
	}
out:
	nfx_teardown(&fx);
}

/* At the end: everything, the node's flows too; the whole table is free again. */
TEST(nat_sweep_all)
{
	const struct nfx_opts o = {
		.nat_max = 8, .port_lo = NFX_PORT_LO, .port_hi = NFX_PORT_HI, .share = 8
	};
	uint64_t delta[BPFBR_COUNTER_MAX];
	struct pkt p, node;
	uint32_t n;
	struct nfx fx;

	if (!nfx_setup(&fx, &o))
		return;
	for (uint16_t i = 0; i < 7; i++)
		if (!make_flow(&fx, CT1 + i % 3, PROTO_UDP, (uint16_t)(40000 + i),
			       BPFBR_FLOW_ESTABLISHED, &p))
			goto out;
	node = p;
	node.saddr = uplink_addr();
	if (!run_pkt(&fx, true, &node, TC_ACT_OK, "the node's packet"))
		goto out;
	nfx_expect_table(&fx, 8, (uint32_t[NFX_DEVS]){ 0, 3, 2, 2 }, "full table");
	if (ASSERT_OK(nat_dp_sweep(&fx.dp, BPFBR_SWEEP_ALL, 0, &n, delta), "sweep all")) {
		ASSERT_EQ(n, 8, "every flow reclaimed");
		NEXP_COUNTERS(delta, "sweep all", { BPFBR_EV_NAT_RECLAIMED, 8 });
	}
	nfx_expect_table(&fx, 0, (uint32_t[NFX_DEVS]){ 0 }, "empty table");
	/* Every slot usable again. */
	for (uint16_t i = 0; i < 8; i++)
		if (!make_flow(&fx, CT1 + i % 3, PROTO_TCP, (uint16_t)(42000 + i), BPFBR_FLOW_NEW,
			       &p))
			break;
	nfx_expect_table(&fx, 8, (uint32_t[NFX_DEVS]){ 0, 3, 3, 2 }, "full again");
out:
	nfx_teardown(&fx);
}

/*
 * The sweeper reads the clock once per chunk; a flow refreshed on another
 * CPU after that has seen_ns past the sweeper's now. Its age is a signed
 * difference: it is fresh, not 584 years old, and stays.
 */
TEST(nat_sweep_refreshed_meanwhile)
{
	uint64_t delta[BPFBR_COUNTER_MAX];
	struct bpfbr_flow fl;
	uint32_t slot, n;
	struct pkt sent;
	struct nfx fx;

	if (!nfx_setup(&fx, NULL))
		return;
	if (!make_flow(&fx, CT1, PROTO_TCP, 40000, BPFBR_FLOW_ESTABLISHED, &sent) ||
	    !nfx_expect_flow(&fx, CT1, &sent, 40000, BPFBR_FLOW_ESTABLISHED, &slot, "a flow") ||
	    !ASSERT_OK(nat_dp_flow_get(&fx.dp, slot, &fl), "the flow"))
		goto out;
	fl.seen_ns = nat_now_ns() + MARGIN_NS;
	if (!ASSERT_OK(nat_dp_flow_put(&fx.dp, slot, &fl), "seen after the sweeper's clock"))
		goto out;
	if (ASSERT_OK(nat_dp_sweep(&fx.dp, BPFBR_SWEEP_EXPIRED, 0, &n, delta), "sweep")) {
		ASSERT_EQ(n, 0, "nothing reclaimed");
		NEXP_NO_COUNTERS(delta, "sweep");
	}
	nfx_expect_flow(&fx, CT1, &sent, 40000, BPFBR_FLOW_ESTABLISHED, NULL, "the flow stays");
out:
	nfx_teardown(&fx);
}
