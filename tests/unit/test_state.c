// SPDX-License-Identifier: GPL-2.0-only OR BSD-2-Clause
/* Network state files: round trip, strictness, corruption (agent/core/state.c). */
#include <errno.h>
#include <stdlib.h>
#include <string.h>
#include <unistd.h>
#include <arpa/inet.h>

#include "harness.h"
#include "log.h"
#include "state.h"

struct tmproot {
	char dir[64];
	struct paths p;
};

static bool tmproot_make(struct tmproot *t)
{
	snprintf(t->dir, sizeof(t->dir), "/tmp/bpfbr-unit.XXXXXX");
	if (!ASSERT_TRUE(mkdtemp(t->dir) != NULL, "mkdtemp"))
		return false;
	return ASSERT_OK(paths_init(&t->p, t->dir), "paths");
}

static void tmproot_remove(struct tmproot *t)
{
	char cmd[128];

	snprintf(cmd, sizeof(cmd), "rm -rf '%s'", t->dir);
	if (system(cmd))
		fprintf(stderr, "could not remove %s\n", t->dir);
}

static void sample(struct netstate *state)
{
	struct attachment *a;

	memset(state, 0, sizeof(*state));
	strcpy(state->name, "demo");
	state->index = 3;
	parse_cidr("10.40.0.0/24", &state->subnet);
	parse_ipv4("10.40.0.1", &state->gateway);
	state->mtu = 1400;
	state->ageing_s = 300;
	state->spoofchk = true;
	strcpy(state->gw_dev, "bpfbr3");
	strcpy(state->gw_port, "bpfbr3-sw");
	state->gw_dev_ifindex = 7;
	state->gw_port_ifindex = 6;
	parse_mac("02:00:00:00:00:01", state->gw_mac);
	state->mode = ATTACH_TC;
	state->node_netns_id = 4026531840ull;
	a = netstate_add_att(state);
	strcpy(a->id, "/run/netns/c1");
	strcpy(a->ifname, "eth0");
	strcpy(a->netns, "/run/netns/c1");
	a->netns_id = 4026532000ull;
	strcpy(a->host_ifname, "veth0a1b2c3d");
	a->host_ifindex = 9;
	parse_mac("02:00:0a:28:00:02", a->mac);
	parse_ipv4("10.40.0.2", &a->ip);
	a->slot = 1;
	a->created_netns = true;
}

static int write_file(const char *path, const char *text)
{
	FILE *f = fopen(path, "w");

	if (!f)
		return -errno;
	fputs(text, f);
	return fclose(f) ? -errno : 0;
}

TEST(netkit_device_roundtrip)
{
	struct netstate in, out;
	struct tmproot t;

	if (!tmproot_make(&t))
		return;
	sample(&in);
	in.device = DEVICE_NETKIT;
	if (ASSERT_OK(state_save(&t.p, &in), "save") &&
	    ASSERT_OK(state_load(&t.p, "demo", &out), "load")) {
		ASSERT_EQ(out.device, DEVICE_NETKIT, "device");
		netstate_free(&out);
	}
	netstate_free(&in);
	tmproot_remove(&t);
}

/* A port of the other kind than its network's keeps its device; the others take the network's. */
TEST(mixed_port_devices_roundtrip)
{
	struct netstate in, out;
	struct attachment *a;
	struct tmproot t;

	if (!tmproot_make(&t))
		return;
	sample(&in);
	in.device = DEVICE_NETKIT;
	in.att[0].device = DEVICE_NETKIT;
	a = netstate_add_att(&in);
	*a = in.att[0];
	strcpy(a->id, "/run/netns/c2");
	strcpy(a->host_ifname, "veth0a1b2c3e");
	a->mac[5] = 3;
	a->ip = htonl(ntohl(a->ip) + 1);
	a->slot = 2;
	a->device = DEVICE_VETH;
	if (ASSERT_OK(state_save(&t.p, &in), "save") &&
	    ASSERT_OK(state_load(&t.p, "demo", &out), "load")) {
		if (ASSERT_EQ(out.n_att, 2, "attachments")) {
			ASSERT_EQ(out.att[0].device, DEVICE_NETKIT, "the network's device");
			ASSERT_EQ(out.att[1].device, DEVICE_VETH, "the port's own device");
		}
		netstate_free(&out);
	}
	netstate_free(&in);
	tmproot_remove(&t);
}

