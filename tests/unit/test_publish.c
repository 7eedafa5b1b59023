// SPDX-License-Identifier: GPL-2.0-only OR BSD-2-Clause
/* Published ports as users write them (agent/lib/publish.c). */
#include <arpa/inet.h>
#include <string.h>

#include "harness.h"
#include "publish.h"

TEST(publish_parses_docker_syntax)
{
	static const struct {
		const char *in, *out;
		uint32_t host_ip;
		uint16_t host_port, port, count;
		uint8_t proto;
	} good[] = {
		{ "8080:80", "8080:80/tcp", 0, 8080, 80, 1, IPPROTO_TCP },
		{ "53:5353/udp", "53:5353/udp", 0, 53, 5353, 1, IPPROTO_UDP },
		{ "198.51.100.1:8080:80/tcp", "198.51.100.1:8080:80/tcp", 0xc6336401, 8080, 80, 1,
		  IPPROTO_TCP },
		{ "9000-9002:7000-7002/udp", "9000-9002:7000-7002/udp", 0, 9000, 7000, 3,
		  IPPROTO_UDP },
		{ "65535:1", "65535:1/tcp", 0, 65535, 1, 1, IPPROTO_TCP },
		{ "1-65535:1-65535", "1-65535:1-65535/tcp", 0, 1, 1, 65535, IPPROTO_TCP },
	};
	char why[PUBLISH_WHY_LEN], s[PUBLISH_STR_LEN];
	struct publish p;

	for (size_t i = 0; i < sizeof(good) / sizeof(good[0]); i++) {
		if (!ASSERT_OK(publish_parse(good[i].in, &p, why), good[i].in))
			continue;
		ASSERT_EQ(p.host_ip, htonl(good[i].host_ip), good[i].in);
		ASSERT_EQ(p.host_port, good[i].host_port, good[i].in);
		ASSERT_EQ(p.port, good[i].port, good[i].in);
		ASSERT_EQ(p.count, good[i].count, good[i].in);
		ASSERT_EQ(p.proto, good[i].proto, good[i].in);
		ASSERT_STREQ(publish_str(&p, s), good[i].out, good[i].in);
	}
}

TEST(publish_refuses_bad_input_saying_which_part)
{
	static const struct {
		const char *in, *why;
	} bad[] = {
		{ "0:80", "host port \"0\" is not a port 1-65535" },
		{ "8080:0", "container port \"0\" is not a port 1-65535" },
		{ "65536:80", "host port \"65536\"" },
		{ "8080:70000", "container port \"70000\"" },
		{ "9002-9000:80-82",
		  "host port range \"9002-9000\" is reversed: write it as 9000-9002" },
		{ "9000-9002:82-80", "container port range \"82-80\" is reversed" },
		{ "9000-9002:80-81", "host range has 3 ports and container range 2" },
		{ "9000:80-81", "host range has 1 ports and container range 2" },
		{ "8080:80/sctp", "protocol \"sctp\" is unknown: use tcp or udp" },
		{ "8080:80/", "protocol \"\" is unknown" },
		{ "80", "give the host port too" },
		{ "1.2.3.4:1:2:3", "is not [HOSTIP:]HOSTPORT:CONTAINERPORT" },
		{ "node:8080:80", "host address \"node\" is not an IPv4 address" },
		{ "8080:-80", "container port \"-80\"" },
		{ "8080:80x", "container port \"80x\"" },
		{ "", "give the host port too" },
	};
	char why[PUBLISH_WHY_LEN];
	struct publish p;

	for (size_t i = 0; i < sizeof(bad) / sizeof(bad[0]); i++) {
		why[0] = '\0';
		ASSERT_EQ(publish_parse(bad[i].in, &p, why), -EINVAL, bad[i].in);
		ASSERT_TRUE(strstr(why, bad[i].why) != NULL, bad[i].in);
	}
	ASSERT_EQ(publish_parse(NULL, &p, why), -EINVAL, "NULL");
}

TEST(publish_overlap_is_per_protocol_and_host_range)
{
	struct publish a = { .host_port = 8080, .port = 80, .count = 3, .proto = IPPROTO_TCP };
	struct publish b = a;

	ASSERT_TRUE(publish_overlap(&a, &b), "the same");
	b.host_port = 8082;
	b.count = 1;
	ASSERT_TRUE(publish_overlap(&a, &b), "the last port of a");
	ASSERT_TRUE(publish_overlap(&b, &a), "either way");
	b.host_port = 8083;
	ASSERT_FALSE(publish_overlap(&a, &b), "just after");
	b.host_port = 8079;
	ASSERT_FALSE(publish_overlap(&a, &b), "just before");
	b.host_port = 8080;
	b.proto = IPPROTO_UDP;
	ASSERT_FALSE(publish_overlap(&a, &b), "another protocol");
}
