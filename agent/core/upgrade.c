// SPDX-License-Identifier: GPL-2.0-only OR BSD-2-Clause
#include <errno.h>
#include <stdio.h>
#include <string.h>

#include "switchdp.h"
#include "cluster_services.h"
#include "hooks.h"
#include "journal.h"
#include "log.h"
#include "netfollow.h"
#include "pin_layout.h"
#include "state.h"
#include "upgrade.h"
#include "cluster_nomasq.h"
#include "uplink.h"
#include "uplink6.h"
#include "uplinkdp.h"

#define MAX_UPLINKS 64

struct upgrading {
	struct netctx *c;
	const char *net; /* NULL: every network */
	struct journal *j;
	bool changed; /* a datapath is between its pins and its hooks */
	json_t *done;
	/* The uplinks of the networks upgraded, each once: upgraded after them. */
	char uplinks[MAX_UPLINKS][IF_NAMESIZE];
	int n_up;
};

/* The step of one datapath's upgrade (key: JOURNAL_DATAPATH or JOURNAL_UPLINK). */
static int step(struct upgrading *u, const char *key, const char *name, const char *step)
{
	const bool net = !strcmp(key, JOURNAL_DATAPATH);
	const struct journal_kv kv[] = {
		{ JOURNAL_DATAPATH, net ? name : NULL },
		{ JOURNAL_UPLINK, net ? NULL : name },
		{ JOURNAL_STEP, step },
		{ JOURNAL_DEVICE, NULL },
		{ JOURNAL_HOOK, NULL },
	};

	return journal_notes(u->j, kv, sizeof(kv) / sizeof(kv[0]));
}

/* Each hook is recorded before it is switched. */
static int switch_one(const struct hook *h, void *data)
{
	const struct journal_kv kv[] = { { JOURNAL_DEVICE, h->device }, { JOURNAL_HOOK, h->name } };
	struct upgrading *u = data;
	int err;

	err = journal_notes(u->j, kv, 2);
	if (err)
		return err;
	err = hook_switch(h);
	if (err) {
		pr_err("cannot switch %s on %s to the new program: %s", h->name, h->device,
		       strerror(-err));
		return err;
	}
	json_array_append_new(u->done,
			      json_pack("{s:s, s:s}", "hook", h->name, "device", h->device));
	return 0;
}

/*
 * The MAC-following program: a tracing link cannot be updated in place, so
 * this build's is attached beside the old one and its pin moved over the
 * old link's, which detaches it. While both run a MAC change is followed
 * twice, the second time finding nothing to do: no change goes unseen. Not
 * journaled: interrupted, the old program keeps following (gc moves a new
 * link pinned beside it into place).
 */
static int upgrade_follow(struct upgrading *u, const struct netstate *state)
{
	bool running;
	int err = net_follow_start(u->c, state, &running);

	if (!err && running)
		json_array_append_new(u->done, json_pack("{s:s, s:s}", "hook", "mac follow (fexit)",
							 "device", state->name));
	return err;
}

static void note_uplink(struct upgrading *u, const struct netstate *state)
{
	bool seen = false;

	for (int j = 0; j < u->n_up && state->masquerade; j++)
		seen |= !strcmp(u->uplinks[j], state->uplink);
	if (state->masquerade && !seen && u->n_up < MAX_UPLINKS)
		snprintf(u->uplinks[u->n_up++], IF_NAMESIZE, "%s", state->uplink);
}

