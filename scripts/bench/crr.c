// SPDX-License-Identifier: MIT
/*
 * crr: a TCP_CRR client/server for the benchmark harness.
 *
 * One transaction = connect, send one request, read one response, close.
 * netperf's TCP_CRR does the same, but netperf is not in Debian's archive,
 * and iperf3/sockperf only measure established connections.
 *
 *   crr server -a ADDR -p PORT [-s SIZE]
 *   crr client -a ADDR -p PORT -t SECONDS [-s SIZE]
 *
 * The server is single-threaded on purpose: the client is sequential, and the
 * harness pins both to the same core (cross-core wake-ups dominate on the
 * shared 2-vCPU machines this runs on).
 *
 * The client closes first, so TIME_WAIT sockets pile up on the client side;
 * the harness sets tcp_tw_reuse=1 and a wide ip_local_port_range inside the
 * client's namespace. It prints one line:
 *   conns=N errors=E secs=S rate=R
 * and exits non-zero if no connection completed.
 */
#include <arpa/inet.h>
#include <errno.h>
#include <netinet/in.h>
#include <netinet/tcp.h>
#include <signal.h>
#include <stdbool.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <sys/socket.h>
#include <time.h>
#include <unistd.h>

#define MAX_SIZE 4096

static volatile sig_atomic_t stop;

static void on_signal(int sig)
{
	(void)sig;
	stop = 1;
}

static double now(void)
{
	struct timespec ts;

	clock_gettime(CLOCK_MONOTONIC, &ts);
	return ts.tv_sec + ts.tv_nsec / 1e9;
}

/* Read or write exactly len bytes; returns 0, or -errno (-EPIPE on early EOF). */
static int xfer(int fd, char *buf, size_t len, bool rd)
{
	size_t done = 0;

	while (done < len) {
		ssize_t n = rd ? read(fd, buf + done, len - done) : write(fd, buf + done, len - done);

		if (n < 0) {
			if (errno == EINTR && !stop)
				continue;
			return -errno;
		}
		if (n == 0)
			return -EPIPE;
		done += n;
	}
	return 0;
}

static int serve(const struct sockaddr_in *sa, size_t size)
{
	char buf[MAX_SIZE];
	int one = 1, lfd, err;

	lfd = socket(AF_INET, SOCK_STREAM, 0);
	if (lfd < 0) {
		perror("crr: socket");
		return 1;
	}
	setsockopt(lfd, SOL_SOCKET, SO_REUSEADDR, &one, sizeof(one));
	if (bind(lfd, (const struct sockaddr *)sa, sizeof(*sa)) || listen(lfd, 1024)) {
		perror("crr: bind/listen");
		close(lfd);
		return 1;
	}
	while (!stop) {
		int fd = accept(lfd, NULL, NULL);

		if (fd < 0) {
			if (errno == EINTR || errno == ECONNABORTED)
				continue;
			perror("crr: accept");
			break;
		}
		err = xfer(fd, buf, size, true);
		if (!err)
			err = xfer(fd, buf, size, false);
		/* Wait for the client's FIN so TIME_WAIT lands on the client. */
		if (!err)
			while (read(fd, buf, sizeof(buf)) > 0)
				;
		close(fd);
	}
	close(lfd);
	return 0;
}

static int client(const struct sockaddr_in *sa, size_t size, double secs)
{
	char buf[MAX_SIZE];
	unsigned long conns = 0, errors = 0;
	double start, end;
	int err;

	memset(buf, 'r', sizeof(buf));
	start = now();
	end = start + secs;
	while (!stop && now() < end) {
		int fd = socket(AF_INET, SOCK_STREAM, 0);

		if (fd < 0) {
			perror("crr: socket");
			return 1;
		}
		if (connect(fd, (const struct sockaddr *)sa, sizeof(*sa)) < 0) {
			err = -errno;
		} else {
			err = xfer(fd, buf, size, false);
			if (!err)
				err = xfer(fd, buf, size, true);
		}
		close(fd);
		if (err) {
			/* Count and carry on, but do not spin on a dead path. */
			if (++errors == 1)
				fprintf(stderr, "crr: first error: %s\n", strerror(-err));
			if (errors > 1000 && errors > conns)
				break;
			continue;
		}
		conns++;
	}
	secs = now() - start;
	printf("conns=%lu errors=%lu secs=%.3f rate=%.1f\n", conns, errors, secs, conns / secs);
	return conns ? 0 : 1;
}

static void usage(void)
{
	fprintf(stderr, "usage: crr server -a ADDR -p PORT [-s SIZE]\n"
			"       crr client -a ADDR -p PORT -t SECONDS [-s SIZE]\n");
	exit(2);
}

int main(int argc, char **argv)
{
	struct sockaddr_in sa = { .sin_family = AF_INET };
	struct sigaction act = { .sa_handler = on_signal };
	const char *addr = NULL;
	long port = 0, size = 64;
	double secs = 0;
	bool is_server;
	int opt;

	if (argc < 2)
		usage();
	if (!strcmp(argv[1], "server"))
		is_server = true;
	else if (!strcmp(argv[1], "client"))
		is_server = false;
	else
		usage();
	optind = 2;
	while ((opt = getopt(argc, argv, "a:p:s:t:")) != -1) {
		switch (opt) {
		case 'a':
			addr = optarg;
			break;
		case 'p':
			port = strtol(optarg, NULL, 10);
			break;
		case 's':
			size = strtol(optarg, NULL, 10);
			break;
		case 't':
			secs = strtod(optarg, NULL);
			break;
		default:
			usage();
		}
	}
	if (!addr || inet_pton(AF_INET, addr, &sa.sin_addr) != 1 || port <= 0 || port > 65535 ||
	    size <= 0 || size > MAX_SIZE || (!is_server && secs <= 0))
		usage();
	sa.sin_port = htons(port);

	/* No SA_RESTART: a signal must break accept()/read() so we exit promptly. */
	sigaction(SIGINT, &act, NULL);
	sigaction(SIGTERM, &act, NULL);
	signal(SIGPIPE, SIG_IGN);
	return is_server ? serve(&sa, size) : client(&sa, size, secs);
}
