/* SPDX-License-Identifier: GPL-2.0-only OR BSD-2-Clause */
/*
 * An IPv6 subnet that overlaps the node's own routes (the main table's; a
 * global address brings its prefix's route), found before anything is
 * built: the gateway's connected route would shadow or break them, as
 * subnet_check.h says of IPv4.
 */
#ifndef BPFBR_SUBNET_CHECK6_H
#define BPFBR_SUBNET_CHECK6_H

#include <stddef.h>

#include "netlink6.h"
#include "parse6.h"

/*
 * The first of the node's IPv6 routes (default route aside) that overlaps s,
 * described in why ("route to 2001:db8:51::/64 on up0"). Returns 1 if there
 * is one, 0 if not, -errno if the node's table cannot be read.
 */
int subnet6_node_conflict(struct nl *nl, const struct cidr6 *s, char *why, size_t size);

#endif
