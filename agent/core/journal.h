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
 * (detach, net delete, an upgrade past its first pin), then everything else
 * with the state.
 *
 * An upgrade records, per datapath (a network's switch or an uplink's
 * masquerade), the step it is in, and before each hook it switches, that
 * hook: {"op": "upgrade", "network": "*", "datapath": "demo", "step":
 * "hooks", "device": "veth1a2b3c4d", "hook": "xdp"}.
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
#define JOURNAL_OP_UPGRADE    "upgrade" /* network: a name, or JOURNAL_NET_ALL */
#define JOURNAL_OP_RESTORE    "restore"
#define JOURNAL_OP_CLUSTER    "cluster" /* network: JOURNAL_NET_ALL; finished by a sync */

/* Keys a command adds to its record. */
#define JOURNAL_DEVICE "device" /* the node-side device it creates, removes or re-hooks */
#define JOURNAL_NETNS  "netns"	/* the namespace (name) it creates */
/* An upgrade's: the datapath whose programs it replaces (one of the two), */
#define JOURNAL_DATAPATH "datapath" /* a network's switch, by network name */
#define JOURNAL_UPLINK	 "uplink"   /* an uplink's masquerade, by interface */
/* the step it is in, */
#define JOURNAL_STEP	   "step"
#define JOURNAL_STEP_PINS  "pins"  /* the new programs' pins are moving over the old ones */
#define JOURNAL_STEP_HOOKS "hooks" /* every pin is new; hooks are switching to them */
/* and the hook of JOURNAL_DEVICE it is switching: */
#define JOURNAL_HOOK "hook" /* HOOK_NAME_TC_INGRESS, _TC_EGRESS, _XDP (hook_attach.h) */

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
 * effect it names; does nothing unless j owns the record. Reports a failure. */
int journal_note(struct journal *j, const char *key, const char *value);
/* Several at once, in one write. */
struct journal_kv {
	const char *key, *value;
};
int journal_notes(struct journal *j, const struct journal_kv *kv, size_t n);
void journal_end(struct journal *j);
/* Ends a change that could neither complete nor roll back: the record stays
 * for the next command to reconcile, as if this one had been killed. */
void journal_keep(struct journal *j);

/*
 * The envelope of every command that changes something: begins the record
 * of op on net (a network's name, or JOURNAL_NET_ALL for an upgrade), runs change, and
 * ends the record unless change kept it. A change of an invalid name runs
 * unrecorded, to fail on that name. Reports a journal it cannot write.
 */
typedef int journal_change_fn(struct journal *j, void *arg);
int journal_run(const struct paths *p, const char *op, const char *net, journal_change_fn *change,
		void *arg);

/* An interrupted change, as recorded. */
struct journal_rec {
	char op[32];
	char net[NETNAME_MAX]; /* or JOURNAL_NET_ALL when the record is unreadable */
	char device[IF_NAMESIZE];
	char netns[NAME_MAX + 1];
	/* An upgrade's (empty when not recorded): */
	char datapath[NETNAME_MAX];
	char uplink[IF_NAMESIZE];
	char step[8];
	char hook[16];
};

/* true, with the record, when a change was interrupted. */
bool journal_pending(const struct paths *p, struct journal_rec *r);
/* Removes the record of an interrupted change once it is reconciled. */
void journal_clear(const struct paths *p);

#endif
