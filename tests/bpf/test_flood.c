// SPDX-License-Identifier: GPL-2.0-only OR BSD-2-Clause
/*
 * Flooding: broadcast, multicast and unknown unicast go to every other port
 * of the network, in slot order, never back to the ingress port.
 */
#include <errno.h>
#include <stdio.h>
#include <bpf/bpf.h>

#include "expect.h"
#include "fixture.h"
#include "harness.h"

/* Every port of fx but `in`, in slot order, into devs; returns how many. */
static int others(const struct fx *fx, int in, int *devs)
{
	int n = 0;

	for (int i = 0; i < fx->nports; i++)
		if (i != in)
			devs[n++] = i;
	return n;
}

TEST(flood_broadcast)
{
	int devs[ENV_MAX_DEVS], n;
	struct sw_run r;
	struct frame f;
	struct fx fx;
	char what[80];

	if (!fx_setup(&fx, 4, 4, BPFBR_NET_SPOOFCHK))
		return;
	/* An ARP who-has from each port in turn: the flood excludes exactly that one. */
	for (int in = GW; in <= C3; in++) {
		frame_arp_request(&f, fx.port[in].mac, fx.port[in].ipv4,
				  fx.port[in == C1 ? C2 : C1].ipv4);
		if (!fx_run(&fx, in, &f, &r))
			break;
		n = others(&fx, in, devs);
		snprintf(what, sizeof(what), "ARP broadcast from slot %d", in);
		expect_flood(&fx.env, &r, &f, devs, n, what);
	}
	fx_teardown(&fx);
}

TEST(flood_multicast)
{
	static const uint8_t mdns_mac[6] = { 0x01, 0x00, 0x5e, 0x00, 0x00, 0xfb };
	int devs[ENV_MAX_DEVS], n;
	struct sw_run r;
	struct frame f;
	struct fx fx;

	if (!fx_setup(&fx, 4, 4, BPFBR_NET_SPOOFCHK))
		return;
	frame_udp(&f, mdns_mac, fx.port[C2].mac, fx.port[C2].ipv4, ip4(224, 0, 0, 251), 5353, 5353,
		  "\0\0\0\0\0\1\0\0\0\0\0\0", 12);
	if (fx_run(&fx, C2, &f, &r)) {
		n = others(&fx, C2, devs);
		expect_flood(&fx.env, &r, &f, devs, n, "mDNS multicast from a container");
	}
	fx_teardown(&fx);
}

TEST(flood_unknown_unicast)
{
	uint8_t stranger[6];
	int devs[ENV_MAX_DEVS], n;
	struct sw_run r;
	struct frame f;
	struct fx fx;

	if (!fx_setup(&fx, 4, 4, BPFBR_NET_SPOOFCHK))
		return;
	fx_stranger_mac(stranger, 9);
	frame_icmp_echo(&f, stranger, fx.port[C1].mac, fx.port[C1].ipv4, ip4(10, 40, 0, 99), 1);
	if (fx_run(&fx, C1, &f, &r)) {
		n = others(&fx, C1, devs);
		expect_flood(&fx.env, &r, &f, devs, n, "unknown unicast from a container");
	}
	frame_icmp_echo(&f, stranger, fx.port[GW].mac, ip4(192, 0, 2, 7), ip4(10, 40, 0, 99), 2);
	if (fx_run(&fx, GW, &f, &r)) {
		n = others(&fx, GW, devs);
		expect_flood(&fx.env, &r, &f, devs, n, "unknown unicast from the gateway");
	}
	ASSERT_EQ(sw_fdb_get(&fx.sw, stranger, &(struct bpfbr_fdb_entry){}), -ENOENT,
		  "a flooded destination is not learned");
	fx_teardown(&fx);
}

/* Only slots below nslots whose flood entry is set receive copies. */
TEST(flood_walks_only_used_slots)
{
	uint32_t slot = C2, zero = 0;
	struct sw_run r;
	struct frame f;
	struct fx fx;

	if (!fx_setup(&fx, 5, 5, BPFBR_NET_SPOOFCHK))
		return;
	/* Slot 2 freed as the agent frees it (flood entry 0 first), slot 4 beyond nslots. */
	if (!ASSERT_OK(bpf_map_update_elem(fx.sw.flood_fd, &slot, &zero, BPF_ANY),
		       "free flood slot 2"))
		goto out;
	fx.cfg.nslots = 4;
	if (!fx_config(&fx))
		goto out;
	frame_arp_request(&f, fx.port[C1].mac, fx.port[C1].ipv4, fx.port[GW].ipv4);
	if (fx_run(&fx, C1, &f, &r))
		expect_flood(&fx.env, &r, &f, (int[]){ GW, C3 }, 2,
			     "broadcast with slot 2 free and slot 4 beyond nslots");
out:
	fx_teardown(&fx);
}

TEST(flood_hairpin_includes_ingress)
{
	struct sw_run r;
	struct frame f;
	struct fx fx;

	if (!fx_setup(&fx, 4, 4, BPFBR_NET_SPOOFCHK | BPFBR_NET_HAIRPIN))
		return;
	frame_arp_request(&f, fx.port[C2].mac, fx.port[C2].ipv4, fx.port[GW].ipv4);
	if (fx_run(&fx, C2, &f, &r))
		expect_flood(&fx.env, &r, &f, (int[]){ GW, C1, C2, C3 }, 4,
			     "hairpin broadcast: the ingress port gets its copy too");
	fx_teardown(&fx);
}

/* A network with one port has nowhere to flood to. */
TEST(flood_no_dest)
{
	uint8_t stranger[6];
	struct bpfbr_port_stats st;
	struct sw_run r;
	struct frame f;
	struct fx fx;

	if (!fx_setup(&fx, 1, 1, BPFBR_NET_SPOOFCHK))
		return;
	frame_arp_request(&f, fx.port[GW].mac, fx.port[GW].ipv4, ip4(10, 40, 0, 2));
	if (fx_run(&fx, GW, &f, &r)) {
		expect_drop(&fx.env, &r, &f, BPFBR_DROP_NO_DEST, "broadcast on a one-port network");
		ASSERT_EQ(r.delta[BPFBR_EV_FLOOD], 0, "no flood is counted when nothing was sent");
	}
	fx_stranger_mac(stranger, 1);
	frame_icmp_echo(&f, stranger, fx.port[GW].mac, ip4(192, 0, 2, 7), ip4(10, 40, 0, 2), 1);
	if (fx_run(&fx, GW, &f, &r))
		expect_drop(&fx.env, &r, &f, BPFBR_DROP_NO_DEST,
			    "unknown unicast on a one-port network");
	if (ASSERT_OK(sw_port_stats(&fx.sw, GW, &st), "read the gateway port's stats"))
		ASSERT_EQ(st.drops, 2, "both counted as drops of the ingress port");

	/* With hairpin the ingress port itself is a destination. */
	fx.cfg.flags |= BPFBR_NET_HAIRPIN;
	if (fx_config(&fx) && fx_run(&fx, GW, &f, &r))
		expect_flood(&fx.env, &r, &f, (int[]){ GW }, 1,
			     "hairpin: unknown unicast back out of the only port");
	fx_teardown(&fx);
}
