// SPDX-License-Identifier: GPL-2.0-only OR BSD-2-Clause
/*
 * Runs every TEST() of the binary, or those named on the command line:
 *   prog [-s SUITE] [NAME...]
 */
#include <stdarg.h>
#include <stdlib.h>
#include <unistd.h>

#include "harness.h"

extern const struct test_case __start_bpfbr_tests[], __stop_bpfbr_tests[];

static enum { T_PASS, T_FAIL, T_SKIP } state;
static char reason[512];

size_t test_first_diff(const void *a, const void *b, size_t len)
{
	const unsigned char *x = a, *y = b;
	size_t i = 0;

	while (i < len && x[i] == y[i])
		i++;
	return i;
}

bool test_fail(const char *file, int line, const char *fmt, ...)
{
	char msg[400];
	va_list ap;

	va_start(ap, fmt);
	vsnprintf(msg, sizeof(msg), fmt, ap);
	va_end(ap);
	fprintf(stderr, "  %s:%d: %s\n", file, line, msg);
	if (state != T_FAIL)
		snprintf(reason, sizeof(reason), "%s (%s:%d)", msg, file, line);
	state = T_FAIL;
	return false;
}

void test_skip(const char *fmt, ...)
{
	va_list ap;

	if (state == T_FAIL)
		return;
	va_start(ap, fmt);
	vsnprintf(reason, sizeof(reason), fmt, ap);
	va_end(ap);
	state = T_SKIP;
}

static bool selected(const char *name, int argc, char **argv)
{
	if (argc == 0)
		return true;
	for (int i = 0; i < argc; i++)
		if (!strcmp(argv[i], name))
			return true;
	return false;
}

int main(int argc, char **argv)
{
	const char *suite = "test";
	int failed = 0, opt;

	while ((opt = getopt(argc, argv, "s:")) != -1) {
		if (opt != 's') {
			fprintf(stderr, "usage: %s [-s SUITE] [TEST...]\n", argv[0]);
			return 2;
		}
		suite = optarg;
	}
	setvbuf(stdout, NULL, _IOLBF, 0);
	for (const struct test_case *t = __start_bpfbr_tests; t < __stop_bpfbr_tests; t++) {
		if (!selected(t->name, argc - optind, argv + optind))
			continue;
		state = T_PASS;
		reason[0] = '\0';
		t->fn();
		if (state == T_PASS)
			printf("PASS %s/%s\n", suite, t->name);
		else
			printf("%s %s/%s: %s\n", state == T_FAIL ? "FAIL" : "SKIP", suite, t->name,
			       reason);
		failed += state == T_FAIL;
	}
	return failed ? 1 : 0;
}
