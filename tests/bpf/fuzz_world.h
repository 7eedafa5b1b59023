/* SPDX-License-Identifier: GPL-2.0-only OR BSD-2-Clause */
/*
 * The world the datapath fuzz test feeds: two networks side by side (two
 * instances of the switch object, as the agent loads one per network) and
 * one uplink that both masquerade through, in a private namespace:
 *   net 1: 10.40.0.0/24 and fd00:40::/64 (dual stack), anti-spoofing and
 *          the routing fast path on; gateway port on device 0 (be0 holds
 *          10.40.0.1 and forwards), containers on devices 1-3
 *   net 2: 10.41.0.0/24, anti-spoofing off, hairpin on;
 *          gateway port on device 4, containers on devices 5-6
 *   uplink: device 7 (bp7), 203.0.113.1/24, default route via .254, and
 *          2001:db8:1::1/64, default route via ::fe (NAT66's address);
 *          nat_max 256, every container an endpoint with a share of 64
 *          (net 1's also for IPv6)
 * Every BPF program runs through BPF_PROG_TEST_RUN (XDP ones with the
 * ingress device's receive queue registered by a do-nothing XDP program),
 * and after every run the invariants are checked:
 *   - the verdict is one the program may return;
 *   - a drop moved exactly one drop-reason counter, by one; any other
 *     verdict moved none (but a failed flood clone's redirect_failed);
 *   - a redirect goes only to a port of the frame's own network (the
 *     switch's .bss trace; for XDP the forwarding entry that the devmap
 *     redirect used, and devmaps that hold only their network's ports; for
 *     replies, the endpoint whose address and MAC the frame now carries);
 *   - no translation appears for a dropped frame, and the table's books
 *     (nat_config, endpoints, nat_out, nat_in, the free queue) agree;
 *   - anti-spoofing: a container of net 1 gets nothing past the switch that
 *     is not from its own MAC, its own IPv4/ARP address and untagged, nor
 *     IPv6 that fuzz_rules6.h refuses, and no frame that is is dropped as
 *     spoofed; no port anywhere gets a frame past learning with another
 *     port's own MAC;
 *   - the node's guard: no container gives the node a frame it may not
 *     have (tagged; IPv6 on a network without IPv6; on net 1, IPv6 that
 *     fuzz_rules6.h keeps from the node);
 *   - masquerade never lets a container's address out untranslated, IPv4
 *     or IPv6, and what NAT66 rewrites (out, and replies in) keeps every
 *     checksum right;
 *   - static forwarding entries never move; per-port drop counters add up.
 */
#ifndef BPFBR_TESTS_FUZZ_WORLD_H
#define BPFBR_TESTS_FUZZ_WORLD_H

#include <stdbool.h>
#include <stdint.h>

#include "env.h"
#include "bpfbr/nat6.h"
#include "bpfbr/net6.h"
#include "fuzz_gen.h"
#include "nat_dp.h"
#include "sw.h"

enum fw_prog { FW_PORT_TC, FW_PORT_XDP, FW_UPLINK_OUT, FW_UPLINK_IN, FW_UPLINK_XDP, FW_PROGS };

#define FW_NETS	     2
#define FW_MAX_PORTS 4
#define FW_MAX_EPS   8

/* A counters map, as last read, and the drop verdicts seen on its programs. */
struct fw_ctr {
	int fd;
	uint64_t last[BPFBR_COUNTER_MAX];
	uint64_t drops;
};

struct fw_net {
	struct sw sw;
	struct bpfbr_netcfg cfg;
	struct bpfbr_port port[FW_MAX_PORTS];
	bool has6; /* dual stack: cfg6 and port6 are in its maps */
	struct bpfbr_netcfg6 cfg6;
	struct bpfbr_port6 port6[FW_MAX_PORTS];
	int nports;
	int xdp_fd, devmap_fd;
	struct fw_ctr ctr;
	uint64_t drops_due[FW_MAX_PORTS]; /* drops of each slot since the last audit */
	uint64_t drops_seen[FW_MAX_PORTS];
};

struct fw_ep {
	uint32_t addr;
	struct bpfbr_endpoint ep;
};

struct fw_ep6 {
	uint8_t addr[16];
	struct bpfbr_endpoint ep;
};

struct fw_totals {
	uint64_t frames, runs[FW_PROGS];
	uint64_t verdicts[FW_PROGS][8]; /* by verdict, 7 (TC_ACT_REDIRECT) the last */
	uint64_t reasons[BPFBR_DROP_MAX];
	uint64_t flows_created, replies_delivered, routed, sweeps, audits;
	uint64_t flows6_created, replies6_delivered, routed6; /* of them, IPv6's */
	uint64_t refused;	 /* frames BPF_PROG_TEST_RUN would not take (see run()) */
	uint64_t clone_failures; /* redirect_failed: flood copies the kernel refused */
};

struct fw {
	struct env env;
	struct fw_net net[FW_NETS];
	struct nat_dp dp;
	struct bpfbr_uplink_cfg ucfg;
	int uxdp_fd, udevmap_fd, null_xdp_fd;
	struct fw_ep eps[FW_MAX_EPS];
	int neps;
	struct bpfbr_uplink_cfg6 ucfg6;
	struct fw_ep6 eps6[FW_MAX_EPS];
	int neps6;
	struct fw_ctr nctr; /* the uplink's counters */
	uint32_t flows;	    /* nat_config's count as last read */
	int ncpus;
	uint64_t *scratch; /* per-CPU values of a batch read */
	struct fz_pools pools;
	struct fw_totals t;
	/* The frame being checked, for messages. */
	uint64_t seed, index;
	char what[128];
	int failures;
	char why[400]; /* the first broken invariant */
	bool skipped;  /* fw_setup() could not run here (not root) */
};

/* Sets the world up; true, or false after marking the test failed or skipped. */
bool fw_setup(struct fw *fw);
void fw_teardown(struct fw *fw);

/* Generates frame `index` of `seed` and runs it through every program, checking
 * each run. Returns false once too many invariants have failed to go on. */
bool fw_frame(struct fw *fw, uint64_t seed, uint64_t index);

/* The whole-map invariants (forwarding entries, devmaps, per-port drops, the
 * translation table's books); reclaims the table when it runs full. */
bool fw_audit(struct fw *fw);

#endif
