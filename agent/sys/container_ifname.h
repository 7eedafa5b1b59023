/* SPDX-License-Identifier: GPL-2.0-only OR BSD-2-Clause */
/* The interface name a container gets when none is asked for (sys layer). */
#ifndef BPFBR_CONTAINER_IFNAME_H
#define BPFBR_CONTAINER_IFNAME_H

#include <stddef.h>

/* The first of eth0, eth1, … that namespace netns_fd has no device of, as
 * Docker names a container's interface on its second network; into buf. */
int container_free_ifname(int netns_fd, char *buf, size_t size);

#endif
