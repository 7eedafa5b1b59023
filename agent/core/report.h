/* SPDX-License-Identifier: GPL-2.0-only OR BSD-2-Clause */
/*
 * What `net list`, `fdb show` and `status` report, gathered from the state,
 * the pinned maps and the kernel, as JSON objects (the text output is
 * rendered from the same objects).
 */
#ifndef BPFBR_REPORT_H
#define BPFBR_REPORT_H

#include <jansson.h>

#include "model.h"
#include "netctx.h"

/* Ports whose device vanished are counted ("gone") and, in fdb and status,
 * marked "state": "gone", with why and that bpfbr gc removes them. */
json_t *report_net_summary(struct netctx *c, const struct netstate *state);
/* Appends one object per forwarding entry of state to entries. */
int report_fdb(struct netctx *c, const struct netstate *state, json_t *entries);
json_t *report_status(struct netctx *c, const struct netstate *state);
/* Appends one object per translation of state to flows: its containers' flows
 * and the node's connections on the same uplink whose port had to change. */
int report_nat(struct netctx *c, const struct netstate *state, json_t *flows);

#endif
