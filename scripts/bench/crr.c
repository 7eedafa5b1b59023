// SPDX-License-Identifier: MIT
/*
 * crr: a TCP_CRR (and TCP_RR) client/server for the benchmark harness.
 *
 * One transaction = connect, send one request, read one response, close.
 * netperf's TCP_CRR does the same, but netperf is not in Debian's archive,
 * and iperf3/sockperf only measure established connections.
 *
 *   crr server -a ADDR -p PORT [-s SIZE]
 *   crr client -a ADDR -p PORT -t SECONDS [-s SIZE]
 *   crr rr     -a ADDR -p PORT -t SECONDS [-s SIZE] [-w SECONDS]
 *
 * ADDR is IPv4 or IPv6. `rr` is TCP_RR over one connection: request,
 * response, request... for SECONDS after a warm-up of -w seconds (default
 * 0.5), for the IPv6 rows (Debian's sockperf 3.7 takes IPv4 addresses only).
 * It prints: trans=N secs=S rate=R p50_us=P p99_us=Q (each round trip timed).
 * The server answers every request of a connection until the client closes.
 *
 * The server is single-threaded on purpose: the client is sequential, and the
 * harness pins both to the same core (cross-core wake-ups dominate on the
 * shared 2-vCPU machines this runs on).
 *
 * The client closes first, so TIME_WAIT sockets pile up on the client side;
 * the harness sets tcp_tw_reuse=1 and a wide ip_local_port_range inside the
 * client's namespace. The client prints one line:
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
/* Round trips kept for the percentiles: ~8 s at 100k/s, 64 MB at most. */
#define MAX_SAMPLES (8u << 20)

/* An address of either family, as bind() and connect() take it. */
struct addr {
	struct sockaddr_storage ss;
	socklen_t len;
};

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
		ssize_t n =
			rd ? read(fd, buf + done, len - done) : write(fd, buf + done, len - done);

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

static int serve(const struct addr *sa, size_t size)
{
	char buf[MAX_SIZE];
	int one = 1, lfd, err;

	lfd = socket(sa->ss.ss_family, SOCK_STREAM, 0);
	if (lfd < 0) {
		perror("crr: socket");
		return 1;
	}
	setsockopt(lfd, SOL_SOCKET, SO_REUSEADDR, &one, sizeof(one));
	if (bind(lfd, (const struct sockaddr *)&sa->ss, sa->len) || listen(lfd, 1024)) {
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
		/*
		 * Every request answered until the client closes (a CRR client
		 * sends one, an RR client many): the client's FIN comes first,
		 * so TIME_WAIT lands on the client.
		 */
		do {
			err = xfer(fd, buf, size, true);
			if (!err)
				err = xfer(fd, buf, size, false);
		} while (!err && !stop);
		close(fd);
	}
	close(lfd);
	return 0;
}

