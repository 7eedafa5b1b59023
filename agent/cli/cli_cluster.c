// SPDX-License-Identifier: GPL-2.0-only OR BSD-2-Clause
/* bpfbr cluster set | show, bpfbr node add | del | list | load | import */
#include <errno.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <jansson.h>

#include "cli.h"
#include "cluster.h"
#include "cluster_output.h"
#include "cluster_sources.h"
#include "cluster_store.h"
#include "cluster_sync.h"
#include "journal.h"
#include "log.h"
#include "netctx.h"
#include "output.h"
#include "recover.h"

struct commit {
	const struct cluster *cl;
	bool save; /* cl is changed */
	const struct cluster_plan *plan;
	struct netctx *c;
	json_t *changes;
};

/* The declaration saved (one rename), then the node made to match it; the
 * journal's record makes the next command finish a change killed between. */
static int save_and_apply(struct journal *j, void *arg)
{
	struct commit *m = arg;
	int err;

	(void)j;
	err = m->save ? cluster_save(&m->c->p, m->cl) : 0;
	return err ?: cluster_apply(m->c, m->cl, m->plan, m->changes);
}

static void print_changes(json_t *changes, bool json)
{
	json_t *ch;
	size_t i;

	if (json) {
		print_json(changes);
		return;
	}
	json_array_foreach (changes, i, ch) {
		const char *route = json_string_value(json_object_get(ch, "route"));

		printf("%s %s %s\n", json_string_value(json_object_get(ch, "action")),
		       route ? "route" : "tunnel",
		       route ?: json_string_value(json_object_get(ch, "tunnel")));
	}
}

/* Under the lock: the stored declaration changed by fn (none: as stored),
 * checked against the node, saved, and applied. */
static int change(struct cli *cli, int (*fn)(struct cli *cli, struct cluster *cl))
{
	struct commit m = { .changes = json_array() };
	struct cluster_plan plan;
	struct cluster cl;
	struct netctx c;
	char why[256];
	int err;

	err = netctx_open_for_change(&c, cli->root);
	if (err)
		goto out;
	err = cluster_load(&c.p, &cl);
	if (err)
		goto close;
	err = fn ? fn(cli, &cl) : 0;
	if (!err && cluster_check(&cl, why, sizeof(why))) {
		pr_err("the cluster declaration would not hold: %s; change or remove that node",
		       why);
		err = -EINVAL;
	}
	if (!err)
		err = cluster_plan(&c, &cl, &plan);
	if (!err) {
		m = (struct commit){ &cl, fn != NULL, &plan, &c, m.changes };
		err = journal_run(&c.p, JOURNAL_OP_CLUSTER, JOURNAL_NET_ALL, save_and_apply, &m);
		cluster_plan_free(&plan);
	}
	cluster_free(&cl);
close:
	netctx_close(&c);
	if (!err)
		print_changes(m.changes, cli->json);
out:
	json_decref(m.changes);
	return err;
}

static int parse_net(const char *opt, const char *v, struct cidr *c)
{
	if (!parse_cidr(v, c) && !(c->addr & ~prefix_mask(c->prefix)))
		return 0;
	pr_err("--%s \"%s\" is not a network address/prefix such as 10.244.0.0/16", opt, v);
	return -EINVAL;
}

/* Option opt's value v, CIDRs separated by commas, into out[0..*n) (at most max). */
static int cidrs_opt(const char *opt, const char *v, struct cidr *out, uint32_t max, uint32_t *n)
{
	char item[32];

	*n = 0;
	for (const char *p = v; *p;) {
		size_t len = strcspn(p, ",");

		if (!len || len >= sizeof(item) || *n >= max) {
			pr_err("--%s \"%s\" must be 1 to %u CIDRs separated by commas", opt, v,
			       max);
			return -EINVAL;
		}
		memcpy(item, p, len);
		item[len] = '\0';
		if (parse_net(opt, item, &out[(*n)++]))
			return -EINVAL;
		p += len + (p[len] == ',');
	}
	return 0;
}

