// SPDX-License-Identifier: GPL-2.0-only OR BSD-2-Clause
/* The change journal: the intent as written, read back, and distrusted when damaged. */
#include <errno.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <unistd.h>

#include "harness.h"
#include "journal.h"
#include "model.h"

struct tmproot {
	char dir[64];
	struct paths p;
	char journal[PATH_MAX + 16];
};

static bool tmproot_make(struct tmproot *t)
{
	snprintf(t->dir, sizeof(t->dir), "/tmp/bpfbr-unit.XXXXXX");
	if (!ASSERT_TRUE(mkdtemp(t->dir) != NULL, "mkdtemp"))
		return false;
	if (!ASSERT_OK(paths_init(&t->p, t->dir), "paths"))
		return false;
	snprintf(t->journal, sizeof(t->journal), "%s/journal", t->p.state);
	return true;
}

static void tmproot_remove(struct tmproot *t)
{
	char cmd[128];

	snprintf(cmd, sizeof(cmd), "rm -rf '%s'", t->dir);
	if (system(cmd))
		fprintf(stderr, "could not remove %s\n", t->dir);
}

static void write_journal(const struct tmproot *t, const char *text)
{
	FILE *f = fopen(t->journal, "w");

	if (ASSERT_TRUE(f != NULL, "open journal")) {
		fputs(text, f);
		fclose(f);
	}
}

TEST(intent_grows_then_goes)
{
	struct journal j, inner;
	struct journal_rec r;
	struct tmproot t;

	if (!tmproot_make(&t))
		return;
	ASSERT_FALSE(journal_pending(&t.p, &r), "nothing pending at first");
	if (ASSERT_OK(journal_begin(&j, &t.p, JOURNAL_OP_ATTACH, "demo"), "begin")) {
		ASSERT_TRUE(j.owner, "the first begin owns the record");
		ASSERT_OK(journal_note(&j, JOURNAL_NETNS, "c1"), "note netns");
		ASSERT_OK(journal_note(&j, JOURNAL_DEVICE, "veth0a1b2c3d"), "note device");
		/* A change inside this one neither owns nor extends the record. */
		ASSERT_OK(journal_begin(&inner, &t.p, JOURNAL_OP_DETACH, "demo"), "inner begin");
		ASSERT_FALSE(inner.owner, "the inner begin does not own it");
		ASSERT_OK(journal_note(&inner, JOURNAL_DEVICE, "vethffffffff"), "inner note");
		journal_end(&inner);
		if (ASSERT_TRUE(journal_pending(&t.p, &r), "pending while running")) {
			ASSERT_STREQ(r.op, JOURNAL_OP_ATTACH, "op");
			ASSERT_STREQ(r.net, "demo", "network");
			ASSERT_STREQ(r.device, "veth0a1b2c3d", "device");
			ASSERT_STREQ(r.netns, "c1", "netns");
		}
		ASSERT_OK(journal_note(&j, JOURNAL_NETNS, NULL), "note removed");
		ASSERT_TRUE(journal_pending(&t.p, &r) && !r.netns[0], "netns gone from the record");
		journal_end(&j);
	}
	ASSERT_FALSE(journal_pending(&t.p, &r), "nothing pending after the end");
	ASSERT_TRUE(access(t.journal, F_OK) && errno == ENOENT, "the file is gone");
	tmproot_remove(&t);
}

