// SPDX-License-Identifier: GPL-2.0-only OR BSD-2-Clause
/*
 * The uplink is the untagged interface: masquerade neither translates a
 * VLAN-tagged reply (it belongs to a VLAN device of the node, whose stack
 * decides) nor lets a container's packet out tagged (dropped: vlan). The
 * node's own tagged traffic passes untouched. Tags in the frame here; the
 * kernel's out-of-band tag (skb->vlan_present) is checked the same way.
 */
#include <string.h>
#include <linux/bpf.h>

#include "harness.h"
#include "nat_expect.h"
#include "nat_fixture.h"

TEST(nat_vlan_tagged)
{
	struct pkt sent, want, reply, node;
	struct nat_run r;
	struct frame f;
	struct nfx fx;

	if (!nfx_setup(&fx, NULL))
		return;
	if (!nfx_xdp(&fx))
		goto out;
	if (!nfx_dns_flow(&fx, &sent, &want))
		goto out;
	nfx_reply(&reply, &want);
	pkt_frame(&f, &reply);
	frame_vlan_push(&f, ETHERTYPE_8021Q, 100);
	if (nfx_in(&fx, &f, &r))
		nexp_pass(&r, &f, "a tagged reply, TC");
	if (nfx_in_xdp(&fx, &f, &r)) {
		ASSERT_EQ(r.verdict, XDP_PASS, "a tagged reply, XDP: passed to TC");
		NEXP_NO_COUNTERS(r.delta, "a tagged reply, XDP");
		ASSERT_TRUE(r.out.len == f.len && !memcmp(r.out.data, f.data, f.len),
			    "a tagged reply, XDP: untouched");
	}
	frame_vlan_push(&f, ETHERTYPE_8021AD, 0);
	if (nfx_in(&fx, &f, &r))
		nexp_pass(&r, &f, "a double-tagged reply, TC");

	/* Out: a container's packet in a tag is dropped; the node's passes. */
	pkt_frame(&f, &sent);
	frame_vlan_push(&f, ETHERTYPE_8021Q, 0);
	if (nfx_out(&fx, &f, &r))
		nexp_drop(&r, BPFBR_DROP_VLAN, "a container's packet, tagged");
	node = sent;
	node.saddr = uplink_addr();
	pkt_frame(&f, &node);
	frame_vlan_push(&f, ETHERTYPE_8021Q, 100);
	if (nfx_out(&fx, &f, &r))
		nexp_pass(&r, &f, "the node's packet, tagged");
	nfx_expect_table(&fx, 1, (uint32_t[NFX_DEVS]){ 0, 1, 0, 0 }, "nothing new");
out:
	nfx_teardown(&fx);
}
