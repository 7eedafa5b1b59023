// SPDX-License-Identifier: GPL-2.0-only OR BSD-2-Clause
/*
 * Loads every program of the given BPF objects, one at a time, and reports
 * whether the verifier accepted it and how many instructions it processed
 * (out of the 1 000 000 limit), so that growth towards the limit is seen.
 *   verifier-report OBJ...
 * One line per program: "PASS verifier/OBJ:PROG processed N" or
 * "FAIL verifier/OBJ:PROG: reason" ("SKIP …: reason" for a tracing program
 * a kernel refuses to load at all); exit status 1 if any failed.
 */
#include <errno.h>
#include <libgen.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <bpf/libbpf.h>

#define LOG_SIZE	(1u << 20)
#define LOG_LEVEL_STATS 4

static char logbuf[LOG_SIZE];

static int quiet(enum libbpf_print_level level, const char *fmt, va_list ap)
{
	(void)level;
	(void)fmt;
	(void)ap;
	return 0;
}

/* "processed 1234 insns (limit 1000000) ..." */
/* The last n lines of a verifier log, indented: where and why it refused. */
static void print_log_tail(const char *log, int n)
{
	const char *p = log + strlen(log);

	while (p > log && p[-1] == '\n')
		p--;
	for (int lines = 0; p > log; p--)
		if (p[-1] == '\n' && ++lines == n)
			break;
	for (const char *q = p; *q;) {
		const char *e = strchr(q, '\n') ?: q + strlen(q);

		if (e > q)
			printf("  | %.*s\n", (int)(e - q), q);
		q = *e ? e + 1 : e;
	}
}

static long processed(const char *log)
{
	const char *p = strstr(log, "processed ");

	return p ? strtol(p + 10, NULL, 10) : -1;
}

static int report_prog(const char *path, const char *name)
{
	struct bpf_object *obj = bpf_object__open_file(path, NULL);
	struct bpf_program *prog, *want = NULL;
	char objname[256];
	int err;

	snprintf(objname, sizeof(objname), "%s", path);
	if (!obj) {
		printf("FAIL verifier/%s:%s: cannot open: %s\n", basename(objname), name,
		       strerror(errno));
		return 1;
	}
	bpf_object__for_each_program (prog, obj) {
		bool self = !strcmp(bpf_program__name(prog), name);

		bpf_program__set_autoload(prog, self);
		if (self)
			want = prog;
	}
	logbuf[0] = '\0';
	bpf_program__set_log_level(want, LOG_LEVEL_STATS);
	bpf_program__set_log_buf(want, logbuf, sizeof(logbuf));
	err = bpf_object__load(obj);
	if (err == -EPERM && !logbuf[0] && bpf_program__type(want) == BPF_PROG_TYPE_TRACING) {
		/* Refused before the verifier saw it: the kernel's policy, not a verdict. */
		printf("SKIP verifier/%s:%s: the kernel refuses tracing programs (fexit): %s\n",
		       basename(objname), name, strerror(-err));
		err = 0;
	} else if (err) {
		printf("FAIL verifier/%s:%s: rejected (%s)\n", basename(objname), name,
		       strerror(-err));
		print_log_tail(logbuf, 8);
	} else
		printf("PASS verifier/%s:%s processed %ld\n", basename(objname), name,
		       processed(logbuf));
	bpf_object__close(obj);
	return err ? 1 : 0;
}

int main(int argc, char **argv)
{
	int failed = 0;

	libbpf_set_print(quiet);
	for (int i = 1; i < argc; i++) {
		struct bpf_object *obj = bpf_object__open_file(argv[i], NULL);
		struct bpf_program *prog;

		if (!obj) {
			printf("FAIL verifier/%s: cannot open: %s\n", argv[i], strerror(errno));
			failed++;
			continue;
		}
		bpf_object__for_each_program (prog, obj)
			failed += report_prog(argv[i], bpf_program__name(prog));
		bpf_object__close(obj);
	}
	return failed ? 1 : 0;
}
