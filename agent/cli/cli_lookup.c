// SPDX-License-Identifier: GPL-2.0-only OR BSD-2-Clause
/* Finding a command from the words typed: exact, alias, prefix, or the nearest (cli layer). */
#include <errno.h>
#include <string.h>

#include "cli_table.h"
#include "log.h"

#define WORD_MAX 16

/* The words docker, podman and ip users type for ours. */
static const char *const aliases[][2] = {
	{ "ls", "list" },
	{ "rm", "delete" },
	{ "remove", "delete" },
	{ "network", "net" },
};

/* Word n (0 or 1) of c's words into w; false when c has no such word. */
static bool word_of(const struct cli_cmd *c, int n, char *w)
{
	const char *p = c->words, *sp = strchr(p, ' ');

	if (n == 1) {
		if (!sp)
			return false;
		p = sp + 1;
		sp = NULL;
	}
	snprintf(w, WORD_MAX, "%.*s", sp ? (int)(sp - p) : (int)strlen(p), p);
	return true;
}

/* The candidates at level n (0: first words; 1: the group's second words), deduplicated. */
static int candidates(int n, const char *group, char out[][WORD_MAX], int max)
{
	int count = 0;
	char w[WORD_MAX];

	for (size_t i = 0; i < cli_n_commands; i++) {
		bool seen = false;

		if (n == 1 && (!word_of(cli_commands[i], 0, w) || strcmp(w, group)))
			continue;
		if (!word_of(cli_commands[i], n, w))
			continue;
		for (int k = 0; k < count; k++)
			seen |= !strcmp(out[k], w);
		if (!seen && count < max)
			strcpy(out[count++], w);
	}
	return count;
}

static int distance(const char *a, const char *b)
{
	int la = strlen(a), lb = strlen(b), d[WORD_MAX + 1][WORD_MAX + 1];

	if (la > WORD_MAX || lb > WORD_MAX)
		return WORD_MAX;
	for (int i = 0; i <= la; i++)
		d[i][0] = i;
	for (int j = 0; j <= lb; j++)
		d[0][j] = j;
	for (int i = 1; i <= la; i++)
		for (int j = 1; j <= lb; j++) {
			int sub = d[i - 1][j - 1] + (a[i - 1] != b[j - 1]);
			int del = d[i - 1][j] + 1, ins = d[i][j - 1] + 1;

			d[i][j] = sub < del ? (sub < ins ? sub : ins) : (del < ins ? del : ins);
		}
	return d[la][lb];
}

/* Resolves word among cand; -ENOENT (with *near the nearest, or NULL) or -EEXIST (ambiguous). */
static int resolve(const char *word, char cand[][WORD_MAX], int n, const char **hit,
		   const char **near)
{
	int found = -1, best = 3;

	*near = NULL;
	for (int k = 0; k < n; k++)
		if (!strcmp(word, cand[k])) {
			*hit = cand[k];
			return 0;
		}
	for (size_t a = 0; a < sizeof(aliases) / sizeof(aliases[0]); a++)
		for (int k = 0; k < n; k++)
			if (!strcmp(word, aliases[a][0]) && !strcmp(aliases[a][1], cand[k])) {
				*hit = cand[k];
				return 0;
			}
	for (int k = 0; k < n && word[0]; k++)
		if (!strncmp(cand[k], word, strlen(word))) {
			if (found >= 0)
				return -EEXIST;
			found = k;
		}
	if (found >= 0) {
		*hit = cand[found];
		return 0;
	}
	for (int k = 0; k < n; k++) {
		int d = distance(word, cand[k]);

		if (d < best) {
			best = d;
			*near = cand[k];
		}
	}
	return -ENOENT;
}

static void list_words(char cand[][WORD_MAX], int n, const char *prefix, char *buf, size_t size)
{
	buf[0] = '\0';
	for (int k = 0; k < n; k++)
		if (!prefix || !strncmp(cand[k], prefix, strlen(prefix)))
			snprintf(buf + strlen(buf), size - strlen(buf), "%s%s", buf[0] ? ", " : "",
				 cand[k]);
}

static int refuse(int err, const char *word, const char *group, char cand[][WORD_MAX], int n,
		  const char *near)
{
	char list[160], shown[40], what[96], help[48];

	snprintf(shown, sizeof(shown), "%.24s%s", word, strlen(word) > 24 ? "…" : "");
	if (group) {
		snprintf(what, sizeof(what), "subcommand \"%s\" of \"%s\"", shown, group);
		snprintf(help, sizeof(help), "bpfbr %s --help", group);
	} else {
		snprintf(what, sizeof(what), "command \"%s\"", shown);
		snprintf(help, sizeof(help), "bpfbr --help");
	}
	if (err == -EEXIST) {
		list_words(cand, n, word, list, sizeof(list));
		pr_err("ambiguous %s: it may be %s; see: %s", what, list, help);
	} else if (near) {
		pr_err("unknown %s: did you mean \"%s\"? see: %s", what, near, help);
	} else {
		list_words(cand, n, NULL, list, sizeof(list));
		pr_err("unknown %s (%s has: %s); see: %s", what, group ?: "bpfbr", list, help);
	}
	return -EINVAL;
}

int cli_lookup(int argc, const char *const *argv, struct cli_lookup *l)
{
	char cand[24][WORD_MAX], words[2 * WORD_MAX];
	const char *first, *second, *near;
	int n, err;

	memset(l, 0, sizeof(*l));
	n = candidates(0, NULL, cand, 24);
	err = resolve(argv[0], cand, n, &first, &near);
	if (err)
		return refuse(err, argv[0], NULL, cand, n, near);
	for (size_t i = 0; i < cli_n_commands; i++)
		if (!strcmp(cli_commands[i]->words, first)) {
			l->cmd = cli_commands[i];
			l->used = 1;
			return 0;
		}
	/* A group: its subcommand follows, unless an option or nothing does. */
	snprintf(l->group, sizeof(l->group), "%s", first);
	l->used = 1;
	if (argc < 2 || argv[1][0] == '-')
		return 0;
	n = candidates(1, l->group, cand, 24);
	err = resolve(argv[1], cand, n, &second, &near);
	if (err)
		return refuse(err, argv[1], l->group, cand, n, near);
	snprintf(words, sizeof(words), "%s %s", l->group, second);
	for (size_t i = 0; i < cli_n_commands; i++)
		if (!strcmp(cli_commands[i]->words, words)) {
			l->cmd = cli_commands[i];
			l->used = 2;
		}
	return 0;
}
