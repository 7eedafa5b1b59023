/* SPDX-License-Identifier: GPL-2.0-only OR BSD-2-Clause */
/*
 * Subnets that cannot work for a network, found before anything is built:
 * the ranges no host may route (this network, loopback, link-local,
 * multicast, reserved), and overlaps with the node's own addresses and
 * routes (the default route aside), which the gateway's connected route
 * would shadow or break.
 */
#ifndef BPFBR_SUBNET_CHECK_H
#define BPFBR_SUBNET_CHECK_H

#include <stddef.h>

#include "netlink.h"
#include "parse.h"

/* The reserved range s overlaps ("127.0.0.0/8 (loopback)"), or NULL. */
const char *subnet_reserved(const struct cidr *s);

/*
 * The first of the node's addresses and routes (main table, default route
 * aside) that overlaps s, described in why ("address 198.51.100.1/24 on up0",
 * "route 10.0.0.0/8 via 192.0.2.1 on eth1"). Returns 1 if there is one, 0 if
 * not, -errno if the node's tables cannot be read.
 */
int subnet_node_conflict(struct nl *nl, const struct cidr *s, char *why, size_t size);

#endif
