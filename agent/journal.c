// SPDX-License-Identifier: GPL-2.0-only OR BSD-2-Clause
#include <errno.h>
#include <stdio.h>
#include <string.h>
#include <unistd.h>

#include "journal.h"
#include "jsonutil.h"

static int journal_path(const struct paths *p, char *buf, size_t size)
{
	return path_join(buf, size, p->state, "journal");
}

/* Written whole or not at all: a kill never leaves half a record. */
static int journal_write(struct journal *j)
{
	char path[PATH_MAX];
	int err = journal_path(j->p, path, sizeof(path));

	return err ?: json_write_file_atomic(j->rec, path);
}

int journal_begin(struct journal *j, const struct paths *p, const char *op, const char *net)
{
	char path[PATH_MAX];
	int err;

	*j = (struct journal){ .p = p };
	err = mkdir_p(p->state, 0700);
	if (!err)
		err = journal_path(p, path, sizeof(path));
	if (err)
		return err;
	/* Commands that change things hold the lock: no one else writes it. */
	if (!access(path, F_OK))
		return 0;
	j->rec = json_pack("{s:s, s:s}", "op", op, "network", net);
	if (!j->rec)
		return -ENOMEM;
	err = journal_write(j);
	if (err) {
		json_decref(j->rec);
		j->rec = NULL;
		return err;
	}
	j->owner = true;
	return 0;
}

int journal_note(struct journal *j, const char *key, const char *value)
{
	if (!j->owner)
		return 0;
	if (value ? json_object_set_new(j->rec, key, json_string(value))
		  : json_object_del(j->rec, key))
		return -ENOMEM;
	return journal_write(j);
}

void journal_end(struct journal *j)
{
	if (j->owner)
		journal_clear(j->p);
	json_decref(j->rec);
	*j = (struct journal){ 0 };
}

void journal_clear(const struct paths *p)
{
	char path[PATH_MAX], tmp[PATH_MAX + 8];

	if (journal_path(p, path, sizeof(path)))
		return;
	unlink(path);
	snprintf(tmp, sizeof(tmp), "%s.tmp", path); /* a kill's half-made update */
	unlink(tmp);
}

static bool valid_netns_name(const char *s)
{
	return *s && !strchr(s, '/') && strcmp(s, ".") && strcmp(s, "..");
}

bool journal_pending(const struct paths *p, struct journal_rec *r)
{
	static const char *const keys[] = { "op", "network", JOURNAL_DEVICE, JOURNAL_NETNS, NULL };
	char path[PATH_MAX], err[JERR_LEN];
	json_t *rec;
	bool ok;

	memset(r, 0, sizeof(*r));
	if (journal_path(p, path, sizeof(path)) || access(path, F_OK))
		return false;
	rec = json_load_file_strict(path, err);
	ok = rec && !jcheck_keys(rec, keys, err) &&
	     !jget_str(rec, "op", r->op, sizeof(r->op), err) &&
	     !jget_str(rec, "network", r->net, sizeof(r->net), err) && valid_netname(r->net);
	if (ok && jget_str(rec, JOURNAL_DEVICE, r->device, sizeof(r->device), err) != -ENOENT)
		ok = valid_ifname(r->device);
	if (ok && jget_str(rec, JOURNAL_NETNS, r->netns, sizeof(r->netns), err) != -ENOENT)
		ok = valid_netns_name(r->netns);
	json_decref(rec);
	if (!ok) {
		/* Unreadable or damaged: nothing in it is trusted; reconcile everything. */
		memset(r, 0, sizeof(*r));
		strcpy(r->op, "?");
		strcpy(r->net, JOURNAL_NET_ALL);
	}
	return true;
}
