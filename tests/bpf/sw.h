/* SPDX-License-Identifier: GPL-2.0-only OR BSD-2-Clause */
/*
 * One switch: a private instance of the port program (skeleton loaded with
 * the redirect trace on, nothing pinned, nothing attached) and its maps,
 * filled the way agent/sys/switchdp_maps.c fills them. sw_run() feeds it one frame
 * through BPF_PROG_TEST_RUN and reports everything a test looks at.
 */
#ifndef BPFBR_TESTS_SW_H
#define BPFBR_TESTS_SW_H

#include <stdint.h>

#include "bpfbr/fdb.h"
#include "bpfbr/netcfg.h"
#include "bpfbr/port.h"
#include "bpfbr/stats.h"
#include "bpfbr/trace.h"
#include "frames.h"

struct port_bpf;

struct sw {
	struct port_bpf *skel;
	int prog_fd, xdp_fd; /* bpfbr_port_in, bpfbr_port_xdp */
	int ports_fd, config_fd, flood_fd, fdb_fd, counters_fd, port_stats_fd, subnets_fd;
	int devmap_fd, node_frags_fd, inbound_fd;
};

/* What one run of the program did. */
struct sw_run {
	int verdict; /* the program's return value (TC_ACT_*) */
	uint8_t out[FRAME_MAX];
	uint32_t out_len;
	struct redirect_trace trace;	   /* redirect targets, in call order */
	uint64_t delta[BPFBR_COUNTER_MAX]; /* how much each drop/event counter moved */
};

int sw_load(struct sw *sw);
void sw_unload(struct sw *sw);

int sw_set_config(struct sw *sw, const struct bpfbr_netcfg *cfg);
/* As switchdp_port_add(): stats zeroed, ports[ifindex], static fdb entry for its MAC, devmap[ifindex],
 * flood[slot]. */
int sw_add_port(struct sw *sw, const struct bpfbr_port *port);

/* 0 and *e filled, or -ENOENT. */
int sw_fdb_get(struct sw *sw, const uint8_t *mac, struct bpfbr_fdb_entry *e);
int sw_fdb_put(struct sw *sw, const uint8_t *mac, const struct bpfbr_fdb_entry *e);

/* Sums over every possible CPU. */
int sw_counters(struct sw *sw, uint64_t out[BPFBR_COUNTER_MAX]);
int sw_port_stats(struct sw *sw, uint16_t slot, struct bpfbr_port_stats *out);

/*
 * Runs the program on frame f as if it arrived on device ifindex (0: no
 * context, the kernel then uses the loopback device). Returns 0 or the
 * -errno of the test run itself; the program's verdict is in r->verdict.
 */
int sw_run(struct sw *sw, uint32_t ifindex, const struct frame *f, struct sw_run *r);

/*
 * Runs the XDP flavour on f as if it arrived on device ifindex, whose receive
 * queue must be registered (an XDP program attached: fx_xdp()). r->verdict is
 * the XDP action; r->trace stays empty (XDP redirects through the devmap).
 */
int sw_run_xdp(struct sw *sw, uint32_t ifindex, const struct frame *f, struct sw_run *r);

/* CLOCK_MONOTONIC in ns, the clock of bpf_ktime_get_ns(). */
uint64_t now_ns(void);

#endif
