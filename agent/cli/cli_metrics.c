// SPDX-License-Identifier: GPL-2.0-only OR BSD-2-Clause
/*
 * (cli) bpfbr metrics [NAME] [--listen ADDR:PORT]: every counter of
 * `bpfbr status` in the Prometheus text format (metrics.h), printed once, or
 * served over HTTP, read afresh for each scrape, until SIGINT or SIGTERM.
 */
#include <errno.h>
#include <signal.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <unistd.h>

#include "cli.h"
#include "log.h"
#include "metrics.h"
#include "metrics_http.h"
#include "netctx.h"
#include "report.h"

struct scrape {
	const char *root;
	const char *name; /* NULL: every network */
};

static volatile sig_atomic_t stop;

static void on_signal(int sig)
{
	(void)sig;
	stop = 1;
}

static int status_of(struct netctx *c, const struct netstate *ns, void *out)
{
	json_t *st = report_status(c, ns);

	if (!st) {
		pr_err("cannot read the datapath of network %s", ns->name);
		return -EIO;
	}
	return json_array_append_new(out, st) ? -ENOMEM : 0;
}

/* The reports of the networks, as `bpfbr status -j` makes them. */
static int gather(const struct scrape *s, json_t **nets)
{
	struct netstate ns;
	struct netctx c;
	int err;

	*nets = json_array();
	if (!*nets)
		return -ENOMEM;
	err = netctx_open(&c, s->root, false);
	if (err) {
		json_decref(*nets);
		*nets = NULL;
		return err;
	}
	if (s->name) {
		err = netctx_load(&c, s->name, &ns);
		if (!err) {
			err = status_of(&c, &ns, *nets);
			netstate_free(&ns);
		}
	} else {
		err = netctx_foreach(&c, status_of, *nets);
	}
	netctx_close(&c);
	if (err) {
		json_decref(*nets);
		*nets = NULL;
	}
	return err;
}

static int scrape_body(void *arg, char **body, size_t *len)
{
	json_t *nets;
	FILE *f;
	int err = gather(arg, &nets);

	if (err)
		return err;
	f = open_memstream(body, len);
	if (!f) {
		json_decref(nets);
		return -errno;
	}
	err = metrics_write(nets, f);
	if (fclose(f) && !err)
		err = -EIO;
	json_decref(nets);
	if (err) {
		free(*body);
		*body = NULL;
	}
	return err;
}

static int run_metrics(struct cli *cli)
{
	struct scrape s = { cli->root, cli->npos ? cli->pos[0] : NULL };
	const char *listen_on = cli_get(cli, "listen");
	struct sigaction sa = { .sa_handler = on_signal };
	json_t *nets;
	int fd, err;

	if (!listen_on) {
		err = gather(&s, &nets);
		if (err)
			return err;
		err = metrics_write(nets, stdout);
		json_decref(nets);
		if (err || fflush(stdout))
			pr_err("cannot write the metrics: %s", strerror(EIO));
		return err;
	}
	err = gather(&s, &nets); /* the networks must be readable before serving */
	if (err)
		return err;
	json_decref(nets);
	err = http_listen(listen_on, &fd);
	if (err == -EINVAL) {
		pr_err("--listen %s: give ADDR:PORT, an IPv4 address and a port (e.g. "
		       "127.0.0.1:9435)",
		       listen_on);
		return err;
	}
	if (err) {
		pr_err("cannot listen on %s: %s", listen_on, strerror(-err));
		return err;
	}
	sigaction(SIGINT, &sa, NULL);
	sigaction(SIGTERM, &sa, NULL);
	signal(SIGPIPE, SIG_IGN);
	fprintf(stderr, "serving metrics on http://%s/metrics (Ctrl-C stops)\n", listen_on);
	err = http_serve(fd, scrape_body, &s, &stop);
	close(fd);
	return err;
}

static const struct cli_opt metrics_opts[] = {
	{ "listen", "ADDR:PORT", "serve them over HTTP at /metrics until stopped" },
	{ 0 },
};

const struct cli_cmd cmd_metrics = {
	.words = "metrics",
	.args = "[NAME]",
	.min_pos = 0,
	.max_pos = 1,
	.opts = metrics_opts,
	.run = run_metrics,
	.summary = "Print every counter in the Prometheus text format, or serve it (--listen)",
	.details = "Per network, port (with its container), drop reason and event, map fill,\n"
		   "and the uplink's NAT table; names start with bpfbr_, counters end in\n"
		   "_total. For node_exporter's textfile collector: bpfbr metrics > FILE.\n",
};
