// SPDX-License-Identifier: GPL-2.0-only OR BSD-2-Clause
#include <errno.h>
#include <stdio.h>
#include <string.h>
#include <unistd.h>

#include "journal.h"
#include "jsonutil.h"
#include "log.h"
#include "model.h"

static int journal_path(const struct paths *p, char *buf, size_t size)
{
	return path_join(buf, size, p->state, "journal");
}

static int unwritable(const struct paths *p, int err)
{
	pr_err("cannot write the change journal under %s: %s", p->state, strerror(-err));
	return err;
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

int journal_notes(struct journal *j, const struct journal_kv *kv, size_t n)
{
	int err;

	if (!j->owner)
		return 0;
	for (size_t i = 0; i < n; i++) {
		err = kv[i].value ? json_object_set_new(j->rec, kv[i].key, json_string(kv[i].value))
				  : json_object_del(j->rec, kv[i].key);

		/* Deleting a key that is not there is no error. */
		if (err && (kv[i].value || json_object_get(j->rec, kv[i].key)))
			return unwritable(j->p, -ENOMEM);
	}
	err = journal_write(j);
	return err ? unwritable(j->p, err) : 0;
}

int journal_note(struct journal *j, const char *key, const char *value)
{
	return journal_notes(j, &(struct journal_kv){ key, value }, 1);
}

void journal_end(struct journal *j)
{
	if (j->owner)
		journal_clear(j->p);
	json_decref(j->rec);
	*j = (struct journal){ 0 };
}

void journal_keep(struct journal *j)
{
	json_decref(j->rec);
	*j = (struct journal){ 0 };
}

/* As journal_pending reads it back: a network, or every one for an upgrade. */
static bool recordable(const char *op, const char *net)
{
	return valid_netname(net) ||
	       ((!strcmp(op, JOURNAL_OP_UPGRADE) || !strcmp(op, JOURNAL_OP_CLUSTER)) && net &&
		!strcmp(net, JOURNAL_NET_ALL));
}

int journal_run(const struct paths *p, const char *op, const char *net, journal_change_fn *change,
		void *arg)
{
	struct journal j = { 0 };
	int err = 0;

	if (recordable(op, net))
		err = journal_begin(&j, p, op, net);
	if (err)
		return unwritable(p, err);
	err = change(&j, arg);
	journal_end(&j); /* nothing when change kept the record */
	return err;
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

static bool one_of(const char *s, const char *const *set)
{
	for (; *set; set++)
		if (!strcmp(s, *set))
			return true;
	return false;
}

/* An optional string key: absent, or present and valid. */
static bool opt_str(json_t *rec, const char *key, char *buf, size_t size,
		    bool (*valid)(const char *))
{
	char err[JERR_LEN];
	int r = jget_str(rec, key, buf, size, err);

	return r == -ENOENT || (!r && valid(buf));
}

static bool valid_step(const char *s)
{
	static const char *const steps[] = { JOURNAL_STEP_PINS, JOURNAL_STEP_HOOKS, NULL };

	return one_of(s, steps);
}

static bool valid_hook(const char *s)
{
	static const char *const hooks[] = { HOOK_NAME_TC_INGRESS, HOOK_NAME_TC_EGRESS,
					     HOOK_NAME_XDP, HOOK_NAME_NETKIT_PEER, NULL };

	return one_of(s, hooks);
}

/* An upgrade's keys hang together: a step names its datapath (one), a hook
 * its device and comes only while hooks switch; other commands have none. */
static bool upgrade_keys_ok(const struct journal_rec *r)
{
	bool upgrade = !strcmp(r->op, JOURNAL_OP_UPGRADE);

	if (!upgrade)
		return !r->datapath[0] && !r->uplink[0] && !r->step[0] && !r->hook[0] &&
		       (valid_netname(r->net) ||
			(!strcmp(r->op, JOURNAL_OP_CLUSTER) && !strcmp(r->net, JOURNAL_NET_ALL)));
	if (r->netns[0] || (r->datapath[0] && r->uplink[0]))
		return false;
	if (strcmp(r->net, JOURNAL_NET_ALL) && !valid_netname(r->net))
		return false;
	if (!r->step[0])
		return !r->datapath[0] && !r->uplink[0] && !r->device[0] && !r->hook[0];
	if (!r->datapath[0] && !r->uplink[0])
		return false;
	if (!strcmp(r->step, JOURNAL_STEP_HOOKS))
		return !r->device[0] == !r->hook[0];
	return !r->device[0] && !r->hook[0];
}

bool journal_pending(const struct paths *p, struct journal_rec *r)
{
	static const char *const keys[] = { "op",	   "network",	     JOURNAL_DEVICE,
					    JOURNAL_NETNS, JOURNAL_DATAPATH, JOURNAL_UPLINK,
					    JOURNAL_STEP,  JOURNAL_HOOK,     NULL };
	char path[PATH_MAX], err[JERR_LEN];
	json_t *rec;
	bool ok;

	memset(r, 0, sizeof(*r));
	if (journal_path(p, path, sizeof(path)) || access(path, F_OK))
		return false;
	rec = json_load_file_strict(path, err);
	ok = rec && !jcheck_keys(rec, keys, err) &&
	     !jget_str(rec, "op", r->op, sizeof(r->op), err) &&
	     !jget_str(rec, "network", r->net, sizeof(r->net), err) &&
	     opt_str(rec, JOURNAL_DEVICE, r->device, sizeof(r->device), valid_ifname) &&
	     opt_str(rec, JOURNAL_NETNS, r->netns, sizeof(r->netns), valid_netns_name) &&
	     opt_str(rec, JOURNAL_DATAPATH, r->datapath, sizeof(r->datapath), valid_netname) &&
	     opt_str(rec, JOURNAL_UPLINK, r->uplink, sizeof(r->uplink), valid_ifname) &&
	     opt_str(rec, JOURNAL_STEP, r->step, sizeof(r->step), valid_step) &&
	     opt_str(rec, JOURNAL_HOOK, r->hook, sizeof(r->hook), valid_hook) && upgrade_keys_ok(r);
	json_decref(rec);
	if (!ok) {
		/* Unreadable or damaged: nothing in it is trusted; reconcile everything. */
		memset(r, 0, sizeof(*r));
		strcpy(r->op, "?");
		strcpy(r->net, JOURNAL_NET_ALL);
	}
	return true;
}
