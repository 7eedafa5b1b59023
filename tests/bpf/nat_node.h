/* SPDX-License-Identifier: GPL-2.0-only OR BSD-2-Clause */
/*
 * The node's own networking in a test's namespace, for the cases where the
 * kernel takes part: the uplink device gets the uplink's address, a default
 * route through the next hop and a permanent neighbour entry for it, and
 * transmit checksum offload off (so the kernel computes every checksum in
 * software and a frame it sends carries final ones). Sockets of the node on
 * the uplink's address are what the masquerade's port choice must avoid.
 */
#ifndef BPFBR_TESTS_NAT_NODE_H
#define BPFBR_TESTS_NAT_NODE_H

#include <stdint.h>

#include "nat_fixture.h"

/* 0 or -errno. */
int nat_node_setup(struct nfx *fx);

/* A UDP socket of the node bound to the uplink's address and lport, connected
 * to raddr:rport unless rport is 0. Returns the fd or -errno. */
int nat_node_udp(uint16_t lport, uint32_t raddr, uint16_t rport);
/* A TCP socket bound to the uplink's address and lport that started connecting
 * to raddr:rport (SYN sent, no answer: it stays in SYN-SENT). fd or -errno. */
int nat_node_tcp_connect(uint16_t lport, uint32_t raddr, uint16_t rport);
/* A TCP socket listening on the uplink's address and lport. fd or -errno. */
int nat_node_tcp_listen(uint16_t lport);
/* A ping socket (ICMP echo through SOCK_DGRAM) sending one echo request to raddr. */
int nat_node_ping(uint32_t raddr, uint16_t seq);

/*
 * The next IPv4 frame of protocol proto to daddr that the node sent out of
 * the uplink (other frames are skipped). Waits for it, up to a bound that
 * only matters when it never comes. 0 or -errno.
 */
int nat_node_capture(struct nfx *fx, uint8_t proto, uint32_t daddr, struct frame *f);

#endif
