// SPDX-License-Identifier: GPL-2.0-only OR BSD-2-Clause
/*
 * Fragments, as documented in bpf/lib/nat_frag.h: the first fragment carries
 * the ports and is translated like a whole packet (its transport checksum,
 * which covers the whole datagram, updated); the fragments after it carry
 * none and get the first one's addresses, found by (addresses, IP id,
 * protocol). Outbound, a later fragment whose first was not seen cannot be
 * translated and is dropped (FRAG_UNKNOWN); inbound it is left to the node.
 * Each run is compared with the fragments of the datagram translated whole,
 * and the fragments out are reassembled to recompute the transport checksum.
 */
#include <arpa/inet.h>
#include <stdio.h>
#include <string.h>
#include <bpf/bpf.h>

#include "harness.h"
#include "nat_expect.h"
#include "nat_fixture.h"

#define NFRAGS	   3
#define FRAG_BYTES 600 /* a 620-byte MTU on the way */

/* Puts the datagram of n fragments back together (in order, no options). */
static void reassemble(const struct frame *frags, int n, struct frame *whole)
{
	uint16_t tot = 20;

	whole->len = 0;
	frame_put(whole, frags[0].data, ETH_HDR_LEN + 20);
	for (int i = 0; i < n; i++) {
		frame_put(whole, frags[i].data + ETH_HDR_LEN + 20, frags[i].len - ETH_HDR_LEN - 20);
		tot = (uint16_t)(tot + frags[i].len - ETH_HDR_LEN - 20);
	}
	whole->data[ETH_HDR_LEN + 2] = (uint8_t)(tot >> 8);
	whole->data[ETH_HDR_LEN + 3] = (uint8_t)tot;
	whole->data[ETH_HDR_LEN + 6] &= (uint8_t) ~(IP_MF >> 8);
	pkt_fix_ip_csum(whole->data + ETH_HDR_LEN);
}

static void big_packet(struct pkt *p, int c, uint8_t proto)
{
	nfx_sent(p, c, proto, proto == PROTO_ICMP ? 0x4242 : 40000, server_addr(),
		 proto == PROTO_ICMP ? 1 : 5000);
	p->frag = 0; /* fragmentable */
	pkt_fill(p, 1200, (uint8_t)(0x40 + c));
}

/* Runs each fragment of whole through prog (out or in) and compares with the fragments
 * of want; *delta sums the counters moved. */
static void run_frags(struct nfx *fx, bool out, const struct pkt *whole, const struct pkt *want,
		      int verdict, uint64_t *delta, const char *what)
{
	struct frame f, in[NFRAGS], exp[NFRAGS], got[NFRAGS], re;
	struct nat_run r;
	char m[200];
	int n;

	pkt_frame(&f, whole);
	n = pkt_fragment(&f, FRAG_BYTES, in, NFRAGS);
	pkt_frame(&f, want);
	if (!ASSERT_EQ(pkt_fragment(&f, FRAG_BYTES, exp, NFRAGS), n, "fragments"))
		return;
	for (int i = 0; i < n; i++) {
		if (!(out ? nfx_out(fx, &in[i], &r) : nfx_in(fx, &in[i], &r)))
			return;
		snprintf(m, sizeof(m), "%s, fragment %d of %d", what, i + 1, n);
		/* A fragment's only checksum of its own is its IPv4 header's. */
		nexp_frame(&r, verdict, &exp[i], 1, m);
		for (int k = 0; k < BPFBR_COUNTER_MAX; k++)
			delta[k] += r.delta[k];
		got[i] = r.out;
	}
	reassemble(got, n, &re);
	snprintf(m, sizeof(m), "%s, reassembled", what);
	nexp_csums(&re, 2, m);
}

