// SPDX-License-Identifier: GPL-2.0-only OR BSD-2-Clause
/*
 * Monitor events (include/bpfbr/monitor.h): a drop reaches the ring buffer
 * with its reason, port and first bytes while a monitor's socket sits in
 * monitor_consumer, and nothing does without one; the per-CPU rate limit
 * holds events back and counts them, and a full ring buffer counts its loss.
 * Trace events name each switching decision, for a sample of the packets.
 */
#include <errno.h>
#include <stdio.h>
#include <stdlib.h>
#include <sys/socket.h>
#include <unistd.h>
#include <bpf/bpf.h>
#include <bpf/libbpf.h>
#include <linux/bpf.h>
#include <linux/pkt_cls.h>

#include "bpfbr/monitor.h"
#include "expect.h"
#include "fixture.h"
#include "harness.h"
#include "port.skel.h"

#define MAX_SEEN 8

struct seen {
	int n;
	struct bpfbr_mon_event ev[MAX_SEEN];
};

static int on_event(void *ctx, void *data, size_t size)
{
	struct seen *s = ctx;

	if (size == sizeof(struct bpfbr_mon_event) && s->n < MAX_SEEN)
		memcpy(&s->ev[s->n], data, size);
	s->n++;
	return 0;
}

/* Registers a monitor as `bpfbr monitor` does: its socket in the consumer slot,
 * drop events at a rate of per_s a second with a burst of burst. Returns the
 * socket (closing it ends the monitor), or -1 with the test failed. */
static int monitor_start_types(struct fx *fx, uint32_t types, uint32_t sample, uint64_t per_s,
			       uint64_t burst)
{
	struct bpfbr_mon_config cfg = {
		.types = types,
		.sample = sample,
		.cost_ns = 1000000000ull / per_s,
		.burst_ns = 1000000000ull / per_s * burst,
	};
	int sv[2], cfd = bpf_map__fd(fx->sw.skel->maps.mon_config);
	int consumer = bpf_map__fd(fx->sw.skel->maps.mon_consumer);
	uint32_t zero = 0;
	uint64_t fd;

	if (!ASSERT_OK(bpf_map_update_elem(cfd, &zero, &cfg, 0) ? -errno : 0, "monitor config"))
		return -1;
	if (!ASSERT_OK(socketpair(AF_UNIX, SOCK_DGRAM | SOCK_CLOEXEC, 0, sv) ? -errno : 0,
		       "socketpair"))
		return -1;
	close(sv[1]);
	fd = (uint64_t)sv[0];
	if (!ASSERT_OK(bpf_map_update_elem(consumer, &zero, &fd, BPF_NOEXIST) ? -errno : 0,
		       "the monitor's socket into monitor_consumer")) {
		close(sv[0]);
		return -1;
	}
	return sv[0];
}

static int monitor_start(struct fx *fx, uint64_t per_s, uint64_t burst)
{
	return monitor_start_types(fx, BPFBR_MON_TYPE_BIT(BPFBR_MON_DROP), 1, per_s, burst);
}

/* The events in the ring buffer now. */
static int drain(struct fx *fx, struct seen *s)
{
	struct ring_buffer *rb;
	int n;

	memset(s, 0, sizeof(*s));
	rb = ring_buffer__new(bpf_map__fd(fx->sw.skel->maps.mon_events), on_event, s, NULL);
	if (!rb)
		return -errno;
	n = ring_buffer__consume(rb);
	ring_buffer__free(rb);
	return n < 0 ? n : 0;
}

static struct bpfbr_mon_budget budget(struct fx *fx)
{
	int ncpu = libbpf_num_possible_cpus(), fd = bpf_map__fd(fx->sw.skel->maps.mon_budget);
	struct bpfbr_mon_budget per[ncpu > 0 ? ncpu : 1], sum = { 0 };
	uint32_t zero = 0;

	if (ncpu > 0 && !bpf_map_lookup_elem(fd, &zero, per)) {
		for (int i = 0; i < ncpu; i++) {
			sum.emitted += per[i].emitted;
			sum.limited += per[i].limited;
			sum.lost += per[i].lost;
		}
	}
	return sum;
}

/* A frame from C1 with a MAC not its own: mac_spoof. */
static void spoofed(struct fx *fx, struct frame *f)
{
	uint8_t stranger[6];

	fx_stranger_mac(stranger, 7);
	frame_icmp_echo(f, fx->port[C2].mac, stranger, fx->port[C1].ipv4, fx->port[C2].ipv4, 1);
}

