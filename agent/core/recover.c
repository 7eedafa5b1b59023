// SPDX-License-Identifier: GPL-2.0-only OR BSD-2-Clause
#include <errno.h>
#include <limits.h>
#include <string.h>
#include <unistd.h>
#include <jansson.h>

#include "switchdp.h"
#include "cluster_sync.h"
#include "journal.h"
#include "log.h"
#include "network.h"
#include "pin_layout.h"
#include "reconcile.h"
#include "recover.h"
#include "net_restore.h"
#include "uplink.h"
#include "uplinkdp.h"

/*
 * An interrupted upgrade whose new programs' pins had begun to move: their
 * move is finished, and the NAT sweeper follows them; reconcile then puts
 * each pinned program on its hooks. Before that step nothing had changed:
 * the staged pins go (reconcile), and the hooks keep the pinned programs.
 */
static int upgrade_finish(struct netctx *c, const struct journal_rec *r)
{
	bool pins = !strcmp(r->step, JOURNAL_STEP_PINS);
	char dir[PATH_MAX];
	struct uplinkdp u;
	int err;

	if (r->datapath[0] && pins) {
		err = pin_net_dir(&c->p, r->datapath, dir, sizeof(dir));
		return err ?: switchdp_commit(dir);
	}
	if (!r->uplink[0])
		return 0;
	err = pin_uplink_dir(&c->p, r->uplink, dir, sizeof(dir));
	if (err || access(dir, F_OK))
		return err; /* the uplink's datapath went since */
	if (pins)
		err = uplinkdp_commit(dir);
	if (!err)
		err = uplinkdp_open(dir, &u);
	if (!err) {
		err = uplinkdp_arm(&u);
		uplinkdp_close(&u);
	}
	return err;
}

/* A cluster change: the declaration was saved whole or not at all; the
 * routes are made what it says. */
static int cluster_resync(struct netctx *c)
{
	json_t *changes = json_array();
	int err = cluster_sync(c, changes);

	json_decref(changes);
	return err;
}

/* The interrupted change itself: undone, or finished when it had begun to undo. */
static int recover(struct netctx *c, const struct journal_rec *r)
{
	int err = 0;

	if (!strcmp(r->op, JOURNAL_OP_ATTACH))
		err = net_attach_undo(c, r->net, r->device, r->netns);
	else if (!strcmp(r->op, JOURNAL_OP_DETACH))
		err = net_detach_finish(c, r->net, r->device);
	else if (!strcmp(r->op, JOURNAL_OP_NET_CREATE))
		err = net_create_undo(c, r->net, r->device);
	else if (!strcmp(r->op, JOURNAL_OP_NET_DELETE)) {
		/* Finish what was asked: the network goes, whatever is left of it. */
		err = net_delete(c, r->net, true);
		if (err == -ENOENT)
			err = 0;
	} else if (!strcmp(r->op, JOURNAL_OP_UPGRADE)) {
		err = upgrade_finish(c, r);
	} else if (!strcmp(r->op, JOURNAL_OP_RESTORE)) {
		/* Finished: what it had not made yet is made (idempotent). */
		json_t *done = json_array();

		err = net_restore(c, r->net, done);
		json_decref(done);
		if (err == -ENOENT)
			err = 0;
	} else if (!strcmp(r->op, JOURNAL_OP_CLUSTER)) {
		err = cluster_resync(c);
	}
	return err;
}

int netctx_open_for_change(struct netctx *c, const char *root)
{
	struct journal_rec r;
	json_t *removed;
	int err;

	err = netctx_open(c, root, true);
	if (err || !journal_pending(&c->p, &r))
		return err;
	if (r.hook[0])
		pr_warn("an earlier bpfbr command (%s %s) was interrupted switching %s of %s; "
			"reconciling",
			r.op, r.net, r.hook, r.device);
	else
		pr_warn("an earlier bpfbr command (%s %s) was interrupted; reconciling", r.op,
			r.net);
	err = recover(c, &r);
	/* Everything, not only the network named: an interrupted create may have
	 * left devices and pins of a network that has no state. */
	removed = json_array();
	if (!err)
		err = reconcile(c, NULL, removed);
	json_decref(removed);
	if (!err)
		journal_clear(&c->p);
	else
		netctx_close(c);
	return err;
}