TEST(nat_fragments_both_ways)
{
	static const struct {
		const char *name;
		uint8_t proto;
		bool collide;
	} cases[] = {
		{ "UDP, port kept", PROTO_UDP, false },
		{ "UDP, port changed", PROTO_UDP, true },
		{ "ICMP echo, id kept", PROTO_ICMP, false },
		{ "ICMP echo, id changed", PROTO_ICMP, true },
	};
	struct pkt sent, other, want, reply;
	uint64_t delta[BPFBR_COUNTER_MAX];
	struct frame f, frags[NFRAGS];
	struct nat_run r;
	struct nfx fx;
	char what[200];
	uint16_t oport;

	for (size_t i = 0; i < sizeof(cases) / sizeof(cases[0]); i++) {
		if (!nfx_setup(&fx, NULL))
			return;
		if (cases[i].collide) {
			nfx_sent(&other, CT2, cases[i].proto,
				 cases[i].proto == PROTO_ICMP ? 0x4242 : 40000, server_addr(),
				 cases[i].proto == PROTO_ICMP ? 1 : 5000);
			pkt_frame(&f, &other);
			if (!nfx_out(&fx, &f, &r) || !ASSERT_EQ(r.verdict, TC_ACT_OK, "holder"))
				goto next;
		}
		big_packet(&sent, CT1, cases[i].proto);
		/* The flow is made by the first fragment: learn its port by sending it. */
		pkt_frame(&f, &sent);
		pkt_fragment(&f, FRAG_BYTES, frags, NFRAGS);
		if (!nfx_out(&fx, &frags[0], &r))
			goto next;
		snprintf(what, sizeof(what), "%s: first fragment", cases[i].name);
		ASSERT_EQ(r.verdict, TC_ACT_OK, what);
		NEXP_COUNTERS(r.delta, what, { BPFBR_EV_NAT_NEW, 1 });
		oport = nfx_oport(&fx, &sent);
		snprintf(what, sizeof(what), "%s: port", cases[i].name);
		ASSERT_TRUE((oport == sent.sport) == !cases[i].collide, what);
		/* Now the whole datagram, first fragment again included (a retransmission). */
		nfx_masqueraded(&want, &sent, oport);
		memset(delta, 0, sizeof(delta));
		snprintf(what, sizeof(what), "%s, out", cases[i].name);
		run_frags(&fx, true, &sent, &want, TC_ACT_OK, delta, what);
		NEXP_NO_COUNTERS(delta, what);

		nfx_reply(&reply, &want);
		reply.frag = 0;
		pkt_fill(&reply, 1400, 0x99);
		nfx_delivered(&fx, &want, &reply, CT1, sent.sport);
		memset(delta, 0, sizeof(delta));
		snprintf(what, sizeof(what), "%s, reply in", cases[i].name);
		run_frags(&fx, false, &reply, &want, TC_ACT_REDIRECT, delta, what);
		NEXP_NO_COUNTERS(delta, what);
	next:
		nfx_teardown(&fx);
	}
}

/* A later fragment whose first fragment was never seen. */
TEST(nat_fragment_without_first)
{
	struct frame f, frags[NFRAGS];
	struct pkt sent, want, reply;
	struct nat_run r;
	struct nfx fx;

	if (!nfx_setup(&fx, NULL))
		return;
	big_packet(&sent, CT1, PROTO_UDP);
	pkt_frame(&f, &sent);
	pkt_fragment(&f, FRAG_BYTES, frags, NFRAGS);
	for (int i = 1; i < NFRAGS; i++)
		if (nfx_out(&fx, &frags[i], &r))
			nexp_drop(&r, BPFBR_DROP_FRAG_UNKNOWN,
				  "out: a later fragment, first unseen");
	nfx_expect_table(&fx, 0, (uint32_t[NFX_DEVS]){ 0 }, "no flow made");

	/* Inbound, even for a flow that exists, a fragment of a datagram whose first
	 * fragment did not pass is the node's business. */
	nfx_sent(&sent, CT1, PROTO_UDP, 40000, server_addr(), 5000);
	pkt_frame(&f, &sent);
	if (!nfx_out(&fx, &f, &r) || !ASSERT_EQ(r.verdict, TC_ACT_OK, "a flow"))
		goto out;
	nfx_masqueraded(&want, &sent, 40000);
	nfx_reply(&reply, &want);
	reply.frag = 0;
	pkt_fill(&reply, 1400, 0x99);
	pkt_frame(&f, &reply);
	pkt_fragment(&f, FRAG_BYTES, frags, NFRAGS);
	for (int i = 1; i < NFRAGS; i++)
		if (nfx_in(&fx, &frags[i], &r))
			nexp_pass(&r, &frags[i], "in: a later fragment, first unseen");
out:
	nfx_teardown(&fx);
}

/* The number of entries in the uplink's fragment map. */
static uint32_t frag_entries(struct nfx *fx)
{
	struct bpfbr_frag_key k, next;
	const void *prev = NULL;
	uint32_t n = 0;

	while (!bpf_map_get_next_key(fx->dp.frags_fd, prev, &next)) {
		n++;
		k = next;
		prev = &k;
	}
	return n;
}

/* Runs the fragments fr[from..n) in; each must be left to the node. */
static void expect_left(struct nfx *fx, const struct frame *fr, int from, int n, const char *what)
{
	struct nat_run r;
	char m[200];

	for (int i = from; i < n; i++) {
		snprintf(m, sizeof(m), "%s, fragment %d", what, i + 1);
		if (nfx_in(fx, &fr[i], &r))
			nexp_pass(&r, &fr[i], m);
	}
}

