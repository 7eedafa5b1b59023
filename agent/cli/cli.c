// SPDX-License-Identifier: GPL-2.0-only OR BSD-2-Clause
#include <errno.h>
#include <stdio.h>
#include <string.h>

#include "cli_table.h"
#include "log.h"
#include "wording.h"

const struct cli_cmd *const cli_commands[] = {
	&cmd_net_create, &cmd_net_delete,  &cmd_net_list,     &cmd_net_inspect,	 &cmd_attach,
	&cmd_detach,	 &cmd_fdb_show,	   &cmd_nat_show,     &cmd_nat_flush,	 &cmd_port_show,
	&cmd_status,	 &cmd_gc,	   &cmd_upgrade,      &cmd_restore,	 &cmd_monitor,
	&cmd_metrics,	 &cmd_cluster_set, &cmd_cluster_show, &cmd_cluster_sync, &cmd_node_add,
	&cmd_node_del,	 &cmd_node_list,   &cmd_node_load,    &cmd_node_import,	 &cmd_version,
	&cmd_help,
};
const size_t cli_n_commands = sizeof(cli_commands) / sizeof(cli_commands[0]);

const struct cli_opt cli_no_opts[] = { { 0 } };

const char *cli_get(const struct cli *cli, const char *name)
{
	for (int i = 0; cli->cmd->opts[i].name; i++)
		if (!strcmp(cli->cmd->opts[i].name, name))
			return cli->val[i];
	return NULL;
}

const char *cli_get_again(const struct cli *cli, const char *name)
{
	for (int i = 0; cli->cmd->opts[i].name; i++)
		if (!strcmp(cli->cmd->opts[i].name, name))
			return cli->again[i];
	return NULL;
}

bool cli_has(const struct cli *cli, const char *name)
{
	return cli_get(cli, name) != NULL;
}

static void cli_create_net(const char *net, char *buf, size_t size)
{
	snprintf(buf, size, "create it: bpfbr net create %s --subnet CIDR", net);
}

/* The core's settings as the command line's flags. */
static const struct wording cli_words = {
	.setting = {
		[SETTING_GATEWAY] = "--gateway",
		[SETTING_GATEWAY_ALLOW] = "--gateway-allow",
		[SETTING_MASQUERADE] = "--masquerade",
		[SETTING_UPLINK] = "--uplink",
		[SETTING_NAT_MAX] = "--nat-max",
		[SETTING_NAT_PORTS] = "--nat-ports",
		[SETTING_NAT_SHARE] = "--nat-share",
		[SETTING_IFNAME] = "--ifname",
		[SETTING_NO_DEFAULT_ROUTE] = "--no-default-route",
		[SETTING_FORCE] = "--force",
		[SETTING_CREATE_NETNS] = "--create-netns",
		[SETTING_DEVICE] = "--device",
		[SETTING_DATAPATH] = "--mode",
	},
	.create_net = cli_create_net,
	.run_there = "run bpfbr there, e.g. nsenter --net=NSFILE bpfbr …",
};

/* A group named alone: its help with -h, else the one-line error. */
static int group_only(struct cli *cli, const char *group, int argc, char **argv)
{
	for (int i = 0; i < argc; i++) {
		int g = cli_global_opt(cli, argc, argv, i);

		if (g < 0)
			return 2;
		if (!g) {
			pr_err("unknown subcommand \"%s\" of \"%s\"; see: bpfbr %s --help", argv[i],
			       group, group);
			return 2;
		}
		i += g - 1;
	}
	if (cli->help) {
		cli_group_help(stdout, group);
		return 0;
	}
	pr_err("\"%s\" needs a subcommand; see: bpfbr %s --help", group, group);
	return 2;
}

int cli_main(int argc, char **argv)
{
	struct cli cli = { 0 };
	struct cli_lookup l;
	int i = 1, err;

	wording_use(&cli_words);

	/* Global options may come first. */
	while (i < argc) {
		int g = cli_global_opt(&cli, argc, argv, i);

		if (g < 0)
			return 2;
		if (!g)
			break;
		i += g;
	}
	if (cli.version && !cli.help)
		cli.cmd = &cmd_version;
	else if (i >= argc && cli.help)
		cli.cmd = &cmd_help;
	if (i >= argc && !cli.cmd) {
		cli_main_help(stderr);
		return 2;
	}
	if (!cli.cmd) {
		if (cli_lookup(argc - i, (const char *const *)argv + i, &l))
			return 2;
		if (!l.cmd)
			return group_only(&cli, l.group, argc - i - 1, argv + i + 1);
		cli.cmd = l.cmd;
		err = cli_parse(&cli, argc - i - l.used, argv + i + l.used);
		if (cli.help) {
			cli_cmd_help(stdout, cli.cmd);
			return 0;
		}
		if (err)
			return 2;
	}
	log_bridge_libbpf();
	err = cli.cmd->run(&cli);
	return err > 0 ? err : err ? 1 : 0;
}
