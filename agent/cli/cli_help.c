// SPDX-License-Identifier: GPL-2.0-only OR BSD-2-Clause
/* Help and usage texts, and the table for the man page and completion (cli layer). */
#include <string.h>

#include "cli_table.h"

/* The options every command takes (cli_parse.c reads them). */
static const struct {
	const char *flags, *metavar, *help;
} globals[] = {
	{ "--root", "DIR", "keep pins, state and locks under DIR (default /, or $BPFBR_ROOT)" },
	{ "-j, --json", NULL, "print JSON" },
	{ "-v, --verbose", NULL, "print debug messages, libbpf's included" },
	{ "-h, --help", NULL, "show help for the command" },
	{ "-V, --version", NULL, "show the version, the build and the kernel features found" },
};
#define N_GLOBALS (sizeof(globals) / sizeof(globals[0]))

static void global_help(FILE *f)
{
	char left[32];

	fprintf(f, "Global options (anywhere on the line; short ones may be bundled, -jv):\n");
	for (size_t i = 0; i < N_GLOBALS; i++) {
		snprintf(left, sizeof(left), "%s%s%s", globals[i].flags,
			 globals[i].metavar ? " " : "", globals[i].metavar ?: "");
		fprintf(f, "  %-14s %s\n", left, globals[i].help);
	}
}

static void opt_words(const struct cli_opt *o, char *buf, size_t size)
{
	snprintf(buf, size, "--%s%s%s", o->name, o->metavar ? " " : "", o->metavar ?: "");
}

static bool required(const struct cli_cmd *c, const struct cli_opt *o)
{
	return c->required && !strcmp(c->required, o->name);
}

void cli_usage_line(FILE *f, const struct cli_cmd *c)
{
	char w[48];

	fprintf(f, "bpfbr %s%s%s", c->words, c->args[0] ? " " : "", c->args);
	for (const struct cli_opt *o = c->opts; o->name; o++) {
		opt_words(o, w, sizeof(w));
		fprintf(f, required(c, o) ? " %s" : " [%s]", w);
	}
	fputc('\n', f);
}

void cli_cmd_help(FILE *f, const struct cli_cmd *c)
{
	char left[48];

	fprintf(f, "Usage: ");
	cli_usage_line(f, c);
	fprintf(f, "\n%s.\n", c->summary);
	if (c->details)
		fprintf(f, "\n%s", c->details);
	if (c->opts[0].name) {
		fprintf(f, "\nOptions:\n");
		for (const struct cli_opt *o = c->opts; o->name; o++) {
			opt_words(o, left, sizeof(left));
			fprintf(f, "  %-22s %s%s\n", left, required(c, o) ? "(required) " : "",
				o->help);
		}
	}
	fputc('\n', f);
	global_help(f);
}

static void cmd_line(FILE *f, const struct cli_cmd *c)
{
	char left[48];

	snprintf(left, sizeof(left), "%s %s", c->words, c->args);
	fprintf(f, "  %-26s %s\n", left, c->summary);
}

void cli_group_help(FILE *f, const char *group)
{
	size_t len = strlen(group);

	fprintf(f, "Usage: bpfbr %s COMMAND [OPTIONS]\n\nCommands:\n", group);
	for (size_t i = 0; i < cli_n_commands; i++)
		if (!strncmp(cli_commands[i]->words, group, len) &&
		    cli_commands[i]->words[len] == ' ')
			cmd_line(f, cli_commands[i]);
	fprintf(f,
		"\nRun 'bpfbr %s COMMAND --help' for a command's options; ls and rm stand "
		"for list and delete.\n\n",
		group);
	global_help(f);
}

void cli_main_help(FILE *f)
{
	fprintf(f, "bpfbr: container networks switched and routed by eBPF instead of a Linux "
		   "bridge and iptables.\n\nUsage: bpfbr [-jvhV] [--root DIR] COMMAND "
		   "[ARGS] [OPTIONS]\n\nCommands:\n");
	for (size_t i = 0; i < cli_n_commands; i++)
		cmd_line(f, cli_commands[i]);
	fprintf(f, "\nRun 'bpfbr COMMAND --help' (or 'bpfbr help COMMAND') for a command's "
		   "options. A command\nmay be shortened to a prefix no other command shares "
		   "(bpfbr net cr).\n\n");
	global_help(f);
}

/* Tab-separated lines: "global FLAGS METAVAR HELP", "cmd WORDS ARGS SUMMARY",
 * "detail WORDS LINE" (the command's details, line by line) and
 * "opt WORDS --NAME METAVAR HELP". */
int cli_print_table(FILE *f)
{
	for (size_t i = 0; i < N_GLOBALS; i++)
		fprintf(f, "global\t%s\t%s\t%s\n", globals[i].flags, globals[i].metavar ?: "",
			globals[i].help);
	for (size_t i = 0; i < cli_n_commands; i++) {
		const struct cli_cmd *c = cli_commands[i];

		fprintf(f, "cmd\t%s\t%s\t%s\n", c->words, c->args, c->summary);
		for (const char *p = c->details; p && *p;) {
			size_t len = strcspn(p, "\n");

			fprintf(f, "detail\t%s\t%.*s\n", c->words, (int)len, p);
			p += len + (p[len] == '\n');
		}
		for (const struct cli_opt *o = c->opts; o->name; o++)
			fprintf(f, "opt\t%s\t--%s\t%s\t%s%s\n", c->words, o->name, o->metavar ?: "",
				required(c, o) ? "(required) " : "", o->help);
	}
	return 0;
}
