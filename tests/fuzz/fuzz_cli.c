// SPDX-License-Identifier: GPL-2.0-only OR BSD-2-Clause
/*
 * libFuzzer target: the command line. The input is an argument vector, one
 * argument per line, after "bpfbr". It runs the real cli_main() with the real
 * command table, option tables and value checks (agent/cli*.c), down to
 * where a command would start to change or read the system: those functions
 * (netctx_open*, net_create, net_attach, reconcile, …) are the stubs below,
 * which touch nothing, check that what reaches them is what the command line
 * promises (every value validated, every string intact), and refuse.
 * A new call from agent/cli*.c into that layer needs a stub here (the build
 * names it: see tests/fuzz/fuzz.mk).
 *
 * Besides the sanitizers' findings, it aborts on: an exit status other than
 * 0, 1 or 2; a failure (1) without an error message; a value that reaches
 * the orchestration layer unvalidated.
 */
#include <errno.h>
#include <fcntl.h>
#include <stdint.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <unistd.h>
#include <arpa/inet.h>

#include "cli.h"
#include "cluster_store.h"
#include "cluster_settle.h"
#include "cluster_sync.h"
#include "journal.h"
#include "kfeatures.h"
#include "libfuzzer.h"
#include "netns_name.h"
#include "log.h"
#include "monitor_session.h"
#include "netns.h"
#include "network.h"
#include "output.h"
#include "port_publish.h"
#include "reconcile.h"
#include "recover.h"
#include "report.h"
#include "net_restore.h"
#include "report_inspect.h"
#include "state.h"
#include "upgrade.h"
#include "bpfbr/nat.h"

#define MAX_ARGS 24

static int errors; /* error messages of the current input */

static void __attribute__((noreturn)) broken(const char *what)
{
	fprintf(stderr, "fuzz_cli: %s\n", what);
	abort();
}

/* A string the command line handed on: it must be readable to its end. */
static void str_ok(const char *s)
{
	if (s)
		(void)strlen(s);
}

/* --- the layer below the command line, stubbed ---------------------------------------- */

int netctx_open(struct netctx *c, const char *root, bool lock)
{
	(void)lock;
	str_ok(root);
	memset(c, 0, sizeof(*c));
	c->lock = -1;
	return 0;
}

int netctx_open_for_change(struct netctx *c, const char *root)
{
	return netctx_open(c, root, true);
}

void netctx_close(struct netctx *c)
{
	(void)c;
}

int netctx_load(struct netctx *c, const char *name, struct netstate *state)
{
	(void)c;
	str_ok(name);
	memset(state, 0, sizeof(*state));
	pr_err("network %s does not exist (fuzzing)", name);
	return -ENOENT;
}

int netctx_foreach(struct netctx *c,
		   int (*fn)(struct netctx *c, const struct netstate *state, void *arg), void *arg)
{
	(void)c;
	(void)fn;
	(void)arg;
	return 0;
}

int state_list(const struct paths *p, char ***names, int *count)
{
	(void)p;
	*names = NULL;
	*count = 0;
	return 0;
}

void state_names_free(char **names, int count)
{
	for (int i = 0; i < count; i++)
		free(names[i]);
	free(names);
}

static bool strings_ok(const void *v, size_t stride, uint32_t n, uint32_t max)
{
	if (n > max)
		return false;
	for (uint32_t i = 0; i < n; i++)
		if (strnlen((const char *)v + i * stride, stride) == stride)
			return false;
	return true;
}

/* What `net create` promises the orchestration layer. */
int net_create(struct netctx *c, const struct net_opts *o)
{
	const struct uplink_opts *u = &o->up;
	uint8_t buf[16];

	(void)c;
	if (!o->name)
		broken("net create without a name");
	str_ok(o->name);
	if (o->subnet.prefix > 32)
		broken("net create: a prefix over 32");
	if (o->mtu && (o->mtu < 68 || o->mtu > 65535))
		broken("net create: an MTU out of range");
	if (o->ageing_s > 1000000)
		broken("net create: an ageing time out of range");
	if (o->mode > ATTACH_TC)
		broken("net create: an unknown attach mode");
	if (u->ifname && !valid_ifname(u->ifname))
		broken("net create: an invalid uplink name");
	if (u->nat_max > BPFBR_NAT_FLOWS_MAX || u->share > BPFBR_NAT_FLOWS_MAX)
		broken("net create: a table size out of range");
	if ((u->port_lo || u->port_hi) && (!u->port_lo || u->port_lo > u->port_hi))
		broken("net create: a port range out of order");
	if (!o->masquerade && (u->nat_max || u->share || u->port_lo))
		broken("net create: translation options without --masquerade");
	if (o->dns) {
		const struct net_dns *d = o->dns;

		if (!strings_ok(d->servers, sizeof(d->servers[0]), d->n_servers, DNS_MAX_SERVERS) ||
		    !strings_ok(d->search, sizeof(d->search[0]), d->n_search, DNS_MAX_SEARCH))
			broken("net create: DNS settings overflow");
		for (uint32_t i = 0; i < d->n_servers; i++)
			if (inet_pton(AF_INET, d->servers[i], buf) != 1 &&
			    inet_pton(AF_INET6, d->servers[i], buf) != 1)
				broken("net create: a name server that is not an address");
	}
	pr_err("refused (fuzzing)");
	return -EPERM;
}

