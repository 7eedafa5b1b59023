// SPDX-License-Identifier: GPL-2.0-only OR BSD-2-Clause
#include <errno.h>
#include <stdio.h>

#include "container_ifname.h"
#include "netlink.h"
#include "netns.h"

#define IFNAME_TRIES 256

int container_free_ifname(int netns_fd, char *buf, size_t size)
{
	struct nl cnl;
	int saved, err;

	err = netns_enter(netns_fd, &saved);
	if (err)
		return err;
	err = nl_open(&cnl); /* bound to the container's namespace */
	netns_leave(saved);
	if (err)
		return err;
	err = -ENOSPC;
	for (int i = 0; i < IFNAME_TRIES; i++) {
		snprintf(buf, size, "eth%d", i);
		int ifindex = nl_link_index(&cnl, buf);

		if (ifindex == -ENODEV || ifindex >= 0)
			err = ifindex == -ENODEV ? 0 : -ENOSPC;
		else
			err = ifindex;
		if (err != -ENOSPC)
			break;
	}
	nl_close(&cnl);
	return err;
}
