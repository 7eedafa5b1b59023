// SPDX-License-Identifier: GPL-2.0-only OR BSD-2-Clause
/* bpfbr gc */
#include <limits.h>
#include <jansson.h>

#include "cli.h"
#include "log.h"
#include "netctx.h"
#include "netns_name.h"
#include "output.h"
#include "reconcile.h"
#include "recover.h"
#include "state.h"
#include "wording.h"

/* gc judges only this namespace's networks: the named one must be (said), the
 * others are named in a warning so that "nothing to remove" is not read as
 * "nothing left over anywhere". */
static int check_owner(struct netctx *c, const char *only)
{
	char **names, who[NAME_MAX + 32];
	struct netstate ns;
	int n, err;

	if (only) {
		err = netctx_load(c, only, &ns);
		if (!err)
			netstate_free(&ns);
		return err;
	}
	if (state_list(&c->p, &names, &n))
		return 0; /* reconcile says why */
	for (int i = 0; i < n; i++) {
		if (state_load(&c->p, names[i], &ns))
			continue;
		if (!netctx_owns(c, &ns))
			pr_warn("network %s not checked: it belongs to another network namespace, "
				"%s; %s",
				ns.name, netns_describe(ns.node_netns_id, who, sizeof(who)),
				wording_run_there());
		netstate_free(&ns);
	}
	state_names_free(names, n);
	return 0;
}

static int run_gc(struct cli *cli)
{
	json_t *removed = json_array();
	struct netctx c;
	int err;

	err = netctx_open_for_change(&c, cli->root);
	if (!err) {
		err = check_owner(&c, cli->npos ? cli->pos[0] : NULL);
		if (!err)
			err = reconcile(&c, cli->npos ? cli->pos[0] : NULL, removed);
		netctx_close(&c);
	}
	if (!err)
		print_removed(removed, cli->json);
	json_decref(removed);
	return err;
}

const struct cli_cmd cmd_gc = {
	.words = "gc",
	.args = "[NAME]",
	.min_pos = 0,
	.max_pos = 1,
	.opts = cli_no_opts,
	.run = run_gc,
	.summary = "Remove what the state does not know (leaks of interrupted commands)",
	.details = "Devices, datapath entries, pins and NAT endpoints that no state file\n"
		   "describes are removed; attachments whose port device is gone (their\n"
		   "namespace was deleted without a detach) are forgotten, with their address\n"
		   "reservation and translations. A hook that runs another program than the\n"
		   "one pinned for it (an upgrade stopped between its pins and its hooks) gets\n"
		   "the pinned one. Every changing command does this on its own when it finds\n"
		   "that an earlier one was interrupted.\n",
};
