// SPDX-License-Identifier: GPL-2.0-only OR BSD-2-Clause
#include <errno.h>
#include <arpa/inet.h>

#include "ipam.h"

const char *ipam_unusable(const struct netstate *ns, uint32_t addr)
{
	uint32_t mask = prefix_mask(ns->subnet.prefix);

	if (!cidr_contains(&ns->subnet, addr))
		return "it is outside the subnet";
	if (addr == ns->gateway)
		return "it is the gateway address";
	if ((addr & ~mask) == 0)
		return "it is the network address";
	if ((addr & ~mask) == ~mask)
		return "it is the broadcast address";
	for (uint32_t i = 0; i < ns->n_att; i++)
		if (ns->att[i].ip == addr)
			return "it is already assigned";
	return NULL;
}

int ipam_pick(const struct netstate *ns, uint32_t *addr)
{
	uint32_t base = ntohl(ns->subnet.addr), size = 1u << (32 - ns->subnet.prefix);

	for (uint32_t off = 1; off + 1 < size; off++) {
		uint32_t a = htonl(base + off);

		if (!ipam_unusable(ns, a)) {
			*addr = a;
			return 0;
		}
	}
	return -ENOSPC;
}
