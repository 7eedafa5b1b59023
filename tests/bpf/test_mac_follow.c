// SPDX-License-Identifier: GPL-2.0-only OR BSD-2-Clause
/*
 * bpf/follow.bpf.c: a container's interface given another MAC (what CNI
 * tuning's "mac" does after bpfbr's ADD, or the container itself with
 * NET_ADMIN) makes its port take it, as a bridge does: the static fdb entry
 * moves, the port's MAC and the masquerade endpoint's and flows' follow, and
 * the container's frames from its new MAC pass the switch. A MAC that is
 * another port's (a container's, the gateway's) is refused and changes
 * nothing. The program runs in the kernel at eth_mac_addr's return, so
 * these tests change real veth MACs (BPF_PROG_TEST_RUN cannot run fexit).
 */
#include <net/if.h>
#include <stdio.h>
#include <string.h>
#include <sys/ioctl.h>
#include <sys/socket.h>
#include <unistd.h>
#include <bpf/bpf.h>
#include <bpf/libbpf.h>
#include <linux/if_arp.h>

#include "bpfbr/follow.h"
#include "bpfbr/nat.h"
#include "expect.h"
#include "fixture.h"
#include "harness.h"
#include "follow.skel.h"

#ifndef SO_NETNS_COOKIE
#define SO_NETNS_COOKIE 71
#endif

#define FLOWS 8

/* The follow program on fx's maps, attached; its own endpoints and flows. */
struct mf {
	struct fx fx;
	struct follow_bpf *skel;
	struct bpf_link *link;
	int ifaces_fd, endpoints_fd, flows_fd;
};

static void mf_teardown(struct mf *m)
{
	bpf_link__destroy(m->link);
	follow_bpf__destroy(m->skel);
	fx_teardown(&m->fx);
}

static bool mf_setup(struct mf *m)
{
	int err;

	memset(m, 0, sizeof(*m));
	if (!fx_setup(&m->fx, 4, 4, BPFBR_NET_SPOOFCHK))
		return false;
	m->skel = follow_bpf__open();
	if (!ASSERT_TRUE(m->skel, "open the follow object"))
		goto fx;
	err = bpf_map__reuse_fd(m->skel->maps.bpfbr_ports, m->fx.sw.ports_fd) ?:
	      bpf_map__reuse_fd(m->skel->maps.bpfbr_fdb, m->fx.sw.fdb_fd) ?:
	      bpf_map__reuse_fd(m->skel->maps.bpfbr_counters, m->fx.sw.counters_fd) ?:
	      bpf_map__set_max_entries(m->skel->maps.nat_flows, FLOWS);
	if (!ASSERT_OK(err, "the switch's maps for the follow program"))
		goto skel;
	err = follow_bpf__load(m->skel);
	if (err) {
		test_skip("the kernel refuses a tracing program (fexit) on eth_mac_addr: %s "
			  "(bpfbr networks run without following here)",
			  strerror(-err));
		goto skel;
	}
	m->link = bpf_program__attach_trace(m->skel->progs.bpfbr_mac_follow);
	err = libbpf_get_error(m->link);
	if (err) {
		m->link = NULL;
		test_skip("the kernel refuses to attach a tracing program (fexit) to "
			  "eth_mac_addr: %s",
			  strerror(-err));
		goto skel;
	}
	m->ifaces_fd = bpf_map__fd(m->skel->maps.bpfbr_container_ifaces);
	m->endpoints_fd = bpf_map__fd(m->skel->maps.nat_endpoints);
	m->flows_fd = bpf_map__fd(m->skel->maps.nat_flows);
	return true;
skel:
	follow_bpf__destroy(m->skel);
	m->skel = NULL;
fx:
	fx_teardown(&m->fx);
	return false;
}

static uint64_t netns_cookie(void)
{
	uint64_t cookie = 0;
	socklen_t len = sizeof(cookie);
	int fd = socket(AF_INET, SOCK_DGRAM | SOCK_CLOEXEC, 0);

	if (fd >= 0) {
		getsockopt(fd, SOL_SOCKET, SO_NETNS_COOKIE, &cookie, &len);
		close(fd);
	}
	return cookie;
}

/* Endpoint i (its be<i>, the container's end) belongs to port i, as attach registers it. */
static bool mf_register(struct mf *m, int i)
{
	struct bpfbr_iface_key k = { .netns_cookie = netns_cookie(),
				     .ifindex = m->fx.env.dev[i].peer_ifindex };
	uint32_t port = m->fx.env.dev[i].ifindex;

	return ASSERT_NEQ(k.netns_cookie, 0, "the namespace's cookie") &&
	       ASSERT_OK(bpf_map_update_elem(m->ifaces_fd, &k, &port, BPF_ANY),
			 "register a container interface");
}

