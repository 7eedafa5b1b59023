// SPDX-License-Identifier: GPL-2.0-only OR BSD-2-Clause
/* IPv6 address management (agent/core/ipam6.c): round-robin, what is never handed out. */
#include <string.h>

#include "harness.h"
#include "ipam6.h"

static void add(struct netstate *s, const char *ip)
{
	struct attachment *a = netstate_add_att(s);

	if (a)
		parse_ipv6(ip, a->ip6);
}

static bool picks(struct netstate *s, const char *want, const char *what)
{
	uint8_t got[16], w[16];

	parse_ipv6(want, w);
	return ASSERT_OK(ipam6_pick(s, got), what) && ASSERT_MEMEQ(got, w, 16, what);
}

TEST(ipam6_round_robin)
{
	struct netstate s = { 0 };

	parse_cidr6("fd00:40::/64", &s.subnet6);
	parse_ipv6("fd00:40::1", s.gateway6);
	picks(&s, "fd00:40::2", "the first: after the gateway");
	add(&s, "fd00:40::2");
	parse_ipv6("fd00:40::2", s.last_ip6);
	picks(&s, "fd00:40::3", "the next after the last handed out");
	/* ::2 given back: ::3 still comes next, not ::2 again. */
	s.n_att = 0;
	picks(&s, "fd00:40::3", "a freed address is not handed out again at once");
	add(&s, "fd00:40::3");
	add(&s, "fd00:40::4");
	picks(&s, "fd00:40::5", "taken addresses are skipped");
	netstate_free(&s);
}

TEST(ipam6_unusable)
{
	struct netstate s = { 0 };
	uint8_t a[16];

	parse_cidr6("fd00:40::/64", &s.subnet6);
	parse_ipv6("fd00:40::1", s.gateway6);
	add(&s, "fd00:40::7");
	parse_ipv6("fd00:41::5", a);
	ASSERT_TRUE(ipam6_unusable(&s, a) != NULL, "outside the subnet");
	ASSERT_TRUE(ipam6_unusable(&s, s.gateway6) != NULL, "the gateway");
	parse_ipv6("fd00:40::", a);
	ASSERT_TRUE(ipam6_unusable(&s, a) != NULL, "the subnet-router anycast address");
	parse_ipv6("fd00:40::7", a);
	ASSERT_TRUE(ipam6_unusable(&s, a) != NULL, "already assigned");
	parse_ipv6("fd00:40::abcd:1", a);
	ASSERT_TRUE(ipam6_unusable(&s, a) == NULL, "a free address");
	s.subnet6.prefix = 0;
	ASSERT_TRUE(ipam6_unusable(&s, a) != NULL, "a network without IPv6");
	netstate_free(&s);
}
