// SPDX-License-Identifier: GPL-2.0-only OR BSD-2-Clause
#include <errno.h>
#include <stdio.h>
#include <string.h>

#include "cli.h"
#include "log.h"
#include "wording.h"

#ifndef BPFBR_VERSION
#define BPFBR_VERSION "dev"
#endif

static const struct cli_cmd *const commands[] = {
	&cmd_net_create, &cmd_net_delete, &cmd_net_list, &cmd_attach, &cmd_detach,  &cmd_fdb_show,
	&cmd_nat_show,	 &cmd_nat_flush,  &cmd_status,	 &cmd_gc,     &cmd_upgrade, &cmd_restore,
};
#define N_COMMANDS (sizeof(commands) / sizeof(commands[0]))

static const char global_help[] =
	"Global options (anywhere on the line):\n"
	"  --root DIR     keep pins, state and locks under DIR (default /, or $BPFBR_ROOT)\n"
	"  -j, --json     print JSON\n"
	"  -v, --verbose  print debug messages, libbpf's included\n"
	"  -h, --help     show help for the command\n";

static void usage_line(FILE *f, const struct cli_cmd *c)
{
	fprintf(f, "bpfbr %s%s%s", c->words, c->args[0] ? " " : "", c->args);
	for (const struct cli_opt *o = c->opts; o->name; o++)
		fprintf(f, " [--%s%s%s]", o->name, o->metavar ? " " : "", o->metavar ?: "");
	fputc('\n', f);
}

static void cmd_help(const struct cli_cmd *c)
{
	printf("Usage: ");
	usage_line(stdout, c);
	printf("\n%s.\n", c->summary);
	if (c->details)
		printf("\n%s", c->details);
	if (c->opts[0].name) {
		printf("\nOptions:\n");
		for (const struct cli_opt *o = c->opts; o->name; o++) {
			char left[48];

			snprintf(left, sizeof(left), "--%s%s%s", o->name, o->metavar ? " " : "",
				 o->metavar ?: "");
			printf("  %-22s %s\n", left, o->help);
		}
	}
	printf("\n%s", global_help);
}

static void main_help(void)
{
	printf("bpfbr: container networks switched and routed by eBPF instead of a Linux bridge "
	       "and iptables.\n\nCommands:\n");
	for (size_t i = 0; i < N_COMMANDS; i++) {
		char left[48];

		snprintf(left, sizeof(left), "%s %s", commands[i]->words, commands[i]->args);
		printf("  %-26s %s\n", left, commands[i]->summary);
	}
	printf("\nRun 'bpfbr COMMAND --help' for a command's options.\n\n%s", global_help);
}

const struct cli_opt cli_no_opts[] = { { 0 } };

const char *cli_get(const struct cli *cli, const char *name)
{
	for (int i = 0; cli->cmd->opts[i].name; i++)
		if (!strcmp(cli->cmd->opts[i].name, name))
			return cli->val[i];
	return NULL;
}

bool cli_has(const struct cli *cli, const char *name)
{
	return cli_get(cli, name) != NULL;
}

/* Finds the command whose words start argv; *used gets how many words it has. */
static const struct cli_cmd *find_cmd(int argc, char **argv, int *used)
{
	for (size_t i = 0; i < N_COMMANDS; i++) {
		char words[64];
		int n = 0;
		bool match = true;

		snprintf(words, sizeof(words), "%s", commands[i]->words);
		for (char *w = strtok(words, " "); w; w = strtok(NULL, " "), n++)
			if (n >= argc || strcmp(argv[n], w)) {
				match = false;
				break;
			}
		if (match) {
			*used = n;
			return commands[i];
		}
	}
	return NULL;
}

/* Global options are accepted anywhere; returns 1 if arg was one, 2 if it took a value. */
static int global_opt(struct cli *cli, int argc, char **argv, int i)
{
	const char *a = argv[i];

	if (!strcmp(a, "-j") || !strcmp(a, "--json")) {
		cli->json = true;
		return 1;
	}
	if (!strcmp(a, "-v") || !strcmp(a, "--verbose")) {
		log_set_level(LOG_DEBUG);
		return 1;
	}
	if (!strcmp(a, "--root")) {
		if (i + 1 >= argc)
			return -1;
		cli->root = argv[i + 1];
		return 2;
	}
	if (!strncmp(a, "--root=", 7)) {
		cli->root = a + 7;
		return 1;
	}
	return 0;
}

