// SPDX-License-Identifier: GPL-2.0-only OR BSD-2-Clause
/* The change journal: the intent as written, read back, and distrusted when damaged. */
#include <errno.h>
#include <stdio.h>
#include <stdlib.h>
#include <unistd.h>

#include "harness.h"
#include "journal.h"

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
