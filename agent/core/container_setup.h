/* SPDX-License-Identifier: GPL-2.0-only OR BSD-2-Clause */
/* The container's side of an attach, inside its namespace. */
#ifndef BPFBR_CONTAINER_SETUP_H
#define BPFBR_CONTAINER_SETUP_H

#include "model.h"
#include "network.h"

/*
 * Address, link and routes of a's interface (already moved into the
 * namespace netns_fd), GRO for an XDP network, and loopback last: a failure
 * before it leaves nothing changed in the namespace. Reports its error.
 */
int container_setup(int netns_fd, const struct netstate *state, const struct attachment *a,
		    const struct attach_opts *o);

#endif