TEST(damaged_records_are_not_trusted)
{
	static const char *const bad[] = {
		"",		 /* killed before the first write */
		"attach demo\n", /* an older bpfbr's record */
		"{\"op\": \"attach\", \"network\": \"../x\"}",
		"{\"op\": \"attach\", \"network\": \"demo\", \"device\": \"a/b\"}",
		"{\"op\": \"attach\", \"network\": \"demo\", \"netns\": \"..\"}",
		"{\"op\": \"attach\", \"network\": \"demo\", \"netns\": \"x/../../etc\"}",
		"{\"op\": \"attach\", \"network\": \"demo\", \"extra\": 1}",
		"{\"op\": \"attach\"}",
	};
	struct journal_rec r;
	struct tmproot t;

	if (!tmproot_make(&t))
		return;
	if (!ASSERT_OK(mkdir_p(t.p.state, 0700), "state dir"))
		goto out;
	for (size_t i = 0; i < sizeof(bad) / sizeof(bad[0]); i++) {
		write_journal(&t, bad[i]);
		if (ASSERT_TRUE(journal_pending(&t.p, &r), bad[i])) {
			ASSERT_STREQ(r.net, JOURNAL_NET_ALL, bad[i]);
			ASSERT_STREQ(r.device, "", bad[i]);
			ASSERT_STREQ(r.netns, "", bad[i]);
		}
	}
	journal_clear(&t.p);
	ASSERT_FALSE(journal_pending(&t.p, &r), "cleared");
out:
	tmproot_remove(&t);
}

TEST(upgrade_records_its_step_and_hook)
{
	const struct journal_kv pins[] = { { JOURNAL_DATAPATH, "demo" },
					   { JOURNAL_STEP, JOURNAL_STEP_PINS } };
	const struct journal_kv hook[] = { { JOURNAL_STEP, JOURNAL_STEP_HOOKS },
					   { JOURNAL_DEVICE, "veth0a1b2c3d" },
					   { JOURNAL_HOOK, HOOK_NAME_XDP } };
	const struct journal_kv uplink[] = { { JOURNAL_DATAPATH, NULL },
					     { JOURNAL_UPLINK, "up0" },
					     { JOURNAL_STEP, JOURNAL_STEP_PINS },
					     { JOURNAL_DEVICE, NULL },
					     { JOURNAL_HOOK, NULL } };
	struct journal_rec r;
	struct journal j;
	struct tmproot t;

	if (!tmproot_make(&t))
		return;
	if (!ASSERT_OK(journal_begin(&j, &t.p, JOURNAL_OP_UPGRADE, JOURNAL_NET_ALL), "begin"))
		goto out;
	if (ASSERT_TRUE(journal_pending(&t.p, &r), "every network, no step yet")) {
		ASSERT_STREQ(r.op, JOURNAL_OP_UPGRADE, "op");
		ASSERT_STREQ(r.net, JOURNAL_NET_ALL, "network");
		ASSERT_STREQ(r.step, "", "no step");
	}
	ASSERT_OK(journal_notes(&j, pins, 2), "the pins of demo");
	if (ASSERT_TRUE(journal_pending(&t.p, &r), "pins")) {
		ASSERT_STREQ(r.datapath, "demo", "datapath");
		ASSERT_STREQ(r.step, JOURNAL_STEP_PINS, "step");
		ASSERT_STREQ(r.hook, "", "no hook while the pins move");
	}
	ASSERT_OK(journal_notes(&j, hook, 3), "a hook of demo");
	if (ASSERT_TRUE(journal_pending(&t.p, &r), "hooks")) {
		ASSERT_STREQ(r.datapath, "demo", "datapath kept");
		ASSERT_STREQ(r.step, JOURNAL_STEP_HOOKS, "step");
		ASSERT_STREQ(r.device, "veth0a1b2c3d", "device");
		ASSERT_STREQ(r.hook, HOOK_NAME_XDP, "hook");
	}
	ASSERT_OK(journal_notes(&j, uplink, 5), "the uplink's pins");
	if (ASSERT_TRUE(journal_pending(&t.p, &r), "uplink")) {
		ASSERT_STREQ(r.datapath, "", "the network's datapath is done");
		ASSERT_STREQ(r.uplink, "up0", "uplink");
		ASSERT_STREQ(r.device, "", "no device");
		ASSERT_STREQ(r.hook, "", "no hook");
	}
	/* An upgrade that stops part-way leaves its record to the next command. */
	journal_keep(&j);
	ASSERT_TRUE(journal_pending(&t.p, &r) && !strcmp(r.uplink, "up0"), "kept");
	ASSERT_FALSE(j.owner, "nothing owned after keep");
	journal_clear(&t.p);
out:
	tmproot_remove(&t);
}

