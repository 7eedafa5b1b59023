/* SPDX-License-Identifier: GPL-2.0-only OR BSD-2-Clause */
/*
 * IPv6 address management of a network (layer: core), as ipam.h's for
 * IPv4: reservations are the attachments in the state file, handed out
 * round-robin. Containers get subnet::1 .. subnet::ffff:fffe (the low 32
 * bits), the gateway's address and the subnet-router anycast excluded.
 */
#ifndef BPFBR_IPAM6_H
#define BPFBR_IPAM6_H

#include <stdint.h>

#include "model.h"

/* Why addr cannot be given to a container; NULL if it can. */
const char *ipam6_unusable(const struct netstate *state, const uint8_t addr[16]);
/* The next free address after the one handed out last; -ENOSPC when none. */
int ipam6_pick(const struct netstate *state, uint8_t addr[16]);

#endif
