// SPDX-License-Identifier: GPL-2.0-only OR BSD-2-Clause
#include <errno.h>
#include <arpa/inet.h>

#include "ipam.h"

void ipam_range(const struct netstate *state, uint32_t *first, uint32_t *last)
{
	uint32_t base = ntohl(state->subnet.addr), size;

	if (!netstate_has_ipv4(state)) {
		*first = *last = 0; /* no IPv4 addresses at all */
		return;
	}
	size = 1u << (32 - state->subnet.prefix);
	if (state->range_start) {
		*first = ntohl(state->range_start);
		*last = ntohl(state->range_end);
	} else {
		*first = base + 1;
		*last = base + size - 2;
	}
}

const char *ipam_unusable(const struct netstate *state, uint32_t addr)
{
	uint32_t mask = prefix_mask(state->subnet.prefix), first, last;

	if (!netstate_has_ipv4(state))
		return "the network has no IPv4 subnet";
	if (!cidr_contains(&state->subnet, addr))
		return "it is outside the subnet";
	if (addr == state->gateway)
		return "it is the gateway address";
	if ((addr & ~mask) == 0)
		return "it is the network address";
	if ((addr & ~mask) == ~mask)
		return "it is the broadcast address";
	ipam_range(state, &first, &last);
	if (ntohl(addr) < first || ntohl(addr) > last)
		return "it is outside the network's address range";
	for (uint32_t i = 0; i < state->n_att; i++)
		if (state->att[i].ip == addr)
			return "it is already assigned";
	return NULL;
}

int ipam_pick(const struct netstate *state, uint32_t *addr)
{
	uint32_t first, last, n, start;

	if (!netstate_has_ipv4(state))
		return -ENOSPC;
	ipam_range(state, &first, &last);
	n = last - first + 1;
	start = state->last_ip ? ntohl(state->last_ip) + 1 : first;
	if (start < first || start > last)
		start = first;
	for (uint32_t i = 0; i < n; i++) {
		uint32_t a = htonl(first + (start - first + i) % n);

		if (!ipam_unusable(state, a)) {
			*addr = a;
			return 0;
		}
	}
	return -ENOSPC;
}
