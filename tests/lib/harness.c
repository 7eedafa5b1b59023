// SPDX-License-Identifier: GPL-2.0-only OR BSD-2-Clause
/*
 * Runs every TEST() of the binary, or those named on the command line:
 *   prog [-s SUITE] [-t SECONDS] [TEST[/ROW]...]
 * TEST/ROW runs only that row of the test (subtest_begin() in harness.h).
 * Each test runs in a child process of its own, so a test that crashes or
 * hangs fails by name (its signal, or the time limit: -t, or
 * BPFBR_TEST_TIMEOUT, default 300 s), and so does the row it was in, and the
 * tests after it still run.
 */
#include <signal.h>
#include <stdarg.h>
#include <stdlib.h>
#include <time.h>
#include <unistd.h>
#include <sys/mman.h>
#include <sys/wait.h>

#include "harness.h"

extern const struct test_case __start_bpfbr_tests[], __stop_bpfbr_tests[];

enum verdict { T_PASS, T_FAIL, T_SKIP };

#define ROW_ID_MAX 96

static enum verdict state;
static char reason[512];
static const char *suite = "test";
static const struct test_case *current;
/* The command line's TEST and TEST/ROW names; which of them a row matched. */
static char **names;
static int n_names;
static bool *name_matched;
/* The row the child is in, shared with the parent to name it after a crash. */
static char *running_row;

/* The running test's rows: the open one, and how the finished ones went. */
static struct {
	bool open;
	enum verdict state;
	char id[ROW_ID_MAX];
	char reason[440];
	unsigned int passed, skipped;
	char first_skip[sizeof(reason)];
} row;

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
	if (row.open && row.state != T_FAIL)
		snprintf(row.reason, sizeof(row.reason), "%s (%s:%d)", msg, file, line);
	if (row.open)
		row.state = T_FAIL;
	if (state != T_FAIL)
		snprintf(reason, sizeof(reason), "%s%s%s (%s:%d)", row.open ? row.id : "",
			 row.open ? ": " : "", msg, file, line);
	state = T_FAIL;
	return false;
}

void test_skip(const char *fmt, ...)
{
	va_list ap;

	if (row.open ? row.state == T_FAIL : state == T_FAIL)
		return;
	va_start(ap, fmt);
	if (row.open)
		vsnprintf(row.reason, sizeof(row.reason), fmt, ap);
	else
		vsnprintf(reason, sizeof(reason), fmt, ap);
	va_end(ap);
	if (row.open)
		row.state = T_SKIP;
	else
		state = T_SKIP;
}

/* Whether name, a command-line argument, names test or one of its rows: returns what follows. */
static const char *names_test(const char *name, const char *test)
{
	size_t len = strlen(test);

	if (strncmp(name, test, len) || (name[len] != '\0' && name[len] != '/'))
		return NULL;
	return name + len;
}

static bool selected(const char *test)
{
	if (n_names == 0)
		return true;
	for (int i = 0; i < n_names; i++)
		if (names_test(names[i], test))
			return true;
	return false;
}

/* A row's name as reported and selected: anything but [A-Za-z0-9._-] becomes '_'. */
static void row_id(const char *name, char *id, size_t size)
{
	size_t i;

	for (i = 0; name[i] && i + 1 < size; i++) {
		char ch = name[i];
		bool plain = (ch >= 'a' && ch <= 'z') || (ch >= 'A' && ch <= 'Z') ||
			     (ch >= '0' && ch <= '9') || ch == '.' || ch == '-' || ch == '_';

		id[i] = plain ? ch : '_';
	}
	id[i] = '\0';
}

/* Whether the command line runs this row of the running test (and which argument chose it). */
static bool row_selected(const char *id)
{
	bool all = n_names == 0;

	for (int i = 0; i < n_names; i++) {
		const char *rest = names_test(names[i], current->name);

		if (rest && !*rest)
			all = true;
		if (rest && *rest == '/' && !strcmp(rest + 1, id)) {
			name_matched[i] = true;
			all = true;
		}
	}
	return all;
}

void subtest_end(void)
{
	if (!row.open)
		return;
	row.open = false;
	running_row[0] = '\0';
	if (row.state == T_PASS) {
		printf("PASS %s/%s/%s\n", suite, current->name, row.id);
		row.passed++;
		return;
	}
	printf("%s %s/%s/%s: %s\n", row.state == T_SKIP ? "SKIP" : "FAIL", suite, current->name,
	       row.id, row.reason);
	if (row.state == T_SKIP && !row.skipped++)
		snprintf(row.first_skip, sizeof(row.first_skip), "%s: %.380s", row.id, row.reason);
}

bool subtest_begin(const char *name)
{
	subtest_end();
	row_id(name, row.id, sizeof(row.id));
	if (!row_selected(row.id))
		return false;
	row.open = true;
	row.state = T_PASS;
	row.reason[0] = '\0';
	snprintf(running_row, ROW_ID_MAX, "%s", row.id);
	return true;
}

/*
 * The test's verdict from its rows: a TEST/ROW argument that matched no row
 * fails it (it would pass having tested nothing), and a test whose every row
 * that ran was skipped is a skip.
 */
static void rows_verdict(void)
{
	for (int i = 0; i < n_names && state == T_PASS; i++) {
		const char *rest = names_test(names[i], current->name);

		if (rest && *rest == '/' && !name_matched[i]) {
			snprintf(reason, sizeof(reason), "it has no row named \"%s\"", rest + 1);
			state = T_FAIL;
		}
	}
	if (state == T_PASS && row.skipped && !row.passed) {
		snprintf(reason, sizeof(reason), "every row was skipped; the first: %.470s",
			 row.first_skip);
		state = T_SKIP;
	}
}

