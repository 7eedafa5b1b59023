// SPDX-License-Identifier: GPL-2.0-only OR BSD-2-Clause
/* bpfbr help [COMMAND] (cli layer) */
#include "cli_table.h"
#include "log.h"

static int run_help(struct cli *cli)
{
	struct cli_lookup l;

	if (cli_has(cli, "commands"))
		return cli_print_table(stdout);
	if (!cli->npos) {
		cli_main_help(stdout);
		return 0;
	}
	if (cli_lookup(cli->npos, cli->pos, &l))
		return 2;
	if (l.used < cli->npos) {
		pr_err("unexpected argument \"%s\" for 'bpfbr help'; see: bpfbr help --help",
		       cli->pos[l.used]);
		return 2;
	}
	if (l.cmd)
		cli_cmd_help(stdout, l.cmd);
	else
		cli_group_help(stdout, l.group);
	return 0;
}

static const struct cli_opt help_opts[] = {
	{ "commands", NULL,
	  "every command and option as tab-separated lines (what the man page and the bash "
	  "completion are made from)" },
	{ 0 },
};

const struct cli_cmd cmd_help = {
	.words = "help",
	.args = "[COMMAND]",
	.min_pos = 0,
	.max_pos = 2,
	.opts = help_opts,
	.run = run_help,
	.summary = "Show the help of every command, of a group (net) or of one command",
};
