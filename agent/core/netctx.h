/* SPDX-License-Identifier: GPL-2.0-only OR BSD-2-Clause */
/*
 * What every operation on networks starts from: checked privileges and
 * bpffs, the paths under the run's root, the lock, a netlink socket in the
 * node namespace, and helpers to load a network's state and name its pins.
 */
#ifndef BPFBR_NETCTX_H
#define BPFBR_NETCTX_H

#include <stdbool.h>
#include <stdint.h>

#include "model.h"
#include "netlink.h"
#include "paths.h"

struct netctx {
	struct paths p;
	int lock;     /* -1 when not held */
	struct nl nl; /* the node namespace (where bpfbr runs) */
	uint64_t node_netns_id;
	uint64_t node_netns_cookie;
};

/* Checks root and bpffs, opens netlink; takes the lock when asked to. */
int netctx_open(struct netctx *c, const char *root, bool lock);
void netctx_close(struct netctx *c);

/*
 * The network is this node namespace's: made here, or made in one that no
 * longer exists (a reboot, a node namespace made again), and then adopted
 * here (in memory; the next save records it).
 */
bool netctx_owns(struct netctx *c, struct netstate *state);
/* Loads a network's state, with the user-facing error when it is missing
 * or was created in another network namespace; MACs as netctx_adopt_macs. */
int netctx_load(struct netctx *c, const char *name, struct netstate *state);
/*
 * fn for every network, in name order, as netctx_load loads it (freed after
 * the call). A network that does not load stops the walk with its error
 * (said); so does a non-zero return of fn, which is returned.
 */
int netctx_foreach(struct netctx *c,
		   int (*fn)(struct netctx *c, const struct netstate *state, void *arg), void *arg);
/*
 * A container's MAC is the one its port has in the datapath, which follows
 * the container's interface (follow.h): the attachments whose port took
 * another MAC take it too (in memory: the next save of the network records
 * it). Returns how many did.
 */
int netctx_adopt_macs(const struct netctx *c, struct netstate *state);

struct switchdp;
/* Opens the pinned datapath of network name. */
int net_dp_open(const struct netctx *c, const char *name, struct switchdp *dp);

#endif
