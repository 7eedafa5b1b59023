/* SPDX-License-Identifier: GPL-2.0-only OR BSD-2-Clause */
/*
 * One uplink's masquerade datapath under test: a private instance of the
 * uplink object (nothing pinned, nothing attached) set up the way
 * agent/sys/uplinkdp.c sets one up: flows, free, nat_out and nat_in sized to
 * nat_max before load, the free queue filled with slots 0..nat_max-1, the
 * configuration written. nat_dp_run() feeds one frame to a program through
 * BPF_PROG_TEST_RUN and reports what it did.
 */
#ifndef BPFBR_TESTS_NAT_DP_H
#define BPFBR_TESTS_NAT_DP_H

#include <stdint.h>

#include "bpfbr/nat.h"
#include "bpfbr/stats.h"
#include "frames.h"

struct uplink_bpf;

struct nat_dp {
	struct uplink_bpf *skel;
	int out_fd, in_fd, sweep_fd; /* bpfbr_uplink_out, bpfbr_uplink_in, bpfbr_nat_sweep */
	int xdp_fd;		     /* bpfbr_uplink_xdp */
	int config_fd, endpoints_fd, flows_fd, free_fd, nat_out_fd, nat_in_fd, counters_fd;
	int frags_fd;
	int published_fd; /* bpfbr/publish.h */
	uint32_t nat_max;
};

/* What one run did. */
struct nat_run {
	int verdict;			   /* the program's return value (TC_ACT_*) */
	struct frame out;		   /* the packet after the run */
	uint64_t delta[BPFBR_COUNTER_MAX]; /* how much each drop/event counter moved */
};

/* Loads and sets up an instance with configuration cfg (cfg->flows must be 0). */
int nat_dp_load(struct nat_dp *dp, const struct bpfbr_uplink_cfg *cfg);
void nat_dp_unload(struct nat_dp *dp);

int nat_dp_endpoint_set(struct nat_dp *dp, uint32_t addr, const struct bpfbr_endpoint *ep);
int nat_dp_endpoint_get(struct nat_dp *dp, uint32_t addr, struct bpfbr_endpoint *ep);
int nat_dp_config_get(struct nat_dp *dp, struct bpfbr_uplink_cfg *cfg);

/* Runs program prog_fd on f as if it passed device ifindex. 0 or the
 * -errno of the test run itself. */
int nat_dp_run(struct nat_dp *dp, int prog_fd, uint32_t ifindex, const struct frame *f,
	       struct nat_run *r);
/* Runs the XDP flavour on f arriving on device ifindex (its receive queue
 * registered: env_xdp_rxq()); r->verdict is the XDP action. */
int nat_dp_run_xdp(struct nat_dp *dp, uint32_t ifindex, const struct frame *f, struct nat_run *r);
/* Runs the sweeper as the agent does: *reclaimed is its return value. */
int nat_dp_sweep(struct nat_dp *dp, uint16_t mode, uint32_t addr, uint32_t *reclaimed,
		 uint64_t delta[BPFBR_COUNTER_MAX]);

/* The slot a key of nat_out (inside tuple) or nat_in (outside tuple) points at;
 * -ENOENT if none. */
int nat_dp_slot(int map_fd, const struct bpfbr_nat_key *k, uint32_t *slot);
int nat_dp_flow_get(struct nat_dp *dp, uint32_t slot, struct bpfbr_flow *fl);
int nat_dp_flow_put(struct nat_dp *dp, uint32_t slot, const struct bpfbr_flow *fl);
/* Number of keys in a hash map. */
int nat_dp_keys(int map_fd, uint32_t *n);
/* The free queue's slots in order (read by popping all and pushing them back). */
int nat_dp_free_slots(struct nat_dp *dp, uint32_t *slots, uint32_t max, uint32_t *n);
/* Sums over every possible CPU. */
int nat_dp_counters(struct nat_dp *dp, uint64_t out[BPFBR_COUNTER_MAX]);

/* CLOCK_MONOTONIC in ns, the clock of bpf_ktime_get_ns(). */
uint64_t nat_now_ns(void);

/* Keys as the program builds them: inside (container side) and outside. */
struct bpfbr_nat_key nat_key_in(uint8_t proto, uint32_t iaddr, uint16_t iport, uint32_t raddr,
				uint16_t rport);
struct bpfbr_nat_key nat_key_out(uint8_t proto, uint32_t raddr, uint16_t rport, uint16_t oport);

#endif
