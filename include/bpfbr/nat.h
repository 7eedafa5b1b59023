/* SPDX-License-Identifier: GPL-2.0-only OR BSD-2-Clause */
/*
 * Masquerade state of one uplink, shared by every network that masquerades
 * through it (they share its address, so they share its port space).
 * Pins under PINS/uplinks/IFNAME/:
 *   "config"    one struct bpfbr_uplink_cfg
 *   "endpoints" container address -> struct bpfbr_endpoint
 *   "flows"     slot -> struct bpfbr_flow (the table: --nat-max slots)
 *   "free"      queue of free flow slots
 *   "nat_out"   struct bpfbr_nat_key (inside tuple)  -> slot
 *   "nat_in"    struct bpfbr_nat_key (outside tuple) -> slot
 *   "frag_flows" struct bpfbr_frag_key -> struct bpfbr_nat_frag (non-first fragments)
 *   "flow_seq"  slot -> __u32, the remote's next TCP sequence number seen (0: none)
 *   "flow_stats" slot -> struct bpfbr_flow_stats, the flow's packets and bytes
 *   "counters"  per-CPU, indexed by enum bpfbr_drop / enum bpfbr_event
 *   "gc"        the sweeper's timer and cursor
 *   "nomasq"    destinations never masqueraded (nomasq.h)
 */
#ifndef BPFBR_NAT_H
#define BPFBR_NAT_H

#include "frag.h"
#include "types.h"
#ifndef __VMLINUX_H__
#include <linux/bpf.h> /* struct bpf_timer */
#endif

#define BPFBR_NAT_FLOWS_MAX (1u << 22)

/* Idle timeouts (s). TCP follows RFC 5382 (established >= 2 h 4 min,
 * transitory 4 min); UDP RFC 4787 (>= 2 min); ICMP as conntrack. */
#define BPFBR_NAT_TCP_EST_S   7440
#define BPFBR_NAT_TCP_TRANS_S 240
#define BPFBR_NAT_UDP_S	      120
#define BPFBR_NAT_ICMP_S      30

/* A direction of a flow: addresses and ports in network order. For ICMP echo
 * the identifier is the "port" on our side and the remote port is 0. */
struct bpfbr_nat_key {
	__u32 addr;  /* inside: container address; outside: remote address */
	__u32 raddr; /* inside: remote address; outside: 0 */
	__u16 port;  /* inside: container port; outside: remote port */
	__u16 rport; /* inside: remote port; outside: our port on the uplink */
	__u8 proto;  /* IPPROTO_TCP, IPPROTO_UDP, IPPROTO_ICMP */
	__u8 pad[3];
};
BPFBR_STATIC_ASSERT(sizeof(struct bpfbr_nat_key) == 16, "nat key layout");

enum bpfbr_flow_state {
	BPFBR_FLOW_FREE = 0,
	BPFBR_FLOW_NEW,		/* sent, no reply yet (TCP: SYN sent) */
	BPFBR_FLOW_ESTABLISHED, /* replies seen */
	BPFBR_FLOW_CLOSING,	/* TCP FIN or RST seen */
};

enum bpfbr_flow_flags {
	/* A connection of the node itself whose port had to change because a
	 * container flow holds the same outside tuple (conntrack does the same). */
	BPFBR_FLOW_HOST = 1 << 0,
	/* Opened from outside to a published port (publish.h): the outside port
	 * is the host port, the remote the client. */
	BPFBR_FLOW_PUBLISHED = 1 << 1,
	/* An IPv6 flow (NAT66): iaddr and raddr are 0, its addresses are in
	 * "flows6" (nat6.h), its keys in "nat_out6" and "nat_in6". */
	BPFBR_FLOW_IPV6 = 1 << 2,
};

struct bpfbr_flow {
	__u32 in_use;  /* 1 while the slot is owned; flipped atomically */
	__u32 ifindex; /* the container's port (redirect target for replies) */
	__u32 iaddr;   /* inside address */
	__u32 raddr;   /* remote address */
	__u16 iport;   /* inside port / ICMP id */
	__u16 rport;   /* remote port (0 for ICMP) */
	__u16 oport;   /* outside port / ICMP id on the uplink */
	__u8 proto;
	__u8 state;	/* enum bpfbr_flow_state */
	__u8 mac[6];	/* the container's MAC */
	__u8 gw_mac[6]; /* its gateway's MAC: source of frames we deliver */
	__u16 net;	/* network index */
	__u8 flags;	/* enum bpfbr_flow_flags */
	__u8 pad;
	__u64 created_ns; /* bpf_ktime_get_ns() */
	__u64 seen_ns;	  /* last packet, either direction */
};
BPFBR_STATIC_ASSERT(sizeof(struct bpfbr_flow) == 56, "flow layout");

