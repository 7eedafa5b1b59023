// SPDX-License-Identifier: GPL-2.0-only OR BSD-2-Clause
/*
 * Per-translation counts (map flow_stats): the frames and bytes a flow
 * translated each way, from TC and XDP, starting again at 0 for the next
 * flow in the same slot, and none for a flow made before the counts were
 * (a flow an older build made: flow_ns differs).
 */
#include <errno.h>
#include <stdio.h>
#include <bpf/bpf.h>
#include <bpf/libbpf.h>
#include <linux/pkt_cls.h>

#include "harness.h"
#include "nat_fixture.h"
#include "uplink.skel.h"

static struct bpfbr_flow_stats stats_of(struct nfx *fx, uint32_t slot)
{
	struct bpfbr_flow_stats st = { 0 };

	bpf_map_lookup_elem(bpf_map__fd(fx->dp.skel->maps.nat_flow_stats), &slot, &st);
	return st;
}

TEST(nat_flow_stats_count_each_way)
{
	struct pkt sent, out, reply;
	struct bpfbr_flow_stats st;
	struct bpfbr_flow fl;
	struct nat_run r;
	struct frame f, fr;
	struct nfx fx;
	uint64_t delta[BPFBR_COUNTER_MAX];
	uint32_t slot = 0, reclaimed;

	/* A table of 2: the slot comes round again after one other flow. */
	if (!nfx_setup(&fx, &(struct nfx_opts){ .nat_max = 2,
						.port_lo = NFX_PORT_LO,
						.port_hi = NFX_PORT_HI,
						.share = 2 }))
		return;
	if (!nfx_xdp(&fx))
		goto out;
	nfx_sent(&sent, CT1, 17, 5353, server_addr(), 53);
	pkt_frame(&f, &sent);
	for (int i = 0; i < 3; i++)
		if (!nfx_out(&fx, &f, &r) || !ASSERT_EQ(r.verdict, TC_ACT_OK, "out"))
			goto out;
	if (!nfx_expect_flow(&fx, CT1, &sent, 5353, BPFBR_FLOW_NEW, &slot, "the flow"))
		goto out;
	nfx_masqueraded(&out, &sent, 5353);
	nfx_reply(&reply, &out);
	pkt_frame(&fr, &reply);
	if (!nfx_in(&fx, &fr, &r) || !nfx_in_xdp(&fx, &fr, &r))
		goto out;
	st = stats_of(&fx, slot);
	ASSERT_OK(nat_dp_flow_get(&fx.dp, slot, &fl), "flow");
	ASSERT_EQ(st.flow_ns, fl.created_ns, "the counts are the flow's");
	ASSERT_EQ(st.out_packets, 3, "3 frames out");
	ASSERT_EQ(st.out_bytes, 3 * f.len, "their bytes");
	ASSERT_EQ(st.in_packets, 2, "2 replies in, TC and XDP");
	ASSERT_EQ(st.in_bytes, 2 * fr.len, "their bytes");

	/* The flow goes; the next one in its slot counts from 0. */
	if (!ASSERT_OK(nat_dp_sweep(&fx.dp, BPFBR_SWEEP_ALL, 0, &reclaimed, delta), "sweep all"))
		goto out;
	for (int i = 0; i < 2 && stats_of(&fx, slot).flow_ns == st.flow_ns; i++) {
		nfx_sent(&sent, CT1, 17, (uint16_t)(6000 + i), server_addr(), 53);
		pkt_frame(&f, &sent);
		if (!nfx_out(&fx, &f, &r))
			goto out;
	}
	st = stats_of(&fx, slot);
	ASSERT_NEQ(st.flow_ns, 0, "the slot was taken again");
	ASSERT_EQ(st.out_packets, 1, "the new flow counts its own frame only");
	ASSERT_EQ(st.in_packets, 0, "and no reply");

	/* A flow whose counts are another's (made before them) is not counted. */
	if (ASSERT_OK(nat_dp_flow_get(&fx.dp, slot, &fl), "flow")) {
		fl.created_ns += 1;
		ASSERT_OK(nat_dp_flow_put(&fx.dp, slot, &fl), "flow made by an older build");
		pkt_frame(&f, &sent);
		if (nfx_out(&fx, &f, &r))
			ASSERT_EQ(stats_of(&fx, slot).out_packets, 1, "not counted");
	}
out:
	nfx_teardown(&fx);
}
