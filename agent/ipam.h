/* SPDX-License-Identifier: GPL-2.0-only OR BSD-2-Clause */
/*
 * Address management of a network: which addresses a container may get.
 * Reservations are the attachments recorded in the network's state file,
 * which is written under the lock before a command returns, so an address
 * is never handed out twice, across restarts included.
 */
#ifndef BPFBR_IPAM_H
#define BPFBR_IPAM_H

#include <stdint.h>

#include "state.h"

/* Why addr cannot be given to a container; NULL if it can. */
const char *ipam_unusable(const struct netstate *ns, uint32_t addr);
/* The lowest free address; -ENOSPC if the subnet is full. */
int ipam_pick(const struct netstate *ns, uint32_t *addr);

#endif
