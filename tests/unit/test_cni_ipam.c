// SPDX-License-Identifier: GPL-2.0-only OR BSD-2-Clause
/* host-local's semantics, which the CNI plugin promises (agent/ipam.c): a
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

static void net(struct netstate *ns, const char *cidr, const char *gw, const char *lo,
		const char *hi)
{
	memset(ns, 0, sizeof(*ns));
	parse_cidr(cidr, &ns->subnet);
	ns->gateway = ip(gw);
	if (lo) {
		ns->range_start = ip(lo);
		ns->range_end = ip(hi);
	}
}

TEST(ipam_range_bounds)
{
	struct netstate ns;
	uint32_t a;

	net(&ns, "10.40.0.0/24", "10.40.0.1", "10.40.0.10", "10.40.0.12");
	ASSERT_TRUE(ipam_unusable(&ns, ip("10.40.0.9")) != NULL, "below the range");
	ASSERT_TRUE(ipam_unusable(&ns, ip("10.40.0.13")) != NULL, "above the range");
	ASSERT_TRUE(ipam_unusable(&ns, ip("10.40.0.12")) == NULL, "last of the range");
	ASSERT_OK(ipam_pick(&ns, &a), "pick");
	ASSERT_EQ(a, ip("10.40.0.10"), "first of the range");
	net(&ns, "10.40.0.0/24", "10.40.0.254", NULL, NULL);
	ipam_range(&ns, &a, &a);
	ASSERT_EQ(a, ntohl(ip("10.40.0.254")), "no range: up to the last host");
	netstate_free(&ns);
}

TEST(ipam_round_robin_and_wrap)
{
	struct netstate ns;
	uint32_t a;

	net(&ns, "10.40.0.0/24", "10.40.0.11", "10.40.0.10", "10.40.0.13");
	netstate_add_att(&ns)->ip = ip("10.40.0.10");
	ns.last_ip = ip("10.40.0.10");
	ASSERT_OK(ipam_pick(&ns, &a), "pick");
	ASSERT_EQ(a, ip("10.40.0.12"), "after the last one, skipping the gateway");
	/* .10 given back: .13 comes first, then the range wraps to .10. */
	netstate_del_att(&ns, &ns.att[0]);
	ns.last_ip = ip("10.40.0.12");
	netstate_add_att(&ns)->ip = ip("10.40.0.12");
	ASSERT_OK(ipam_pick(&ns, &a), "pick");
	ASSERT_EQ(a, ip("10.40.0.13"), "not the address just freed");
	netstate_add_att(&ns)->ip = a;
	ns.last_ip = a;
	ASSERT_OK(ipam_pick(&ns, &a), "pick");
	ASSERT_EQ(a, ip("10.40.0.10"), "wrapped");
	netstate_add_att(&ns)->ip = a;
	ASSERT_EQ(ipam_pick(&ns, &a), -ENOSPC, "full");
	/* A cursor outside the range (the range changed) starts at its beginning. */
	ns.n_att = 0;
	ns.last_ip = ip("10.40.0.200");
	ASSERT_OK(ipam_pick(&ns, &a), "pick");
	ASSERT_EQ(a, ip("10.40.0.10"), "from the start");
	netstate_free(&ns);
}
