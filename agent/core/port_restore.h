/* SPDX-License-Identifier: GPL-2.0-only OR BSD-2-Clause */
/* A recorded container's port against what the kernel holds now. */
#ifndef BPFBR_PORT_RESTORE_H
#define BPFBR_PORT_RESTORE_H

#include <stdbool.h>

#include "switchdp.h"
#include "model.h"
#include "netctx.h"

/*
 * The attachment's port device is gone (its namespace was deleted without
 * a detach, or the device was removed): the container is cut off, and a
 * reconcile (bpfbr gc) forgets it.
 */
bool net_port_gone(struct netctx *c, const struct netstate *state, const struct attachment *a);

/*
 * Puts a live attachment's port back in the datapath dp where it is missing:
 * its entry (with its static fdb entry and flood slot), its hook, its XDP
 * program, its masquerade endpoint. *redone says whether anything was. The
 * port keeps the MAC it followed; it takes the one the container's interface
 * has now if it may (unicast, no other port's): a->mac becomes that MAC.
 */
int net_port_restore(struct netctx *c, const struct netstate *state, const struct switchdp *dp,
		     struct attachment *a, bool *redone);

#endif
