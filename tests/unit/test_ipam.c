// SPDX-License-Identifier: GPL-2.0-only OR BSD-2-Clause
/* Address choice (agent/core/ipam.c). */
#include <arpa/inet.h>

#include "harness.h"
#include "ipam.h"

static uint32_t ip(const char *s)
{
	uint32_t a = 0;

	parse_ipv4(s, &a);
	return a;
}

static void net(struct netstate *state, const char *cidr, const char *gw)
{
	memset(state, 0, sizeof(*state));
	parse_cidr(cidr, &state->subnet);
	state->gateway = ip(gw);
}

TEST(unusable_addresses)
{
	struct netstate state;

	net(&state, "10.40.0.0/24", "10.40.0.1");
	netstate_add_att(&state)->ip = ip("10.40.0.2");
	ASSERT_TRUE(ipam_unusable(&state, ip("10.40.0.0")) != NULL, "network address");
	ASSERT_TRUE(ipam_unusable(&state, ip("10.40.0.255")) != NULL, "broadcast address");
	ASSERT_TRUE(ipam_unusable(&state, ip("10.40.0.1")) != NULL, "gateway");
	ASSERT_TRUE(ipam_unusable(&state, ip("10.40.0.2")) != NULL, "taken");
	ASSERT_TRUE(ipam_unusable(&state, ip("10.40.1.5")) != NULL, "outside");
	ASSERT_TRUE(ipam_unusable(&state, ip("10.40.0.3")) == NULL, "free");
	netstate_free(&state);
}

TEST(pick_lowest_free_skipping_gateway)
{
	struct netstate state;
	uint32_t a;

	net(&state, "10.40.0.0/24", "10.40.0.1");
	ASSERT_OK(ipam_pick(&state, &a), "pick");
	ASSERT_EQ(a, ip("10.40.0.2"), "first host after the gateway");
	netstate_add_att(&state)->ip = ip("10.40.0.2");
	netstate_add_att(&state)->ip = ip("10.40.0.4");
	ASSERT_OK(ipam_pick(&state, &a), "pick");
	ASSERT_EQ(a, ip("10.40.0.3"), "a hole is reused");
	netstate_free(&state);
}

TEST(exhausted_subnet)
{
	struct netstate state;
	uint32_t a;

	net(&state, "10.40.0.0/30", "10.40.0.1"); /* hosts .1 (gateway) and .2 */
	ASSERT_OK(ipam_pick(&state, &a), "pick");
	ASSERT_EQ(a, ip("10.40.0.2"), "only host");
	netstate_add_att(&state)->ip = a;
	ASSERT_EQ(ipam_pick(&state, &a), -ENOSPC, "full");
	netstate_free(&state);
}
