// SPDX-License-Identifier: GPL-2.0-only OR BSD-2-Clause
/*
 * Hostile input to the state loader (issue 7): corrupt, truncated and
 * inconsistent state files are refused with one message that names the
 * file, and are never loaded in part; what the loader accepts, bpfbr can
 * write back and read again. (tests/fuzz/fuzz_state.c does the same with
 * generated files.)
 */
#include <errno.h>
#include <stdlib.h>
#include <unistd.h>
#include <arpa/inet.h>
#include <sys/stat.h>

#include "harness.h"
#include "log.h"
#include "state.h"

struct world {
	char dir[64];
	struct paths p;
	char file[PATH_MAX + 32];
	char valid[8192]; /* a saved state file: network "demo", two attachments */
};

static char last_error[1200];
static int errors;

static void keep_error(const char *msg)
{
	snprintf(last_error, sizeof(last_error), "%s", msg);
	errors++;
}

static void sample(struct netstate *state)
{
	struct attachment *a;

	memset(state, 0, sizeof(*state));
	strcpy(state->name, "demo");
	state->index = 1;
	parse_cidr("10.40.0.0/24", &state->subnet);
	parse_ipv4("10.40.0.1", &state->gateway);
	state->mtu = 1500;
	state->ageing_s = 300;
	state->spoofchk = true;
	strcpy(state->gw_dev, "bpfbr1");
	strcpy(state->gw_port, "bpfbr1-sw");
	state->gw_dev_ifindex = 7;
	state->gw_port_ifindex = 6;
	parse_mac("02:00:00:00:00:01", state->gw_mac);
	state->mode = ATTACH_TCX;
	state->node_netns_id = 4026531840ull;
	strcpy(state->uplink, "up0");
	state->masquerade = true;
	state->nat_share = 32768;
	for (int i = 0; i < 2; i++) {
		a = netstate_add_att(state);
		snprintf(a->id, sizeof(a->id), "/run/netns/c%d", i + 1);
		strcpy(a->ifname, "eth0");
		snprintf(a->netns, sizeof(a->netns), "/run/netns/c%d", i + 1);
		a->netns_id = 4026532000ull + (uint64_t)i;
		snprintf(a->host_ifname, sizeof(a->host_ifname), "veth0000000%d", i);
		a->host_ifindex = 9 + i;
		a->mac[0] = 0x02;
		a->mac[5] = (uint8_t)(0x10 + i);
		a->ip = htonl(0x0a280002u + (uint32_t)i); /* 10.40.0.2, .3 */
		a->slot = (uint16_t)(1 + i);
	}
}

static int write_text(const char *path, const char *text, size_t len)
{
	FILE *f = fopen(path, "w");

	if (!f)
		return -errno;
	if (fwrite(text, 1, len, f) != len) {
		fclose(f);
		return -EIO;
	}
	return fclose(f) ? -errno : 0;
}

static bool world_make(struct world *w)
{
	struct netstate state;
	FILE *f;
	size_t len;

	memset(w, 0, sizeof(*w));
	snprintf(w->dir, sizeof(w->dir), "/tmp/bpfbr-unit.XXXXXX");
	if (!ASSERT_TRUE(mkdtemp(w->dir) != NULL, "mkdtemp") ||
	    !ASSERT_OK(paths_init(&w->p, w->dir), "paths"))
		return false;
	snprintf(w->file, sizeof(w->file), "%s/networks/demo.json", w->p.state);
	sample(&state);
	if (!ASSERT_OK(state_save(&w->p, &state), "save a sample state")) {
		netstate_free(&state);
		return false;
	}
	netstate_free(&state);
	f = fopen(w->file, "r");
	len = f ? fread(w->valid, 1, sizeof(w->valid) - 1, f) : 0;
	if (f)
		fclose(f);
	w->valid[len] = '\0';
	log_set_err_hook(keep_error);
	return ASSERT_TRUE(len > 100, "the sample state file");
}

