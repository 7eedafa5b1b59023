// SPDX-License-Identifier: GPL-2.0-only OR BSD-2-Clause
/* bpfbr upgrade */
#include <stdio.h>
#include <jansson.h>

#include "cli.h"
#include "netctx.h"
#include "output.h"
#include "recover.h"
#include "upgrade.h"

static int run_upgrade(struct cli *cli)
{
	json_t *done = json_array();
	struct netctx c;
	int err;

	err = netctx_open_for_change(&c, cli->root);
	if (!err) {
		err = upgrade(&c, cli->npos ? cli->pos[0] : NULL, done);
		netctx_close(&c);
	}
	if (!err)
		print_upgraded(done, cli->json);
	json_decref(done);
	return err;
}

const struct cli_cmd cmd_upgrade = {
	.words = "upgrade",
	.args = "[NAME]",
	.min_pos = 0,
	.max_pos = 1,
	.opts = cli_no_opts,
	.run = run_upgrade,
	.summary = "Switch running networks to this build's BPF programs without a packet lost",
	.details = "The new programs are loaded against the pinned maps, whose contents\n"
		   "(ports, learned MACs, translations, counters) are kept; then each hook\n"
		   "is switched atomically: TCX and XDP links are updated in place, legacy\n"
		   "tc filters replaced under their handle. Each step is journaled: if the\n"
		   "upgrade is killed, the next command (or bpfbr gc) puts each hook on its\n"
		   "pinned program, finishing the datapath whose pins had begun to move.\n",
};
