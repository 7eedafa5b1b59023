/* SPDX-License-Identifier: GPL-2.0-only OR BSD-2-Clause */
/*
 * (lib) The smallest HTTP/1.0 server that serves a scrape: one connection
 * at a time, a request of at most 4 KiB read within 5 s, GET of /metrics
 * (or /) answered with a body made fresh for it, another path 404, another
 * method 405;
 * every answer closes its connection. Bounded: a slow or silent client
 * holds it up for 5 s at most.
 */
#ifndef BPFBR_METRICS_HTTP_H
#define BPFBR_METRICS_HTTP_H

#include <signal.h>
#include <stddef.h>

/* Makes the body of one answer: 0 and *body (malloc'ed) of *len bytes, or -errno (500). */
typedef int (*http_body_fn)(void *arg, char **body, size_t *len);

/* Listens on ADDR:PORT (IPv4); -EINVAL when listen is not one. */
int http_listen(const char *listen, int *fd);
/* Serves on fd until *stop is set (polled every 200 ms). 0 or -errno. */
int http_serve(int fd, http_body_fn body, void *arg, volatile sig_atomic_t *stop);

#endif
