/* SPDX-License-Identifier: GPL-2.0-only OR BSD-2-Clause */
/*
 * The change journal, a write-ahead intent: before a command changes
 * anything it records what it is about to do (STATE/journal), and adds to
 * the record before each side effect that the state file cannot describe
 * until the command commits (the device it creates, the namespace it makes).
 * The record goes when the command has saved the state or rolled back. A
 * record found by the next command means the last one was interrupted
 * (killed, crashed, machine lost power): that command reconciles first,
 * rolling the interrupted change back (attach, net create) or forward
 * (detach, net delete), then everything else with the state.
 */
#ifndef BPFBR_JOURNAL_H
#define BPFBR_JOURNAL_H

#include <limits.h>
#include <net/if.h>
#include <stdbool.h>
#include <jansson.h>

#include "parse.h"
#include "paths.h"

#define JOURNAL_NET_ALL	      "*"
#define JOURNAL_OP_ATTACH     "attach"
#define JOURNAL_OP_DETACH     "detach"
#define JOURNAL_OP_NET_CREATE "net-create"
#define JOURNAL_OP_NET_DELETE "net-delete"

/* Keys a command adds to its record. */
#define JOURNAL_DEVICE "device" /* the node-side device it creates or removes */
#define JOURNAL_NETNS  "netns"	/* the namespace (name) it creates */

struct journal {
	const struct paths *p;
	bool owner; /* this call wrote the record: only the owner adds to it and ends it */
	json_t *rec;
};

/*
 * Records the change unless a record exists already (an enclosing change of
 * this command, or an interrupted one that reconciling will handle). Needs
 * the lock.
 */
int journal_begin(struct journal *j, const struct paths *p, const char *op, const char *net);
/* Adds key = value to the record (value NULL: removes key) before the side
 * effect it names; does nothing unless j owns the record. */
int journal_note(struct journal *j, const char *key, const char *value);
void journal_end(struct journal *j);

/* An interrupted change, as recorded. */
struct journal_rec {
	char op[32];
	char net[NETNAME_MAX]; /* or JOURNAL_NET_ALL when the record is unreadable */
	char device[IF_NAMESIZE];
	char netns[NAME_MAX + 1];
};

/* true, with the record, when a change was interrupted. */
bool journal_pending(const struct paths *p, struct journal_rec *r);
/* Removes the record of an interrupted change once it is reconciled. */
void journal_clear(const struct paths *p);

#endif
