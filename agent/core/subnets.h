/* SPDX-License-Identifier: GPL-2.0-only OR BSD-2-Clause */
/*
 * The map every network shares, PINS/subnets: each network's subnet, so that
 * a container's packet for another network's subnet is dropped by the switch
 * (bpf/lib/guard.h) instead of being routed there by the node. The switch
 * programs create it with their first network; the last network removes it.
 */
#ifndef BPFBR_SUBNETS_H
#define BPFBR_SUBNETS_H

#include <jansson.h>

#include "model.h"
#include "paths.h"

int subnets_add(const struct paths *p, const struct netstate *state);
/* Removes state's subnet; the pin goes with the last one. */
int subnets_remove(const struct paths *p, const struct netstate *state);
/* Makes the map hold exactly the subnets of the networks names[0..n) (a
 * reconcile), noting each stale entry in removed. */
int subnets_sync(const struct paths *p, char **names, int n, json_t *removed);

#endif