static int client(const struct addr *sa, size_t size, double secs)
{
	char buf[MAX_SIZE];
	unsigned long conns = 0, errors = 0;
	double start, end;
	int err;

	memset(buf, 'r', sizeof(buf));
	start = now();
	end = start + secs;
	while (!stop && now() < end) {
		int fd = socket(sa->ss.ss_family, SOCK_STREAM, 0);

		if (fd < 0) {
			perror("crr: socket");
			return 1;
		}
		if (connect(fd, (const struct sockaddr *)&sa->ss, sa->len) < 0) {
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

static int cmp_double(const void *a, const void *b)
{
	double x = *(const double *)a, y = *(const double *)b;

	return (x > y) - (x < y);
}

/* The p-th percentile (0..100) of n sorted values, nearest rank. */
static double percentile(const double *v, size_t n, double p)
{
	size_t i = (size_t)(p / 100 * n + 0.5);

	return v[i ? (i > n ? n : i) - 1 : 0];
}

/* TCP_RR: one connection, request and response of size bytes, for secs. */
static int ping_pong(const struct addr *sa, size_t size, double secs, double warmup)
{
	char buf[MAX_SIZE];
	unsigned long trans = 0;
	double *rtt, start, end, t0, t1;
	int one = 1, fd, err = 0;

	rtt = malloc(MAX_SAMPLES * sizeof(*rtt));
	if (!rtt) {
		perror("crr: malloc");
		return 1;
	}
	memset(buf, 'r', sizeof(buf));
	fd = socket(sa->ss.ss_family, SOCK_STREAM, 0);
	if (fd < 0 || connect(fd, (const struct sockaddr *)&sa->ss, sa->len) < 0) {
		perror("crr: connect");
		free(rtt);
		return 1;
	}
	setsockopt(fd, IPPROTO_TCP, TCP_NODELAY, &one, sizeof(one));
	start = now() + warmup;
	end = start + secs;
	for (t0 = now(); !stop && t0 < end; t0 = t1) {
		err = xfer(fd, buf, size, false);
		if (!err)
			err = xfer(fd, buf, size, true);
		if (err)
			break;
		t1 = now();
		if (t0 >= start && trans < MAX_SAMPLES)
			rtt[trans++] = (t1 - t0) * 1e6;
	}
	close(fd);
	if (err || !trans) {
		fprintf(stderr, "crr: ping-pong failed after %lu round trips: %s\n", trans,
			err ? strerror(-err) : "none measured");
		free(rtt);
		return 1;
	}
	secs = now() - start;
	qsort(rtt, trans, sizeof(*rtt), cmp_double);
	printf("trans=%lu secs=%.3f rate=%.1f p50_us=%.3f p99_us=%.3f\n", trans, secs, trans / secs,
	       percentile(rtt, trans, 50), percentile(rtt, trans, 99));
	free(rtt);
	return 0;
}

/* parse_addr: an IPv4 or IPv6 address and a port into sa; 0 or -EINVAL. */
static int parse_addr(const char *s, long port, struct addr *sa)
{
	struct sockaddr_in6 *in6 = (struct sockaddr_in6 *)&sa->ss;
	struct sockaddr_in *in = (struct sockaddr_in *)&sa->ss;

	memset(sa, 0, sizeof(*sa));
	if (!s || port <= 0 || port > 65535)
		return -EINVAL;
	if (inet_pton(AF_INET, s, &in->sin_addr) == 1) {
		in->sin_family = AF_INET;
		in->sin_port = htons(port);
		sa->len = sizeof(*in);
		return 0;
	}
	if (inet_pton(AF_INET6, s, &in6->sin6_addr) == 1) {
		in6->sin6_family = AF_INET6;
		in6->sin6_port = htons(port);
		sa->len = sizeof(*in6);
		return 0;
	}
	return -EINVAL;
}

static void usage(void)
{
	fprintf(stderr, "usage: crr server -a ADDR -p PORT [-s SIZE]\n"
			"       crr client -a ADDR -p PORT -t SECONDS [-s SIZE]\n"
			"       crr rr     -a ADDR -p PORT -t SECONDS [-s SIZE] [-w SECONDS]\n"
			"ADDR: IPv4 or IPv6\n");
	exit(2);
}

int main(int argc, char **argv)
{
	enum { SERVER, CLIENT, RR } role;
	struct sigaction act = { .sa_handler = on_signal };
	const char *addr = NULL;
	long port = 0, size = 64;
	double secs = 0, warmup = 0.5;
	struct addr sa;
	int opt;

	if (argc < 2)
		usage();
	if (!strcmp(argv[1], "server"))
		role = SERVER;
	else if (!strcmp(argv[1], "client"))
		role = CLIENT;
	else if (!strcmp(argv[1], "rr"))
		role = RR;
	else
		usage();
	optind = 2;
	while ((opt = getopt(argc, argv, "a:p:s:t:w:")) != -1) {
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
		case 'w':
			warmup = strtod(optarg, NULL);
			break;
		default:
			usage();
		}
	}
	if (parse_addr(addr, port, &sa) || size <= 0 || size > MAX_SIZE ||
	    (role != SERVER && secs <= 0) || warmup < 0)
		usage();

	/* No SA_RESTART: a signal must break accept()/read() so we exit promptly. */
	sigaction(SIGINT, &act, NULL);
	sigaction(SIGTERM, &act, NULL);
	signal(SIGPIPE, SIG_IGN);
	switch (role) {
	case SERVER:
		return serve(&sa, size);
	case CLIENT:
		return client(&sa, size, secs);
	default:
		return ping_pong(&sa, size, secs, warmup);
	}
}
