/* SPDX-License-Identifier: GPL-2.0-only OR BSD-2-Clause */
/*
 * Routing through an uplink without masquerade (core layer): the
 * containers' own addresses leave by the uplink and come back through it,
 * as behind the chapter's bridge with forwarding on. The network's fast
 * path sends to the uplink; what comes in is routed by the node's stack to
 * the gateway device. No translation, no uplink datapath.
 */
#ifndef BPFBR_UPLINK_ROUTE_H
#define BPFBR_UPLINK_ROUTE_H

#include "model.h"
#include "netctx.h"

/* Points the network (its pins under pin_dir) at state->uplink, turning IPv4
 * forwarding on for the uplink and the gateway device (what the uplink's
 * forwarding was goes into state). Undoes itself on error. */
int uplink_route_join(struct netctx *c, struct netstate *state, const char *pin_dir);
/* The part a masquerading network shares, once its uplink is joined: the
 * forwarding, and the switch's fast path to ifindex. On error it leaves the
 * uplink (uplink_leave). */
int uplink_point(struct netctx *c, struct netstate *state, const char *pin_dir, uint32_t ifindex);

#endif