static void world_remove(struct world *w)
{
	char cmd[128];

	log_set_err_hook(NULL);
	snprintf(cmd, sizeof(cmd), "rm -rf '%s'", w->dir);
	if (system(cmd))
		fprintf(stderr, "could not remove %s\n", w->dir);
}

/* Loads "demo": refused as corrupt, one message naming the file, nothing kept. */
static bool expect_refused(struct world *w, const char *what)
{
	struct netstate state;
	char m[300];
	int rc;

	errors = 0;
	last_error[0] = '\0';
	rc = state_load(&w->p, "demo", &state);
	snprintf(m, sizeof(m), "%s: refused as corrupt", what);
	if (!ASSERT_EQ(rc, -EUCLEAN, m)) {
		if (!rc)
			netstate_free(&state);
		return false;
	}
	snprintf(m, sizeof(m), "%s: one error message that names the file (got: %s)", what,
		 last_error);
	return ASSERT_TRUE(errors == 1 && strstr(last_error, w->file) &&
				   strstr(last_error, "corrupt"),
			   m) &&
	       ASSERT_TRUE(state.att == NULL && state.n_att == 0,
			   "nothing of a refused file is kept");
}

/* The sample with `from` (which must occur once) replaced by `to`, written as the state. */
static bool write_edit(struct world *w, const char *from, const char *to)
{
	char text[sizeof(w->valid) + 256], *at = strstr(w->valid, from);

	if (!ASSERT_TRUE(at != NULL, from))
		return false;
	snprintf(text, sizeof(text), "%.*s%s%s", (int)(at - w->valid), w->valid, to,
		 at + strlen(from));
	return ASSERT_OK(write_text(w->file, text, strlen(text)), "write the state file");
}

TEST(state_truncated_files_are_refused_naming_the_file)
{
	size_t len, close_at, n = 0;
	struct world w;
	char what[64];

	if (!world_make(&w))
		return;
	len = strlen(w.valid);
	close_at = (size_t)(strrchr(w.valid, '}') - w.valid);
	/* Every cut before the closing brace: the file a crash or a full disk leaves. */
	for (size_t cut = 0; cut <= close_at; cut++) {
		if (!ASSERT_OK(write_text(w.file, w.valid, cut), "write a truncated file"))
			break;
		snprintf(what, sizeof(what), "cut to %zu of %zu bytes", cut, len);
		if (!expect_refused(&w, what))
			break;
		n++;
	}
	ASSERT_EQ(n, close_at + 1, "every truncation refused");
	world_remove(&w);
}

TEST(state_garbage_is_refused_naming_the_file)
{
	static const struct {
		const char *what;
		const char *text;
		size_t len;
	} garbage[] = {
		{ "zero bytes", "\0\0\0\0\0\0\0\0", 8 },
		{ "binary",
		  "\x7f"
		  "ELF\x02\x01\x01\0\0\0",
		  10 },
		{ "a NUL inside", "{\"version\": 1,\0 \"name\": \"demo\"}", 32 },
		{ "a string", "\"demo\"", 6 },
		{ "a number", "1", 1 },
		{ "null", "null", 4 },
		{ "two objects", "{} {}", 5 },
		{ "a huge integer", "{\"version\": 123456789012345678901234567890}", 44 },
		{ "an unterminated string", "{\"name\": \"demo", 14 },
	};
	char deep[20002];
	struct world w;

	if (!world_make(&w))
		return;
	for (size_t i = 0; i < sizeof(garbage) / sizeof(garbage[0]); i++) {
		if (!subtest_begin(garbage[i].what))
			continue;
		if (ASSERT_OK(write_text(w.file, garbage[i].text, garbage[i].len), "write garbage"))
			expect_refused(&w, garbage[i].what);
	}
	/* Deep nesting: refused, not a stack overflow. */
	if (subtest_begin("10000 nested arrays")) {
		memset(deep, '[', 10000);
		memset(deep + 10000, ']', 10000);
		if (ASSERT_OK(write_text(w.file, deep, 20000), "write deep nesting"))
			expect_refused(&w, "10000 nested arrays");
	}
	/* The sample followed by garbage, and a second copy of it. */
	if (subtest_begin("two copies of the file") &&
	    ASSERT_OK(write_text(w.file, w.valid, strlen(w.valid)), "write") &&
	    ASSERT_OK(write_text(w.file, "", 0), "truncate")) {
		char twice[2 * sizeof(w.valid)];

		snprintf(twice, sizeof(twice), "%s%s", w.valid, w.valid);
		if (ASSERT_OK(write_text(w.file, twice, strlen(twice)), "write it twice"))
			expect_refused(&w, "two copies of the file");
	}
	/* Not a regular file at all. */
	if (subtest_begin("a directory in place of the file")) {
		unlink(w.file);
		if (ASSERT_OK(mkdir(w.file, 0700) ? -errno : 0, "a directory in its place")) {
			expect_refused(&w, "a directory in place of the file");
			rmdir(w.file);
		}
	}
	subtest_end();
	world_remove(&w);
}

