/* SPDX-License-Identifier: GPL-2.0-only OR BSD-2-Clause */
/*
 * Restoring a network: what its state describes and the kernel lacks (a
 * reboot takes devices, programs and pins; a user may delete a device) is
 * made again — the gateway pair with its MAC and address, the pinned
 * datapath, the hooks, the uplink's masquerade, each live container's
 * port — and the containers whose port went with their namespace are
 * forgotten, with their addresses and translations. It changes nothing
 * that is in place, so it can run at any time, and an interrupted restore
 * is finished by the next one. `bpfbr restore`, and CNI ADD and STATUS when
 * a network is not intact, run it.
 */
#ifndef BPFBR_NET_RESTORE_H
#define BPFBR_NET_RESTORE_H

#include <stdbool.h>
#include <jansson.h>

#include "model.h"
#include "netctx.h"

/* Everything the network needs is in the kernel: no restore needed. Sets
 * why (may be NULL) to the first thing missing. */
bool net_intact(struct netctx *c, const struct netstate *state, char *why, size_t size);

/*
 * Restores network name (the lock held); appends {"network", "kind",
 * "what"} to done for each thing it made again or forgot (kind: gateway,
 * datapath, hook, uplink, port, attachment).
 */
int net_restore(struct netctx *c, const char *name, json_t *done);
/* net_restore under a journal record ("op": "restore"), which the next
 * command that takes the lock finishes if this one is killed. */
int net_restore_recorded(struct netctx *c, const char *name, json_t *done);

/* What every attach runs first: restores network name if it is not intact,
 * and when its range is full, forgets the containers that are gone (their
 * addresses come back). */
int net_ensure(struct netctx *c, const char *name);

#endif
