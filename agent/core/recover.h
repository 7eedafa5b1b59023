/* SPDX-License-Identifier: GPL-2.0-only OR BSD-2-Clause */
/*
 * Where every command that changes things starts: the context with the lock
 * held, after recovering from a command that was interrupted. The journal's
 * record of that command is undone, or finished when it had begun to undo
 * (journal.h), then everything is reconciled (reconcile.h).
 *
 * Not in netctx.c: recovering calls the orchestration layer (network.h,
 * reconcile.h, uplink.h), which is built on netctx.h.
 */
#ifndef BPFBR_RECOVER_H
#define BPFBR_RECOVER_H

#include "netctx.h"

int netctx_open_for_change(struct netctx *c, const char *root);

#endif
