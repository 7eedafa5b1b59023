// SPDX-License-Identifier: GPL-2.0-only OR BSD-2-Clause
/*
 * The table's bounds: when all of its --nat-max slots are taken, or a
 * container's share is used up, a new flow is refused with a counted drop
 * (NAT_FULL, NAT_QUOTA) and leaves the books as they were, while every
 * existing flow keeps translating both ways.
 */
#include <stdio.h>
#include <bpf/bpf.h>

#include "harness.h"
#include "nat_expect.h"
#include "nat_fixture.h"

/* Container c's UDP flow from port sport to the server. */
static void udp_from(struct pkt *p, int c, uint16_t sport)
{
	nfx_sent(p, c, PROTO_UDP, sport, server_addr(), 53);
}

/* Sends p, expects it masqueraded with its own port; false if not. */
static bool out_kept(struct nfx *fx, const struct pkt *p, bool new_flow, const char *what)
{
	struct pkt want;
	struct nat_run r;
	struct frame f;
	bool ok;

	pkt_frame(&f, p);
	if (!nfx_out(fx, &f, &r))
		return false;
	nfx_masqueraded(&want, p, p->sport);
	ok = nexp_pkt(&r, TC_ACT_OK, &want, 2, what);
	if (new_flow)
		ok &= NEXP_COUNTERS(r.delta, what, { BPFBR_EV_NAT_NEW, 1 });
	else
		ok &= NEXP_NO_COUNTERS(r.delta, what);
	return ok;
}

/* The reply to p reaches container c. */
static bool reply_in(struct nfx *fx, const struct pkt *p, int c, const char *what)
{
	struct pkt out, reply, want;
	struct nat_run r;
	struct frame f;

	nfx_masqueraded(&out, p, p->sport);
	nfx_reply(&reply, &out);
	pkt_frame(&f, &reply);
	if (!nfx_in(fx, &f, &r))
		return false;
	nfx_delivered(fx, &want, &reply, c, p->sport);
	return nexp_pkt(&r, TC_ACT_REDIRECT, &want, 2, what) && NEXP_NO_COUNTERS(r.delta, what);
}

static void refused(struct nfx *fx, const struct pkt *p, int reason, const char *what)
{
	struct nat_run r;
	struct frame f;

	pkt_frame(&f, p);
	if (nfx_out(fx, &f, &r))
		nexp_drop(&r, reason, what);
	nfx_expect_no_flow(fx, p, what);
}

TEST(nat_table_full)
{
	const struct nfx_opts o = {
		.nat_max = 3, .port_lo = NFX_PORT_LO, .port_hi = NFX_PORT_HI, .share = 3
	};
	uint32_t ep_flows[NFX_DEVS] = { 0, 2, 1, 0 };
	struct pkt a, b, c, d, e;
	struct nfx fx;
	uint32_t n;

	if (!nfx_setup(&fx, &o))
		return;
	udp_from(&a, CT1, 40000);
	udp_from(&b, CT1, 40001);
	udp_from(&c, CT2, 40002);
	udp_from(&d, CT3, 40003);
	out_kept(&fx, &a, true, "first flow");
	out_kept(&fx, &b, true, "second flow");
	out_kept(&fx, &c, true, "third flow: the table is full");
	nfx_expect_table(&fx, 3, ep_flows, "full table");

	refused(&fx, &d, BPFBR_DROP_NAT_FULL, "a new flow from a container with no flow");
	udp_from(&e, CT1, 40004);
	refused(&fx, &e, BPFBR_DROP_NAT_FULL, "a new flow from a container with flows");
	nfx_sent(&e, CT2, PROTO_ICMP, 0x4242, server_addr(), 1);
	refused(&fx, &e, BPFBR_DROP_NAT_FULL, "a new ping");
	nfx_expect_table(&fx, 3, ep_flows, "after the refusals");
	if (ASSERT_OK(nat_dp_keys(fx.dp.nat_in_fd, &n), "nat_in"))
		ASSERT_EQ(n, 3, "no outside port left claimed by a refused flow");

	/* Existing flows keep working both ways. */
	out_kept(&fx, &a, false, "first flow, full table");
	reply_in(&fx, &a, CT1, "first flow's reply, full table");
	out_kept(&fx, &c, false, "third flow, full table");
	reply_in(&fx, &c, CT2, "third flow's reply, full table");
	nfx_expect_table(&fx, 3, ep_flows, "at the end");
	nfx_teardown(&fx);
}

