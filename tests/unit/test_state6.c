// SPDX-License-Identifier: GPL-2.0-only OR BSD-2-Clause
/* A dual-stack network's state (agent/core/state6.c): round trip, files
 * without IPv6 (older builds', IPv4-only networks), impossible values refused. */
#include <errno.h>
#include <stdlib.h>
#include <string.h>

#include "harness.h"
#include "state.h"

struct root6 {
	char dir[64];
	struct paths p;
	char file[PATH_MAX + 32];
};

static bool root6_make(struct root6 *t)
{
	snprintf(t->dir, sizeof(t->dir), "/tmp/bpfbr-unit6.XXXXXX");
	if (!ASSERT_TRUE(mkdtemp(t->dir) != NULL, "mkdtemp") ||
	    !ASSERT_OK(paths_init(&t->p, t->dir), "paths"))
		return false;
	snprintf(t->file, sizeof(t->file), "%s/networks/demo.json", t->p.state);
	return true;
}

static void root6_remove(struct root6 *t)
{
	char cmd[128];

	snprintf(cmd, sizeof(cmd), "rm -rf '%s'", t->dir);
	if (system(cmd))
		fprintf(stderr, "could not remove %s\n", t->dir);
}

/* demo: 10.40.0.0/24 and fd00:40::/64, one container at .2 and ::2. */
static void sample6(struct netstate *s, bool v6)
{
	struct attachment *a;

	memset(s, 0, sizeof(*s));
	strcpy(s->name, "demo");
	parse_cidr("10.40.0.0/24", &s->subnet);
	parse_ipv4("10.40.0.1", &s->gateway);
	s->mtu = 1500;
	s->ageing_s = 300;
	strcpy(s->gw_dev, "bpfbr0");
	strcpy(s->gw_port, "bpfbr0-sw");
	s->mode = ATTACH_TC;
	if (v6) {
		parse_cidr6("fd00:40::/64", &s->subnet6);
		parse_ipv6("fd00:40::1", s->gateway6);
		parse_ipv6("fd00:40::2", s->last_ip6);
	}
	a = netstate_add_att(s);
	strcpy(a->id, "c1");
	strcpy(a->ifname, "eth0");
	strcpy(a->host_ifname, "veth0a1b2c3d");
	parse_mac("02:00:0a:28:00:02", a->mac);
	parse_ipv4("10.40.0.2", &a->ip);
	if (v6)
		parse_ipv6("fd00:40::2", a->ip6);
	a->slot = 1;
}

static char *read_all(const char *path)
{
	static char text[8192];
	FILE *f = fopen(path, "r");
	size_t len = f ? fread(text, 1, sizeof(text) - 1, f) : 0;

	if (f)
		fclose(f);
	text[len] = '\0';
	return text;
}

TEST(state6_roundtrip)
{
	struct netstate in, out;
	struct root6 t;

	if (!root6_make(&t))
		return;
	sample6(&in, true);
	if (ASSERT_OK(state_save(&t.p, &in), "save") &&
	    ASSERT_OK(state_load(&t.p, "demo", &out), "load")) {
		ASSERT_EQ(out.subnet6.prefix, 64, "IPv6 prefix");
		ASSERT_MEMEQ(out.subnet6.addr, in.subnet6.addr, 16, "IPv6 subnet");
		ASSERT_MEMEQ(out.gateway6, in.gateway6, 16, "IPv6 gateway");
		ASSERT_MEMEQ(out.last_ip6, in.last_ip6, 16, "last IPv6 address");
		if (ASSERT_EQ(out.n_att, 1, "attachments"))
			ASSERT_MEMEQ(out.att[0].ip6, in.att[0].ip6, 16, "container's IPv6");
		netstate_free(&out);
	}
	netstate_free(&in);
	root6_remove(&t);
}

/* A file with no IPv6 key at all (an older build's) reads as an IPv4-only network. */
TEST(state6_ipv4_only_files_read)
{
	struct netstate in, out;
	struct root6 t;

	if (!root6_make(&t))
		return;
	sample6(&in, false);
	if (ASSERT_OK(state_save(&t.p, &in), "save") &&
	    ASSERT_TRUE(!strstr(read_all(t.file), "6\""), "no IPv6 key is written") &&
	    ASSERT_OK(state_load(&t.p, "demo", &out), "load")) {
		ASSERT_EQ(out.subnet6.prefix, 0, "no IPv6 subnet");
		ASSERT_TRUE(ip6_is_zero(out.att[0].ip6), "no IPv6 address");
		netstate_free(&out);
	}
	netstate_free(&in);
	root6_remove(&t);
}

