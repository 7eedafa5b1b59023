/* SPDX-License-Identifier: GPL-2.0-only OR BSD-2-Clause */
/*
 * The command table and what reads it (cli layer): finding a command from
 * the words a user typed (aliases, unambiguous prefixes, the nearest word
 * when none fits), the help and usage texts, and the options' parser. The
 * man page and the bash completion are generated from the same table
 * (`bpfbr help --commands`), so they cannot drift from it.
 */
#ifndef BPFBR_CLI_TABLE_H
#define BPFBR_CLI_TABLE_H

#include <stdio.h>

#include "cli.h"

extern const struct cli_cmd *const cli_commands[];
extern const size_t cli_n_commands;

struct cli_lookup {
	const struct cli_cmd *cmd; /* the command; NULL when only a group was named */
	char group[16];		   /* the group ("net") when cmd is NULL */
	int used;		   /* how many words of argv were the command's */
};

/*
 * Finds the command argv names: each word exactly, as an alias (ls, rm,
 * network) or as an unambiguous prefix (net cr). A group alone ("net",
 * "net --help") gives cmd NULL and the group. -EINVAL, said in one line, when
 * a word is unknown (with the nearest command) or ambiguous.
 */
int cli_lookup(int argc, const char *const *argv, struct cli_lookup *l);

/* Help texts: every command, one group's, one command's. */
void cli_main_help(FILE *f);
void cli_group_help(FILE *f, const char *group);
void cli_cmd_help(FILE *f, const struct cli_cmd *c);
/* "bpfbr net create NAME --subnet CIDR [--gateway IP] …" and a newline. */
void cli_usage_line(FILE *f, const struct cli_cmd *c);

/* Global options (anywhere on the line): 0 when argv[i] is none, else how
 * many words it took; -EINVAL after saying why. */
int cli_global_opt(struct cli *cli, int argc, char **argv, int i);
/* The command's options and arguments: 0, or -EINVAL after saying why;
 * stops at -h/--help (cli->help). */
int cli_parse(struct cli *cli, int argc, char **argv);

/* The table as lines for the man page and the completion. */
int cli_print_table(FILE *f);

#endif