TEST(nat_container_share)
{
	const struct nfx_opts o = {
		.nat_max = NFX_NAT_MAX, .port_lo = NFX_PORT_LO, .port_hi = NFX_PORT_HI, .share = 2
	};
	uint32_t ep_flows[NFX_DEVS] = { 0, 2, 1, 0 };
	struct pkt a, b, c, d;
	struct nfx fx;

	if (!nfx_setup(&fx, &o))
		return;
	udp_from(&a, CT1, 40000);
	udp_from(&b, CT1, 40001);
	udp_from(&c, CT1, 40002);
	udp_from(&d, CT2, 40002);
	out_kept(&fx, &a, true, "first flow");
	out_kept(&fx, &b, true, "second flow: the share is used up");
	refused(&fx, &c, BPFBR_DROP_NAT_QUOTA, "a third flow from the same container");
	nfx_sent(&c, CT1, PROTO_TCP, 40003, server_addr(), 443);
	refused(&fx, &c, BPFBR_DROP_NAT_QUOTA, "a TCP SYN from the same container");
	/* Other containers have their own share. */
	out_kept(&fx, &d, true, "another container's flow");
	nfx_expect_table(&fx, 3, ep_flows, "after the refusals");

	out_kept(&fx, &a, false, "first flow, share used up");
	reply_in(&fx, &a, CT1, "first flow's reply, share used up");
	out_kept(&fx, &b, false, "second flow, share used up");
	nfx_expect_table(&fx, 3, ep_flows, "at the end");
	nfx_teardown(&fx);
}

/*
 * A flow released on one CPU (its slot flipped free, its keys not yet
 * deleted) while another CPU looks its tuple up: the looker must not touch
 * the keys, or the releaser's deletes, which go by tuple, would take the
 * keys of the flow made meanwhile. Played here step by step: the release
 * is done by hand around one packet of the flow.
 */
TEST(nat_release_race)
{
	struct bpfbr_nat_key ik, ok;
	struct bpfbr_uplink_cfg cfg;
	struct bpfbr_endpoint ep;
	struct bpfbr_flow fl;
	uint32_t slot, zero = 0;
	struct pkt sent;
	struct nat_run r;
	struct frame f;
	struct nfx fx;

	if (!nfx_setup(&fx, NULL))
		return;
	if (!nfx_dns_flow(&fx, &sent, NULL) ||
	    !nfx_expect_flow(&fx, CT1, &sent, 40000, BPFBR_FLOW_NEW, &slot, "the flow") ||
	    !ASSERT_OK(nat_dp_flow_get(&fx.dp, slot, &fl), "read it"))
		goto out;
	/* CPU A: in_use 1 -> 0, the first step of flow_release(). */
	fl.in_use = 0;
	if (!ASSERT_OK(nat_dp_flow_put(&fx.dp, slot, &fl), "release begins"))
		goto out;
	/* CPU B: the flow's next packet meets the released slot. */
	pkt_frame(&f, &sent);
	if (nfx_out(&fx, &f, &r))
		nexp_drop(&r, BPFBR_DROP_NAT_RELEASING, "a packet of a flow being released");
	/* CPU A finishes: keys by tuple, counts, the slot back to the free queue. */
	ik = nat_key_in(PROTO_UDP, ct_addr(CT1), 40000, server_addr(), 53);
	ok = nat_key_out(PROTO_UDP, server_addr(), 53, 40000);
	ASSERT_OK(bpf_map_delete_elem(fx.dp.nat_out_fd, &ik), "A deletes the inside key");
	ASSERT_OK(bpf_map_delete_elem(fx.dp.nat_in_fd, &ok), "A deletes the outside key");
	if (ASSERT_OK(nat_dp_endpoint_get(&fx.dp, ct_addr(CT1), &ep), "endpoint")) {
		ep.flows--;
		ASSERT_OK(nat_dp_endpoint_set(&fx.dp, ct_addr(CT1), &ep), "A counts it off");
	}
	if (ASSERT_OK(nat_dp_config_get(&fx.dp, &cfg), "config")) {
		cfg.flows--;
		ASSERT_OK(bpf_map_update_elem(fx.dp.config_fd, &zero, &cfg, BPF_ANY),
			  "A counts it off the table");
	}
	fl.state = BPFBR_FLOW_FREE;
	ASSERT_OK(nat_dp_flow_put(&fx.dp, slot, &fl), "A frees the slot");
	ASSERT_OK(bpf_map_update_elem(fx.dp.free_fd, NULL, &slot, BPF_ANY), "A queues it");
	/* Every live flow still has both keys; the next packet makes a new flow. */
	nfx_expect_table(&fx, 0, (uint32_t[NFX_DEVS]){ 0 }, "after the release");
	if (nfx_out(&fx, &f, &r))
		ASSERT_EQ(r.verdict, TC_ACT_OK, "the next packet");
	nfx_expect_flow(&fx, CT1, &sent, 40000, BPFBR_FLOW_NEW, NULL, "the new flow");
	nfx_expect_table(&fx, 1, (uint32_t[NFX_DEVS]){ 0, 1, 0, 0 }, "at the end");
out:
	nfx_teardown(&fx);
}
