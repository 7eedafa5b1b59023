// SPDX-License-Identifier: GPL-2.0-only OR BSD-2-Clause
/*
 * VLAN-tagged frames: switched by MAC between containers like any other when
 * the spoof checks are off (the tags travel untouched), refused from
 * containers when they are on; never given to the node by a container
 * (test_node_frames.c has every depth of stack).
 * The tags here are in the frame; the kernel may also present a tag out of band
 * (skb->vlan_present), which BPF_PROG_TEST_RUN cannot set.
 */
#include <stdio.h>

#include "expect.h"
#include "fixture.h"
#include "harness.h"

enum vlan_kind { DOT1Q, QINQ, VLAN_KINDS };

static const char *const vlan_names[VLAN_KINDS] = {
	[DOT1Q] = "802.1Q-tagged",
	[QINQ] = "802.1ad+802.1Q double-tagged",
};

static void vlan_tag(struct frame *f, enum vlan_kind k)
{
	frame_vlan_push(f, ETHERTYPE_8021Q, 100);
	if (k == QINQ)
		frame_vlan_push(f, ETHERTYPE_8021AD, 2000);
}

TEST(vlan_forwarded_without_spoofchk)
{
	struct sw_run r;
	struct frame f;
	struct fx fx;
	char what[160];

	if (!fx_setup(&fx, 4, 4, 0))
		return;
	for (int k = 0; k < VLAN_KINDS; k++) {
		frame_icmp_echo(&f, fx.port[C2].mac, fx.port[C1].mac, fx.port[C1].ipv4,
				fx.port[C2].ipv4, 1);
		vlan_tag(&f, k);
		if (!fx_run(&fx, C1, &f, &r))
			break;
		snprintf(what, sizeof(what), "%s unicast container to container", vlan_names[k]);
		expect_deliver(&fx.env, &r, &f, C2, BPFBR_TRACE_PEER, what);

		frame_icmp_echo(&f, fx.port[GW].mac, fx.port[C3].mac, fx.port[C3].ipv4,
				ip4(192, 0, 2, 7), 2);
		vlan_tag(&f, k);
		if (!fx_run(&fx, C3, &f, &r))
			break;
		snprintf(what, sizeof(what), "%s unicast to the gateway", vlan_names[k]);
		expect_drop(&fx.env, &r, &f, BPFBR_DROP_VLAN, what);

		/* The copies carry the tags byte for byte; the node gets none. */
		frame_arp_request(&f, fx.port[C1].mac, fx.port[C1].ipv4, fx.port[GW].ipv4);
		vlan_tag(&f, k);
		if (!fx_run(&fx, C1, &f, &r))
			break;
		snprintf(what, sizeof(what), "%s broadcast", vlan_names[k]);
		expect_flood_withheld(&fx.env, &r, &f, (int[]){ C2, C3 }, 2, BPFBR_DROP_VLAN, what);
	}
	fx_teardown(&fx);
}

TEST(vlan_dropped_with_spoofchk)
{
	struct sw_run r;
	struct frame f;
	struct fx fx;
	char what[160];

	if (!fx_setup(&fx, 4, 4, BPFBR_NET_SPOOFCHK))
		return;
	/* Container 3 has no address: the IP checks are off for it, the VLAN check is not. */
	fx.port[C3].ipv4 = 0;
	if (!fx_port_update(&fx, C3))
		goto out;
	for (int k = 0; k < VLAN_KINDS; k++) {
		for (int in = C1; in <= C3; in += C3 - C1) {
			frame_icmp_echo(&f, fx.port[C2].mac, fx.port[in].mac, ip4(10, 40, 0, 2),
					fx.port[C2].ipv4, 1);
			vlan_tag(&f, k);
			if (!fx_run(&fx, in, &f, &r))
				goto out;
			snprintf(what, sizeof(what), "%s unicast from container %d", vlan_names[k],
				 in);
			expect_drop(&fx.env, &r, &f, BPFBR_DROP_VLAN, what);
		}
		frame_arp_request(&f, fx.port[C1].mac, fx.port[C1].ipv4, fx.port[GW].ipv4);
		vlan_tag(&f, k);
		if (!fx_run(&fx, C1, &f, &r))
			break;
		snprintf(what, sizeof(what), "%s broadcast from a container", vlan_names[k]);
		expect_drop(&fx.env, &r, &f, BPFBR_DROP_VLAN, what);

		/* The gateway port is not a container: its tagged frames pass. */
		frame_icmp_echo(&f, fx.port[C2].mac, fx.port[GW].mac, ip4(192, 0, 2, 7),
				fx.port[C2].ipv4, 3);
		vlan_tag(&f, k);
		if (!fx_run(&fx, GW, &f, &r))
			break;
		snprintf(what, sizeof(what), "%s unicast from the gateway port", vlan_names[k]);
		expect_deliver(&fx.env, &r, &f, C2, BPFBR_TRACE_PEER, what);
	}
out:
	fx_teardown(&fx);
}