int net_delete(struct netctx *c, const char *name, bool force)
{
	(void)c;
	(void)force;
	str_ok(name);
	pr_err("refused (fuzzing)");
	return -EPERM;
}

int net_attach(struct netctx *c, const struct attach_opts *o, struct attachment *out)
{
	(void)c;
	(void)out;
	if (!o->net || !o->netns)
		broken("attach without a network or a namespace");
	str_ok(o->net);
	str_ok(o->netns);
	str_ok(o->ifname);
	if (o->mac) {
		uint8_t mac[6];

		memcpy(mac, o->mac, sizeof(mac)); /* six readable bytes */
	}
	if (o->routes && o->n_routes)
		broken("attach: routes from the command line");
	pr_err("refused (fuzzing)");
	return -EPERM;
}

int net_detach(struct netctx *c, const struct detach_sel *s, bool quiet)
{
	(void)c;
	(void)quiet;
	if (!s->net || !s->netns)
		broken("detach without a network or a namespace");
	str_ok(s->net);
	str_ok(s->netns);
	str_ok(s->ifname);
	pr_err("refused (fuzzing)");
	return -EPERM;
}

int reconcile(struct netctx *c, const char *net, json_t *removed)
{
	(void)c;
	(void)removed;
	str_ok(net);
	pr_err("refused (fuzzing)");
	return -EPERM;
}

int net_ensure(struct netctx *c, const char *name)
{
	(void)c;
	str_ok(name);
	pr_err("refused (fuzzing)");
	return -EPERM;
}

int net_restore_recorded(struct netctx *c, const char *name, json_t *done)
{
	(void)c;
	(void)done;
	str_ok(name);
	pr_err("refused (fuzzing)");
	return -EPERM;
}

bool netctx_owns(struct netctx *c, struct netstate *ns)
{
	(void)c;
	(void)ns;
	broken("netctx_owns without a network");
}

int state_load(const struct paths *p, const char *name, struct netstate *ns)
{
	(void)p;
	(void)ns;
	str_ok(name);
	broken("state_load of a network the list did not name");
}

bool state_exists(const struct paths *p, const char *name)
{
	(void)p;
	str_ok(name);
	return false;
}

const char *netns_describe(uint64_t id, char *buf, size_t size)
{
	snprintf(buf, size, "inode %llu", (unsigned long long)id);
	return buf;
}

/* `version` without its probe, which forks and makes devices. */
json_t *kfeatures_probe(void)
{
	return json_array();
}

json_t *report_inspect(struct netctx *c, const struct netstate *ns)
{
	(void)c;
	(void)ns;
	broken("report_inspect without a network");
}

int upgrade(struct netctx *c, const char *net, json_t *done)
{
	(void)c;
	(void)done;
	str_ok(net);
	pr_err("refused (fuzzing)");
	return -EPERM;
}

/* Reached only for a network that exists, and none does here. */
int uplink_flush(struct netctx *c, const struct netstate *state, uint32_t *n)
{
	(void)c;
	(void)state;
	(void)n;
	broken("uplink_flush without a network");
}

/* bpfbr monitor: reached only past netctx_open, which refuses. */
int monitor_session_start(struct monitor_session *s, const char *dir, uint32_t types, uint32_t rate,
			  uint32_t sample)
{
	(void)s;
	(void)dir;
	(void)types;
	(void)rate;
	(void)sample;
	broken("monitor_session_start reached past a refused netctx_open");
}

int monitor_totals(const struct monitor_session *s, struct monitor_totals *t)
{
	(void)s;
	(void)t;
	return -EPERM;
}

void monitor_session_stop(struct monitor_session *s)
{
	(void)s;
}

