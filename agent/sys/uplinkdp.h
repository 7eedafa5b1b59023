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
#include "bpfbr/nomasq.h"
#include "monitor_maps.h"

/* Pins under the uplink's directory that another program reuses (follow.c). */
#define UPDP_PIN_CONFIG	    "config"
#define UPDP_PIN_ENDPOINTS  "endpoints"
#define UPDP_PIN_FLOWS	    "flows"
#define UPDP_PIN_CONFIG6    "config6"
#define UPDP_PIN_ENDPOINTS6 "endpoints6"

struct uplinkdp {
	int config;
	int endpoints;
	int flows;
	int free;
	int nat_out;
	int nat_in;
	int frags;
	int flow_seq;
	int flow_stats; /* -1: pinned by an older build */
	struct monitor_maps mon;
	int nomasq;
	int stack_flows; /* -1: pinned by an older build */
	int published;	 /* -1: pinned by an older build (publish.h) */
	/* NAT66 (bpfbr/nat6.h); -1: pinned by an older build */
	int config6;
	int endpoints6;
	int flows6;
	int nat_out6;
	int nat_in6;
	int frags6;
	int counters;
	int gc;
	int devmap;
	int prog_out;
	int prog_in;
	int prog_sweep;
	int prog_xdp;
	int inbound_replies; /* -1: pinned by an older build */
	int tunnel_nodes;    /* -1: pinned by an older build (so the two below) */
	int prog_tunnel_in;  /* the cluster's VXLAN device's (bpf/lib/tunnel_dev.h) */
	int prog_tunnel_out;
	int node_stats; /* -1: pinned by an older build (bpfbr/node_stats.h) */
};

/* Loads a fresh datapath with nat_max flow slots, pins it under dir, fills
 * the free queue and writes cfg. */
int uplinkdp_load(const char *dir, const struct bpfbr_uplink_cfg *cfg, struct uplinkdp *u);
int uplinkdp_open(const char *dir, struct uplinkdp *u);
/* As switchdp_stage, switchdp_commit and switchdp_drop_staged (switchdp.h), for the masquerade
 * programs. */
int uplinkdp_stage(const char *dir);
int uplinkdp_commit(const char *dir);
int uplinkdp_drop_staged(const char *dir);
/* Binds the NAT sweeper's timer to the pinned sweep program (after a commit). */
int uplinkdp_arm(const struct uplinkdp *u);
/* The uplink's configuration as loaded (uplinkdp_load). */
int uplinkdp_config_get(const struct uplinkdp *u, struct bpfbr_uplink_cfg *cfg);
void uplinkdp_close(struct uplinkdp *u);

/* Runs the sweep program once; *reclaimed gets the number of flows freed. */
int uplinkdp_sweep(const struct uplinkdp *u, enum bpfbr_sweep_mode mode, uint32_t addr,
		   uint32_t *reclaimed);

int uplinkdp_endpoint_set(const struct uplinkdp *u, uint32_t addr, const struct bpfbr_endpoint *ep);
/* The endpoint of addr (-ENOENT: none). */
int uplinkdp_endpoint_get(const struct uplinkdp *u, uint32_t addr, struct bpfbr_endpoint *ep);
/* The endpoint after prev (NULL: the first); -ENOENT after the last. A walk
 * that deletes an endpoint starts again from NULL. */
int uplinkdp_endpoint_next(const struct uplinkdp *u, const uint32_t *prev, uint32_t *next);
/* Stops new flows of the endpoint, reclaims its flows, removes it. */
int uplinkdp_endpoint_del(const struct uplinkdp *u, uint32_t addr);

/* The packets and bytes of the live flow fl in slot; -ENOENT when they are not
 * known (a datapath or a flow made by an older build). */
int uplinkdp_flow_stats(const struct uplinkdp *u, uint32_t slot, const struct bpfbr_flow *fl,
			struct bpfbr_flow_stats *st);
/* Makes the nomasq map hold exactly keys[0..n) (bpfbr/nomasq.h); a
 * datapath of a build without the map is left as it is. */
int uplinkdp_nomasq_replace(const struct uplinkdp *u, const struct bpfbr_nomasq_key *keys,
			    uint32_t n);

typedef int (*uplinkdp_flow_cb)(uint32_t slot, const struct bpfbr_flow *fl, void *data);
/* Calls cb for every live flow. */
int uplinkdp_flows_each(const struct uplinkdp *u, uint32_t nat_max, uplinkdp_flow_cb cb,
			void *data);

#endif
