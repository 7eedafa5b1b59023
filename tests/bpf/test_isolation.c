// SPDX-License-Identifier: GPL-2.0-only OR BSD-2-Clause
/*
 * Two networks side by side (two instances of the program, each with its own
 * maps, as the agent loads them) in one namespace: no frame of one ever
 * reaches a port of the other.
 */
#include <errno.h>

#include "expect.h"
#include "fixture.h"
#include "harness.h"

/* Network 2: gateway and two containers on devices 4, 5 and 6, subnet 10.41.0.0/24. */
#define NET2_DEV0  4
#define NET2_PORTS 3

static bool net2_setup(struct fx *fx, struct sw *sw2, struct bpfbr_port *p2)
{
	struct bpfbr_netcfg cfg = {
		.ageing_ns = AGEING_NS,
		.subnet = ip4(10, 41, 0, 0),
		.netmask = ip4(255, 255, 255, 0),
		.gateway = ip4(10, 41, 0, 1),
		.flags = 0, /* containers learn other MACs in this test */
		.nslots = NET2_PORTS,
	};

	if (!ASSERT_OK(sw_load(sw2), "load a second instance for network 2"))
		return false;
	if (!ASSERT_OK(sw_set_config(sw2, &cfg), "network 2 config"))
		goto fail;
	for (int i = 0; i < NET2_PORTS; i++) {
		fx_port_init(&p2[i], 2, i, fx->env.dev[NET2_DEV0 + i].ifindex,
			     i ? BPFBR_PORT_CONTAINER : BPFBR_PORT_GATEWAY);
		if (!ASSERT_OK(sw_add_port(sw2, &p2[i]), "network 2 port"))
			goto fail;
	}
	return true;
fail:
	sw_unload(sw2);
	return false;
}

TEST(two_networks_isolated)
{
	struct bpfbr_port p2[NET2_PORTS];
	uint64_t c2[BPFBR_COUNTER_MAX];
	uint8_t m1[6];
	struct sw_run r;
	struct frame f;
	struct sw sw2;
	struct fx fx;

	if (!fx_setup(&fx, NET2_DEV0 + NET2_PORTS, 4, 0))
		return;
	if (!net2_setup(&fx, &sw2, p2))
		goto out;

	/* Broadcasts stay in their network (expect_flood checks all 7 endpoints). */
	frame_arp_request(&f, fx.port[C1].mac, fx.port[C1].ipv4, fx.port[GW].ipv4);
	if (fx_run(&fx, C1, &f, &r))
		expect_flood(&fx.env, &r, &f, (int[]){ GW, C2, C3 }, 3, "broadcast in network 1");
	frame_arp_request(&f, p2[2].mac, p2[2].ipv4, p2[0].ipv4);
	env_drain(&fx.env);
	if (ASSERT_OK(sw_run(&sw2, p2[2].ifindex, &f, &r), "run network 2"))
		expect_flood(&fx.env, &r, &f, (int[]){ NET2_DEV0, NET2_DEV0 + 1 }, 2,
			     "broadcast in network 2");

	/* A MAC of network 2 is unknown in network 1: flooded there, only there. */
	frame_icmp_echo(&f, p2[1].mac, fx.port[C1].mac, fx.port[C1].ipv4, p2[1].ipv4, 1);
	if (fx_run(&fx, C1, &f, &r))
		expect_flood(&fx.env, &r, &f, (int[]){ GW, C2, C3 }, 3,
			     "to a MAC of network 2 from network 1");

	/* Network 1's program on network 2's device: not its port. */
	if (!ASSERT_OK(sw_counters(&sw2, c2), "network 2 counters"))
		goto out2;
	frame_icmp_echo(&f, p2[0].mac, p2[1].mac, p2[1].ipv4, ip4(192, 0, 2, 7), 2);
	if (fx_run(&fx, NET2_DEV0 + 1, &f, &r))
		expect_drop(&fx.env, &r, &f, BPFBR_DROP_NOT_A_PORT,
			    "network 2's frame through network 1's program");

	/* What network 1 learns, network 2 does not know. */
	fx_stranger_mac(m1, 1);
	frame_icmp_echo(&f, fx.port[GW].mac, m1, fx.port[C1].ipv4, ip4(192, 0, 2, 7), 3);
	if (fx_run(&fx, C1, &f, &r))
		ASSERT_EQ(r.delta[BPFBR_EV_LEARNED], 1, "learned in network 1");
	ASSERT_EQ(sw_fdb_get(&sw2, m1, &(struct bpfbr_fdb_entry){}), -ENOENT,
		  "not in network 2's fdb");
	{
		uint64_t now2[BPFBR_COUNTER_MAX];

		if (ASSERT_OK(sw_counters(&sw2, now2), "network 2 counters again"))
			ASSERT_MEMEQ(now2, c2, sizeof(c2),
				     "network 1's frames move no counter of network 2");
	}
out2:
	sw_unload(&sw2);
out:
	fx_teardown(&fx);
}
