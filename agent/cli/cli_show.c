// SPDX-License-Identifier: GPL-2.0-only OR BSD-2-Clause
/* bpfbr fdb show | status */
#include <errno.h>
#include <string.h>
#include <jansson.h>

#include "cli.h"
#include "log.h"
#include "netctx.h"
#include "output.h"
#include "report.h"
#include "uplink.h"

typedef int (*net_fn)(struct netctx *c, const struct netstate *state, void *out);

/* Runs fn for the named network, or for every network when name is NULL. */
static int each_net(struct cli *cli, const char *name, net_fn fn, json_t *out)
{
	struct netstate state;
	struct netctx c;
	int err;

	err = netctx_open(&c, cli->root, false);
	if (err)
		return err;
	if (!name) {
		err = netctx_foreach(&c, fn, out);
	} else {
		err = netctx_load(&c, name, &state);
		if (!err) {
			err = fn(&c, &state, out);
			netstate_free(&state);
		}
	}
	netctx_close(&c);
	return err;
}

static int fdb_of(struct netctx *c, const struct netstate *state, void *out)
{
	int err = report_fdb(c, state, out);

	if (err)
		pr_err("cannot read the forwarding table of network %s: %s", state->name,
		       strerror(-err));
	return err;
}

static int run_fdb_show(struct cli *cli)
{
	json_t *entries = json_array();
	int err = each_net(cli, cli->npos ? cli->pos[0] : NULL, fdb_of, entries);

	if (!err)
		print_fdb(entries, cli->json);
	json_decref(entries);
	return err;
}

const struct cli_cmd cmd_fdb_show = {
	.words = "fdb show",
	.args = "[NAME]",
	.min_pos = 0,
	.max_pos = 1,
	.opts = cli_no_opts,
	.run = run_fdb_show,
	.summary = "Show the forwarding table (MAC -> port), like `bridge fdb show`",
};

static int status_of(struct netctx *c, const struct netstate *state, void *out)
{
	json_t *st = report_status(c, state);

	if (!st) {
		pr_err("cannot read the datapath of network %s", state->name);
		return -EIO;
	}
	return json_array_append_new(out, st) ? -ENOMEM : 0;
}

static int run_status(struct cli *cli)
{
	json_t *nets = json_array();
	int err = each_net(cli, cli->npos ? cli->pos[0] : NULL, status_of, nets);

	if (!err)
		print_status(nets, cli->json);
	json_decref(nets);
	return err;
}

const struct cli_cmd cmd_status = {
	.words = "status",
	.args = "[NAME]",
	.min_pos = 0,
	.max_pos = 1,
	.opts = cli_no_opts,
	.run = run_status,
	.summary = "Show ports, programs and how they are attached, map fill levels, counters",
};

static int nat_of(struct netctx *c, const struct netstate *state, void *out)
{
	int err = report_nat(c, state, out);

	if (err)
		pr_err("cannot read the translations of network %s (uplink %s): %s", state->name,
		       state->uplink, strerror(-err));
	return err;
}

static int run_nat_show(struct cli *cli)
{
	json_t *flows = json_array();
	int err = each_net(cli, cli->npos ? cli->pos[0] : NULL, nat_of, flows);

	if (!err)
		print_nat(flows, cli->json);
	json_decref(flows);
	return err;
}

const struct cli_cmd cmd_nat_show = {
	.words = "nat show",
	.args = "[NAME]",
	.min_pos = 0,
	.max_pos = 1,
	.opts = cli_no_opts,
	.run = run_nat_show,
	.summary = "Show masquerade translations (protocol, inside, outside, remote, state, age)",
};

static int flush_of(struct netctx *c, const struct netstate *state, void *out)
{
	uint32_t n;
	int err = uplink_flush(c, state, &n);

	if (err) {
		pr_err("cannot flush the translations of network %s: %s", state->name,
		       strerror(-err));
		return err;
	}
	return json_array_append_new(out,
				     json_pack("{s:s, s:i}", "network", state->name, "removed", n))
		       ? -ENOMEM
		       : 0;
}

static int run_nat_flush(struct cli *cli)
{
	json_t *done = json_array();
	int err = each_net(cli, cli->npos ? cli->pos[0] : NULL, flush_of, done);
	size_t i;
	json_t *d;

	if (!err && cli->json)
		print_json(done);
	else if (!err)
		json_array_foreach (done, i, d)
			printf("network %s: %lld translations removed\n",
			       json_string_value(json_object_get(d, "network")),
			       (long long)json_integer_value(json_object_get(d, "removed")));
	json_decref(done);
	return err;
}

const struct cli_cmd cmd_nat_flush = {
	.words = "nat flush",
	.args = "[NAME]",
	.min_pos = 0,
	.max_pos = 1,
	.opts = cli_no_opts,
	.run = run_nat_flush,
	.summary = "Remove the network's translations (as conntrack -F for its containers)",
};
