/* SPDX-License-Identifier: GPL-2.0-only OR BSD-2-Clause */
/* The command line: a table of subcommands with declared options. */
#ifndef BPFBR_CLI_H
#define BPFBR_CLI_H

#include <stdbool.h>

#define CLI_MAX_POS  4
#define CLI_MAX_OPTS 24
#define CLI_MAX_MANY 16

struct cli_opt {
	const char *name;    /* long name without "--" */
	const char *metavar; /* NULL: a flag without value */
	const char *help;
};

struct cli;

/* A one-dash form of an option ("-w" for --write). */
struct cli_short {
	char letter;
	const char *name; /* the option's long name */
};

struct cli_cmd {
	const char *words; /* "net create" */
	const char *args;  /* "NAME" */
	int min_pos, max_pos;
	const struct cli_opt *opts; /* terminated by { NULL } */
	const char *required;	    /* the option it cannot do without, or NULL */
	int (*run)(struct cli *cli);
	const char *summary;
	const char *details;
	const struct cli_short *shorts; /* NULL, or terminated by { 0 } */
	/* Options that may be given twice, once per address family: " subnet gateway " */
	const char *twice;
	/* The option that may be given up to CLI_MAX_MANY times ("publish"), or NULL. */
	const char *many;
};

struct cli {
	const struct cli_cmd *cmd;
	const char *pos[CLI_MAX_POS];
	int npos;
	const char *val[CLI_MAX_OPTS];	 /* by index in cmd->opts; flags get "" */
	const char *again[CLI_MAX_OPTS]; /* an option given twice: its second value */
	const char *many[CLI_MAX_MANY];	 /* cmd->many's values, in order */
	int nmany;
	const char *root;
	bool json;
	bool help;    /* -h, --help */
	bool version; /* -V, --version */
};

/* The option table of a command without options. */
extern const struct cli_opt cli_no_opts[];

/* Value of option name, or NULL if not given. */
const char *cli_get(const struct cli *cli, const char *name);
bool cli_has(const struct cli *cli, const char *name);
/* The second value of an option given twice (--subnet V4 --subnet V6), or NULL. */
const char *cli_get_again(const struct cli *cli, const char *name);

/* Runs argv; returns the process exit status: 0, 1 (the command failed) or
 * 2 (the command line is wrong). */
int cli_main(int argc, char **argv);

/* The commands, defined next to their implementations. */
extern const struct cli_cmd cmd_net_create, cmd_net_delete, cmd_net_list, cmd_net_inspect;
extern const struct cli_cmd cmd_attach, cmd_detach, cmd_port_show;
extern const struct cli_cmd cmd_fdb_show, cmd_status, cmd_nat_show, cmd_nat_flush, cmd_gc,
	cmd_upgrade, cmd_restore;
extern const struct cli_cmd cmd_help, cmd_version;
extern const struct cli_cmd cmd_monitor, cmd_metrics;
extern const struct cli_cmd cmd_cluster_set, cmd_cluster_show, cmd_cluster_sync, cmd_node_add,
	cmd_node_del, cmd_node_list, cmd_node_load, cmd_node_import;

#endif
