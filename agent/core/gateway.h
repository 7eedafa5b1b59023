/* SPDX-License-Identifier: GPL-2.0-only OR BSD-2-Clause */
/*
 * A network's gateway: the veth pair bpfbrN (the gateway address, in the
 * node's stack) / bpfbrN-sw (the switch's port in slot 0), and that port in
 * the datapath. Made by net create, and again by a restore when the kernel
 * lost it (a reboot, a deleted device).
 */
#ifndef BPFBR_GATEWAY_H
#define BPFBR_GATEWAY_H

#include <stdbool.h>

#include "switchdp.h"
#include "model.h"
#include "netctx.h"

/*
 * Creates the pair named by state (with state->gw_mac on bpfbrN unless it is
 * all-zero), marks both ends ours, adds the gateway address (brd: with its
 * broadcast address); fills in the ifindexes and the MAC. Nothing is left
 * behind on failure.
 */
int gateway_create(struct netctx *c, struct netstate *state, bool brd);
/* The pair as the state knows it: both ends there, ours, with its ifindexes. */
bool gateway_intact(struct netctx *c, const struct netstate *state);
/* Removes what is left of the pair (only ends marked ours). */
void gateway_remove(struct netctx *c, const struct netstate *state);
/*
 * Makes bpfbrN-sw the datapath's port in slot 0 (its entry, its hook and, in
 * XDP mode, its XDP program) and brings the pair up; state->mode becomes the
 * hook mode used (auto: TCX if the kernel has it). On failure the hooks it
 * attached are removed again.
 */
int gateway_plug(struct netctx *c, struct netstate *state, const struct switchdp *dp);

#endif