static int upgrade_net(struct upgrading *u, const char *name)
{
	char dir[PATH_MAX];
	struct netstate state;
	struct switchdp dp;
	int err;

	err = netctx_load(u->c, name, &state);
	if (err)
		return err;
	err = pin_net_dir(&u->c->p, name, dir, sizeof(dir));
	if (err)
		goto out;
	err = switchdp_stage(dir);
	if (!err)
		err = step(u, JOURNAL_DATAPATH, name, JOURNAL_STEP_PINS);
	if (err) {
		switchdp_drop_staged(dir);
		goto out;
	}
	u->changed = true;
	err = switchdp_commit(dir);
	if (!err)
		err = step(u, JOURNAL_DATAPATH, name, JOURNAL_STEP_HOOKS);
	if (!err)
		err = switchdp_open(dir, &dp);
	/* Before the new programs run: a map this build added is empty. */
	if (!err) {
		err = cluster_services_fill(u->c, &dp)
			      ?: hooks_of_net(u->c, &state, &dp, switch_one, u);
		switchdp_close(&dp);
	}
	u->changed = err != 0;
	if (!err)
		err = upgrade_follow(u, &state);
	if (!err)
		note_uplink(u, &state);
out:
	netstate_free(&state);
	return err;
}

static int upgrade_uplink(struct upgrading *u, const char *ifname)
{
	char dir[PATH_MAX];
	struct uplinkdp up;
	int err;

	err = pin_uplink_dir(&u->c->p, ifname, dir, sizeof(dir));
	if (err)
		return err;
	err = uplinkdp_stage(dir);
	if (!err)
		err = step(u, JOURNAL_UPLINK, ifname, JOURNAL_STEP_PINS);
	if (err) {
		uplinkdp_drop_staged(dir);
		return err;
	}
	u->changed = true;
	err = uplinkdp_commit(dir);
	if (!err)
		err = step(u, JOURNAL_UPLINK, ifname, JOURNAL_STEP_HOOKS);
	if (!err)
		err = uplinkdp_open(dir, &up);
	if (err)
		return err;
	err = uplinkdp_arm(&up);
	if (err)
		pr_err("cannot move the NAT sweeper of %s to the new program: %s", ifname,
		       strerror(-err));
	/* Before the new programs run: a map this build added is empty. */
	if (!err)
		err = cluster_nomasq_fill(u->c, &up) ?: uplink6_rejoin(u->c, ifname, &up);
	if (!err)
		err = hooks_of_uplink(u->c, ifname, &up, switch_one, u);
	uplinkdp_close(&up);
	u->changed = err != 0;
	return err;
}

static int upgrade_all(struct upgrading *u)
{
	const char *net = u->net;
	bool found = false;
	char **names;
	int n, err;

	err = state_list(&u->c->p, &names, &n);
	if (err)
		return err;
	for (int i = 0; i < n && !err; i++) {
		if (net && strcmp(net, names[i]))
			continue;
		found = true;
		err = upgrade_net(u, names[i]);
	}
	state_names_free(names, n);
	if (!err && net && !found) {
		pr_err("network %s does not exist; see: bpfbr net list", net);
		return -ENOENT;
	}
	for (int j = 0; j < u->n_up && !err; j++)
		err = upgrade_uplink(u, u->uplinks[j]);
	return err;
}

/* Recorded: a change stopped part-way is finished by the next command. */
static int upgrade_recorded(struct journal *j, void *arg)
{
	struct upgrading *u = arg;
	int err;

	u->j = j;
	err = upgrade_all(u);
	if (err && u->changed) {
		/* Some hooks may run new programs, others old ones: the record stays,
		 * and the next command finishes the upgrade (as after a kill). */
		pr_err("the upgrade stopped part-way; the next bpfbr command (or bpfbr gc) "
		       "finishes it");
		journal_keep(j);
	}
	return err;
}

int upgrade(struct netctx *c, const char *net, json_t *done)
{
	struct upgrading u = { .c = c, .net = net, .done = done };

	if (net && !valid_netname(net)) {
		pr_err("network name \"%s\" is invalid; use 1-63 letters, digits, '_', '.', '-'",
		       net);
		return -EINVAL;
	}
	return journal_run(&c->p, JOURNAL_OP_UPGRADE, net ?: JOURNAL_NET_ALL, upgrade_recorded, &u);
}
