/* SPDX-License-Identifier: GPL-2.0-only OR BSD-2-Clause */
/* A network namespace's name under /run/netns, found from its inode (sys layer). */
#ifndef BPFBR_NETNS_NAME_H
#define BPFBR_NETNS_NAME_H

#include <stddef.h>
#include <stdint.h>

/* How to name namespace id to a person: "NAME (inode N)" when a file under
 * /run/netns is that namespace, else "inode N"; written to buf. */
const char *netns_describe(uint64_t id, char *buf, size_t size);

#endif
