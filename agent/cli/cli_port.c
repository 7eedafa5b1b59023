// SPDX-License-Identifier: GPL-2.0-only OR BSD-2-Clause
/* bpfbr port show */
#include <errno.h>
#include <stdio.h>
#include <string.h>
#include <jansson.h>

#include "cli.h"
#include "log.h"
#include "netctx.h"
#include "output.h"
#include "port_publish.h"

static int ports_of(struct netctx *c, const struct netstate *state, void *out)
{
	int err = port_publish_report(c, state, out);

	if (err)
		pr_err("cannot read the published ports of network %s: %s", state->name,
		       strerror(-err));
	return err;
}

static void print_ports(json_t *ports)
{
	size_t i;
	json_t *p;

	printf("%-12s %-24s %-15s %-10s %s\n", "NETWORK", "NETNS", "IP", "PORT", "HOST");
	json_array_foreach (ports, i, p) {
		char port[16], host[32];

		snprintf(port, sizeof(port), "%lld/%s",
			 json_integer_value(json_object_get(p, "port")),
			 json_string_value(json_object_get(p, "proto")));
		snprintf(host, sizeof(host), "%s:%lld",
			 json_string_value(json_object_get(p, "host_ip")),
			 json_integer_value(json_object_get(p, "host_port")));
		printf("%-12s %-24s %-15s %-10s %s%s\n",
		       json_string_value(json_object_get(p, "network")),
		       json_string_value(json_object_get(p, "netns")),
		       json_string_value(json_object_get(p, "ip")), port, host,
		       json_is_true(json_object_get(p, "in_datapath"))
			       ? ""
			       : " (not in the datapath: see bpfbr restore)");
	}
}

static int run_port_show(struct cli *cli)
{
	json_t *ports = json_array();
	struct netstate state;
	struct netctx c;
	int err;

	err = netctx_open(&c, cli->root, false);
	if (err)
		goto out;
	if (!cli->npos) {
		err = netctx_foreach(&c, ports_of, ports);
	} else {
		err = netctx_load(&c, cli->pos[0], &state);
		if (!err) {
			err = ports_of(&c, &state, ports);
			netstate_free(&state);
		}
	}
	netctx_close(&c);
	if (!err && cli->json)
		print_json(ports);
	else if (!err)
		print_ports(ports);
out:
	json_decref(ports);
	return err;
}

const struct cli_cmd cmd_port_show = {
	.words = "port show",
	.args = "[NAME]",
	.min_pos = 0,
	.max_pos = 1,
	.opts = cli_no_opts,
	.run = run_port_show,
	.summary = "Show published ports (container port -> node address:port), like `docker port`",
};
