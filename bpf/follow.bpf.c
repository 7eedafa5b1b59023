// SPDX-License-Identifier: GPL-2.0-only OR BSD-2-Clause
/*
 * Following a container's MAC. A plugin after bpfbr in a CNI chain (tuning's
 * "mac"), or the container itself, may give the container's interface
 * another MAC; the switch must then take it, as a bridge does, or the
 * container is cut off: its frames fail the anti-spoofing check, frames to
 * its new MAC are unknown, and replies through the masquerade carry the old
 * one. Nothing of bpfbr runs by then, and a TC program cannot read its peer
 * device's MAC (6.1), so the datapath learns of it here: at the return of
 * eth_mac_addr, the ndo_set_mac_address of every veth (unlike the callers
 * above it, the same function on 6.1 to 6.18, never inlined: it is called
 * through the device's ops), once the new address is set.
 *
 * One copy per network, loaded against that network's pinned maps and, when
 * it masquerades, its uplink's endpoints and flows (unpinned stand-ins
 * otherwise). Anti-spoofing does not weaken: the new MAC is taken only if it
 * is unicast and no other port owns it (another container's, the gateway's);
 * otherwise the port keeps its MAC and the container's frames stay refused.
 */
#include "lib/common.h"
#include "lib/eth.h"
#include <bpf/bpf_core_read.h>
#include <bpf/bpf_tracing.h>

#include "bpfbr/fdb.h"
#include "bpfbr/follow.h"
#include "bpfbr/limits.h"
#include "bpfbr/nat.h"
#include "bpfbr/port.h"
#include "bpfbr/stats.h"

char LICENSE[] SEC("license") = "Dual BSD/GPL";

/* The network's maps, as bpf/lib/maps.h declares them (the agent hands in
 * the pinned ones), and the table of its containers' interfaces. */
struct {
	__uint(type, BPF_MAP_TYPE_HASH);
	__uint(max_entries, BPFBR_MAX_PORTS);
	__type(key, __u32);
	__type(value, struct bpfbr_port);
} bpfbr_ports SEC(".maps");

struct {
	__uint(type, BPF_MAP_TYPE_HASH);
	__uint(max_entries, BPFBR_FDB_MAX);
	__type(key, struct bpfbr_fdb_key);
	__type(value, struct bpfbr_fdb_entry);
} bpfbr_fdb SEC(".maps");

struct {
	__uint(type, BPF_MAP_TYPE_PERCPU_ARRAY);
	__uint(max_entries, BPFBR_COUNTER_MAX);
	__type(key, __u32);
	__type(value, __u64);
} bpfbr_counters SEC(".maps");

/* "container_ifaces" (include/bpfbr/follow.h). */
struct {
	__uint(type, BPF_MAP_TYPE_HASH);
	__uint(max_entries, BPFBR_MAX_PORTS);
	__type(key, struct bpfbr_iface_key);
	__type(value, __u32);
} bpfbr_container_ifaces SEC(".maps");

/* The uplink's, as bpf/lib/nat_maps.h declares them (sizes come with them). */
struct {
	__uint(type, BPF_MAP_TYPE_HASH);
	__uint(max_entries, 1);
	__type(key, __u32);
	__type(value, struct bpfbr_endpoint);
} nat_endpoints SEC(".maps");

struct {
	__uint(type, BPF_MAP_TYPE_ARRAY);
	__uint(max_entries, 1);
	__type(key, __u32);
	__type(value, struct bpfbr_flow);
} nat_flows SEC(".maps");

static __always_inline void count(__u32 counter)
{
	__u64 *v = bpf_map_lookup_elem(&bpfbr_counters, &counter);

	if (v)
		*v += 1;
}

/* The container's new MAC may be taken: unicast, and no other port's own. */
static __always_inline bool mac_takeable(const __u8 *mac, __u32 port)
{
	struct bpfbr_fdb_entry *e;
	struct bpfbr_fdb_key k = {};

	if (mac_is_multicast(mac) || mac_is_zero(mac))
		return false;
	__builtin_memcpy(k.mac, mac, BPFBR_ETH_ALEN);
	e = bpf_map_lookup_elem(&bpfbr_fdb, &k);
	return !e || !(e->flags & BPFBR_FDB_STATIC) || e->ifindex == port;
}