/*
 * Values the writer cannot represent: nat_share and ageing_s are read as
 * u32 but written as int, so a file with 4294967295 loads, and the next save
 * (any command that changes the network) writes -1, which no bpfbr reads.
 */
TEST(state_accepted_values_survive_a_save)
{
	static const char *const edits[][2] = {
		{ "\"nat_share\": 32768", "\"nat_share\": 4294967295" },
		{ "\"nat_share\": 32768", "\"nat_share\": 2147483648" },
		{ "\"ageing_s\": 300", "\"ageing_s\": 4294967295" },
	};
	struct netstate state, again;
	struct world w;
	char m[200];

	if (!world_make(&w))
		return;
	for (size_t i = 0; i < sizeof(edits) / sizeof(edits[0]); i++) {
		if (!write_edit(&w, edits[i][0], edits[i][1]))
			continue;
		errors = 0;
		if (state_load(&w.p, "demo", &state)) {
			snprintf(m, sizeof(m), "%s: refused with a message naming the file",
				 edits[i][1]);
			ASSERT_TRUE(errors == 1 && strstr(last_error, w.file), m);
			continue;
		}
		snprintf(m, sizeof(m), "%s: accepted, saved again, loads again", edits[i][1]);
		if (ASSERT_OK(state_save(&w.p, &state), m) &&
		    ASSERT_OK(state_load(&w.p, "demo", &again), m)) {
			ASSERT_EQ(again.nat_share, state.nat_share, m);
			ASSERT_EQ(again.ageing_s, state.ageing_s, m);
			netstate_free(&again);
		}
		netstate_free(&state);
	}
	world_remove(&w);
}

/*
 * A file whose attachments contradict each other or the network is as
 * corrupt as a truncated one: two containers in one port slot (detaching
 * one takes the other out of the flood list), one address twice (IPAM hands
 * it out again), an address outside the subnet or the gateway's.
 */
TEST(state_inconsistent_files_are_refused)
{
	static const char *const edits[][3] = {
		{ "two attachments in slot 1", "\"slot\": 2", "\"slot\": 1" },
		{ "one address twice", "\"ip\": \"10.40.0.3\"", "\"ip\": \"10.40.0.2\"" },
		{ "one MAC twice", "\"mac\": \"02:00:00:00:00:11\"",
		  "\"mac\": \"02:00:00:00:00:10\"" },
		{ "one host device twice", "\"host_ifname\": \"veth00000001\"",
		  "\"host_ifname\": \"veth00000000\"" },
		{ "an address outside the subnet", "\"ip\": \"10.40.0.3\"",
		  "\"ip\": \"192.0.2.3\"" },
		{ "the gateway's address", "\"ip\": \"10.40.0.3\"", "\"ip\": \"10.40.0.1\"" },
		{ "a gateway outside the subnet", "\"gateway\": \"10.40.0.1\"",
		  "\"gateway\": \"10.41.0.1\"" },
	};
	struct world w;

	if (!world_make(&w))
		return;
	for (size_t i = 0; i < sizeof(edits) / sizeof(edits[0]); i++)
		if (write_edit(&w, edits[i][1], edits[i][2]))
			expect_refused(&w, edits[i][0]);
	world_remove(&w);
}
