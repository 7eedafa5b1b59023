// SPDX-License-Identifier: GPL-2.0-only OR BSD-2-Clause
/* bpfbr net inspect (cli layer) */
#include <errno.h>
#include <jansson.h>

#include "cli.h"
#include "netctx.h"
#include "output_inspect.h"
#include "report_inspect.h"

static int run_net_inspect(struct cli *cli)
{
	json_t *nets = json_array();
	struct netstate ns;
	struct netctx c;
	int err;

	err = netctx_open(&c, cli->root, false);
	if (err)
		goto out;
	for (int i = 0; !err && i < cli->npos; i++) {
		err = netctx_load(&c, cli->pos[i], &ns);
		if (err)
			break;
		if (json_array_append_new(nets, report_inspect(&c, &ns)))
			err = -ENOMEM;
		netstate_free(&ns);
	}
	netctx_close(&c);
	if (!err)
		print_inspect(nets, cli->json);
out:
	json_decref(nets);
	return err;
}

const struct cli_cmd cmd_net_inspect = {
	.words = "net inspect",
	.args = "NAME [NAME]",
	.min_pos = 1,
	.max_pos = 4,
	.opts = cli_no_opts,
	.run = run_net_inspect,
	.summary = "Show every setting of a network, its containers with their addresses, and "
		   "its pins",
};
