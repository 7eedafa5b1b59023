/* SPDX-License-Identifier: GPL-2.0-only OR BSD-2-Clause */
/*
 * IPv6 frames for the datapath fuzz test (fuzz_gen.h): neighbour discovery
 * (NS, NA, RS, RA, redirect) with link-layer address options that name the
 * sender or another, DAD probes and MLD reports from the unspecified address,
 * ICMPv6 echo, TCP and UDP (DHCPv6 server messages among them), extension
 * headers (hop-by-hop, destination options, routing headers of type 0 and
 * 2, fragment headers first and later), mostly from the sender's own
 * addresses; replies from remotes to live NAT66 translations, and ICMPv6
 * errors quoting them, as the next hop delivers them to the uplink; now and
 * then a header of random bytes. Every checksum is right when it is made.
 */
#ifndef BPFBR_TESTS_FUZZ_GEN6_H
#define BPFBR_TESTS_FUZZ_GEN6_H

#include "fuzz_gen.h"

/* Writes an IPv6 frame made with r into f; returns what kind it is, for messages. */
const char *fz_ipv6(struct fz_rng *r, const struct fz_pools *p, const struct fz_sender *s,
		    struct frame *f);

#endif
