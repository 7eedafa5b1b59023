// SPDX-License-Identifier: GPL-2.0-only OR BSD-2-Clause
#include <errno.h>
#include <string.h>
#include <arpa/inet.h>

#include "ipam6.h"

const char *ipam6_unusable(const struct netstate *state, const uint8_t addr[16])
{
	uint8_t host[16];

	if (!state->subnet6.prefix)
		return "the network has no IPv6 subnet";
	if (!cidr6_contains(&state->subnet6, addr))
		return "it is outside the IPv6 subnet";
	if (!memcmp(addr, state->gateway6, 16))
		return "it is the gateway address";
	ip6_mask(addr, state->subnet6.prefix, host);
	if (!memcmp(addr, host, 16))
		return "it is the subnet-router anycast address";
	for (uint32_t i = 0; i < state->n_att; i++)
		if (!memcmp(state->att[i].ip6, addr, 16))
			return "it is already assigned";
	return NULL;
}

int ipam6_pick(const struct netstate *state, uint8_t addr[16])
{
	uint32_t low = 0;

	if (!ip6_is_zero(state->last_ip6) && cidr6_contains(&state->subnet6, state->last_ip6))
		memcpy(&low, state->last_ip6 + 12, 4);
	low = ntohl(low);
	/* At most every attachment and the gateway are in the way. */
	for (uint32_t i = 0; i < state->n_att + 2; i++) {
		low = low >= 0xfffffffe ? 1 : low + 1;
		uint32_t be = htonl(low);

		memcpy(addr, state->subnet6.addr, 16);
		memcpy(addr + 12, &be, 4);
		if (!ipam6_unusable(state, addr))
			return 0;
	}
	return -ENOSPC;
}
