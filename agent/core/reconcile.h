/* SPDX-License-Identifier: GPL-2.0-only OR BSD-2-Clause */
/*
 * Reconciling the kernel and the pins with the state files, after a crash,
 * a kill, or a container whose namespace vanished without a detach: what
 * the state does not know is removed (veths, datapath entries, pins, NAT
 * endpoints), and what the state knows but the kernel lost is forgotten
 * (attachments whose port is gone, with their address reservation).
 */
#ifndef BPFBR_RECONCILE_H
#define BPFBR_RECONCILE_H

#include <jansson.h>

#include "netctx.h"

/* Reconciles every network (net NULL) or one; appends what it removed to removed. */
int reconcile(struct netctx *c, const char *net, json_t *removed);

#endif
