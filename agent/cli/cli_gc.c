// SPDX-License-Identifier: GPL-2.0-only OR BSD-2-Clause
/* bpfbr gc */
#include <jansson.h>

#include "cli.h"
#include "netctx.h"
#include "output.h"
#include "reconcile.h"
#include "recover.h"

static int run_gc(struct cli *cli)
{
	json_t *removed = json_array();
	struct netctx c;
	int err;

	err = netctx_open_for_change(&c, cli->root);
	if (!err) {
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