TEST(state6_impossible_values_refused)
{
	static const char *const edits[][2] = {
		{ "\"subnet6\": \"fd00:40::/64\"", "\"subnet6\": \"fd00:40::/80\"" },
		{ "\"subnet6\": \"fd00:40::/64\"", "\"subnet6\": \"10.40.0.0/24\"" },
		{ "\"gateway6\": \"fd00:40::1\"", "\"gateway6\": \"fd00:41::1\"" },
		{ "\"ip6\": \"fd00:40::2\"", "\"ip6\": \"fd00:41::2\"" },
		{ "\"ip6\": \"fd00:40::2\"", "\"ip6\": \"fd00:40::1\"" },
		{ "\"ip6\": \"fd00:40::2\"", "\"ip6\": \"10.40.0.2\"" },
		{ "\"gateway6\": \"fd00:40::1\",", "" },
	};
	char edited[8192], text[8192];
	struct netstate in, out;
	struct root6 t;

	if (!root6_make(&t))
		return;
	sample6(&in, true);
	if (!ASSERT_OK(state_save(&t.p, &in), "save"))
		goto out;
	snprintf(text, sizeof(text), "%s", read_all(t.file));
	for (size_t i = 0; i < sizeof(edits) / sizeof(edits[0]); i++) {
		char *at = strstr(text, edits[i][0]);
		FILE *f;

		if (!ASSERT_TRUE(at != NULL, edits[i][0]))
			continue;
		snprintf(edited, sizeof(edited), "%.*s%s%s", (int)(at - text), text, edits[i][1],
			 at + strlen(edits[i][0]));
		f = fopen(t.file, "w");
		if (!ASSERT_TRUE(f != NULL, "write"))
			break;
		fputs(edited, f);
		fclose(f);
		ASSERT_EQ(state_load(&t.p, "demo", &out), -EUCLEAN, edits[i][1]);
	}
out:
	netstate_free(&in);
	root6_remove(&t);
}

/* An IPv6-only network: null subnet, gateway and container ip, read back as
 * no IPv4; an IPv4 value where there is no IPv4 subnet, or neither subnet, is refused. */
TEST(state6_ipv6_only_roundtrip)
{
	static const char *const edits[][2] = {
		{ "\"gateway\": null", "\"gateway\": \"10.40.0.1\"" },
		{ "\"ip\": null", "\"ip\": \"10.40.0.2\"" },
		{ "\"subnet6\": \"fd00:40::/64\",", "" },
	};
	char edited[8192], text[8192];
	struct netstate in, out;
	struct root6 t;

	if (!root6_make(&t))
		return;
	sample6(&in, true);
	in.subnet = (struct cidr){ 0 };
	in.gateway = 0;
	in.att[0].ip = 0;
	if (!ASSERT_OK(state_save(&t.p, &in), "save"))
		goto out;
	snprintf(text, sizeof(text), "%s", read_all(t.file));
	ASSERT_TRUE(strstr(text, "\"subnet\": null") != NULL, "the subnet is written as null");
	if (ASSERT_OK(state_load(&t.p, "demo", &out), "load")) {
		ASSERT_TRUE(!netstate_has_ipv4(&out), "no IPv4");
		ASSERT_EQ(out.gateway, 0, "no IPv4 gateway");
		ASSERT_EQ(out.subnet6.prefix, 64, "IPv6 prefix");
		if (ASSERT_EQ(out.n_att, 1, "attachments")) {
			ASSERT_EQ(out.att[0].ip, 0, "no IPv4 address");
			ASSERT_MEMEQ(out.att[0].ip6, in.att[0].ip6, 16, "container's IPv6");
		}
		netstate_free(&out);
	}
	for (size_t i = 0; i < sizeof(edits) / sizeof(edits[0]); i++) {
		char *at = strstr(text, edits[i][0]);
		FILE *f;

		if (!ASSERT_TRUE(at != NULL, edits[i][0]))
			continue;
		snprintf(edited, sizeof(edited), "%.*s%s%s", (int)(at - text), text, edits[i][1],
			 at + strlen(edits[i][0]));
		f = fopen(t.file, "w");
		if (!ASSERT_TRUE(f != NULL, "write"))
			break;
		fputs(edited, f);
		fclose(f);
		ASSERT_EQ(state_load(&t.p, "demo", &out), -EUCLEAN, edits[i][1]);
	}
out:
	netstate_free(&in);
	root6_remove(&t);
}
