/* SPDX-License-Identifier: GPL-2.0-only OR BSD-2-Clause */
/*
 * Hitless upgrade: this build's BPF programs take over from the running
 * ones. They are loaded against the pinned maps (state, learned MACs and
 * translations kept), then every hook is switched atomically (TCX and XDP
 * link update, legacy filter replace), so no packet meets an empty hook.
 */
#ifndef BPFBR_UPGRADE_H
#define BPFBR_UPGRADE_H

#include <jansson.h>

#include "netctx.h"

/* Upgrades one network (and its uplink) or, with net NULL, everything;
 * appends a line per switched hook to done. */
int upgrade(struct netctx *c, const char *net, json_t *done);

#endif