/*
 * A reply's fragments are tied to their flow and datagram: the entry goes
 * with the last of them, lives no longer than the node's reassembly time,
 * and only leads to the flow it was made for. A later datagram of the node
 * that reuses the IP id (the id space is 16 bits) is the node's.
 */
TEST(nat_fragment_id_reused)
{
	struct frame f, fr[NFRAGS];
	struct pkt sent, want, reply, other;
	struct bpfbr_frag_key k = { 0 };
	struct bpfbr_nat_frag v;
	uint64_t delta[BPFBR_COUNTER_MAX];
	struct nat_run r;
	struct nfx fx;
	uint32_t n;
	int nf;

	if (!nfx_setup(&fx, NULL))
		return;
	nfx_sent(&sent, CT1, PROTO_UDP, 40000, server_addr(), 5000);
	pkt_frame(&f, &sent);
	if (!nfx_out(&fx, &f, &r) || !ASSERT_EQ(r.verdict, TC_ACT_OK, "a flow"))
		goto out;
	nfx_masqueraded(&want, &sent, 40000);
	nfx_reply(&reply, &want);
	reply.frag = 0;
	pkt_fill(&reply, 1400, 0x99);
	pkt_frame(&f, &reply);
	nf = pkt_fragment(&f, FRAG_BYTES, fr, NFRAGS);
	for (int i = 0; i < nf; i++)
		if (nfx_in(&fx, &fr[i], &r))
			ASSERT_EQ(r.verdict, TC_ACT_REDIRECT, "the reply's fragments go in");
	ASSERT_EQ(frag_entries(&fx), 0, "the entry goes with the datagram's last fragment");

	/* The node's own datagram from the same remote, with the same IP id. */
	other = reply;
	other.dport = 7000; /* not the flow's port: the node's */
	pkt_frame(&f, &other);
	nf = pkt_fragment(&f, FRAG_BYTES, fr, NFRAGS);
	expect_left(&fx, fr, 0, nf, "the node's datagram with the same id");

	/* Its later fragments alone, after another reply's first fragment took the id. */
	pkt_frame(&f, &reply);
	pkt_fragment(&f, FRAG_BYTES, fr, NFRAGS);
	if (!nfx_in(&fx, &fr[0], &r) || !ASSERT_EQ(r.verdict, TC_ACT_REDIRECT, "a reply's first"))
		goto out;
	pkt_frame(&f, &other);
	nf = pkt_fragment(&f, FRAG_BYTES, fr, NFRAGS);
	if (nfx_in(&fx, &fr[0], &r))
		nexp_pass(&r, &fr[0], "the node's first fragment, same id");
	expect_left(&fx, fr, 1, nf, "after the node's first fragment took the id back");

	/* Past the node's reassembly time, a reply's later fragments are not followed. */
	pkt_frame(&f, &reply);
	nf = pkt_fragment(&f, FRAG_BYTES, fr, NFRAGS);
	if (!nfx_in(&fx, &fr[0], &r) || !ASSERT_EQ(r.verdict, TC_ACT_REDIRECT, "a reply's first"))
		goto out;
	k.saddr = reply.saddr;
	k.daddr = reply.daddr;
	k.id = htons(reply.id);
	k.proto = PROTO_UDP;
	if (ASSERT_OK(bpf_map_lookup_elem(fx.dp.frags_fd, &k, &v), "the entry")) {
		v.first_ns -= (BPFBR_FRAG_TIMEOUT_S + 1) * 1000000000ull;
		ASSERT_OK(bpf_map_update_elem(fx.dp.frags_fd, &k, &v, BPF_ANY), "age it");
	}
	expect_left(&fx, fr, 1, nf, "31 s after the first");

	/* Nor into a flow that took the slot after it. */
	if (!nfx_in(&fx, &fr[0], &r) || !ASSERT_EQ(r.verdict, TC_ACT_REDIRECT, "a reply's first") ||
	    !ASSERT_OK(nat_dp_sweep(&fx.dp, BPFBR_SWEEP_ALL, 0, &n, delta), "flush") ||
	    !ASSERT_EQ(n, 1, "the flow goes"))
		goto out;
	pkt_frame(&f, &sent);
	if (!nfx_out(&fx, &f, &r) || !ASSERT_EQ(r.verdict, TC_ACT_OK, "the flow again"))
		goto out;
	expect_left(&fx, fr, 1, nf, "after its flow was made anew");
out:
	nfx_teardown(&fx);
}