static int set_cluster(struct cli *cli, struct cluster *cl)
{
	const char *v;
	uint32_t u;

	if ((v = cli_get(cli, "cidr")) && parse_net("cidr", v, &cl->cidr))
		return -EINVAL;
	if (!v && !cl->declared) {
		pr_err("the cluster is not declared yet; give its --cidr (e.g. 10.244.0.0/16)");
		return -EINVAL;
	}
	cl->declared = true;
	if ((v = cli_get(cli, "mode")) && cluster_mode_parse(v, &cl->mode)) {
		pr_err("--mode \"%s\" must be direct or vxlan", v);
		return -EINVAL;
	}
	if ((v = cli_get(cli, "vni"))) {
		if (parse_u32(v, 1, CLUSTER_VNI_MAX, &cl->vni)) {
			pr_err("--vni \"%s\" must be 1-%u", v, CLUSTER_VNI_MAX);
			return -EINVAL;
		}
	}
	if ((v = cli_get(cli, "port"))) {
		if (parse_u32(v, 1, 65535, &u)) {
			pr_err("--port \"%s\" must be a UDP port, 1-65535", v);
			return -EINVAL;
		}
		cl->port = (uint16_t)u;
	}
	if ((v = cli_get(cli, "non-masquerade")) &&
	    cidrs_opt("non-masquerade", v, cl->nomasq, CLUSTER_NOMASQ_MAX, &cl->n_nomasq))
		return -EINVAL;
	if ((v = cli_get(cli, "service-cidr")) &&
	    cidrs_opt("service-cidr", v, cl->services, CLUSTER_SERVICES_MAX, &cl->n_services))
		return -EINVAL;
	if ((v = cli_get(cli, "self"))) {
		if (!valid_nodename(v)) {
			pr_err("--self \"%s\" is not a node name (a-z, 0-9, '-', '.')", v);
			return -EINVAL;
		}
		snprintf(cl->self, sizeof(cl->self), "%s", v);
	}
	return 0;
}

static int run_cluster_set(struct cli *cli)
{
	return change(cli, set_cluster);
}

static int show(struct cli *cli, bool nodes_only)
{
	struct cluster cl;
	struct netctx c;
	json_t *o;
	int err;

	err = netctx_open(&c, cli->root, false);
	if (err)
		return err;
	err = cluster_load(&c.p, &cl);
	netctx_close(&c);
	if (err)
		return err;
	o = cluster_json(&cl);
	if (cli->json) {
		print_json(nodes_only ? json_object_get(o, "nodes") : o);
	} else {
		print_cluster(o, nodes_only);
	}
	json_decref(o);
	cluster_free(&cl);
	return 0;
}

static int run_cluster_show(struct cli *cli)
{
	return show(cli, false);
}

static int run_node_list(struct cli *cli)
{
	return show(cli, true);
}

static int add_node(struct cli *cli, struct cluster *cl)
{
	const char *name = cli->pos[0], *addr = cli_get(cli, "address");
	const char *pod = cli_get(cli, "pod-cidr");
	struct cluster_node n = { 0 };

	if (!valid_nodename(name)) {
		pr_err("node name \"%s\" is not valid (a-z, 0-9, '-', '.', at most %d)", name,
		       NODENAME_MAX - 1);
		return -EINVAL;
	}
	if (!addr || !pod) {
		pr_err("node %s needs --address (on the uplink) and --pod-cidr", name);
		return -EINVAL;
	}
	snprintf(n.name, sizeof(n.name), "%s", name);
	if (parse_ipv4(addr, &n.addr)) {
		pr_err("--address \"%s\" of node %s is not an IPv4 address", addr, name);
		return -EINVAL;
	}
	if (parse_net("pod-cidr", pod, &n.pod_cidr))
		return -EINVAL;
	if (cluster_node_put(cl, &n)) {
		pr_err("cannot add node %s: the cluster holds at most %d nodes", name,
		       CLUSTER_NODES_MAX);
		return -ENOSPC;
	}
	return 0;
}

static int run_node_add(struct cli *cli)
{
	return change(cli, add_node);
}

static int del_node(struct cli *cli, struct cluster *cl)
{
	if (cluster_node_del(cl, cli->pos[0])) {
		pr_err("node %s is not declared; see bpfbr node list", cli->pos[0]);
		return -ENOENT;
	}
	return 0;
}

static int run_node_del(struct cli *cli)
{
	return change(cli, del_node);
}

static int replace_nodes(struct cluster *cl, struct cluster_node *nodes, uint32_t n)
{
	int err = cluster_nodes_replace(cl, nodes, n);

	free(nodes);
	return err;
}

static int load_nodes(struct cli *cli, struct cluster *cl)
{
	char err[JERR_LEN] = "";
	struct cluster_node *nodes;
	uint32_t n;

	if (cluster_nodes_from_dir(cli->pos[0], &nodes, &n, err)) {
		pr_err("%s; fix it, the declared nodes are unchanged", err);
		return -EINVAL;
	}
	return replace_nodes(cl, nodes, n);
}

static int run_node_load(struct cli *cli)
{
	return change(cli, load_nodes);
}

