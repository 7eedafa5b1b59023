/* SPDX-License-Identifier: GPL-2.0-only OR BSD-2-Clause */
/*
 * The alias "bpfbr:NET" that marks a device bpfbr made for network NET (a
 * gateway pair, a container's port), so that a reconcile finds what a state
 * file never recorded and nothing of someone else's is taken for ours.
 */
#ifndef BPFBR_LINK_ALIAS_H
#define BPFBR_LINK_ALIAS_H

#include <stdbool.h>
#include <stddef.h>

#include "netlink.h"
#include "parse.h"

#define LINK_ALIAS_PREFIX "bpfbr:"
#define LINK_ALIAS_LEN	  (sizeof(LINK_ALIAS_PREFIX) - 1 + NETNAME_MAX)

/* The alias of network net's devices. */
void link_alias(const char *net, char *buf, size_t size);
/* The network an alias marks a device of, or NULL when it is not bpfbr's. */
const char *link_alias_net(const char *alias);
/* The alias marks a device of network net. */
bool link_alias_is(const char *alias, const char *net);
/* The device named name is network net's, with index ifindex (0: any). */
bool link_ours(struct nl *nl, const char *name, const char *net, int ifindex);

#endif
