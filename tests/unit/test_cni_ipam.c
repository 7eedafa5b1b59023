// SPDX-License-Identifier: GPL-2.0-only OR BSD-2-Clause
/* host-local's semantics, which the CNI plugin promises (agent/core/ipam.c): a
 * range, round-robin allocation from the last address handed out. */
#include <arpa/inet.h>

#include "harness.h"
#include "ipam.h"

static uint32_t ip(const char *s)
{
	uint32_t a = 0;

	parse_ipv4(s, &a);
	return a;
}

static void net(struct netstate *state, const char *cidr, const char *gw, const char *lo,
		const char *hi)
{
	memset(state, 0, sizeof(*state));
	parse_cidr(cidr, &state->subnet);
	state->gateway = ip(gw);
	if (lo) {
		state->range_start = ip(lo);
		state->range_end = ip(hi);
	}
}

TEST(ipam_range_bounds)
{
	struct netstate state;
	uint32_t a;

	net(&state, "10.40.0.0/24", "10.40.0.1", "10.40.0.10", "10.40.0.12");
	ASSERT_TRUE(ipam_unusable(&state, ip("10.40.0.9")) != NULL, "below the range");
	ASSERT_TRUE(ipam_unusable(&state, ip("10.40.0.13")) != NULL, "above the range");
	ASSERT_TRUE(ipam_unusable(&state, ip("10.40.0.12")) == NULL, "last of the range");
	ASSERT_OK(ipam_pick(&state, &a), "pick");
	ASSERT_EQ(a, ip("10.40.0.10"), "first of the range");
	net(&state, "10.40.0.0/24", "10.40.0.254", NULL, NULL);
	ipam_range(&state, &a, &a);
	ASSERT_EQ(a, ntohl(ip("10.40.0.254")), "no range: up to the last host");
	netstate_free(&state);
}

TEST(ipam_round_robin_and_wrap)
{
	struct netstate state;
	uint32_t a;

	net(&state, "10.40.0.0/24", "10.40.0.11", "10.40.0.10", "10.40.0.13");
	netstate_add_att(&state)->ip = ip("10.40.0.10");
	state.last_ip = ip("10.40.0.10");
	ASSERT_OK(ipam_pick(&state, &a), "pick");
	ASSERT_EQ(a, ip("10.40.0.12"), "after the last one, skipping the gateway");
	/* .10 given back: .13 comes first, then the range wraps to .10. */
	netstate_del_att(&state, &state.att[0]);
	state.last_ip = ip("10.40.0.12");
	netstate_add_att(&state)->ip = ip("10.40.0.12");
	ASSERT_OK(ipam_pick(&state, &a), "pick");
	ASSERT_EQ(a, ip("10.40.0.13"), "not the address just freed");
	netstate_add_att(&state)->ip = a;
	state.last_ip = a;
	ASSERT_OK(ipam_pick(&state, &a), "pick");
	ASSERT_EQ(a, ip("10.40.0.10"), "wrapped");
	netstate_add_att(&state)->ip = a;
	ASSERT_EQ(ipam_pick(&state, &a), -ENOSPC, "full");
	/* A cursor outside the range (the range changed) starts at its beginning. */
	state.n_att = 0;
	state.last_ip = ip("10.40.0.200");
	ASSERT_OK(ipam_pick(&state, &a), "pick");
	ASSERT_EQ(a, ip("10.40.0.10"), "from the start");
	netstate_free(&state);
}
