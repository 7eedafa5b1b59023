// SPDX-License-Identifier: GPL-2.0-only OR BSD-2-Clause
/*
 * Runs every TEST() of the binary, or those named on the command line:
 *   prog [-j JOBS] [-s SUITE] [-t SECONDS] [TEST[/ROW]...]
 * TEST/ROW runs only that row of the test (subtest_begin() in harness.h).
 * Each test runs in a child process of its own, so a test that crashes or
 * hangs fails by name (its signal, or the time limit: -t, or
 * BPFBR_TEST_TIMEOUT, default 300 s), and so does the row it was in, and the
 * tests after it still run. -j runs that many tests side by side (each in
 * its own network namespace; the verifier's work on one core is what most
 * of a BPF test's time goes to), their output kept and shown in order.
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

/*
 * A test running in a child: the pipe its verdict comes over, the file its
 * output goes to when tests run side by side (-1: straight to ours), the row
 * it is in (shared with it), and when it started.
 */
struct job {
	const struct test_case *t;
	pid_t pid;
	int verdict_fd, out_fd;
	char *row;
	struct timespec start;
	int status;
	bool done, timed_out;
};

static double seconds_since(const struct timespec *start)
{
	struct timespec now;

	clock_gettime(CLOCK_MONOTONIC, &now);
	return (double)(now.tv_sec - start->tv_sec) + (now.tv_nsec - start->tv_nsec) / 1e9;
}

/* Forks the child of job j; false (reason filled in) if it could not. */
static bool job_start(struct job *j, bool capture)
{
	int fds[2];

	j->done = j->timed_out = false;
	j->out_fd = -1;
	j->row[0] = '\0';
	if (pipe(fds)) {
		snprintf(reason, sizeof(reason), "cannot make a pipe: %s", strerror(errno));
		return false;
	}
	if (capture) {
		FILE *f = tmpfile();

		j->out_fd = f ? dup(fileno(f)) : -1;
		if (f)
			fclose(f);
		if (j->out_fd < 0) {
			snprintf(reason, sizeof(reason), "cannot make a file for its output: %s",
				 strerror(errno));
			close(fds[0]);
			close(fds[1]);
			return false;
		}
	}
	fflush(stdout);
	fflush(stderr);
	clock_gettime(CLOCK_MONOTONIC, &j->start);
	j->pid = fork();
	if (j->pid == 0) {
		close(fds[0]);
		running_row = j->row;
		if (j->out_fd >= 0 && (dup2(j->out_fd, 1) < 0 || dup2(j->out_fd, 2) < 0))
			_exit(3);
		run_child(j->t, fds[1]);
	}
	close(fds[1]);
	j->verdict_fd = fds[0];
	if (j->pid < 0) {
		close(fds[0]);
		if (j->out_fd >= 0)
			close(j->out_fd);
		snprintf(reason, sizeof(reason), "cannot fork: %s", strerror(errno));
		return false;
	}
	return true;
}

/* A line about job j, after what its child printed. */
static void job_print(const struct job *j, const char *fmt, ...)
	__attribute__((format(printf, 2, 3)));
static void job_print(const struct job *j, const char *fmt, ...)
{
	va_list ap;

	va_start(ap, fmt);
	if (j->out_fd >= 0)
		vdprintf(j->out_fd, fmt, ap);
	else
		vprintf(fmt, ap);
	va_end(ap);
}

/* A child that died in a row: the row fails too, and the test's reason names it. */
static void blame_row(const struct job *j)
{
	char why[sizeof(reason)];

	if (!j->row[0])
		return;
	job_print(j, "FAIL %s/%s/%s: %s\n", suite, j->t->name, j->row, reason);
	memcpy(why, reason, sizeof(why));
	snprintf(reason, sizeof(reason), "%.*s: %.400s", ROW_ID_MAX, j->row, why);
}

/* Copies what the child of job j wrote (when captured) to our output. */
static void job_replay(struct job *j)
{
	char buf[4096];
	ssize_t n;

	if (j->out_fd < 0)
		return;
	fflush(stdout);
	if (lseek(j->out_fd, 0, SEEK_SET) == 0)
		while ((n = read(j->out_fd, buf, sizeof(buf))) > 0)
			if (write(1, buf, (size_t)n) != n)
				break;
	close(j->out_fd);
	j->out_fd = -1;
}

/* The verdict of job j, whose child has ended; reason filled in. */
static int job_verdict(struct job *j, unsigned int timeout_s)
{
	char msg[sizeof(reason) + 1] = "";
	int status = j->status;
	ssize_t n;

	n = read(j->verdict_fd, msg, sizeof(msg) - 1);
	close(j->verdict_fd);
	if (j->timed_out) {
		snprintf(reason, sizeof(reason), "did not finish within %u s (killed)", timeout_s);
		blame_row(j);
		return T_FAIL;
	}
	if (!WIFEXITED(status) || WEXITSTATUS(status) || n < 1) {
		if (WIFSIGNALED(status))
			snprintf(reason, sizeof(reason), "crashed: %s",
				 strsignal(WTERMSIG(status)));
		else
			snprintf(reason, sizeof(reason), "exited with status %d before reporting",
				 WIFEXITED(status) ? WEXITSTATUS(status) : -1);
		blame_row(j);
		return T_FAIL;
	}
	msg[n] = '\0';
	snprintf(reason, sizeof(reason), "%s", msg + 1);
	return msg[0] - '0';
}

