// SPDX-License-Identifier: GPL-2.0-only OR BSD-2-Clause
/*
 * Masquerade only off the cluster (issue 13): a container's packet to a
 * destination of the uplink's nomasq map (the cluster CIDR, a node's
 * address, a non-masquerade CIDR) leaves byte for byte with its own source,
 * no flow made, nothing counted; one to any other address is translated as
 * before, and so is everything when the map is empty.
 */
#include <bpf/bpf.h>

#include "bpfbr/nomasq.h"
#include "harness.h"
#include "nat_expect.h"
#include "nat_fixture.h"
#include "uplink.skel.h"

static bool nomasq_add(struct nfx *fx, uint32_t addr, uint32_t prefix)
{
	struct bpfbr_nomasq_key k = { .prefixlen = prefix, .addr = addr };
	uint8_t one = 1;

	return ASSERT_EQ(
		bpf_map_update_elem(bpf_map__fd(fx->dp.skel->maps.nat_nomasq), &k, &one, 0), 0,
		"nomasq entry");
}

TEST(nat_nomasq_keeps_cluster_destinations)
{
	static const struct {
		const char *what;
		bool kept;
	} cases[] = {
		{ "a pod of another node (cluster CIDR)", true },
		{ "another node's address (/32)", true },
		{ "a non-masquerade CIDR", true },
		{ "beyond the cluster", false },
	};
	uint32_t daddr[] = { ip4(10, 244, 2, 2), ip4(192, 0, 2, 2), ip4(172, 16, 9, 9),
			     server_addr() };
	struct nat_run r;
	struct pkt p, want;
	struct frame f;
	struct nfx fx;

	if (!nfx_setup(&fx, NULL))
		return;
	/* Empty: the cluster's destinations are masqueraded like any other. */
	nfx_sent(&p, CT1, PROTO_UDP, 40000, daddr[0], 7001);
	pkt_frame(&f, &p);
	if (nfx_out(&fx, &f, &r)) {
		nfx_masqueraded(&want, &p, 40000);
		nexp_pkt(&r, TC_ACT_OK, &want, 2, "to the cluster, map empty");
	}
	nfx_expect_flow(&fx, CT1, &p, 40000, BPFBR_FLOW_NEW, NULL, "to the cluster, map empty");
	if (!nomasq_add(&fx, ip4(10, 244, 0, 0), 16) || !nomasq_add(&fx, daddr[1], 32) ||
	    !nomasq_add(&fx, ip4(172, 16, 0, 0), 12))
		goto out;
	for (size_t i = 0; i < sizeof(cases) / sizeof(cases[0]); i++) {
		nfx_sent(&p, CT2, PROTO_TCP, 41000, daddr[i], 7002);
		pkt_frame(&f, &p);
		if (!nfx_out(&fx, &f, &r))
			continue;
		if (cases[i].kept) {
			nexp_pass(&r, &f, cases[i].what);
			nfx_expect_no_flow(&fx, &p, cases[i].what);
		} else {
			nfx_masqueraded(&want, &p, 41000);
			nexp_pkt(&r, TC_ACT_OK, &want, 2, cases[i].what);
		}
	}
out:
	nfx_teardown(&fx);
}

/*
 * Straight into the pod: from another node's pod (a source in the cluster)
 * to a container of this uplink, delivered with TTL - 1 and the gateway's
 * MAC (counted as cluster_delivered); from outside the cluster, with TTL 1,
 * or to an address that is no container, left to the node's stack as it is.
 */
TEST(nat_cluster_delivered_into_pod)
{
	struct nat_run r;
	struct pkt p, want;
	struct frame f;
	struct nfx fx;

	if (!nfx_setup(&fx, NULL))
		return;
	if (!nomasq_add(&fx, ip4(10, 244, 0, 0), 16))
		goto out;
	nfx_sent(&p, CT1, PROTO_TCP, 41000, ip4(10, 244, 2, 2), 7002);
	nfx_reply(&p, &p);
	p.saddr = ip4(10, 244, 2, 2);
	p.daddr = ct_addr(CT2);
	p.tcp_flags = TCP_SYN;
	pkt_frame(&f, &p);
	if (nfx_in(&fx, &f, &r)) {
		nfx_delivered(&fx, &want, &p, CT2, p.dport);
		nexp_pkt(&r, TC_ACT_REDIRECT, &want, 2, "from a pod of another node");
		NEXP_COUNTERS(r.delta, "delivered into the pod", { BPFBR_EV_CLUSTER_IN, 1 });
	}
	nfx_expect_table(&fx, 0, (uint32_t[NFX_DEVS]){ 0 }, "no flow made");
	p.saddr = server_addr();
	pkt_frame(&f, &p);
	if (nfx_in(&fx, &f, &r))
		nexp_pass(&r, &f, "from outside the cluster");
	p.saddr = ip4(10, 244, 2, 2);
	p.ttl = 1;
	pkt_frame(&f, &p);
	if (nfx_in(&fx, &f, &r))
		nexp_pass(&r, &f, "with TTL 1");
	p.ttl = REPLY_TTL;
	p.daddr = ip4(10, 40, 0, 99);
	pkt_frame(&f, &p);
	if (nfx_in(&fx, &f, &r))
		nexp_pass(&r, &f, "to an address that is no container");
out:
	nfx_teardown(&fx);
}
