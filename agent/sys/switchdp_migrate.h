/* SPDX-License-Identifier: GPL-2.0-only OR BSD-2-Clause */
/*
 * What a reload carries over from maps an older build pinned, where this
 * build's maps hold the same things differently: the inbound flows (a byte
 * per flow before, the container's port and a time now), and the per-port
 * shares of the tables, counted from what the tables hold (quota.h).
 */
#ifndef BPFBR_SWITCHDP_MIGRATE_H
#define BPFBR_SWITCHDP_MIGRATE_H

#include "switchdp.h"

/* Copies the flows of the old "inbound" map (old_fd) into dp's, each to the
 * port whose address is the flow's container address. 0 or -errno. */
int switchdp_migrate_inbound(const struct switchdp *dp, int old_fd);
/* Writes dp's quotas from the learned fdb entries and inbound flows there are. */
int switchdp_quota_recount(const struct switchdp *dp);

#endif
