/* SPDX-License-Identifier: GPL-2.0-only OR BSD-2-Clause */
#ifndef BPFBR_NETNS_MARK_H
#define BPFBR_NETNS_MARK_H

#include <stdbool.h>

#include "model.h"
#include "netctx.h"

/*
 * A namespace bpfbr made (an attach asked it to) lives as long as a bpfbr
 * attachment holds it, on any network. When the attachment that carries
 * that mark goes, the mark passes to another holder (saved before the
 * attachment goes, so an interrupted detach leaves it marked twice, never
 * lost). *held says whether one does; if none, the namespace goes with it.
 * state is gone's network, without gone; it is saved by the caller.
 */
int netns_mark_pass(struct netctx *c, struct netstate *state, const struct attachment *gone,
		    bool *held);

#endif