static void expect_event(struct fx *fx, const struct bpfbr_mon_event *ev, const struct frame *f,
			 uint8_t hook, const char *what)
{
	uint32_t cap = f->len < BPFBR_MON_CAPTURE ? (uint32_t)f->len : BPFBR_MON_CAPTURE;

	ASSERT_EQ(ev->type, BPFBR_MON_DROP, what);
	ASSERT_EQ(ev->reason, BPFBR_DROP_MAC_SPOOF, what);
	ASSERT_EQ(ev->verdict, BPFBR_MON_DROPPED, what);
	ASSERT_EQ(ev->hook, hook, what);
	ASSERT_EQ(ev->slot, C1, what);
	ASSERT_EQ(ev->ifindex, fx->env.dev[C1].ifindex, what);
	ASSERT_EQ(ev->pkt_len, f->len, what);
	ASSERT_EQ(ev->cap_len, cap, what);
	ASSERT_MEMEQ(ev->data, f->data, cap, what);
	ASSERT_TRUE(ev->time_ns > 0 && ev->time_ns <= now_ns(), what);
}

TEST(monitor_drop_event)
{
	uint8_t stranger[6];
	struct sw_run r;
	struct seen s;
	struct frame f;
	struct fx fx;
	int sock;

	if (!fx_setup(&fx, 3, 3, BPFBR_NET_SPOOFCHK))
		return;
	if (!fx_xdp(&fx) || (sock = monitor_start(&fx, 1000000, 1000)) < 0)
		goto out;
	spoofed(&fx, &f);
	if (fx_run(&fx, C1, &f, &r) && ASSERT_OK(drain(&fx, &s), "ring buffer")) {
		expect_drop(&fx.env, &r, &f, BPFBR_DROP_MAC_SPOOF, "spoofed frame, TC");
		if (ASSERT_EQ(s.n, 1, "one event for one drop (TC)"))
			expect_event(&fx, &s.ev[0], &f, BPFBR_MON_HOOK_PORT_TC, "TC's event");
	}
	/* A frame longer than the capture: its first bytes, its whole length. */
	fx_stranger_mac(stranger, 8);
	frame_udp(&f, fx.port[C2].mac, stranger, fx.port[C1].ipv4, fx.port[C2].ipv4, 5, 6,
		  "0123456789012345678901234567890123456789012345678901234567890123456789"
		  "0123456789012345678901234567890123456789",
		  110);
	if (sw_run_xdp(&fx.sw, fx.env.dev[C1].ifindex, &f, &r) == 0 &&
	    ASSERT_OK(drain(&fx, &s), "ring buffer")) {
		ASSERT_EQ(r.verdict, XDP_DROP, "spoofed frame, XDP");
		if (ASSERT_EQ(s.n, 1, "one event for one drop (XDP)"))
			expect_event(&fx, &s.ev[0], &f, BPFBR_MON_HOOK_PORT_XDP, "XDP's event");
	}
	close(sock);
out:
	fx_teardown(&fx);
}

TEST(monitor_off_emits_nothing)
{
	struct sw_run r;
	struct seen s;
	struct frame f;
	struct fx fx;
	int sock;

	if (!fx_setup(&fx, 3, 3, BPFBR_NET_SPOOFCHK))
		return;
	spoofed(&fx, &f);
	/* Never started. */
	if (fx_run(&fx, C1, &f, &r) && ASSERT_OK(drain(&fx, &s), "ring buffer")) {
		ASSERT_EQ(r.delta[BPFBR_DROP_MAC_SPOOF], 1, "the drop is counted");
		ASSERT_EQ(s.n, 0, "no event without a monitor");
	}
	/* Started, then gone (its socket closed, as when it is killed): the
	 * kernel emptied the slot, the config left behind does nothing. */
	sock = monitor_start(&fx, 1000000, 1000);
	if (sock >= 0) {
		close(sock);
		if (fx_run(&fx, C1, &f, &r) && ASSERT_OK(drain(&fx, &s), "ring buffer")) {
			ASSERT_EQ(r.delta[BPFBR_DROP_MAC_SPOOF], 1, "the drop is counted");
			ASSERT_EQ(s.n, 0, "no event once the monitor's socket closed");
		}
		ASSERT_EQ(budget(&fx).emitted, 0, "nothing emitted");
	}
	fx_teardown(&fx);
}

