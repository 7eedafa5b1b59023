// SPDX-License-Identifier: GPL-2.0-only OR BSD-2-Clause
/*
 * Runs every TEST() of the binary, or those named on the command line:
 *   prog [-s SUITE] [-t SECONDS] [NAME...]
 * Each test runs in a child process of its own, so a test that crashes or
 * hangs fails by name (its signal, or the time limit: -t, or
 * BPFBR_TEST_TIMEOUT, default 300 s) and the tests after it still run.
 */
#include <signal.h>
#include <stdarg.h>
#include <stdlib.h>
#include <time.h>
#include <unistd.h>
#include <sys/wait.h>

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

/* The child's side: runs the test, hands its verdict and reason over the pipe. */
static void run_child(const struct test_case *t, int fd)
{
	char msg[sizeof(reason) + 1];
	size_t len;

	state = T_PASS;
	reason[0] = '\0';
	t->fn();
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
		return T_FAIL;
	}
	if (status < 0 || !WIFEXITED(status) || WEXITSTATUS(status) || n < 1) {
		if (status >= 0 && WIFSIGNALED(status))
			snprintf(reason, sizeof(reason), "crashed: %s",
				 strsignal(WTERMSIG(status)));
		else
			snprintf(reason, sizeof(reason), "exited with status %d before reporting",
				 status >= 0 && WIFEXITED(status) ? WEXITSTATUS(status) : -1);
		return T_FAIL;
	}
	msg[n] = '\0';
	snprintf(reason, sizeof(reason), "%s", msg + 1);
	return msg[0] - '0';
}

int main(int argc, char **argv)
{
	const char *suite = "test", *env = getenv("BPFBR_TEST_TIMEOUT");
	unsigned int timeout_s = env && atoi(env) > 0 ? (unsigned int)atoi(env) : 300;
	int failed = 0, opt, verdict;

	while ((opt = getopt(argc, argv, "s:t:")) != -1) {
		if (opt == 's') {
			suite = optarg;
		} else if (opt == 't' && atoi(optarg) > 0) {
			timeout_s = (unsigned int)atoi(optarg);
		} else {
			fprintf(stderr, "usage: %s [-s SUITE] [-t SECONDS] [TEST...]\n", argv[0]);
			return 2;
		}
	}
	setvbuf(stdout, NULL, _IOLBF, 0);
	for (const struct test_case *t = __start_bpfbr_tests; t < __stop_bpfbr_tests; t++) {
		if (!selected(t->name, argc - optind, argv + optind))
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
	return failed ? 1 : 0;
}
