/* SPDX-License-Identifier: GPL-2.0-only OR BSD-2-Clause */
/*
 * Address management of a network: which addresses a container may get
 * (host-local's semantics: a range, the gateway, network and broadcast
 * addresses excluded, round-robin allocation).
 * Reservations are the attachments recorded in the network's state file,
 * which is written under the lock before a command returns, so an address
 * is never handed out twice, across restarts included.
 */
#ifndef BPFBR_IPAM_H
#define BPFBR_IPAM_H

#include <stdint.h>

#include "model.h"

/* The addresses containers may get, in host order: the network's range, or
 * every host address of the subnet when it has none. */
void ipam_range(const struct netstate *state, uint32_t *first, uint32_t *last);
/* Why addr cannot be given to a container; NULL if it can. */
const char *ipam_unusable(const struct netstate *state, uint32_t addr);
/*
 * The next free address after the one handed out last, wrapping around the
 * range (as host-local does): an address a container just gave back is not
 * handed out again while others are free, so traffic still addressed to the
 * old container (peers' ARP caches, endpoints lists, DNS) does not reach a
 * new one. -ENOSPC if the range is full.
 */
int ipam_pick(const struct netstate *state, uint32_t *addr);

#endif
