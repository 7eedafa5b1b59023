/* SPDX-License-Identifier: GPL-2.0-only OR BSD-2-Clause */
/*
 * One uplink's masquerade datapath: the egress/ingress programs, the sweep
 * program and the NAT maps, loaded from the skeleton and pinned under
 * PINS/uplinks/IFNAME/, or opened again from there.
 */
#ifndef BPFBR_UPLINKDP_H
#define BPFBR_UPLINKDP_H

#include <stdint.h>

#include "bpfbr/nat.h"

/* Pins under the uplink's directory that another program reuses (follow.c). */
#define UPDP_PIN_CONFIG	   "config"
#define UPDP_PIN_ENDPOINTS "endpoints"
#define UPDP_PIN_FLOWS	   "flows"

struct updp {
	int config;
	int endpoints;
	int flows;
	int free;
	int nat_out;
	int nat_in;
	int frags;
	int flow_seq;
	int counters;
	int gc;
	int devmap;
	int prog_out;
	int prog_in;
	int prog_sweep;
	int prog_xdp;
};

/* Loads a fresh datapath with nat_max flow slots, pins it under dir, fills
 * the free queue and writes cfg. */
int updp_load(const char *dir, const struct bpfbr_uplink_cfg *cfg, struct updp *u);
int updp_open(const char *dir, struct updp *u);
/* As dp_stage, dp_commit and dp_drop_staged (datapath.h), for the masquerade
 * programs. */
int updp_stage(const char *dir);
int updp_commit(const char *dir);
int updp_drop_staged(const char *dir);
/* Binds the NAT sweeper's timer to the pinned sweep program (after a commit). */
int updp_arm(const struct updp *u);
/* The uplink's configuration as loaded (updp_load). */
int updp_config_get(const struct updp *u, struct bpfbr_uplink_cfg *cfg);
void updp_close(struct updp *u);

/* Runs the sweep program once; *reclaimed gets the number of flows freed. */
int updp_sweep(const struct updp *u, enum bpfbr_sweep_mode mode, uint32_t addr,
	       uint32_t *reclaimed);

int updp_endpoint_set(const struct updp *u, uint32_t addr, const struct bpfbr_endpoint *ep);
/* The endpoint of addr (-ENOENT: none). */
int updp_endpoint_get(const struct updp *u, uint32_t addr, struct bpfbr_endpoint *ep);
/* The endpoint after prev (NULL: the first); -ENOENT after the last. A walk
 * that deletes an endpoint starts again from NULL. */
int updp_endpoint_next(const struct updp *u, const uint32_t *prev, uint32_t *next);
/* Stops new flows of the endpoint, reclaims its flows, removes it. */
int updp_endpoint_del(const struct updp *u, uint32_t addr);

typedef int (*updp_flow_cb)(uint32_t slot, const struct bpfbr_flow *fl, void *data);
/* Calls cb for every live flow. */
int updp_flows_each(const struct updp *u, uint32_t nat_max, updp_flow_cb cb, void *data);

#endif