TEST(damaged_upgrade_records_are_not_trusted)
{
	static const char *const bad[] = {
		/* a step names its datapath, exactly one */
		"{\"op\": \"upgrade\", \"network\": \"*\", \"step\": \"pins\"}",
		"{\"op\": \"upgrade\", \"network\": \"*\", \"datapath\": \"demo\", \"uplink\": "
		"\"up0\", \"step\": \"pins\"}",
		"{\"op\": \"upgrade\", \"network\": \"*\", \"datapath\": \"demo\"}",
		/* steps and hooks by name only */
		"{\"op\": \"upgrade\", \"network\": \"*\", \"datapath\": \"demo\", \"step\": "
		"\"rename\"}",
		"{\"op\": \"upgrade\", \"network\": \"*\", \"datapath\": \"demo\", \"step\": "
		"\"hooks\", \"device\": \"veth1\", \"hook\": \"tc\"}",
		"{\"op\": \"upgrade\", \"network\": \"*\", \"datapath\": \"demo\", \"step\": 1}",
		/* a hook with its device, while hooks switch */
		"{\"op\": \"upgrade\", \"network\": \"*\", \"datapath\": \"demo\", \"step\": "
		"\"hooks\", \"hook\": \"xdp\"}",
		"{\"op\": \"upgrade\", \"network\": \"*\", \"datapath\": \"demo\", \"step\": "
		"\"hooks\", \"device\": \"veth1\"}",
		"{\"op\": \"upgrade\", \"network\": \"*\", \"datapath\": \"demo\", \"step\": "
		"\"pins\", \"device\": \"veth1\", \"hook\": \"xdp\"}",
		/* names that leave their directory */
		"{\"op\": \"upgrade\", \"network\": \"*\", \"datapath\": \"../x\", \"step\": "
		"\"pins\"}",
		"{\"op\": \"upgrade\", \"network\": \"*\", \"uplink\": \"a/b\", \"step\": "
		"\"pins\"}",
		"{\"op\": \"upgrade\", \"network\": \"..\"}",
		/* an upgrade's keys in another command's record, or "*" there */
		"{\"op\": \"attach\", \"network\": \"*\"}",
		"{\"op\": \"attach\", \"network\": \"demo\", \"datapath\": \"demo\", \"step\": "
		"\"pins\"}",
		"{\"op\": \"detach\", \"network\": \"demo\", \"device\": \"veth1\", \"hook\": "
		"\"xdp\"}",
		"{\"op\": \"upgrade\", \"network\": \"*\", \"netns\": \"c1\"}",
	};
	struct journal_rec r;
	struct tmproot t;

	if (!tmproot_make(&t))
		return;
	if (!ASSERT_OK(mkdir_p(t.p.state, 0700), "state dir"))
		goto out;
	for (size_t i = 0; i < sizeof(bad) / sizeof(bad[0]); i++) {
		write_journal(&t, bad[i]);
		if (ASSERT_TRUE(journal_pending(&t.p, &r), bad[i])) {
			ASSERT_STREQ(r.op, "?", bad[i]);
			ASSERT_STREQ(r.net, JOURNAL_NET_ALL, bad[i]);
			ASSERT_STREQ(r.datapath, "", bad[i]);
			ASSERT_STREQ(r.uplink, "", bad[i]);
			ASSERT_STREQ(r.step, "", bad[i]);
			ASSERT_STREQ(r.device, "", bad[i]);
		}
	}
	/* What a killed upgrade leaves is read as written. */
	write_journal(&t, "{\"op\": \"upgrade\", \"network\": \"demo\", \"uplink\": \"up0\", "
			  "\"step\": \"hooks\", \"device\": \"up0\", \"hook\": \"tc egress\"}");
	if (ASSERT_TRUE(journal_pending(&t.p, &r), "a valid upgrade record")) {
		ASSERT_STREQ(r.net, "demo", "network");
		ASSERT_STREQ(r.uplink, "up0", "uplink");
		ASSERT_STREQ(r.hook, HOOK_NAME_TC_EGRESS, "hook");
	}
	journal_clear(&t.p);
out:
	tmproot_remove(&t);
}
