// SPDX-License-Identifier: GPL-2.0-only OR BSD-2-Clause
#include <errno.h>
#include <netinet/in.h>
#include <sys/socket.h>
#include <unistd.h>

#include "node_port.h"

int node_port_held(uint32_t addr, uint8_t proto, uint16_t port)
{
	struct sockaddr_in sa = { .sin_family = AF_INET,
				  .sin_addr.s_addr = addr,
				  .sin_port = port };
	int one = 1, fd, err = 0;

	fd = socket(AF_INET, (proto == IPPROTO_UDP ? SOCK_DGRAM : SOCK_STREAM) | SOCK_CLOEXEC, 0);
	if (fd < 0)
		return -errno;
	if (proto != IPPROTO_UDP && setsockopt(fd, SOL_SOCKET, SO_REUSEADDR, &one, sizeof(one)))
		err = -errno;
	else if (bind(fd, (struct sockaddr *)&sa, sizeof(sa)))
		err = errno == EADDRINUSE ? 1 : -errno;
	close(fd);
	return err;
}
