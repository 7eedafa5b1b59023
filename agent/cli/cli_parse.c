// SPDX-License-Identifier: GPL-2.0-only OR BSD-2-Clause
/* A command's options and arguments, and the global options (cli layer). */
#include <errno.h>
#include <stdio.h>
#include <string.h>

#include "cli_table.h"
#include "elide.h"
#include "log.h"

/* Bundled short flags: -j, -v, -h, -V in any number (-jv). */
static bool short_flags(struct cli *cli, const char *a)
{
	if (a[0] != '-' || !a[1] || a[1] == '-' || strspn(a + 1, "jvhV") != strlen(a + 1))
		return false;
	for (const char *p = a + 1; *p; p++)
		if (*p == 'j')
			cli->json = true;
		else if (*p == 'v')
			log_set_level(LOG_DEBUG);
		else if (*p == 'h')
			cli->help = true;
		else
			cli->version = true;
	return true;
}

static int set_root(struct cli *cli, const char *dir)
{
	char a[ELIDE_LEN], b[ELIDE_LEN];

	if (cli->root && strcmp(cli->root, dir)) {
		pr_err("--root is given twice, \"%s\" and \"%s\": give it once",
		       elide(cli->root, a, sizeof(a)), elide(dir, b, sizeof(b)));
		return -EINVAL;
	}
	cli->root = dir;
	return 0;
}

int cli_global_opt(struct cli *cli, int argc, char **argv, int i)
{
	const char *a = argv[i];

	if (!strcmp(a, "--json")) {
		cli->json = true;
		return 1;
	}
	if (!strcmp(a, "--verbose")) {
		log_set_level(LOG_DEBUG);
		return 1;
	}
	if (!strcmp(a, "--help")) {
		cli->help = true;
		return 1;
	}
	if (!strcmp(a, "--version")) {
		cli->version = true;
		return 1;
	}
	if (short_flags(cli, a))
		return 1;
	if (!strcmp(a, "--root")) {
		if (i + 1 >= argc) {
			pr_err("option --root needs a directory");
			return -EINVAL;
		}
		return set_root(cli, argv[i + 1]) ?: 2;
	}
	if (!strncmp(a, "--root=", 7))
		return set_root(cli, a + 7) ?: 1;
	return 0;
}

static int find_opt(const struct cli_cmd *c, const char *a, const char *eq)
{
	size_t len = eq ? (size_t)(eq - a - 2) : strlen(a + 2);
	int k;

	/* val[] and again[] hold CLI_MAX_OPTS: an option past them is unknown, never written out of bounds. */
	for (k = 0; k < CLI_MAX_OPTS && c->opts[k].name; k++)
		if (strlen(c->opts[k].name) == len && !strncmp(a + 2, c->opts[k].name, len))
			return k;
	return -1;
}

/* The command takes opt once per address family (cli_cmd.twice). */
static bool may_repeat(const struct cli_cmd *c, const char *opt)
{
	char word[40];

	snprintf(word, sizeof(word), " %s ", opt);
	return c->twice && strstr(c->twice, word);
}

static int take_value(struct cli *cli, int k, const char *v)
{
	const struct cli_opt *o = &cli->cmd->opts[k];
	char a[ELIDE_LEN], b[ELIDE_LEN];

	if (cli->cmd->many && !strcmp(o->name, cli->cmd->many)) {
		if (cli->nmany == CLI_MAX_MANY) {
			pr_err("option --%s is given more than %d times: give at most %d", o->name,
			       CLI_MAX_MANY, CLI_MAX_MANY);
			return -EINVAL;
		}
		cli->many[cli->nmany++] = v;
		cli->val[k] = v;
		return 0;
	}
	if (cli->val[k] && !cli->again[k] && may_repeat(cli->cmd, o->name)) {
		cli->again[k] = v;
		return 0;
	}
	if (cli->again[k]) {
		pr_err("option --%s is given more than twice: give it once per address family",
		       o->name);
		return -EINVAL;
	}
	if (cli->val[k]) {
		pr_err("option --%s is given twice (\"%s\" and \"%s\"): give it once", o->name,
		       elide(cli->val[k], a, sizeof(a)), elide(v, b, sizeof(b)));
		return -EINVAL;
	}
	cli->val[k] = v;
	return 0;
}

/* A command's one-dash option (-w) as its long form (--write); else a as it is. */
static const char *long_form(const struct cli_cmd *c, char letter, const char *a, char *buf,
			     size_t size)
{
	for (const struct cli_short *sh = c->shorts; sh && sh->letter; sh++) {
		if (sh->letter == letter) {
			snprintf(buf, size, "--%s", sh->name);
			return buf;
		}
	}
	return a;
}

int cli_parse(struct cli *cli, int argc, char **argv)
{
	const struct cli_cmd *c = cli->cmd;
	char shown[ELIDE_LEN];

	if (cli->help)
		return 0;
	for (int i = 0; i < argc; i++) {
		const char *a = argv[i], *eq;
		int g = cli_global_opt(cli, argc, argv, i), k;
		char long_buf[64];

		if (g < 0)
			return g;
		if (cli->help)
			return 0;
		if (g) {
			i += g - 1;
			continue;
		}
		if (a[0] == '-' && a[1] && a[1] != '-' && !a[2])
			a = long_form(c, a[1], a, long_buf, sizeof(long_buf));
		if (strncmp(a, "--", 2) || !a[2]) {
			if (a[0] == '-' && a[1] && a[1] != '-') {
				pr_err("unknown option %s for 'bpfbr %s'; see: bpfbr %s --help",
				       elide(a, shown, sizeof(shown)), c->words, c->words);
				return -EINVAL;
			}
			if (cli->npos >= c->max_pos) {
				pr_err("unexpected argument \"%s\" for 'bpfbr %s'; see: bpfbr %s "
				       "--help",
				       elide(a, shown, sizeof(shown)), c->words, c->words);
				return -EINVAL;
			}
			cli->pos[cli->npos++] = a;
			continue;
		}
		eq = strchr(a, '=');
		k = find_opt(c, a, eq);
		if (k < 0) {
			pr_err("unknown option %s for 'bpfbr %s'; see: bpfbr %s --help",
			       elide(a, shown, sizeof(shown)), c->words, c->words);
			return -EINVAL;
		}
		if (!c->opts[k].metavar) {
			if (eq) {
				pr_err("option --%s takes no value", c->opts[k].name);
				return -EINVAL;
			}
			cli->val[k] = "";
		} else if (eq) {
			if (take_value(cli, k, eq + 1))
				return -EINVAL;
		} else if (i + 1 < argc) {
			if (take_value(cli, k, argv[++i]))
				return -EINVAL;
		} else {
			pr_err("option --%s needs a value (%s)", c->opts[k].name,
			       c->opts[k].metavar);
			return -EINVAL;
		}
	}
	if (cli->npos < c->min_pos) {
		fprintf(stderr, "bpfbr: error: 'bpfbr %s' needs %s; usage: ", c->words, c->args);
		cli_usage_line(stderr, c);
		return -EINVAL;
	}
	return 0;
}
