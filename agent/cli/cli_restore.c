// SPDX-License-Identifier: GPL-2.0-only OR BSD-2-Clause
/* bpfbr restore */
#include <jansson.h>

#include "cli.h"
#include "netctx.h"
#include "output.h"
#include "recover.h"
#include "net_restore.h"
#include "state.h"

static int run_restore(struct cli *cli)
{
	json_t *done = json_array();
	char **names = NULL;
	struct netctx c;
	int n = 0, err;

	err = netctx_open_for_change(&c, cli->root);
	if (err)
		goto out;
	if (cli->npos) {
		err = net_restore_recorded(&c, cli->pos[0], done);
	} else {
		err = state_list(&c.p, &names, &n);
		for (int i = 0; !err && i < n; i++)
			err = net_restore_recorded(&c, names[i], done);
		state_names_free(names, n);
	}
	netctx_close(&c);
	if (!err)
		print_restored(done, cli->json);
out:
	json_decref(done);
	return err;
}

const struct cli_cmd cmd_restore = {
	.words = "restore",
	.args = "[NAME]",
	.min_pos = 0,
	.max_pos = 1,
	.opts = cli_no_opts,
	.run = run_restore,
	.summary = "Rebuild what the state describes and the kernel lost (after a reboot)",
	.details = "The gateway pair (with its MAC and address), the pinned datapath, the\n"
		   "hooks, the uplink's masquerade and the port of every container whose\n"
		   "device survived are made again where missing; containers whose namespace\n"
		   "is gone are forgotten, with their addresses and translations. What is in\n"
		   "place is left alone: running it again changes nothing.\n",
};
