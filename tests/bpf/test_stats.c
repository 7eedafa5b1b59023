// SPDX-License-Identifier: GPL-2.0-only OR BSD-2-Clause
/* Per-port counters: rx on the ingress port for every frame it sends (dropped or not),
 * tx on each port a frame or copy went to, drops on the ingress port. */
#include <stdio.h>

#include "expect.h"
#include "fixture.h"
#include "harness.h"

TEST(port_stats)
{
	struct bpfbr_port_stats want[4] = {}, got;
	struct frame deliver, bcast, spoofed, from_gw, stray;
	struct sw_run r;
	struct fx fx;
	char what[120];

	/* Device 4 is no port: its frame must not show up anywhere. */
	if (!fx_setup(&fx, 5, 4, BPFBR_NET_SPOOFCHK))
		return;
	frame_icmp_echo(&deliver, fx.port[C2].mac, fx.port[C1].mac, fx.port[C1].ipv4,
			fx.port[C2].ipv4, 1);
	frame_arp_request(&bcast, fx.port[C1].mac, fx.port[C1].ipv4, fx.port[GW].ipv4);
	frame_icmp_echo(&spoofed, fx.port[C2].mac, fx.port[C1].mac, fx.port[C3].ipv4,
			fx.port[C2].ipv4, 2);
	frame_udp(&from_gw, fx.port[C1].mac, fx.port[GW].mac, ip4(192, 0, 2, 7), fx.port[C1].ipv4,
		  53, 40000, "answer", 6);
	frame_icmp_echo(&stray, fx.port[C2].mac, fx.port[C3].mac, fx.port[C3].ipv4,
			fx.port[C2].ipv4, 3);

	if (!fx_run(&fx, C1, &deliver, &r))
		goto out;
	want[C1].rx_packets++, want[C1].rx_bytes += deliver.len;
	want[C2].tx_packets++, want[C2].tx_bytes += deliver.len;

	if (!fx_run(&fx, C1, &bcast, &r))
		goto out;
	want[C1].rx_packets++, want[C1].rx_bytes += bcast.len;
	for (int p = GW; p <= C3; p++)
		if (p != C1)
			want[p].tx_packets++, want[p].tx_bytes += bcast.len;

	if (!fx_run(&fx, C1, &spoofed, &r))
		goto out;
	want[C1].rx_packets++, want[C1].rx_bytes += spoofed.len;
	want[C1].drops++;

	if (!fx_run(&fx, GW, &from_gw, &r))
		goto out;
	want[GW].rx_packets++, want[GW].rx_bytes += from_gw.len;
	want[C1].tx_packets++, want[C1].tx_bytes += from_gw.len;

	if (!fx_run(&fx, 4, &stray, &r))
		goto out;

	for (int p = GW; p <= C3; p++) {
		snprintf(what, sizeof(what), "read the stats of slot %d", p);
		if (!ASSERT_OK(sw_port_stats(&fx.sw, (uint16_t)p, &got), what))
			break;
		snprintf(what, sizeof(what), "slot %d rx_packets", p);
		ASSERT_EQ(got.rx_packets, want[p].rx_packets, what);
		snprintf(what, sizeof(what), "slot %d rx_bytes", p);
		ASSERT_EQ(got.rx_bytes, want[p].rx_bytes, what);
		snprintf(what, sizeof(what), "slot %d tx_packets", p);
		ASSERT_EQ(got.tx_packets, want[p].tx_packets, what);
		snprintf(what, sizeof(what), "slot %d tx_bytes", p);
		ASSERT_EQ(got.tx_bytes, want[p].tx_bytes, what);
		snprintf(what, sizeof(what), "slot %d drops", p);
		ASSERT_EQ(got.drops, want[p].drops, what);
	}
out:
	fx_teardown(&fx);
}