const char *netns_name_of(const char *path)
{
	str_ok(path);
	return NULL;
}

json_t *report_net_summary(struct netctx *c, const struct netstate *state)
{
	(void)c;
	(void)state;
	broken("report_net_summary without a network");
}

int report_fdb(struct netctx *c, const struct netstate *state, json_t *entries)
{
	(void)c;
	(void)state;
	(void)entries;
	broken("report_fdb without a network");
}

json_t *report_status(struct netctx *c, const struct netstate *state)
{
	(void)c;
	(void)state;
	broken("report_status without a network");
}

int report_nat(struct netctx *c, const struct netstate *state, json_t *flows)
{
	(void)c;
	(void)state;
	(void)flows;
	broken("report_nat without a network");
}

int port_publish_report(struct netctx *c, const struct netstate *state, json_t *out)
{
	(void)c;
	(void)state;
	(void)out;
	broken("port_publish_report without a network");
}

/* The cluster commands (cli_cluster.c): the declaration as parsed from the
 * command line, a node directory or a kubectl list reaches these. */
int cluster_load(const struct paths *p, struct cluster *cl)
{
	(void)p;
	memset(cl, 0, sizeof(*cl));
	return 0;
}

int cluster_save(const struct paths *p, const struct cluster *cl)
{
	(void)p;
	(void)cl;
	pr_err("refused (fuzzing)");
	return -EPERM;
}

int cluster_plan(struct netctx *c, const struct cluster *cl, struct cluster_plan *plan)
{
	char why[256];

	(void)c;
	memset(plan, 0, sizeof(*plan));
	if (cl->self[0] && !valid_nodename(cl->self))
		broken("cluster: an invalid self name");
	for (uint32_t i = 0; i < cl->n_nodes; i++)
		if (!valid_nodename(cl->nodes[i].name) || cl->nodes[i].pod_cidr.prefix > 32)
			broken("cluster: an invalid node");
	if (cluster_check(cl, why, sizeof(why)))
		broken("cluster: a declaration that does not hold reached the plan");
	pr_err("refused (fuzzing)");
	return -EPERM;
}

void cluster_plan_free(struct cluster_plan *plan)
{
	(void)plan;
}

/* Reached only after a net create, which the stub above refuses. */
int cluster_settle(struct netctx *c, const struct cidr *subnet, char *why, size_t size)
{
	(void)c;
	(void)subnet;
	(void)why;
	(void)size;
	broken("cluster_settle after a net create that was refused");
}

int cluster_apply(struct netctx *c, const struct cluster *cl, const struct cluster_plan *plan,
		  json_t *changes)
{
	(void)c;
	(void)cl;
	(void)plan;
	(void)changes;
	broken("cluster_apply without a plan");
}

int journal_run(const struct paths *p, const char *op, const char *net, journal_change_fn *change,
		void *arg)
{
	(void)p;
	(void)op;
	(void)net;
	(void)change;
	(void)arg;
	broken("journal_run without a plan");
}

/* --- the target ------------------------------------------------------------------------- */

static void count_error(const char *msg)
{
	(void)msg;
	errors++;
}

int LLVMFuzzerInitialize(int *argc, char ***argv)
{
	int fd = open("/dev/null", O_WRONLY | O_CLOEXEC);

	(void)argc;
	(void)argv;
	/* Help and listings go to stdout; nobody reads them here. */
	if (fd >= 0) {
		dup2(fd, STDOUT_FILENO);
		close(fd);
	}
	log_set_err_hook(count_error);
	return 0;
}

int LLVMFuzzerTestOneInput(const uint8_t *data, size_t size)
{
	char *buf = malloc(size + 1), *argv[MAX_ARGS + 2], *p;
	int argc = 0, rc;

	if (!buf)
		return 0;
	memcpy(buf, data, size);
	buf[size] = '\0';
	argv[argc++] = (char *)"bpfbr";
	for (p = buf; argc <= MAX_ARGS;) {
		char *nl = strchr(p, '\n');

		argv[argc++] = p;
		if (!nl)
			break;
		*nl = '\0';
		p = nl + 1;
	}
	argv[argc] = NULL;
	errors = 0;
	log_set_level(LOG_WARN); /* -v of the previous input */
	rc = cli_main(argc, argv);
	if (rc < 0 || rc > 2)
		broken("an exit status other than 0, 1 or 2");
	if (rc == 1 && !errors)
		broken("a command failed without an error message");
	free(buf);
	return 0;
}