TEST(monitor_rate_limit_counts_loss)
{
	const uint32_t runs = 3000;
	struct bpfbr_mon_budget b;
	struct seen s;
	struct frame f;
	struct fx fx;
	int sock;

	if (!fx_setup(&fx, 3, 3, BPFBR_NET_SPOOFCHK))
		return;
	spoofed(&fx, &f);
	/* One event a second, a burst of 3: of runs drops in well under a
	 * second, 3 pass and the rest are held back. */
	sock = monitor_start(&fx, 1, 3);
	if (sock >= 0) {
		struct __sk_buff ctx = { .ifindex = fx.env.dev[C1].ifindex };
		LIBBPF_OPTS(bpf_test_run_opts, opts, .data_in = f.data,
			    .data_size_in = (uint32_t)f.len, .ctx_in = &ctx,
			    .ctx_size_in = sizeof(ctx), .repeat = runs);

		if (ASSERT_OK(bpf_prog_test_run_opts(fx.sw.prog_fd, &opts) ? -errno : 0,
			      "test run") &&
		    ASSERT_OK(drain(&fx, &s), "ring buffer")) {
			b = budget(&fx);
			ASSERT_EQ(s.n, 3, "the burst reaches the ring buffer");
			ASSERT_EQ(b.emitted, 3, "emitted");
			ASSERT_EQ(b.limited, runs - 3, "the rest counted as held back");
			ASSERT_EQ(b.lost, 0, "none lost");
		}
		close(sock);
	}
	/* No limit to speak of, nobody reading: the ring buffer fills, and
	 * what finds no room is counted as lost. */
	sock = monitor_start(&fx, 1000000000, 1000000);
	if (sock >= 0) {
		struct __sk_buff ctx = { .ifindex = fx.env.dev[C1].ifindex };
		LIBBPF_OPTS(bpf_test_run_opts, opts, .data_in = f.data,
			    .data_size_in = (uint32_t)f.len, .ctx_in = &ctx,
			    .ctx_size_in = sizeof(ctx), .repeat = runs);
		struct bpfbr_mon_budget before = budget(&fx);

		if (ASSERT_OK(bpf_prog_test_run_opts(fx.sw.prog_fd, &opts) ? -errno : 0,
			      "test run")) {
			b = budget(&fx);
			ASSERT_TRUE(b.lost - before.lost > 0, "a full ring buffer counts its loss");
			ASSERT_EQ(b.emitted - before.emitted + b.lost - before.lost + b.limited -
					  before.limited,
				  runs, "every drop emitted, held back or lost");
			ASSERT_TRUE(b.emitted - before.emitted <=
					    BPFBR_MON_RING_BYTES / sizeof(struct bpfbr_mon_event),
				    "no more than the ring buffer holds");
		}
		close(sock);
	}
	fx_teardown(&fx);
}

static void expect_trace(struct fx *fx, const struct seen *s, uint8_t verdict, uint32_t out,
			 const char *what)
{
	if (!ASSERT_EQ(s->n, 1, what))
		return;
	ASSERT_EQ(s->ev[0].type, BPFBR_MON_TRACE, what);
	ASSERT_EQ(s->ev[0].verdict, verdict, what);
	ASSERT_EQ(s->ev[0].out_ifindex, out, what);
	ASSERT_EQ(s->ev[0].slot, C1, what);
	ASSERT_EQ(s->ev[0].ifindex, fx->env.dev[C1].ifindex, what);
}

TEST(monitor_trace_events)
{
	const uint32_t runs = 1000;
	struct sw_run r;
	struct seen s;
	struct frame f;
	struct fx fx;
	int sock;

	if (!fx_setup(&fx, 3, 3, BPFBR_NET_SPOOFCHK))
		return;
	/* Drop events only: a forwarded frame says nothing. */
	sock = monitor_start(&fx, 1000000, 1000);
	frame_icmp_echo(&f, fx.port[C2].mac, fx.port[C1].mac, fx.port[C1].ipv4, fx.port[C2].ipv4,
			1);
	if (sock >= 0 && fx_run(&fx, C1, &f, &r) && ASSERT_OK(drain(&fx, &s), "ring buffer"))
		ASSERT_EQ(s.n, 0, "no trace event when only drops are asked for");
	if (sock >= 0)
		close(sock);
	sock = monitor_start_types(&fx, BPFBR_MON_TYPE_BIT(BPFBR_MON_TRACE), 1, 1000000, 1000);
	if (sock < 0)
		goto out;
	if (fx_run(&fx, C1, &f, &r) && ASSERT_OK(drain(&fx, &s), "ring buffer"))
		expect_trace(&fx, &s, BPFBR_MON_FORWARDED, fx.env.dev[C2].ifindex,
			     "unicast to C2: forwarded");
	frame_arp_request(&f, fx.port[C1].mac, fx.port[C1].ipv4, fx.port[C2].ipv4);
	if (fx_run(&fx, C1, &f, &r) && ASSERT_OK(drain(&fx, &s), "ring buffer"))
		expect_trace(&fx, &s, BPFBR_MON_FLOODED, 0, "ARP request: flooded");
	frame_eth(&f, fx.port[GW].mac, fx.port[C1].mac, 0x88b5);
	frame_put(&f, "payload of an unknown ethertype", 31);
	if (fx_run(&fx, C1, &f, &r) && ASSERT_OK(drain(&fx, &s), "ring buffer"))
		expect_trace(&fx, &s, BPFBR_MON_TO_NODE, fx.env.dev[GW].ifindex,
			     "a frame for the gateway's MAC: to the node");
	close(sock);
	/* One packet in 2: about half of runs, never all, never none. */
	sock = monitor_start_types(&fx, BPFBR_MON_TYPE_BIT(BPFBR_MON_TRACE), 2, 1000000000,
				   1000000);
	if (sock >= 0) {
		struct __sk_buff ctx = { .ifindex = fx.env.dev[C1].ifindex };
		LIBBPF_OPTS(bpf_test_run_opts, opts, .data_in = f.data,
			    .data_size_in = (uint32_t)f.len, .ctx_in = &ctx,
			    .ctx_size_in = sizeof(ctx), .repeat = runs);
		struct bpfbr_mon_budget before = budget(&fx), after;

		if (ASSERT_OK(bpf_prog_test_run_opts(fx.sw.prog_fd, &opts) ? -errno : 0,
			      "test run")) {
			after = budget(&fx);
			ASSERT_TRUE(after.emitted - before.emitted > runs * 35 / 100 &&
					    after.emitted - before.emitted < runs * 65 / 100,
				    "--sample 2 traces about half of the packets");
			ASSERT_EQ(after.lost - before.lost, 0, "none lost");
		}
		close(sock);
	}
out:
	fx_teardown(&fx);
}

