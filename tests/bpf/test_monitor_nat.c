// SPDX-License-Identifier: GPL-2.0-only OR BSD-2-Clause
/*
 * Monitor events of the uplink's masquerade: a translation made is a nat
 * event (the packet before, the outside address and port), once per flow;
 * a packet the masquerade drops is a drop event of the uplink's egress.
 */
#include <errno.h>
#include <stdio.h>
#include <sys/socket.h>
#include <unistd.h>
#include <arpa/inet.h>
#include <bpf/bpf.h>
#include <bpf/libbpf.h>
#include <linux/pkt_cls.h>

#include "bpfbr/monitor.h"
#include "harness.h"
#include "nat_fixture.h"
#include "uplink.skel.h"

#define MAX_SEEN 4

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

static int drain(struct nfx *fx, struct seen *s)
{
	struct ring_buffer *rb;
	int n;

	memset(s, 0, sizeof(*s));
	rb = ring_buffer__new(bpf_map__fd(fx->dp.skel->maps.mon_events), on_event, s, NULL);
	if (!rb)
		return -errno;
	n = ring_buffer__consume(rb);
	ring_buffer__free(rb);
	return n < 0 ? n : 0;
}

/* A monitor of nat and drop events on the uplink: its socket (-1: failed). */
static int monitor_start(struct nfx *fx)
{
	struct bpfbr_mon_config cfg = {
		.types = BPFBR_MON_TYPE_BIT(BPFBR_MON_NAT) | BPFBR_MON_TYPE_BIT(BPFBR_MON_DROP),
		.cost_ns = 1000,
		.burst_ns = 1000000,
	};
	uint32_t zero = 0;
	uint64_t fd;
	int sv[2];

	if (!ASSERT_OK(
		    bpf_map_update_elem(bpf_map__fd(fx->dp.skel->maps.mon_config), &zero, &cfg, 0)
			    ? -errno
			    : 0,
		    "monitor config") ||
	    !ASSERT_OK(socketpair(AF_UNIX, SOCK_DGRAM | SOCK_CLOEXEC, 0, sv) ? -errno : 0,
		       "socketpair"))
		return -1;
	close(sv[1]);
	fd = (uint64_t)sv[0];
	if (!ASSERT_OK(bpf_map_update_elem(bpf_map__fd(fx->dp.skel->maps.mon_consumer), &zero, &fd,
					   BPF_NOEXIST)
			       ? -errno
			       : 0,
		       "the monitor's socket")) {
		close(sv[0]);
		return -1;
	}
	return sv[0];
}

TEST(monitor_nat_events)
{
	struct pkt sent;
	struct nat_run r;
	struct seen s;
	struct frame f;
	struct nfx fx;
	int sock;

	if (!nfx_setup(&fx, NULL))
		return;
	sock = monitor_start(&fx);
	if (sock < 0)
		goto out;
	nfx_sent(&sent, CT1, 17, 5353, server_addr(), 53);
	pkt_frame(&f, &sent);
	if (nfx_out(&fx, &f, &r) && ASSERT_OK(drain(&fx, &s), "ring buffer") &&
	    ASSERT_EQ(s.n, 1, "one event for the new flow")) {
		ASSERT_EQ(s.ev[0].type, BPFBR_MON_NAT, "a nat event");
		ASSERT_EQ(s.ev[0].verdict, BPFBR_MON_NAT_NEW, "a translation made");
		ASSERT_EQ(s.ev[0].hook, BPFBR_MON_HOOK_UPLINK_OUT, "on the uplink's egress");
		ASSERT_EQ(s.ev[0].nat_addr, uplink_addr(), "leaves from the uplink's address");
		ASSERT_EQ(ntohs(s.ev[0].nat_port), 5353, "and the container's port, free outside");
		ASSERT_EQ(s.ev[0].cap_len, f.len, "the whole packet");
		ASSERT_MEMEQ(s.ev[0].data, f.data, f.len, "as the container sent it");
	}
	if (nfx_out(&fx, &f, &r) && ASSERT_OK(drain(&fx, &s), "ring buffer"))
		ASSERT_EQ(s.n, 0, "the flow's next packet makes none");
	/* A container's tagged packet never leaves: a drop of the egress. */
	frame_vlan_push(&f, ETHERTYPE_8021Q, 100);
	if (nfx_out(&fx, &f, &r) && ASSERT_OK(drain(&fx, &s), "ring buffer") &&
	    ASSERT_EQ(s.n, 1, "one event for the drop")) {
		ASSERT_EQ(r.verdict, TC_ACT_SHOT, "dropped");
		ASSERT_EQ(s.ev[0].type, BPFBR_MON_DROP, "a drop event");
		ASSERT_EQ(s.ev[0].reason, BPFBR_DROP_VLAN, "reason vlan");
		ASSERT_EQ(s.ev[0].hook, BPFBR_MON_HOOK_UPLINK_OUT, "on the uplink's egress");
	}
	close(sock);
out:
	nfx_teardown(&fx);
}