TEST(roundtrip)
{
	struct netstate in, out;
	struct tmproot t;

	if (!tmproot_make(&t))
		return;
	sample(&in);
	if (ASSERT_OK(state_save(&t.p, &in), "save") &&
	    ASSERT_OK(state_load(&t.p, "demo", &out), "load")) {
		ASSERT_STREQ(out.name, "demo", "name");
		ASSERT_EQ(out.index, 3, "index");
		ASSERT_EQ(out.subnet.addr, in.subnet.addr, "subnet");
		ASSERT_EQ(out.subnet.prefix, 24, "prefix");
		ASSERT_EQ(out.gateway, in.gateway, "gateway");
		ASSERT_EQ(out.mtu, 1400, "mtu");
		ASSERT_EQ(out.mode, ATTACH_TC, "attach mode");
		ASSERT_EQ(out.device, DEVICE_VETH, "a state made without a device is veth's");
		ASSERT_EQ(out.node_netns_id, 4026531840ull, "node netns");
		ASSERT_MEMEQ(out.gw_mac, in.gw_mac, 6, "gateway mac");
		if (ASSERT_EQ(out.n_att, 1, "attachments")) {
			ASSERT_STREQ(out.att[0].host_ifname, "veth0a1b2c3d", "host ifname");
			ASSERT_EQ(out.att[0].ip, in.att[0].ip, "ip");
			ASSERT_EQ(out.att[0].slot, 1, "slot");
			ASSERT_TRUE(out.att[0].created_netns, "created_netns");
			ASSERT_MEMEQ(out.att[0].mac, in.att[0].mac, 6, "mac");
		}
		netstate_free(&out);
	}
	netstate_free(&in);
	tmproot_remove(&t);
}

TEST(missing_network_is_enoent)
{
	struct netstate state;
	struct tmproot t;

	if (!tmproot_make(&t))
		return;
	ASSERT_EQ(state_load(&t.p, "nope", &state), -ENOENT, "missing network");
	tmproot_remove(&t);
}

static void count_scrap(const char *net, void *arg)
{
	ASSERT_TRUE(!strcmp(net, "demo"), "the scrap is demo's");
	(*(int *)arg)++;
}

/* A save killed half-way leaves NET.json.tmp: removed, the state itself kept. */
TEST(half_written_saves_are_removed)
{
	char path[PATH_MAX + 32];
	struct netstate in, out;
	struct tmproot t;
	int seen = 0;

	if (!tmproot_make(&t))
		return;
	sample(&in);
	ASSERT_OK(state_save(&t.p, &in), "save");
	snprintf(path, sizeof(path), "%s/networks/demo.json.tmp", t.p.state);
	ASSERT_OK(write_file(path, "{\"version\": 1, \"na"), "write the scrap");
	ASSERT_EQ(state_remove_scraps(&t.p, count_scrap, &seen), 1, "one scrap removed");
	ASSERT_EQ(seen, 1, "and reported");
	ASSERT_TRUE(access(path, F_OK) && errno == ENOENT, "the scrap is gone");
	ASSERT_EQ(state_remove_scraps(&t.p, count_scrap, &seen), 0, "nothing left to remove");
	if (ASSERT_OK(state_load(&t.p, "demo", &out), "the state loads"))
		netstate_free(&out);
	netstate_free(&in);
	tmproot_remove(&t);
}

/* A corrupt file is refused (-EUCLEAN), never half-loaded. */
TEST(corrupt_files_are_refused)
{
	static const char *const corrupt[] = {
		"",				       /* empty */
		"{\"version\": 1, \"name\": \"demo\"", /* truncated */
		"{\"version\": 1, \"version\": 1}",    /* duplicate key */
		"[]",				       /* not an object */
	};
	char path[PATH_MAX + 32];
	struct netstate in, out;
	struct tmproot t;

	if (!tmproot_make(&t))
		return;
	sample(&in);
	ASSERT_OK(state_save(&t.p, &in), "save");
	snprintf(path, sizeof(path), "%s/networks/demo.json", t.p.state);
	for (size_t i = 0; i < sizeof(corrupt) / sizeof(corrupt[0]); i++) {
		ASSERT_OK(write_file(path, corrupt[i]), "write");
		ASSERT_EQ(state_load(&t.p, "demo", &out), -EUCLEAN, corrupt[i]);
	}
	netstate_free(&in);
	tmproot_remove(&t);
}

