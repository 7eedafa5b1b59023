/* SPDX-License-Identifier: GPL-2.0-only OR BSD-2-Clause */
/*
 * The checksums of an IPv6 frame recomputed from scratch (RFC 8200 8.1: the
 * pseudo header of source, destination, upper-layer length and next header),
 * with nat_csum.h's arithmetic and nothing of what is under test.
 */
#ifndef BPFBR_TESTS_NAT_CSUM6_H
#define BPFBR_TESTS_NAT_CSUM6_H

#include "nat_csum.h"

/*
 * Every checksum of an Ethernet frame carrying IPv6 that can be recomputed
 * from the frame alone: TCP, UDP or ICMPv6 after the extension headers
 * (hop-by-hop, routing, destination options) when the frame holds the whole
 * datagram (not a fragment); in an ICMPv6 error, the quoted TCP, UDP or
 * ICMPv6 checksum when the quote holds the whole quoted datagram.
 */
void nat_csum_frame6(const uint8_t *frame, size_t len, struct nat_csum_report *r);

#endif