struct flow_walk {
	__u32 port;
	__u32 addr;
	__u8 mac[BPFBR_ETH_ALEN];
};

static long flow_follow(struct bpf_map *map, __u32 *slot, struct bpfbr_flow *fl,
			struct flow_walk *w)
{
	(void)map;
	(void)slot;
	if (fl->in_use && fl->ifindex == w->port && fl->iaddr == w->addr)
		__builtin_memcpy(fl->mac, w->mac, BPFBR_ETH_ALEN);
	return 0;
}

/* Replies through the masquerade go to the new MAC: the endpoint's, and the
 * flows it holds now (only then is the table walked). */
static __always_inline void endpoint_follow(const struct bpfbr_port *p, const __u8 *mac)
{
	struct flow_walk w = { .port = p->ifindex, .addr = p->ipv4 };
	struct bpfbr_endpoint *ep;
	__u32 addr = p->ipv4;

	ep = addr ? bpf_map_lookup_elem(&nat_endpoints, &addr) : NULL;
	if (!ep || ep->ifindex != p->ifindex)
		return;
	__builtin_memcpy(ep->mac, mac, BPFBR_ETH_ALEN);
	if (!ep->flows)
		return;
	__builtin_memcpy(w.mac, mac, BPFBR_ETH_ALEN);
	bpf_for_each_map_elem(&nat_flows, flow_follow, &w, 0);
}

/* Moves port's static entry to mac and makes mac the port's. */
static __always_inline void port_follow(__u32 port, const __u8 *mac)
{
	struct bpfbr_fdb_key old = {}, new = {};
	struct bpfbr_fdb_entry e = { .ifindex = port, .flags = BPFBR_FDB_STATIC }, *old_e;
	struct bpfbr_port *p, moved;

	p = bpf_map_lookup_elem(&bpfbr_ports, &port);
	if (!p || p->kind != BPFBR_PORT_CONTAINER || mac_equal(p->mac, mac))
		return;
	if (!mac_takeable(mac, port)) {
		count(BPFBR_EV_MAC_REFUSED);
		return;
	}
	moved = *p;
	__builtin_memcpy(moved.mac, mac, BPFBR_ETH_ALEN);
	__builtin_memcpy(old.mac, p->mac, BPFBR_ETH_ALEN);
	__builtin_memcpy(new.mac, mac, BPFBR_ETH_ALEN);
	e.slot = moved.slot;
	e.port_kind = moved.kind;
	/* Frames to the new MAC find the port before it may send from it. */
	if (bpf_map_update_elem(&bpfbr_fdb, &new, &e, BPF_ANY)) {
		count(BPFBR_EV_FDB_FULL);
		count(BPFBR_EV_MAC_REFUSED);
		return;
	}
	if (bpf_map_update_elem(&bpfbr_ports, &port, &moved, BPF_EXIST)) {
		bpf_map_delete_elem(&bpfbr_fdb, &new);
		count(BPFBR_EV_MAC_REFUSED);
		return;
	}
	old_e = bpf_map_lookup_elem(&bpfbr_fdb, &old);
	if (old_e && old_e->ifindex == port)
		bpf_map_delete_elem(&bpfbr_fdb, &old);
	endpoint_follow(&moved, mac);
	count(BPFBR_EV_MAC_FOLLOWED);
}

SEC("fexit/eth_mac_addr")
int BPF_PROG(bpfbr_mac_follow, struct net_device *dev, void *addr, int ret)
{
	struct bpfbr_iface_key k = {};
	__u8 mac[BPFBR_ETH_ALEN];
	__u32 *port;

	(void)ctx;
	(void)addr;
	if (ret)
		return 0;
	k.netns_cookie = BPF_CORE_READ(dev, nd_net.net, net_cookie);
	k.ifindex = BPF_CORE_READ(dev, ifindex);
	port = bpf_map_lookup_elem(&bpfbr_container_ifaces, &k);
	if (!port)
		return 0;
	if (bpf_probe_read_kernel(mac, sizeof(mac), BPF_CORE_READ(dev, dev_addr)))
		return 0;
	port_follow(*port, mac);
	return 0;
}