static int import_nodes(struct cli *cli, struct cluster *cl)
{
	const char *from = cli->pos[0];
	char err[JERR_LEN] = "";
	struct cluster_node *nodes;
	json_t *list;
	uint32_t n;
	int ret;

	if (!strcmp(from, "-")) {
		json_error_t e;

		list = json_loadf(stdin, JSON_REJECT_DUPLICATES, &e);
		if (!list)
			snprintf(err, sizeof(err), "line %d, column %d: %s", e.line, e.column,
				 e.text);
	} else {
		list = json_load_file_strict(from, err);
	}
	if (!list) {
		pr_err("cannot read the node list %s: %s", from, err);
		return -EINVAL;
	}
	ret = cluster_nodes_from_kubectl(list, &nodes, &n, err);
	json_decref(list);
	if (ret) {
		pr_err("node list %s: %s; the declared nodes are unchanged", from, err);
		return -EINVAL;
	}
	return replace_nodes(cl, nodes, n);
}

static int run_node_import(struct cli *cli)
{
	return change(cli, import_nodes);
}

static int run_cluster_sync(struct cli *cli)
{
	return change(cli, NULL);
}

static const struct cli_opt set_opts[] = {
	{ "cidr", "CIDR", "the cluster's pod address range, every node's pod CIDR inside" },
	{ "mode", "MODE", "direct (nodes share an L2 segment) or vxlan (default direct)" },
	{ "vni", "N", "VXLAN network identifier (default 1)" },
	{ "port", "PORT", "VXLAN UDP port (default 4789)" },
	{ "non-masquerade", "CIDR,…", "destinations never masqueraded besides the cluster" },
	{ "service-cidr", "CIDR,…",
	  "Kubernetes service ranges: pods' packets to them take the node's stack (kube-proxy)" },
	{ "self", "NAME", "this node's name among the declared nodes" },
	{ 0 },
};

const struct cli_cmd cmd_cluster_set = {
	.words = "cluster set",
	.args = "",
	.opts = set_opts,
	.run = run_cluster_set,
	.summary = "Declare the cluster this node is part of (what is not given is kept)",
};

const struct cli_cmd cmd_cluster_show = {
	.words = "cluster show",
	.args = "",
	.opts = cli_no_opts,
	.run = run_cluster_show,
	.summary = "Show the declared cluster and its nodes",
};

static const struct cli_opt add_opts[] = {
	{ "address", "IP", "the node's address on the uplink" },
	{ "pod-cidr", "CIDR", "the node's pod CIDR, inside the cluster CIDR" },
	{ 0 },
};

const struct cli_cmd cmd_node_add = {
	.words = "node add",
	.args = "NAME",
	.min_pos = 1,
	.max_pos = 1,
	.opts = add_opts,
	.run = run_node_add,
	.summary = "Declare a node, or change the one of that name",
};

const struct cli_cmd cmd_node_del = {
	.words = "node del",
	.args = "NAME",
	.min_pos = 1,
	.max_pos = 1,
	.opts = cli_no_opts,
	.run = run_node_del,
	.summary = "Remove a declared node",
};

const struct cli_cmd cmd_node_list = {
	.words = "node list",
	.args = "",
	.opts = cli_no_opts,
	.run = run_node_list,
	.summary = "List the declared nodes",
};

const struct cli_cmd cmd_node_load = {
	.words = "node load",
	.args = "DIR",
	.min_pos = 1,
	.max_pos = 1,
	.opts = cli_no_opts,
	.run = run_node_load,
	.summary = "Declare exactly the nodes of DIR's NAME.json files",
	.details = "Each file holds one node: {\"name\": \"n1\", \"address\": \"192.0.2.1\",\n"
		   "\"pod_cidr\": \"10.244.1.0/24\"}, its file named NAME.json. Nodes that no\n"
		   "file declares are removed; a file that is not valid changes nothing.\n",
};

const struct cli_cmd cmd_node_import = {
	.words = "node import",
	.args = "FILE|-",
	.min_pos = 1,
	.max_pos = 1,
	.opts = cli_no_opts,
	.run = run_node_import,
	.summary = "Declare exactly the nodes of `kubectl get nodes -o json`",
	.details = "Each Node gives its metadata.name, its IPv4 spec.podCIDR (or the IPv4\n"
		   "one of spec.podCIDRs) and its first IPv4 InternalIP. A node without a\n"
		   "pod CIDR or an InternalIP changes nothing and is named.\n",
};

const struct cli_cmd cmd_cluster_sync = {
	.words = "cluster sync",
	.args = "",
	.opts = cli_no_opts,
	.run = run_cluster_sync,
	.summary = "Make this node's routes what the declared cluster says",
	.details = "Every change of the cluster or its nodes does this itself; run it after\n"
		   "a reboot or to repair what was changed by hand. In direct mode: a route to\n"
		   "every other node's pod CIDR via that node (which must be on a link of this\n"
		   "node) and an unreachable route for the cluster CIDR, all with protocol\n"
		   "191; routes of protocol 191 that the declaration does not name are removed.\n",
};