/* Each field is checked: a wrong type, value or unknown key fails the load. */
TEST(field_validation)
{
	static const char *const edits[][2] = {
		{ "\"mtu\": 1400", "\"mtu\": \"1400\"" },
		{ "\"mtu\": 1400", "\"mtu\": 70000" },
		{ "\"subnet\": \"10.40.0.0/24\"", "\"subnet\": \"10.40.0.0/33\"" },
		{ "\"gateway\": \"10.40.0.1\"", "\"gateway\": \"10.40.0\"" },
		{ "\"attach_mode\": \"tc\"", "\"attach_mode\": \"xdp\"" },
		{ "\"mac\": \"02:00:0a:28:00:02\"", "\"mac\": \"02:00:0a:28:00\"" },
		{ "\"slot\": 1", "\"slot\": 0" },
		{ "\"slot\": 1", "\"slot\": 5000" },
		{ "\"host_ifname\": \"veth0a1b2c3d\"", "\"host_ifname\": \"../../etc/x\"" },
		{ "\"mtu\": 1400", "\"mtu\": 1400, \"extra\": 1" },
		{ "\"name\": \"demo\"", "\"name\": \"other\"" },
	};
	char path[PATH_MAX + 32], text[8192];
	struct netstate in, out;
	struct tmproot t;
	FILE *f;
	size_t len;

	if (!tmproot_make(&t))
		return;
	sample(&in);
	ASSERT_OK(state_save(&t.p, &in), "save");
	snprintf(path, sizeof(path), "%s/networks/demo.json", t.p.state);
	f = fopen(path, "r");
	len = f ? fread(text, 1, sizeof(text) - 1, f) : 0;
	if (f)
		fclose(f);
	text[len] = '\0';
	for (size_t i = 0; i < sizeof(edits) / sizeof(edits[0]); i++) {
		char edited[8192], *at = strstr(text, edits[i][0]);

		if (!ASSERT_TRUE(at != NULL, edits[i][0]))
			continue;
		snprintf(edited, sizeof(edited), "%.*s%s%s", (int)(at - text), text, edits[i][1],
			 at + strlen(edits[i][0]));
		ASSERT_OK(write_file(path, edited), "write");
		ASSERT_EQ(state_load(&t.p, "demo", &out), -EUCLEAN, edits[i][1]);
	}
	netstate_free(&in);
	tmproot_remove(&t);
}

TEST(list_is_sorted_and_skips_foreign_files)
{
	char **names, path[PATH_MAX + 32];
	struct netstate state;
	struct tmproot t;
	int n;

	if (!tmproot_make(&t))
		return;
	sample(&state);
	strcpy(state.name, "zeta");
	state_save(&t.p, &state);
	strcpy(state.name, "alpha");
	state_save(&t.p, &state);
	snprintf(path, sizeof(path), "%s/networks/..bad.json", t.p.state);
	write_file(path, "{}");
	snprintf(path, sizeof(path), "%s/networks/notes.txt", t.p.state);
	write_file(path, "x");
	if (ASSERT_OK(state_list(&t.p, &names, &n), "list")) {
		if (ASSERT_EQ(n, 2, "networks listed")) {
			ASSERT_STREQ(names[0], "alpha", "first");
			ASSERT_STREQ(names[1], "zeta", "second");
		}
		state_names_free(names, n);
	}
	netstate_free(&state);
	tmproot_remove(&t);
}

/* An attachment's published ports and the network's node cgroup go to disk and back, and a
 * bad one makes the file corrupt. */
TEST(published_ports_roundtrip)
{
	static const char *const edits[][2] = {
		{ "\"8080:80/tcp\"", "\"0:80/tcp\"" },
		{ "\"8080:80/tcp\"", "8080" },
		{ "\"/sys/fs/cgroup/bbt\"", "\"sys/fs/cgroup/bbt\"" },
	};
	char path[PATH_MAX + 32], text[8192];
	struct netstate in, out;
	struct tmproot t;
	FILE *f;
	size_t len;

	if (!tmproot_make(&t))
		return;
	sample(&in);
	in.att[0].n_pub = 2;
	in.att[0].pub[0] =
		(struct publish){ .host_port = 8080, .port = 80, .count = 1, .proto = 6 };
	in.att[0].pub[1] = (struct publish){ .host_ip = htonl(0xc6336401),
					     .host_port = 9000,
					     .port = 7000,
					     .count = 3,
					     .proto = 17 };
	strcpy(in.node_cgroup, "/sys/fs/cgroup/bbt");
	if (ASSERT_OK(state_save(&t.p, &in), "save") &&
	    ASSERT_OK(state_load(&t.p, "demo", &out), "load")) {
		ASSERT_STREQ(out.node_cgroup, "/sys/fs/cgroup/bbt", "node cgroup");
		if (ASSERT_EQ(out.n_att, 1, "attachments") &&
		    ASSERT_EQ(out.att[0].n_pub, 2, "ports"))
			ASSERT_MEMEQ(out.att[0].pub, in.att[0].pub, sizeof(in.att[0].pub[0]) * 2,
				     "published ports");
		netstate_free(&out);
	}
	snprintf(path, sizeof(path), "%s/networks/demo.json", t.p.state);
	f = fopen(path, "r");
	len = f ? fread(text, 1, sizeof(text) - 1, f) : 0;
	if (f)
		fclose(f);
	text[len] = '\0';
	for (size_t i = 0; i < sizeof(edits) / sizeof(edits[0]); i++) {
		char edited[8192], *at = strstr(text, edits[i][0]);

		if (!ASSERT_TRUE(at != NULL, edits[i][0]))
			continue;
		snprintf(edited, sizeof(edited), "%.*s%s%s", (int)(at - text), text, edits[i][1],
			 at + strlen(edits[i][0]));
		ASSERT_OK(write_file(path, edited), "write");
		ASSERT_EQ(state_load(&t.p, "demo", &out), -EUCLEAN, edits[i][1]);
	}
	netstate_free(&in);
	tmproot_remove(&t);
}