/* A million drops while a monitor runs at its default rate: every one is
 * counted (emitted, held back or lost), the ring buffer never holds more
 * than it can, and the switch still forwards. Inside a VM (emulated, about
 * 20 times slower) 50 000 show the same on that kernel. */
TEST(monitor_flood_of_drops)
{
	const uint32_t runs = getenv("BPFBR_VMTEST_GUEST") ? 50000 : 1000000;
	struct bpfbr_mon_budget before, after;
	struct sw_run r;
	struct seen s;
	struct frame f;
	struct fx fx;
	int sock;

	if (!fx_setup(&fx, 3, 3, BPFBR_NET_SPOOFCHK))
		return;
	spoofed(&fx, &f);
	sock = monitor_start_types(
		&fx, BPFBR_MON_TYPE_BIT(BPFBR_MON_DROP) | BPFBR_MON_TYPE_BIT(BPFBR_MON_TRACE), 1,
		1000, 1000);
	if (sock >= 0) {
		struct __sk_buff ctx = { .ifindex = fx.env.dev[C1].ifindex };
		LIBBPF_OPTS(bpf_test_run_opts, opts, .data_in = f.data,
			    .data_size_in = (uint32_t)f.len, .ctx_in = &ctx,
			    .ctx_size_in = sizeof(ctx), .repeat = runs);

		before = budget(&fx);
		if (ASSERT_OK(bpf_prog_test_run_opts(fx.sw.prog_fd, &opts) ? -errno : 0,
			      "the spoofed frames")) {
			after = budget(&fx);
			ASSERT_EQ(opts.retval, TC_ACT_SHOT, "dropped");
			ASSERT_EQ(after.emitted - before.emitted + after.limited - before.limited +
					  after.lost - before.lost,
				  runs, "every drop emitted, held back or lost");
			ASSERT_TRUE(after.limited - before.limited > runs / 2,
				    "the rate limit held most of them back");
			ASSERT_TRUE(after.emitted - before.emitted <=
					    BPFBR_MON_RING_BYTES / sizeof(struct bpfbr_mon_event),
				    "no more than the ring buffer holds");
		}
		if (ASSERT_OK(drain(&fx, &s), "ring buffer") && s.n > 0)
			ASSERT_EQ(s.ev[0].reason, BPFBR_DROP_MAC_SPOOF, "the events are the drops");
		/* The switch forwards on, the monitor still attached. */
		frame_icmp_echo(&f, fx.port[C2].mac, fx.port[C1].mac, fx.port[C1].ipv4,
				fx.port[C2].ipv4, 2);
		if (fx_run(&fx, C1, &f, &r)) {
			ASSERT_EQ(r.verdict, TC_ACT_REDIRECT, "a frame to C2 after the flood");
			ASSERT_EQ(r.trace.n, 1, "one redirect");
			ASSERT_EQ(r.trace.ifindex[0], fx.env.dev[C2].ifindex, "to C2");
		}
		close(sock);
	}
	fx_teardown(&fx);
}
