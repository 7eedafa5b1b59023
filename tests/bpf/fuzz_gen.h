/* SPDX-License-Identifier: GPL-2.0-only OR BSD-2-Clause */
/*
 * Hostile frames for the datapath fuzz test: a seeded generator that starts
 * from a valid frame (ARP, ICMP echo, UDP, TCP, other IPv4 protocols, ICMP
 * errors quoting a translated packet, replies to live translations, IPv6 as
 * fuzz_gen6.h makes it, other ethertypes) aimed at the addresses that
 * matter, then mutates it
 * (truncation down to the 14-byte minimum of BPF_PROG_TEST_RUN, bad IHL and
 * version, IP options, fragments, VLAN stacks up to three tags with any TPID,
 * wrong lengths and checksums, flipped bytes, random ethertypes, padding).
 * Frame i of seed s is the same on every run, except where it answers a live
 * translation, whose outside port the datapath chose.
 */
#ifndef BPFBR_TESTS_FUZZ_GEN_H
#define BPFBR_TESTS_FUZZ_GEN_H

#include <stdbool.h>
#include <stdint.h>

#include "frames.h"

struct fz_rng {
	uint64_t s;
};

/* splitmix64: every seed is a good one, and the sequence is the same everywhere. */
uint64_t fz_next(struct fz_rng *r);
/* Uniform in [0, n) (n > 0). */
uint32_t fz_below(struct fz_rng *r, uint32_t n);
/* true with probability pct/100. */
bool fz_chance(struct fz_rng *r, uint32_t pct);

#define FZ_MAX_MACS   32
#define FZ_MAX_IPS    32
#define FZ_MAX_TUPLES 64
#define FZ_MAX_IPS6   24

/* An outside tuple of a live translation: what a reply must carry. */
struct fz_tuple {
	uint8_t proto;
	uint32_t raddr; /* the remote, network order */
	uint16_t rport; /* its port, network order (0 for ICMP) */
	uint16_t oport; /* our port (ICMP: the identifier) on the uplink, network order */
	uint16_t iport; /* the inside port it replaced, network order */
	uint32_t iaddr; /* the inside address, network order */
};

/* The same for a live NAT66 translation (addresses in network order). */
struct fz_tuple6 {
	uint8_t proto;
	uint8_t raddr[16];
	uint16_t rport, oport, iport; /* network order; ICMPv6 echo: oport is the identifier */
	uint8_t iaddr[16];
};

/* The addresses the generator aims at, and the translations it can answer. */
struct fz_pools {
	uint8_t macs[FZ_MAX_MACS][6]; /* ports' and gateways' MACs of every network */
	int nmacs;
	uint32_t ips[FZ_MAX_IPS]; /* their addresses, the uplink's, remotes */
	int nips;
	uint32_t uplink_addr;
	uint8_t uplink_mac[6];
	uint8_t next_hop_mac[6];
	struct fz_tuple tuples[FZ_MAX_TUPLES]; /* a ring of recent translations */
	int ntuples;
	int tnext;
	/* IPv6: the ports', gateways' and remotes' addresses, the uplink's, and a
	 * ring of recent NAT66 translations. */
	uint8_t ips6[FZ_MAX_IPS6][16];
	int nips6;
	uint8_t uplink6[16];
	struct fz_tuple6 tuples6[FZ_MAX_TUPLES];
	int ntuples6;
	int tnext6;
};

/* The sender a frame pretends to come from: the ingress port's endpoint. */
struct fz_sender {
	uint8_t mac[6];
	uint32_t ip;	 /* 0: none */
	uint8_t ip6[16]; /* zero: none */
};

void fz_pools_add_mac(struct fz_pools *p, const uint8_t mac[6]);
void fz_pools_add_ip(struct fz_pools *p, uint32_t ip);
void fz_pools_add_tuple(struct fz_pools *p, const struct fz_tuple *t);
void fz_pools_add_ip6(struct fz_pools *p, const uint8_t ip6[16]);
void fz_pools_add_tuple6(struct fz_pools *p, const struct fz_tuple6 *t);

/*
 * Writes frame number `index` of `seed` into f (14 <= f->len <= FRAME_MAX)
 * and a short description of how it was made into what (at least 96 bytes).
 */
void fz_frame(uint64_t seed, uint64_t index, const struct fz_pools *p, const struct fz_sender *s,
	      struct frame *f, char *what, size_t what_size);

#endif
