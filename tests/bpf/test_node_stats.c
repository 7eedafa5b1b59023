// SPDX-License-Identifier: GPL-2.0-only OR BSD-2-Clause
/*
 * Per-node counters of a cluster (include/bpfbr/node_stats.h), run with
 * BPF_PROG_TEST_RUN on the uplink object: a pod's packet to another node's
 * pod CIDR counts as sent to that node, one from it as received, at the
 * slot the node's tunnel_nodes entry names; in direct mode on the uplink,
 * in VXLAN mode on the device (the tunnel's packets are not counted again
 * on the uplink); a node without a slot, or no node, counts nothing.
 */
#include <stdlib.h>
#include <string.h>
#include <bpf/bpf.h>
#include <bpf/libbpf.h>

#include "bpfbr/node_stats.h"
#include "bpfbr/nomasq.h"
#include "harness.h"
#include "nat_expect.h"
#include "nat_fixture.h"
#include "uplink.skel.h"

static uint32_t pod(int node, int host)
{
	return ip4(10, 244, node, host);
}

/* Node I owns 10.244.I.0/24, through the device ifindex (0: direct mode), counted at slot. */
static bool node_put(struct nfx *fx, int node, uint32_t ifindex, uint16_t slot)
{
	struct bpfbr_tunnel_key k = { .prefixlen = 24, .addr = pod(node, 0) };
	struct bpfbr_tunnel_node n = { .node_addr = ip4(192, 0, 2, node),
				       .vni = ifindex ? 42 : 0,
				       .ifindex = ifindex,
				       .slot = slot };

	return ASSERT_EQ(bpf_map_update_elem(bpf_map__fd(fx->dp.skel->maps.bpfbr_tunnel_nodes), &k,
					     &n, BPF_ANY),
			 0, "tunnel_nodes entry");
}

static bool cluster_cidr(struct nfx *fx)
{
	struct bpfbr_nomasq_key k = { .prefixlen = 16, .addr = ip4(10, 244, 0, 0) };
	uint8_t one = 1;

	return ASSERT_EQ(
		bpf_map_update_elem(bpf_map__fd(fx->dp.skel->maps.nat_nomasq), &k, &one, 0), 0,
		"nomasq entry");
}

/* The counters of slot, summed over the CPUs. */
static struct bpfbr_node_stats stats(struct nfx *fx, uint32_t slot)
{
	struct bpfbr_node_stats sum = { 0 }, *v;
	int ncpu = libbpf_num_possible_cpus();

	v = calloc(ncpu > 0 ? ncpu : 1, sizeof(*v));
	if (v && ncpu > 0 &&
	    !bpf_map_lookup_elem(bpf_map__fd(fx->dp.skel->maps.bpfbr_node_stats), &slot, v))
		for (int i = 0; i < ncpu; i++) {
			sum.tx_packets += v[i].tx_packets;
			sum.tx_bytes += v[i].tx_bytes;
			sum.rx_packets += v[i].rx_packets;
			sum.rx_bytes += v[i].rx_bytes;
			sum.refused += v[i].refused;
			sum.too_big += v[i].too_big;
		}
	free(v);
	return sum;
}

static void expect_stats(struct nfx *fx, uint32_t slot, uint64_t tx, uint64_t tx_bytes, uint64_t rx,
			 uint64_t rx_bytes, const char *what)
{
	struct bpfbr_node_stats s = stats(fx, slot);

	ASSERT_EQ(s.tx_packets, tx, what);
	ASSERT_EQ(s.tx_bytes, tx_bytes, what);
	ASSERT_EQ(s.rx_packets, rx, what);
	ASSERT_EQ(s.rx_bytes, rx_bytes, what);
	ASSERT_EQ(s.refused, 0, what);
	ASSERT_EQ(s.too_big, 0, what);
}

/* Direct mode: counted on the uplink, for the node that owns the other end. */
TEST(node_stats_direct_count_each_way)
{
	struct nat_run r;
	struct frame out, in;
	struct pkt p;
	struct nfx fx;

	if (!nfx_setup(&fx, NULL))
		return;
	if (!cluster_cidr(&fx) || !node_put(&fx, 2, 0, 2) || !node_put(&fx, 3, 0, 3) ||
	    !node_put(&fx, 4, 0, 0))
		goto out;
	nfx_sent(&p, CT1, PROTO_UDP, 40000, pod(2, 2), 7001);
	pkt_frame(&out, &p);
	if (nfx_out(&fx, &out, &r))
		nexp_pass(&r, &out, "to n2's pod: its own address");
	if (nfx_out(&fx, &out, &r))
		nexp_pass(&r, &out, "to n2's pod again");
	nfx_reply(&p, &p);
	p.daddr = ct_addr(CT1);
	pkt_frame(&in, &p);
	ASSERT_TRUE(nfx_in(&fx, &in, &r), "from n2's pod");
	expect_stats(&fx, 2, 2, 2 * out.len, 1, in.len, "n2: two sent, one received");
	expect_stats(&fx, 3, 0, 0, 0, 0, "n3: nothing of it");
	/* n4 has no slot; 10.250/16 is no node's: counted nowhere. */
	nfx_sent(&p, CT1, PROTO_UDP, 40000, pod(4, 2), 7001);
	pkt_frame(&out, &p);
	ASSERT_TRUE(nfx_out(&fx, &out, &r), "to n4's pod");
	nfx_sent(&p, CT1, PROTO_UDP, 40000, ip4(10, 250, 0, 2), 7001);
	pkt_frame(&out, &p);
	ASSERT_TRUE(nfx_out(&fx, &out, &r), "to no node's");
	for (uint32_t slot = 0; slot < BPFBR_NODE_STATS_MAX; slot++)
		if (slot != 2)
			expect_stats(&fx, slot, 0, 0, 0, 0, "no other slot counted");
out:
	nfx_teardown(&fx);
}

/* VXLAN mode: the device's egress counts what it encapsulates for the node;
 * the uplink does not count the pods' packets of a tunnelled node again. */
TEST(node_stats_tunnel_out_counts_for_the_owner)
{
	uint32_t dev;
	int out_fd;
	struct nat_run r;
	struct frame f;
	struct pkt p;
	struct nfx fx;

	if (!nfx_setup(&fx, NULL))
		return;
	dev = fx.env.dev[UPLINK].ifindex;
	out_fd = bpf_program__fd(fx.dp.skel->progs.bpfbr_tunnel_out);
	if (!cluster_cidr(&fx) || !node_put(&fx, 2, dev, 7))
		goto out;
	nfx_sent(&p, CT1, PROTO_UDP, 40000, pod(2, 2), 53);
	pkt_frame(&f, &p);
	if (ASSERT_OK(nat_dp_run(&fx.dp, out_fd, dev, &f, &r), "tunnel_out"))
		nexp_pass(&r, &f, "encapsulated for n2");
	expect_stats(&fx, 7, 1, f.len, 0, 0, "n2: one sent through the tunnel");
	ASSERT_TRUE(nfx_out(&fx, &f, &r), "the same through the uplink");
	expect_stats(&fx, 7, 1, f.len, 0, 0, "the uplink does not count a tunnelled node's");
out:
	nfx_teardown(&fx);
}
