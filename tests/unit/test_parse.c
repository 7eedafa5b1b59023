// SPDX-License-Identifier: GPL-2.0-only OR BSD-2-Clause
/* Parsing and validation of user-supplied values (agent/lib/parse.c). */
#include <arpa/inet.h>

#include "harness.h"
#include "parse.h"

TEST(ipv4_accepts_dotted_quads_only)
{
	static const char *const bad[] = { "",		 "10.1",      "10.0.0.256", "10.0.0.1 ",
					   "0x0a.0.0.1", "1.2.3.4.5", "a.b.c.d",    NULL };
	uint32_t a;

	ASSERT_OK(parse_ipv4("10.40.0.1", &a), "10.40.0.1");
	ASSERT_EQ(a, htonl(0x0a280001), "value in network order");
	for (int i = 0; bad[i]; i++)
		ASSERT_EQ(parse_ipv4(bad[i], &a), -EINVAL, bad[i]);
	ASSERT_EQ(parse_ipv4(NULL, &a), -EINVAL, "NULL");
}

TEST(cidr)
{
	static const char *const bad[] = { "10.40.0.0",	   "10.40.0.0/",    "10.40.0.0/33",
					   "10.40.0.0/-1", "10.40.0.0/24x", "/24",
					   "10.40.0/24",   "10.40.0.0/2 4", NULL };
	struct cidr c;

	ASSERT_OK(parse_cidr("10.40.0.0/24", &c), "10.40.0.0/24");
	ASSERT_EQ(c.prefix, 24, "prefix");
	ASSERT_EQ(c.addr, htonl(0x0a280000), "address");
	ASSERT_OK(parse_cidr("0.0.0.0/0", &c), "default route");
	for (int i = 0; bad[i]; i++)
		ASSERT_EQ(parse_cidr(bad[i], &c), -EINVAL, bad[i]);
}

TEST(cidr_membership_and_overlap)
{
	struct cidr a, b, c;
	uint32_t ip;

	parse_cidr("10.40.0.0/24", &a);
	parse_cidr("10.40.0.128/25", &b);
	parse_cidr("10.41.0.0/24", &c);
	parse_ipv4("10.40.0.255", &ip);
	ASSERT_TRUE(cidr_contains(&a, ip), "broadcast address is inside");
	parse_ipv4("10.40.1.0", &ip);
	ASSERT_FALSE(cidr_contains(&a, ip), "next subnet is outside");
	ASSERT_TRUE(cidr_overlaps(&a, &b), "/24 and a /25 inside it");
	ASSERT_TRUE(cidr_overlaps(&b, &a), "overlap is symmetric");
	ASSERT_FALSE(cidr_overlaps(&a, &c), "neighbouring /24s");
	ASSERT_EQ(prefix_mask(0), 0, "/0 mask");
	ASSERT_EQ(prefix_mask(32), 0xffffffffu, "/32 mask");
}

TEST(mac)
{
	static const char *const bad[] = { "02:00:00:00:00",
					   "02:00:00:00:00:0g",
					   "02-00-00-00-00-01",
					   "02:00:00:00:00:001",
					   " 2:00:00:00:00:01",
					   "02:00:00:00:00:01:",
					   NULL };
	uint8_t m[6], want[6] = { 0x02, 0xab, 0, 0x10, 0xff, 0x01 };
	char buf[MAC_STR_LEN];

	ASSERT_OK(parse_mac("02:AB:00:10:ff:01", m), "mixed case");
	ASSERT_MEMEQ(m, want, 6, "bytes");
	ASSERT_STREQ(mac_str(m, buf), "02:ab:00:10:ff:01", "formatting");
	for (int i = 0; bad[i]; i++)
		ASSERT_EQ(parse_mac(bad[i], m), -EINVAL, bad[i]);
	ASSERT_TRUE(mac_is_unicast(want), "unicast");
	want[0] = 0x03;
	ASSERT_FALSE(mac_is_unicast(want), "multicast bit");
	memset(want, 0, 6);
	ASSERT_FALSE(mac_is_unicast(want), "all zero");
}

TEST(u32_ranges)
{
	uint32_t v;

	ASSERT_OK(parse_u32("1500", 68, 65535, &v), "1500");
	ASSERT_EQ(v, 1500, "value");
	ASSERT_EQ(parse_u32("67", 68, 65535, &v), -EINVAL, "below range");
	ASSERT_EQ(parse_u32("65536", 68, 65535, &v), -EINVAL, "above range");
	ASSERT_EQ(parse_u32("-1", 0, 10, &v), -EINVAL, "negative");
	ASSERT_EQ(parse_u32("12abc", 0, 100, &v), -EINVAL, "trailing junk");
	ASSERT_EQ(parse_u32("99999999999999999999", 0, UINT32_MAX, &v), -EINVAL, "overflow");
}

TEST(names)
{
	ASSERT_TRUE(valid_ifname("eth0"), "eth0");
	ASSERT_TRUE(valid_ifname("abcdefghijklmno"), "15 bytes");
	ASSERT_FALSE(valid_ifname("abcdefghijklmnop"), "16 bytes");
	ASSERT_FALSE(valid_ifname(""), "empty");
	ASSERT_FALSE(valid_ifname("a/b"), "slash");
	ASSERT_FALSE(valid_ifname(".."), "dot-dot");
	ASSERT_FALSE(valid_ifname("eth 0"), "space");
	ASSERT_TRUE(valid_netname("demo-1.x_y"), "demo-1.x_y");
	ASSERT_FALSE(valid_netname("../x"), "escapes its directory");
	ASSERT_FALSE(valid_netname("/"), "slash");
	ASSERT_FALSE(valid_netname("-x"), "leading dash");
	ASSERT_FALSE(valid_netname(".hidden"), "leading dot");
	ASSERT_FALSE(valid_netname("a/b"), "slash inside");
	ASSERT_FALSE(
		valid_netname("x123456789012345678901234567890123456789012345678901234567890123"),
		"64 bytes");
}
