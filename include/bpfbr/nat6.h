/* SPDX-License-Identifier: GPL-2.0-only OR BSD-2-Clause */
/*
 * NAT66: masquerade of IPv6 through an uplink, in the same table as IPv4's
 * (nat.h). An IPv6 flow holds a slot of "flows" like any other (ports,
 * state, timeouts, the endpoint's share, the sweeper), flagged
 * BPFBR_FLOW_IPV6 with its iaddr and raddr 0; its addresses are in
 * "flows6" under the same slot, and its keys in maps of their own.
 * Pins under PINS/uplinks/IFNAME/ beside nat.h's:
 *   "config6"    one struct bpfbr_uplink_cfg6
 *   "endpoints6" container IPv6 address -> struct bpfbr_endpoint
 *   "flows6"     slot -> struct bpfbr_flow6 (sized like "flows")
 *   "nat_out6"   struct bpfbr_nat6_key (inside tuple)  -> slot
 *   "nat_in6"    struct bpfbr_nat6_key (outside tuple) -> slot
 *   "frag_flows6" struct bpfbr_frag6_key -> struct bpfbr_nat_frag (nat.h): the
 *                flow of a fragmented datagram, from its first fragment on
 */
#ifndef BPFBR_NAT6_H
#define BPFBR_NAT6_H

#include "types.h"

/* As struct bpfbr_nat_key, with IPv6 addresses; ICMPv6 echo: the identifier
 * is the port, the remote port 0. */
struct bpfbr_nat6_key {
	__u8 addr[16];	/* inside: container address; outside: remote address */
	__u8 raddr[16]; /* inside: remote address; outside: zero */
	__u16 port;	/* inside: container port; outside: remote port */
	__u16 rport;	/* inside: remote port; outside: our port on the uplink */
	__u8 proto;	/* IPPROTO_TCP, IPPROTO_UDP, IPPROTO_ICMPV6 */
	__u8 pad[3];
};
BPFBR_STATIC_ASSERT(sizeof(struct bpfbr_nat6_key) == 40, "nat6 key layout");

/* The addresses of the IPv6 flow in the same slot of "flows". */
struct bpfbr_flow6 {
	__u8 iaddr[16]; /* inside address */
	__u8 raddr[16]; /* remote address */
};
BPFBR_STATIC_ASSERT(sizeof(struct bpfbr_flow6) == 32, "flow6 layout");

/* A fragmented IPv6 datagram (RFC 8200 4.5: source, destination, identification). */
struct bpfbr_frag6_key {
	__u8 saddr[16];
	__u8 daddr[16];
	__u32 id; /* as in the fragment header (network order) */
};
BPFBR_STATIC_ASSERT(sizeof(struct bpfbr_frag6_key) == 36, "frag6 key layout");

struct bpfbr_uplink_cfg6 {
	__u8 addr[16]; /* the uplink's IPv6 address, the masquerade source; zero: none */
};
BPFBR_STATIC_ASSERT(sizeof(struct bpfbr_uplink_cfg6) == 16, "uplink cfg6 layout");

#endif
