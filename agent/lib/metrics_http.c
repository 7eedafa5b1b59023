// SPDX-License-Identifier: GPL-2.0-only OR BSD-2-Clause
#define _GNU_SOURCE /* accept4 */
#include <arpa/inet.h>
#include <errno.h>
#include <poll.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <sys/socket.h>
#include <sys/time.h>
#include <unistd.h>

#include "metrics_http.h"
#include "parse.h"

#define REQ_MAX	     4096
#define IO_TIMEOUT_S 5
#define POLL_MS	     200
#define CONTENT_TYPE "text/plain; version=0.0.4; charset=utf-8"

int http_listen(const char *listen_on, int *fd)
{
	struct sockaddr_in sa = { .sin_family = AF_INET };
	char host[64];
	const char *colon = strrchr(listen_on, ':');
	uint32_t port, addr;
	int one = 1, s, err;

	if (!colon || (size_t)(colon - listen_on) >= sizeof(host) ||
	    parse_u32(colon + 1, 1, 65535, &port))
		return -EINVAL;
	memcpy(host, listen_on, (size_t)(colon - listen_on));
	host[colon - listen_on] = '\0';
	if (parse_ipv4(host, &addr))
		return -EINVAL;
	sa.sin_addr.s_addr = addr;
	sa.sin_port = htons((uint16_t)port);
	s = socket(AF_INET, SOCK_STREAM | SOCK_CLOEXEC, 0);
	if (s < 0)
		return -errno;
	setsockopt(s, SOL_SOCKET, SO_REUSEADDR, &one, sizeof(one));
	if (bind(s, (struct sockaddr *)&sa, sizeof(sa)) || listen(s, 8)) {
		err = -errno;
		close(s);
		return err;
	}
	*fd = s;
	return 0;
}

static void send_all(int c, const char *p, size_t n)
{
	while (n) {
		ssize_t w = send(c, p, n, MSG_NOSIGNAL);

		if (w <= 0)
			return; /* the client went, or is too slow: its loss */
		p += w;
		n -= (size_t)w;
	}
}

static void answer(int c, const char *status, const char *type, const char *body, size_t len)
{
	char head[256];
	int n = snprintf(head, sizeof(head),
			 "HTTP/1.0 %s\r\nContent-Type: %s\r\nContent-Length: %zu\r\n"
			 "Connection: close\r\n\r\n",
			 status, type, len);

	send_all(c, head, (size_t)n);
	send_all(c, body, len);
}

/* Reads the request head (up to the blank line) into buf. */
static int read_request(int c, char *buf, size_t size)
{
	size_t n = 0;

	while (n + 1 < size) {
		ssize_t r = recv(c, buf + n, size - 1 - n, 0);

		if (r <= 0)
			return -EIO;
		n += (size_t)r;
		buf[n] = '\0';
		if (strstr(buf, "\r\n\r\n") || strstr(buf, "\n\n"))
			return 0;
	}
	return -E2BIG;
}

static void serve_one(int c, http_body_fn body_fn, void *arg)
{
	struct timeval tv = { .tv_sec = IO_TIMEOUT_S };
	char req[REQ_MAX], *body = NULL;
	size_t len = 0;

	setsockopt(c, SOL_SOCKET, SO_RCVTIMEO, &tv, sizeof(tv));
	setsockopt(c, SOL_SOCKET, SO_SNDTIMEO, &tv, sizeof(tv));
	if (read_request(c, req, sizeof(req)))
		return;
	if (strncmp(req, "GET ", 4)) {
		answer(c, "405 Method Not Allowed", "text/plain", "GET only\n", 9);
		return;
	}
	if (strncmp(strchr(req, ' ') + 1, "/metrics ", 9) &&
	    strncmp(strchr(req, ' ') + 1, "/ ", 2)) {
		answer(c, "404 Not Found", "text/plain", "see /metrics\n", 13);
		return;
	}
	if (body_fn(arg, &body, &len)) {
		answer(c, "500 Internal Server Error", "text/plain", "cannot read the datapath\n",
		       25);
		return;
	}
	answer(c, "200 OK", CONTENT_TYPE, body, len);
	free(body);
}

int http_serve(int fd, http_body_fn body, void *arg, volatile sig_atomic_t *stop)
{
	while (!*stop) {
		struct pollfd p = { .fd = fd, .events = POLLIN };
		int c, n = poll(&p, 1, POLL_MS);

		if (n < 0 && errno != EINTR)
			return -errno;
		if (n <= 0)
			continue;
		c = accept4(fd, NULL, NULL, SOCK_CLOEXEC);
		if (c < 0)
			continue;
		serve_one(c, body, arg);
		close(c);
	}
	return 0;
}