/* Reaps the children that ended and kills those past the time limit; false if none runs. */
static bool jobs_poll(struct job *jobs, int njobs, unsigned int timeout_s)
{
	struct timespec nap = { 0, 10 * 1000 * 1000 };
	bool running = false;

	for (int i = 0; i < njobs; i++) {
		struct job *j = &jobs[i];

		if (!j->t || j->done)
			continue;
		if (waitpid(j->pid, &j->status, WNOHANG) == j->pid) {
			j->done = true;
			continue;
		}
		running = true;
		if (!j->timed_out && seconds_since(&j->start) >= timeout_s) {
			j->timed_out = true;
			kill(j->pid, SIGKILL);
		}
	}
	if (running)
		nanosleep(&nap, NULL);
	return running;
}

/* A selected test: its job's output (when captured), and once ended its verdict. */
struct result {
	const struct test_case *t;
	int out_fd, verdict;
	bool ended;
	char reason[sizeof(reason)];
};

/* Prints result r, after what its test printed. */
static void report(struct result *r)
{
	struct job j = { .out_fd = r->out_fd };

	job_replay(&j);
	if (r->verdict == T_PASS)
		printf("PASS %s/%s\n", suite, r->t->name);
	else
		printf("%s %s/%s: %s\n", r->verdict == T_SKIP ? "SKIP" : "FAIL", suite, r->t->name,
		       r->reason);
}

/*
 * Runs the selected tests, njobs at a time; each is reported, after what it
 * printed, in the order the tests are declared. Returns how many failed.
 */
static int run_all(int njobs, unsigned int timeout_s)
{
	size_t ntests = (size_t)(__stop_bpfbr_tests - __start_bpfbr_tests), n = 0, next = 0,
	       head = 0;
	struct result *res = calloc(ntests + 1, sizeof(*res));
	struct job *jobs = calloc((size_t)njobs, sizeof(*jobs));
	size_t *job_res = calloc((size_t)njobs, sizeof(*job_res));
	char *rows = mmap(NULL, (size_t)njobs * ROW_ID_MAX, PROT_READ | PROT_WRITE,
			  MAP_SHARED | MAP_ANONYMOUS, -1, 0);
	int failed = 0;

	if (!res || !jobs || !job_res || rows == MAP_FAILED) {
		fprintf(stderr, "harness: out of memory\n");
		return 1;
	}
	for (const struct test_case *t = __start_bpfbr_tests; t < __stop_bpfbr_tests; t++)
		if (selected(t->name))
			res[n++].t = t;
	for (int i = 0; i < njobs; i++)
		jobs[i].row = rows + (size_t)i * ROW_ID_MAX;
	while (head < n) {
		/* Start the next tests in the free slots. */
		for (int i = 0; i < njobs && next < n; i++) {
			struct job *j = &jobs[i];
			struct result *r = &res[next];

			if (j->t)
				continue;
			j->t = r->t;
			job_res[i] = next++;
			reason[0] = '\0';
			if (!job_start(j, njobs > 1)) {
				r->out_fd = -1;
				r->verdict = T_FAIL;
				r->ended = true;
				snprintf(r->reason, sizeof(r->reason), "%s", reason);
				j->t = NULL;
			}
		}
		jobs_poll(jobs, njobs, timeout_s);
		for (int i = 0; i < njobs; i++) {
			struct job *j = &jobs[i];
			struct result *r = &res[job_res[i]];

			if (!j->t || !j->done)
				continue;
			reason[0] = '\0';
			r->verdict = job_verdict(j, timeout_s);
			r->out_fd = j->out_fd;
			snprintf(r->reason, sizeof(r->reason), "%s", reason);
			r->ended = true;
			j->t = NULL;
		}
		/* Report the ended tests in order. */
		for (; head < n && res[head].ended; head++) {
			report(&res[head]);
			failed += res[head].verdict != T_PASS && res[head].verdict != T_SKIP;
		}
	}
	munmap(rows, (size_t)njobs * ROW_ID_MAX);
	free(job_res);
	free(jobs);
	free(res);
	return failed;
}

int main(int argc, char **argv)
{
	const char *env = getenv("BPFBR_TEST_TIMEOUT");
	unsigned int timeout_s = env && atoi(env) > 0 ? (unsigned int)atoi(env) : 300;
	int failed, opt, njobs = 1;

	while ((opt = getopt(argc, argv, "j:s:t:")) != -1) {
		if (opt == 's') {
			suite = optarg;
		} else if (opt == 't' && atoi(optarg) > 0) {
			timeout_s = (unsigned int)atoi(optarg);
		} else if (opt == 'j' && atoi(optarg) > 0 && atoi(optarg) <= 64) {
			njobs = atoi(optarg);
		} else {
			fprintf(stderr,
				"usage: %s [-j JOBS] [-s SUITE] [-t SECONDS] [TEST[/ROW]...]\n",
				argv[0]);
			return 2;
		}
	}
	names = argv + optind;
	n_names = argc - optind;
	name_matched = calloc((size_t)n_names + 1, sizeof(*name_matched));
	if (!name_matched) {
		fprintf(stderr, "%s: out of memory\n", argv[0]);
		return 2;
	}
	setvbuf(stdout, NULL, _IOLBF, 0);
	failed = run_all(njobs, timeout_s);
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