static int parse_cmd(struct cli *cli, int argc, char **argv)
{
	const struct cli_cmd *c = cli->cmd;

	for (int i = 0; i < argc; i++) {
		const char *a = argv[i], *eq;
		int g = global_opt(cli, argc, argv, i), k;

		if (g < 0) {
			pr_err("option --root needs a directory");
			return -EINVAL;
		}
		if (g) {
			i += g - 1;
			continue;
		}
		if (!strcmp(a, "-h") || !strcmp(a, "--help"))
			return 1;
		if (strncmp(a, "--", 2) || !a[2]) {
			if (cli->npos >= c->max_pos) {
				pr_err("unexpected argument \"%s\" for 'bpfbr %s'; see: bpfbr %s "
				       "--help",
				       a, c->words, c->words);
				return -EINVAL;
			}
			cli->pos[cli->npos++] = a;
			continue;
		}
		eq = strchr(a, '=');
		for (k = 0; c->opts[k].name; k++) {
			size_t len = eq ? (size_t)(eq - a - 2) : strlen(a + 2);

			if (strlen(c->opts[k].name) == len && !strncmp(a + 2, c->opts[k].name, len))
				break;
		}
		if (!c->opts[k].name) {
			pr_err("unknown option %s for 'bpfbr %s'; see: bpfbr %s --help", a,
			       c->words, c->words);
			return -EINVAL;
		}
		if (!c->opts[k].metavar) {
			if (eq) {
				pr_err("option --%s takes no value", c->opts[k].name);
				return -EINVAL;
			}
			cli->val[k] = "";
		} else if (eq) {
			cli->val[k] = eq + 1;
		} else if (i + 1 < argc) {
			cli->val[k] = argv[++i];
		} else {
			pr_err("option --%s needs a value (%s)", c->opts[k].name,
			       c->opts[k].metavar);
			return -EINVAL;
		}
	}
	if (cli->npos < c->min_pos) {
		fprintf(stderr, "bpfbr: error: 'bpfbr %s' needs %s; usage: ", c->words, c->args);
		usage_line(stderr, c);
		return -EINVAL;
	}
	return 0;
}

/* Names what is unknown: a command, or a subcommand of a known group. */
static void unknown_command(int argc, char **argv)
{
	char group[64] = "", cmds[256] = "";
	size_t len = strlen(argv[0]);

	for (size_t k = 0; k < N_COMMANDS; k++) {
		const char *w = commands[k]->words;

		if (!strncmp(w, argv[0], len) && w[len] == ' ') {
			snprintf(group, sizeof(group), "%s", argv[0]);
			snprintf(cmds + strlen(cmds), sizeof(cmds) - strlen(cmds), "%s%s",
				 cmds[0] ? ", " : "", w);
		}
	}
	if (group[0] && argc > 1)
		pr_err("unknown subcommand \"%s\" of \"%s\" (it has: %s); see: bpfbr --help",
		       argv[1], group, cmds);
	else if (group[0])
		pr_err("\"%s\" needs a subcommand (%s); see: bpfbr --help", group, cmds);
	else
		pr_err("unknown command \"%s\"; see: bpfbr --help", argv[0]);
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
	},
	.create_net = cli_create_net,
	.run_there = "run bpfbr there, e.g. nsenter --net=NSFILE bpfbr …",
};

int cli_main(int argc, char **argv)
{
	struct cli cli = { 0 };
	int i = 1, used = 0, err;

	wording_use(&cli_words);

	/* Global options may come first. */
	while (i < argc) {
		int g = global_opt(&cli, argc, argv, i);

		if (g < 0) {
			pr_err("option --root needs a directory");
			return 2;
		}
		if (!g)
			break;
		i += g;
	}
	if (i >= argc || !strcmp(argv[i], "help") || !strcmp(argv[i], "--help") ||
	    !strcmp(argv[i], "-h")) {
		main_help();
		return i >= argc ? 2 : 0;
	}
	if (!strcmp(argv[i], "version") || !strcmp(argv[i], "--version")) {
		printf("bpfbr %s\n", BPFBR_VERSION);
		return 0;
	}
	cli.cmd = find_cmd(argc - i, argv + i, &used);
	if (!cli.cmd) {
		unknown_command(argc - i, argv + i);
		return 2;
	}
	err = parse_cmd(&cli, argc - i - used, argv + i + used);
	if (err > 0) {
		cmd_help(cli.cmd);
		return 0;
	}
	if (err)
		return 2;
	log_bridge_libbpf();
	return cli.cmd->run(&cli) ? 1 : 0;
}