/* ip link set be<i> address mac: 0 or -errno. */
static int set_mac(struct mf *m, int i, const uint8_t mac[6])
{
	struct ifreq ifr = {};
	int fd, err = 0;

	fd = socket(AF_INET, SOCK_DGRAM | SOCK_CLOEXEC, 0);
	if (fd < 0)
		return -errno;
	snprintf(ifr.ifr_name, sizeof(ifr.ifr_name), "%s", m->fx.env.dev[i].peer_name);
	ifr.ifr_hwaddr.sa_family = ARPHRD_ETHER;
	memcpy(ifr.ifr_hwaddr.sa_data, mac, 6);
	if (ioctl(fd, SIOCSIFHWADDR, &ifr) < 0)
		err = -errno;
	close(fd);
	return err;
}

static void counters(struct mf *m, uint64_t out[BPFBR_COUNTER_MAX])
{
	sw_counters(&m->fx.sw, out);
}

static bool port_mac_is(struct mf *m, int i, const uint8_t mac[6], const char *what)
{
	struct bpfbr_port p;
	uint32_t key = m->fx.env.dev[i].ifindex;

	return ASSERT_OK(bpf_map_lookup_elem(m->fx.sw.ports_fd, &key, &p), what) &&
	       ASSERT_MEMEQ(p.mac, mac, 6, what);
}

static bool static_on(struct mf *m, const uint8_t mac[6], int i, const char *what)
{
	struct bpfbr_fdb_entry e;

	return ASSERT_OK(sw_fdb_get(&m->fx.sw, mac, &e), what) &&
	       ASSERT_EQ(e.ifindex, m->fx.env.dev[i].ifindex, what) && ASSERT_EQ(e.slot, i, what) &&
	       ASSERT_EQ(e.flags, BPFBR_FDB_STATIC, what);
}

TEST(mac_follow_moves_the_port)
{
	const uint8_t fresh[6] = { 0x02, 0xdd, 0, 0, 0, 1 };
	uint64_t before[BPFBR_COUNTER_MAX], after[BPFBR_COUNTER_MAX];
	struct bpfbr_endpoint ep = { .max_flows = FLOWS, .flows = 1, .net = 1 };
	struct bpfbr_flow fl = { .in_use = 1, .proto = 17 }, other, got;
	struct bpfbr_fdb_entry e;
	uint32_t addr, slot = 3, slot2 = 4;
	uint8_t old[6];
	struct sw_run r;
	struct frame f;
	struct mf m;

	if (!mf_setup(&m))
		return;
	memcpy(old, m.fx.port[C1].mac, 6);
	/* C1 masquerades and holds a flow; C2 holds one too. */
	addr = m.fx.port[C1].ipv4;
	ep.ifindex = m.fx.env.dev[C1].ifindex;
	memcpy(ep.mac, old, 6);
	fl.ifindex = ep.ifindex;
	fl.iaddr = addr;
	memcpy(fl.mac, old, 6);
	other = fl;
	other.ifindex = m.fx.env.dev[C2].ifindex;
	other.iaddr = m.fx.port[C2].ipv4;
	memcpy(other.mac, m.fx.port[C2].mac, 6);
	if (!mf_register(&m, C1) ||
	    !ASSERT_OK(bpf_map_update_elem(m.endpoints_fd, &addr, &ep, BPF_ANY), "endpoint") ||
	    !ASSERT_OK(bpf_map_update_elem(m.flows_fd, &slot, &fl, BPF_ANY), "C1's flow") ||
	    !ASSERT_OK(bpf_map_update_elem(m.flows_fd, &slot2, &other, BPF_ANY), "C2's flow"))
		goto out;
	counters(&m, before);
	if (!ASSERT_OK(set_mac(&m, C1, fresh), "ip link set be1 address 02:dd:00:00:00:01"))
		goto out;
	counters(&m, after);
	ASSERT_EQ(after[BPFBR_EV_MAC_FOLLOWED] - before[BPFBR_EV_MAC_FOLLOWED], 1,
		  "event mac_followed +1");
	ASSERT_EQ(after[BPFBR_EV_MAC_REFUSED] - before[BPFBR_EV_MAC_REFUSED], 0, "nothing refused");
	port_mac_is(&m, C1, fresh, "ports[bp1].mac is the new MAC");
	static_on(&m, fresh, C1, "the static entry moved to the new MAC");
	ASSERT_EQ(sw_fdb_get(&m.fx.sw, old, &e), -ENOENT, "the old MAC has no entry left");
	if (ASSERT_OK(bpf_map_lookup_elem(m.endpoints_fd, &addr, &ep), "endpoint after"))
		ASSERT_MEMEQ(ep.mac, fresh, 6, "replies through the masquerade go to the new MAC");
	if (ASSERT_OK(bpf_map_lookup_elem(m.flows_fd, &slot, &got), "C1's flow after"))
		ASSERT_MEMEQ(got.mac, fresh, 6, "C1's open flow delivers to the new MAC");
	if (ASSERT_OK(bpf_map_lookup_elem(m.flows_fd, &slot2, &got), "C2's flow after"))
		ASSERT_MEMEQ(got.mac, m.fx.port[C2].mac, 6, "C2's flow is left alone");

	/* The switch takes C1's frames from its new MAC and delivers to it. */
	frame_icmp_echo(&f, m.fx.port[C2].mac, fresh, m.fx.port[C1].ipv4, m.fx.port[C2].ipv4, 1);
	if (fx_run(&m.fx, C1, &f, &r))
		expect_deliver(&m.fx.env, &r, &f, C2, BPFBR_TRACE_PEER, "from the new MAC");
	frame_icmp_echo(&f, fresh, m.fx.port[C2].mac, m.fx.port[C2].ipv4, m.fx.port[C1].ipv4, 2);
	if (fx_run(&m.fx, C2, &f, &r))
		expect_deliver(&m.fx.env, &r, &f, C1, BPFBR_TRACE_PEER, "to the new MAC");
	frame_icmp_echo(&f, m.fx.port[C2].mac, old, m.fx.port[C1].ipv4, m.fx.port[C2].ipv4, 3);
	if (fx_run(&m.fx, C1, &f, &r))
		expect_drop(&m.fx.env, &r, &f, BPFBR_DROP_MAC_SPOOF, "from the old MAC");

	/* And back: the same again, an entry per change. */
	counters(&m, before);
	if (ASSERT_OK(set_mac(&m, C1, old), "back to the old MAC")) {
		counters(&m, after);
		ASSERT_EQ(after[BPFBR_EV_MAC_FOLLOWED] - before[BPFBR_EV_MAC_FOLLOWED], 1,
			  "event mac_followed +1 again");
		port_mac_is(&m, C1, old, "ports[bp1].mac is the old MAC again");
		static_on(&m, old, C1, "the static entry is back on the old MAC");
		ASSERT_EQ(sw_fdb_get(&m.fx.sw, fresh, &e), -ENOENT, "the new MAC's entry went");
	}
out:
	mf_teardown(&m);
}

