/* SPDX-License-Identifier: GPL-2.0-only OR BSD-2-Clause */
/*
 * The IPv6 rules a dual-stack network's switch obeys, written again from
 * its documentation for the fuzz test (bpf/lib/ipv6.h, spoof6.h, ndp.h,
 * guard6.h are what is under test; nothing here includes them):
 *   - anti-spoofing: a container's source is its address or its link-local
 *     one (the unspecified address only for DAD's solicitation and MLD
 *     reports); NS and NA only for its own target, their link-layer options
 *     only with its MAC; no RA, redirect or DHCPv6 server message;
 *   - the node's guard: a container's unicast to the gateway reaches the
 *     node only from an address of the subnet (or link-local), and for the
 *     gateway's own addresses only ICMPv6 but a router's messages, TCP past
 *     the SYN, or UDP (which may answer the node); nothing to a link-local
 *     address but the gateway's, no routing header 0 and no link-local
 *     source beyond the subnet;
 *   - the routing fast path: only a packet from an address of the subnet,
 *     without extension headers, whose hop limit does not expire, for a
 *     destination beyond the subnet.
 */
#ifndef BPFBR_TESTS_FUZZ_RULES6_H
#define BPFBR_TESTS_FUZZ_RULES6_H

#include <stdbool.h>
#include <stdint.h>

#include "frames.h"
#include "bpfbr/netcfg.h"
#include "bpfbr/net6.h"

/* An IPv6 packet as the rules read it. */
struct fz6_pkt {
	uint8_t saddr[16], daddr[16];
	size_t l4; /* offset of the transport header in the frame */
	uint8_t proto, tcp_flags, icmp_type, hop_limit;
	uint16_t sport; /* host order */
	bool has_l4, later_fragment, rh0;
};

/* Reads the IPv6 packet at offset l3 of f: false when the switch must find it
 * malformed (cut short, not version 6, a chain of more than 4 extension
 * headers or past 1024 bytes, a first fragment without its transport header). */
bool fz6_parse(const struct frame *f, size_t l3, struct fz6_pkt *p);

/* Whether the untagged IPv6 frame f from a container with MAC mac and
 * addresses p6 passes anti-spoofing. */
bool fz6_admissible(const uint8_t mac[6], const struct bpfbr_port6 *p6, const struct frame *f);

/* Whether the node may have the untagged IPv6 unicast f a container sent to
 * the gateway's MAC; node6: the node's address on the uplink. */
bool fz6_node_may_have(const struct bpfbr_netcfg *cfg, const struct bpfbr_netcfg6 *c6,
		       const uint8_t node6[16], const struct frame *f);

/* Whether the routing fast path may send the untagged IPv6 frame f out of
 * the uplink itself. */
bool fz6_routable(const struct bpfbr_netcfg6 *c6, const struct frame *f);

#endif