struct bpfbr_endpoint {
	__u32 ifindex;	 /* the container's port device */
	__u32 max_flows; /* its share of the table */
	__u32 flows;	 /* flows it holds now (atomic) */
	__u16 net;	 /* network index */
	__u8 mac[6];
	__u8 gw_mac[6];
	__u16 pad;
};
BPFBR_STATIC_ASSERT(sizeof(struct bpfbr_endpoint) == 28, "endpoint layout");

struct bpfbr_uplink_cfg {
	__u32 ifindex;
	__u32 addr;    /* the uplink's address, the masquerade source */
	__u32 nat_max; /* flow slots */
	__u16 port_lo; /* range for ports that cannot be kept (host order) */
	__u16 port_hi;
	__u32 flows; /* flows in the table now (atomic) */
	__u32 pad;
};
BPFBR_STATIC_ASSERT(sizeof(struct bpfbr_uplink_cfg) == 24, "uplink config layout");

/*
 * A flow's traffic, each way: frames (Ethernet header included) that were
 * translated; later fragments and ICMP errors about the flow are not
 * counted. The counts belong to the flow whose created_ns is flow_ns (the
 * slot's flow when they were reset; a flow an older build made has none).
 */
struct bpfbr_flow_stats {
	__u64 flow_ns;
	__u64 out_packets; /* from the container (or the node) to the remote */
	__u64 out_bytes;
	__u64 in_packets; /* replies */
	__u64 in_bytes;
};
BPFBR_STATIC_ASSERT(sizeof(struct bpfbr_flow_stats) == 40, "flow stats layout");

/*
 * Map "frag_flows" (was "frags", whose value had the slot only): the
 * translation of a fragmented datagram, remembered from its first fragment
 * for the fragments after it (frag.h). Tied to the flow (a slot is reused),
 * forgotten when every byte of the datagram passed, after the node's
 * reassembly time, or when a first fragment of another datagram takes the
 * same identity.
 */
struct bpfbr_nat_frag {
	__u64 flow_ns;	/* created_ns of the flow it was made for */
	__u64 first_ns; /* bpf_ktime_get_ns() of the first fragment */
	__u32 slot;	/* the flow */
	__u32 bytes;	/* payload bytes of the datagram seen so far (atomic) */
	__u32 total;	/* its whole payload, known from its last fragment; 0 until then */
	__u32 pad;
};
BPFBR_STATIC_ASSERT(sizeof(struct bpfbr_nat_frag) == 32, "nat frag layout");

/* Sweeper state: "gc" map, one entry. The timer is armed once by the agent. */
struct bpfbr_nat_gc {
	struct bpf_timer timer;
	__u32 cursor; /* next slot to look at */
	__u32 pad;
};

/* What a sweep run through BPF_PROG_TEST_RUN should reclaim (packet data). */
struct bpfbr_sweep_req {
	__u8 hdr[14]; /* ignored: room for the Ethernet header test_run wants */
	__u16 mode;   /* enum bpfbr_sweep_mode */
	__u32 addr;   /* ENDPOINT: the endpoint's address; NET: the network's index */
	__u32 pad;
};

enum bpfbr_sweep_mode {
	BPFBR_SWEEP_ARM = 1,	  /* start the periodic sweeper */
	BPFBR_SWEEP_EXPIRED = 2,  /* reclaim expired flows now */
	BPFBR_SWEEP_ENDPOINT = 3, /* reclaim every flow of one endpoint */
	BPFBR_SWEEP_ALL = 4,	  /* reclaim every flow */
	BPFBR_SWEEP_NET = 5,	  /* reclaim every flow of one network (addr: its index) */
	BPFBR_SWEEP_PORT = 6,	  /* reclaim every flow of one container port (addr: its ifindex) */
};

#endif