/* A container taking another port's MAC (with NET_ADMIN in its namespace it
 * may set any): the port keeps its own, the owner keeps its entry, and the
 * container's frames from the taken MAC stay refused. */
TEST(mac_follow_refuses_another_ports_mac)
{
	static const struct {
		const char *name;
		int owner;
	} cases[] = {
		{ "container 2's MAC", C2 },
		{ "the gateway's MAC", GW },
	};
	uint64_t before[BPFBR_COUNTER_MAX], after[BPFBR_COUNTER_MAX];
	struct sw_run r;
	struct frame f;
	struct mf m;

	if (!mf_setup(&m))
		return;
	if (!mf_register(&m, C1))
		goto out;
	for (size_t i = 0; i < sizeof(cases) / sizeof(cases[0]); i++) {
		const struct bpfbr_port *owner = &m.fx.port[cases[i].owner];

		counters(&m, before);
		if (!ASSERT_OK(set_mac(&m, C1, owner->mac), cases[i].name))
			continue;
		counters(&m, after);
		ASSERT_EQ(after[BPFBR_EV_MAC_REFUSED] - before[BPFBR_EV_MAC_REFUSED], 1,
			  "event mac_follow_refused +1");
		ASSERT_EQ(after[BPFBR_EV_MAC_FOLLOWED] - before[BPFBR_EV_MAC_FOLLOWED], 0,
			  "not followed");
		port_mac_is(&m, C1, m.fx.port[C1].mac, "container 1's port keeps its MAC");
		static_on(&m, owner->mac, cases[i].owner, "the owner keeps its static entry");
		static_on(&m, m.fx.port[C1].mac, C1, "container 1 keeps its own");
		frame_arp_request(&f, owner->mac, m.fx.port[C1].ipv4, m.fx.port[C3].ipv4);
		if (fx_run(&m.fx, C1, &f, &r))
			expect_drop(&m.fx.env, &r, &f, BPFBR_DROP_MAC_SPOOF,
				    "a frame from the taken MAC");
	}
	/* A multicast MAC never reaches the program: the kernel refuses it. */
	ASSERT_EQ(set_mac(&m, C1, (const uint8_t[6]){ 0x03, 0, 0, 0, 0, 1 }), -EADDRNOTAVAIL,
		  "a multicast MAC is refused by the kernel");
out:
	mf_teardown(&m);
}

/* Interfaces the table does not name are not the program's business. */
TEST(mac_follow_ignores_unknown_interfaces)
{
	const uint8_t fresh[6] = { 0x02, 0xdd, 0, 0, 0, 3 };
	uint64_t before[BPFBR_COUNTER_MAX], after[BPFBR_COUNTER_MAX];
	struct mf m;

	if (!mf_setup(&m))
		return;
	if (!mf_register(&m, C1))
		goto out;
	counters(&m, before);
	if (ASSERT_OK(set_mac(&m, C3, fresh), "ip link set be3 address 02:dd:00:00:00:03")) {
		counters(&m, after);
		ASSERT_EQ(after[BPFBR_EV_MAC_FOLLOWED] - before[BPFBR_EV_MAC_FOLLOWED], 0,
			  "nothing followed");
		ASSERT_EQ(after[BPFBR_EV_MAC_REFUSED] - before[BPFBR_EV_MAC_REFUSED], 0,
			  "nothing refused");
		port_mac_is(&m, C3, m.fx.port[C3].mac, "port 3 keeps its MAC");
	}
out:
	mf_teardown(&m);
}
