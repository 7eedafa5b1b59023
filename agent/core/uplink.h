/* SPDX-License-Identifier: GPL-2.0-only OR BSD-2-Clause */
/*
 * Masquerade through an uplink: the first network that masquerades through
 * an interface loads and attaches the uplink's datapath; the last one to
 * leave removes it. Containers of such networks are registered as
 * endpoints so that their flows are translated and their replies delivered.
 */
#ifndef BPFBR_UPLINK_H
#define BPFBR_UPLINK_H

#include <stdbool.h>
#include <stdint.h>

#include "bpfbr/nat.h"
#include "model.h"
#include "netctx.h"

struct uplink_opts {
	const char *ifname;
	uint32_t nat_max; /* 0: default */
	uint32_t share;	  /* 0: default (half the table) */
	uint16_t port_lo; /* 0: default (above the node's ephemeral range) */
	uint16_t port_hi;
	/* The cgroup whose processes reach published ports from the node
	 * (pubsock.h); NULL: none. */
	const char *node_cgroup;
};

#define NAT_MAX_DEFAULT 65536

/* The uplink must be a device of the node, not loopback, and not one of
 * bpfbr's; l gets it. Says why on stderr otherwise. */
int uplink_check_device(struct netctx *c, const char *ifname, struct nl_link *l);
/* Checks the options against the uplink and any network already using it,
 * then makes sure the uplink's datapath is there. */
int uplink_join(struct netctx *c, const struct netstate *state, const struct uplink_opts *o,
		struct bpfbr_uplink_cfg *cfg);
/*
 * Makes the uplink's datapath as state recorded it if it is gone or not on the
 * device (a reboot, a device made again); *rebuilt says whether it was (its
 * translations and endpoints are then to be made again).
 */
int uplink_restore(struct netctx *c, const struct netstate *state, bool *rebuilt);
/* What the uplink's IPv4 forwarding was before bpfbr turned it on (0 or 1;
 * -1 unknown): as another network on it recorded it, or as it is now. */
int uplink_forwarding_before(struct netctx *c, const struct netstate *state);
/* Removes the uplink's datapath if state was the last network masquerading
 * through it, and turns the uplink's forwarding off again if that is how it
 * was found and state was the last network using it at all. */
int uplink_leave(struct netctx *c, const struct netstate *state);
/* Removes the uplink's datapath: its hooks on the device, then its pins. */
int uplink_remove(struct netctx *c, const char *ifname);

int uplink_endpoint_add(struct netctx *c, const struct netstate *state, const struct attachment *a);
/* Removes every translation of the network's containers; *n gets how many. */
int uplink_flush(struct netctx *c, const struct netstate *state, uint32_t *n);
int uplink_endpoint_del(struct netctx *c, const struct netstate *state, const struct attachment *a);

struct uplinkdp;
/* Opens the pinned masquerade datapath of uplink ifname. */
int uplink_dp_open(const struct netctx *c, const char *ifname, struct uplinkdp *u);

#endif