/* The child's side: runs the test, hands its verdict and reason over the pipe. */
static void run_child(const struct test_case *t, int fd)
{
	char msg[sizeof(reason) + 1];
	size_t len;

	current = t;
	state = T_PASS;
	reason[0] = '\0';
	t->fn();
	subtest_end();
	rows_verdict();
	msg[0] = (char)('0' + state);
	len = (size_t)snprintf(msg + 1, sizeof(msg) - 1, "%s", reason) + 1;
	fflush(stdout);
	fflush(stderr);
	_exit(write(fd, msg, len) == (ssize_t)len ? 0 : 3);
}

/* Waits for pid at most timeout_s seconds; kills it past that. */
static int wait_bounded(pid_t pid, unsigned int timeout_s, bool *timed_out)
{
	struct timespec nap = { 0, 10 * 1000 * 1000 };
	int status;

	*timed_out = false;
	for (unsigned long waited_ms = 0;; waited_ms += 10) {
		pid_t r = waitpid(pid, &status, WNOHANG);

		if (r == pid)
			return status;
		if (r < 0)
			return -1;
		if (waited_ms >= timeout_s * 1000ul && !*timed_out) {
			*timed_out = true;
			kill(pid, SIGKILL);
		}
		nanosleep(&nap, NULL);
	}
}

/* A child that died in a row: the row fails too, and the test's reason names it. */
static void blame_row(const struct test_case *t)
{
	char why[sizeof(reason)];

	if (!running_row[0])
		return;
	printf("FAIL %s/%s/%s: %s\n", suite, t->name, running_row, reason);
	memcpy(why, reason, sizeof(why));
	snprintf(reason, sizeof(reason), "%.*s: %.400s", ROW_ID_MAX, running_row, why);
}

/* Runs one test in a child; returns its verdict, reason filled in. */
static int run_one(const struct test_case *t, unsigned int timeout_s)
{
	char msg[sizeof(reason) + 1] = "";
	bool timed_out;
	int fds[2], status;
	ssize_t n;
	pid_t pid;

	if (pipe(fds)) {
		snprintf(reason, sizeof(reason), "cannot make a pipe: %s", strerror(errno));
		return T_FAIL;
	}
	running_row[0] = '\0';
	fflush(stdout);
	fflush(stderr);
	pid = fork();
	if (pid == 0) {
		close(fds[0]);
		run_child(t, fds[1]);
	}
	close(fds[1]);
	if (pid < 0) {
		close(fds[0]);
		snprintf(reason, sizeof(reason), "cannot fork: %s", strerror(errno));
		return T_FAIL;
	}
	status = wait_bounded(pid, timeout_s, &timed_out);
	n = read(fds[0], msg, sizeof(msg) - 1);
	close(fds[0]);
	if (timed_out) {
		snprintf(reason, sizeof(reason), "did not finish within %u s (killed)", timeout_s);
		blame_row(t);
		return T_FAIL;
	}
	if (status < 0 || !WIFEXITED(status) || WEXITSTATUS(status) || n < 1) {
		if (status >= 0 && WIFSIGNALED(status))
			snprintf(reason, sizeof(reason), "crashed: %s",
				 strsignal(WTERMSIG(status)));
		else
			snprintf(reason, sizeof(reason), "exited with status %d before reporting",
				 status >= 0 && WIFEXITED(status) ? WEXITSTATUS(status) : -1);
		blame_row(t);
		return T_FAIL;
	}
	msg[n] = '\0';
	snprintf(reason, sizeof(reason), "%s", msg + 1);
	return msg[0] - '0';
}

int main(int argc, char **argv)
{
	const char *env = getenv("BPFBR_TEST_TIMEOUT");
	unsigned int timeout_s = env && atoi(env) > 0 ? (unsigned int)atoi(env) : 300;
	int failed = 0, opt, verdict;

	while ((opt = getopt(argc, argv, "s:t:")) != -1) {
		if (opt == 's') {
			suite = optarg;
		} else if (opt == 't' && atoi(optarg) > 0) {
			timeout_s = (unsigned int)atoi(optarg);
		} else {
			fprintf(stderr, "usage: %s [-s SUITE] [-t SECONDS] [TEST[/ROW]...]\n",
				argv[0]);
			return 2;
		}
	}
	names = argv + optind;
	n_names = argc - optind;
	name_matched = calloc((size_t)n_names + 1, sizeof(*name_matched));
	running_row =
		mmap(NULL, ROW_ID_MAX, PROT_READ | PROT_WRITE, MAP_SHARED | MAP_ANONYMOUS, -1, 0);
	if (!name_matched || running_row == MAP_FAILED) {
		fprintf(stderr, "%s: out of memory\n", argv[0]);
		return 2;
	}
	setvbuf(stdout, NULL, _IOLBF, 0);
	for (const struct test_case *t = __start_bpfbr_tests; t < __stop_bpfbr_tests; t++) {
		if (!selected(t->name))
			continue;
		reason[0] = '\0';
		verdict = run_one(t, timeout_s);
		if (verdict == T_PASS)
			printf("PASS %s/%s\n", suite, t->name);
		else
			printf("%s %s/%s: %s\n", verdict == T_SKIP ? "SKIP" : "FAIL", suite,
			       t->name, reason);
		failed += verdict != T_PASS && verdict != T_SKIP;
	}
	/* A name that matched no test: a typo must not pass having run nothing. */
	for (int i = 0; i < n_names; i++) {
		const struct test_case *t = __start_bpfbr_tests;

		while (t < __stop_bpfbr_tests && !names_test(names[i], t->name))
			t++;
		if (t == __stop_bpfbr_tests) {
			printf("FAIL %s/%s: no such test\n", suite, names[i]);
			failed++;
		}
	}
	return failed ? 1 : 0;
}
