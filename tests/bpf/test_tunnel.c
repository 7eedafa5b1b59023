// SPDX-License-Identifier: GPL-2.0-only OR BSD-2-Clause
/*
 * The VXLAN device's programs (bpf/lib/tunnel_dev.h), run with
 * BPF_PROG_TEST_RUN on the uplink object that carries them. A test run
 * cannot hand a program the receive side's tunnel metadata, so what is
 * checked here is the key's owner lookup on egress and the refusal of what
 * did not come out of a tunnel; the acceptance of a real node's packets and
 * the refusal of a forged one run end to end in tests/net/multinode_vxlan.sh.
 */
#include <string.h>
#include <arpa/inet.h>
#include <bpf/bpf.h>
#include <bpf/libbpf.h>

#include "bpfbr/tunnel.h"
#include "harness.h"
#include "nat_expect.h"
#include "nat_fixture.h"
#include "uplink.skel.h"

static uint32_t pod(int node, int host)
{
	return ip4(10, 244, node, host);
}

static int node_put(struct nfx *fx, int node, uint32_t ifindex)
{
	struct bpfbr_tunnel_key k = { .prefixlen = 24, .addr = pod(node, 0) };
	struct bpfbr_tunnel_node n = { .node_addr = ip4(192, 0, 2, node),
				       .vni = 42,
				       .ifindex = ifindex };

	return bpf_map_update_elem(bpf_map__fd(fx->dp.skel->maps.bpfbr_tunnel_nodes), &k, &n,
				   BPF_ANY)
		       ? -errno
		       : 0;
}

static bool run(struct nfx *fx, int prog_fd, const struct frame *f, struct nat_run *r)
{
	return ASSERT_OK(nat_dp_run(&fx->dp, prog_fd, fx->env.dev[UPLINK].ifindex, f, r),
			 "BPF_PROG_TEST_RUN of a tunnel program");
}

/* The node's packet for another node's pod: encapsulated only when a node owns it. */
TEST(tunnel_out_needs_the_owner)
{
	int out_fd;
	struct nat_run r;
	struct frame f;
	struct pkt p;
	struct nfx fx;

	if (!nfx_setup(&fx, NULL))
		return;
	out_fd = bpf_program__fd(fx.dp.skel->progs.bpfbr_tunnel_out);
	nfx_sent(&p, CT1, PROTO_UDP, 40000, pod(2, 2), 53);
	p.saddr = pod(1, 1);
	pkt_frame(&f, &p);
	if (run(&fx, out_fd, &f, &r))
		nexp_drop(&r, BPFBR_DROP_TUNNEL_NO_NODE, "no node owns 10.244.2.2");
	if (!ASSERT_OK(node_put(&fx, 2, fx.env.dev[UPLINK].ifindex), "n2 declared"))
		goto out;
	if (run(&fx, out_fd, &f, &r))
		nexp_pass(&r, &f, "n2 owns 10.244.2.2: the key set, the frame as it was");
	nfx_sent(&p, CT1, PROTO_UDP, 40000, pod(3, 2), 53);
	pkt_frame(&f, &p);
	if (run(&fx, out_fd, &f, &r))
		nexp_drop(&r, BPFBR_DROP_TUNNEL_NO_NODE, "n3 is not declared");
out:
	nfx_teardown(&fx);
}

/* On the device's ingress, a packet without tunnel metadata is no node's:
 * dropped and counted, even from a declared node's pod to a local one. */
TEST(tunnel_in_refuses_what_no_tunnel_brought)
{
	int in_fd;
	struct nat_run r;
	struct frame f;
	struct pkt p;
	struct nfx fx;

	if (!nfx_setup(&fx, NULL))
		return;
	in_fd = bpf_program__fd(fx.dp.skel->progs.bpfbr_tunnel_in);
	if (!ASSERT_OK(node_put(&fx, 2, fx.env.dev[UPLINK].ifindex), "n2 declared"))
		goto out;
	nfx_sent(&p, CT1, PROTO_TCP, 40000, ct_addr(CT1), 80);
	p.saddr = pod(2, 2);
	pkt_frame(&f, &p);
	if (run(&fx, in_fd, &f, &r))
		nexp_drop(&r, BPFBR_DROP_TUNNEL_FOREIGN, "n2's pod to CT1 outside a tunnel");
	p.saddr = ip4(198, 51, 100, 9);
	pkt_frame(&f, &p);
	if (run(&fx, in_fd, &f, &r))
		nexp_drop(&r, BPFBR_DROP_TUNNEL_FOREIGN, "an outside address to CT1");
out:
	nfx_teardown(&fx);
}
