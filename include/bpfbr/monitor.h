/* SPDX-License-Identifier: GPL-2.0-only OR BSD-2-Clause */
/*
 * Monitor events: what `bpfbr monitor` reads from the datapath. Each network's
 * switch and each uplink's masquerade pin four maps of their own:
 *   "monitor_events"   ring buffer of struct bpfbr_mon_event
 *   "monitor_consumer" sockmap, one slot: the running monitor's socket. The
 *                      kernel empties the slot when the socket closes, so the
 *                      datapath stops emitting the moment the monitor exits,
 *                      however it exits (SIGKILL too).
 *   "monitor_config"   one struct bpfbr_mon_config, read only while a monitor runs
 *   "monitor_budget"   per CPU struct bpfbr_mon_budget: the rate limit and what
 *                      was emitted, limited and lost
 * Nobody monitoring costs a packet one lookup (the config, an array the
 * verifier inlines, whose types are 0); a monitor killed outright leaves its
 * types there, and then the consumer slot's lookup finds it empty.
 */
#ifndef BPFBR_MONITOR_H
#define BPFBR_MONITOR_H

#include "types.h"

#define BPFBR_MON_CAPTURE    128	  /* bytes of the packet an event carries */
#define BPFBR_MON_RING_BYTES (256 * 1024) /* the ring buffer's size */
#define BPFBR_MON_NO_SLOT    0xffff

enum bpfbr_mon_type {
	BPFBR_MON_DROP = 1,  /* a packet (or a flood's copy) dropped, with its reason */
	BPFBR_MON_TRACE = 2, /* a switching decision: forwarded, flooded, routed, to the node */
	BPFBR_MON_NAT = 3,   /* a translation was created (the packet as it was before) */
};

/* bpfbr_mon_config.types: which events to emit. */
#define BPFBR_MON_TYPE_BIT(t) (1u << (t))

/* Where the program that emitted the event runs. */
enum bpfbr_mon_hook {
	BPFBR_MON_HOOK_PORT_TC = 1,    /* a port's TC ingress (bpfbr_port_in) */
	BPFBR_MON_HOOK_PORT_XDP = 2,   /* a port's XDP (bpfbr_port_xdp) */
	BPFBR_MON_HOOK_UPLINK_OUT = 3, /* the uplink's TC egress (masquerade) */
	BPFBR_MON_HOOK_UPLINK_IN = 4,  /* the uplink's TC ingress (replies) */
};

/* What became of the packet. */
enum bpfbr_mon_verdict {
	BPFBR_MON_DROPPED = 1,	    /* the packet was dropped */
	BPFBR_MON_COPY_DROPPED = 2, /* a flood's copy was left out; the frame went on */
	BPFBR_MON_FORWARDED = 3,    /* sent to one container's port (out_ifindex) */
	BPFBR_MON_FLOODED = 4,	    /* sent to every other port */
	BPFBR_MON_ROUTED = 5,	    /* routed to the uplink by the fast path (out_ifindex) */
	BPFBR_MON_TO_NODE = 6,	    /* sent to the node through the gateway port (out_ifindex) */
	BPFBR_MON_NAT_NEW = 7,	    /* a translation made: leaves as nat_addr:nat_port */
};

struct bpfbr_mon_event {
	__u64 time_ns;	   /* bpf_ktime_get_ns() (CLOCK_MONOTONIC) */
	__u32 ifindex;	   /* the device the packet came in on (the uplink's: going out) */
	__u32 pkt_len;	   /* the packet's whole length */
	__u16 slot;	   /* the ingress port's slot, BPFBR_MON_NO_SLOT when none */
	__u16 cap_len;	   /* bytes of data[] filled */
	__u8 type;	   /* enum bpfbr_mon_type */
	__u8 reason;	   /* enum bpfbr_drop */
	__u8 hook;	   /* enum bpfbr_mon_hook */
	__u8 verdict;	   /* enum bpfbr_mon_verdict */
	__u32 out_ifindex; /* where a trace event's packet went; 0 for a drop or a flood */
	__u32 nat_addr;	   /* a nat event's outside address (network order) */
	__u16 nat_port;	   /* and port, or ICMP echo id (network order) */
	__u16 pad;
	__u32 pad2;
	__u8 data[BPFBR_MON_CAPTURE];
};
BPFBR_STATIC_ASSERT(sizeof(struct bpfbr_mon_event) == 168, "monitor event layout");

/*
 * A token bucket per CPU, counted in nanoseconds of credit: each event costs
 * cost_ns (10^9 / the rate), credit grows with time up to burst_ns.
 */
struct bpfbr_mon_config {
	__u32 types;  /* BPFBR_MON_TYPE_BIT of each type to emit */
	__u32 sample; /* trace events for one packet in sample (0 and 1: every packet) */
	__u64 cost_ns;
	__u64 burst_ns;
};
BPFBR_STATIC_ASSERT(sizeof(struct bpfbr_mon_config) == 24, "monitor config layout");

struct bpfbr_mon_budget {
	__u64 credit_ns;
	__u64 last_ns;
	__u64 emitted; /* events handed to the ring buffer */
	__u64 limited; /* events the rate limit held back */
	__u64 lost;    /* events the full ring buffer had no room for */
};
BPFBR_STATIC_ASSERT(sizeof(struct bpfbr_mon_budget) == 40, "monitor budget layout");

#endif
