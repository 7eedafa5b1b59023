// SPDX-License-Identifier: GPL-2.0-only OR BSD-2-Clause
#include <errno.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <net/if.h>

#include "cluster_nomasq.h"
#include "cluster_services.h"
#include "cluster_store.h"
#include "cluster_sync.h"
#include "cluster_tunnel.h"
#include "log.h"

void owned_route_str(struct netctx *c, const struct owned_route *r, char *buf, size_t size)
{
	char d[IP_STR_LEN], g[IP_STR_LEN];
	struct nl_link l;

	if (r->unreachable) {
		snprintf(buf, size, "unreachable %s/%u", ip_str(r->dst, d), r->prefix);
		return;
	}
	if (nl_link_get(&c->nl, NULL, r->oif, &l))
		snprintf(l.name, sizeof(l.name), "if%d", r->oif);
	if (!r->gateway)
		snprintf(buf, size, "%s/%u dev %s%s%s", ip_str(r->dst, d), r->prefix, l.name,
			 r->prefsrc ? " src " : "", r->prefsrc ? ip_str(r->prefsrc, g) : "");
	else
		snprintf(buf, size, "%s/%u via %s dev %s", ip_str(r->dst, d), r->prefix,
			 ip_str(r->gateway, g), l.name);
}

void cluster_plan_free(struct cluster_plan *plan)
{
	free(plan->routes);
	plan->routes = NULL;
	plan->n = 0;
}

static int plan_node(struct netctx *c, const struct cluster_node *n, struct owned_route *r)
{
	char a[IP_STR_LEN];
	int err = nl_onlink_dev(&c->nl, n->addr, &r->oif);

	if (err == -ENETUNREACH)
		pr_err("node %s (%s) is not on a link of this node: no interface has a connected "
		       "route to it, and direct mode needs every node on one L2 segment; "
		       "fix its address (bpfbr node add %s --address …) or the uplink's",
		       n->name, ip_str(n->addr, a), n->name);
	else if (err)
		pr_err("cannot read the node's routes: %s", strerror(-err));
	if (err)
		return err;
	r->dst = n->pod_cidr.addr;
	r->prefix = n->pod_cidr.prefix;
	r->gateway = n->addr;
	return 0;
}

int cluster_plan(struct netctx *c, const struct cluster *cl, struct cluster_plan *plan)
{
	const struct cluster_node *self = cluster_self(cl);
	struct tunnel_site site = { 0 };
	int err;

	memset(plan, 0, sizeof(*plan));
	if (!cl->declared)
		return 0;
	if (cl->mode == CLUSTER_VXLAN) {
		err = cluster_tunnel_site(c, cl, &site);
		if (err)
			return err;
	}
	plan->routes = calloc(cl->n_nodes + 1, sizeof(*plan->routes));
	if (!plan->routes)
		return -ENOMEM;
	plan->routes[plan->n++] = (struct owned_route){ .dst = cl->cidr.addr,
							.prefix = cl->cidr.prefix,
							.unreachable = true };
	if (!self) {
		if (cl->n_nodes)
			pr_warn("this node is not among the declared ones (bpfbr cluster set "
				"--self NAME): no routes to the other nodes' pods");
		return 0;
	}
	for (uint32_t i = 0; i < cl->n_nodes; i++) {
		if (&cl->nodes[i] == self)
			continue;
		if (cl->mode == CLUSTER_VXLAN) {
			/* Through the VXLAN device (its ifindex once the apply made it). */
			if (site.found)
				plan->routes[plan->n++] = (struct owned_route){
					.dst = cl->nodes[i].pod_cidr.addr,
					.prefix = cl->nodes[i].pod_cidr.prefix,
					.prefsrc = site.gateway,
				};
			continue;
		}
		err = plan_node(c, &cl->nodes[i], &plan->routes[plan->n]);
		if (err) {
			cluster_plan_free(plan);
			return err;
		}
		plan->n++;
	}
	return 0;
}

struct apply {
	struct netctx *c;
	const struct cluster_plan *plan;
	bool *present; /* per planned route: there as planned */
	struct owned_route *stale;
	uint32_t n_stale, max_stale;
};

static int see_owned(const struct owned_route *r, void *data)
{
	struct apply *a = data;
	struct owned_route *more;

	for (uint32_t i = 0; i < a->plan->n; i++) {
		const struct owned_route *p = &a->plan->routes[i];

		if (owned_route_same(r, p)) {
			a->present[i] = true;
			return 0;
		}
		if (r->dst == p->dst && r->prefix == p->prefix)
			return 0; /* replaced below */
	}
	if (a->n_stale == a->max_stale) {
		a->max_stale = a->max_stale * 2 + 8;
		more = realloc(a->stale, a->max_stale * sizeof(*more));
		if (!more)
			return -ENOMEM;
		a->stale = more;
	}
	a->stale[a->n_stale++] = *r;
	return 0;
}

static void note(struct netctx *c, json_t *changes, const char *action, const struct owned_route *r)
{
	char buf[96];

	owned_route_str(c, r, buf, sizeof(buf));
	json_array_append_new(changes, json_pack("{s:s, s:s}", "action", action, "route", buf));
}

/* VXLAN mode: plan's routes to the other nodes through the device vx (none
 * when there is no device), the unreachable one as it is. */
static int through_tunnel(const struct cluster_plan *plan, int vx, struct cluster_plan *out)
{
	out->n = 0;
	out->routes = calloc(plan->n + 1, sizeof(*out->routes));
	if (!out->routes)
		return -ENOMEM;
	for (uint32_t i = 0; i < plan->n; i++) {
		if (!plan->routes[i].unreachable && !vx)
			continue;
		out->routes[out->n] = plan->routes[i];
		if (!plan->routes[i].unreachable)
			out->routes[out->n].oif = vx;
		out->n++;
	}
	return 0;
}

int cluster_apply(struct netctx *c, const struct cluster *cl, const struct cluster_plan *plan,
		  json_t *changes)
{
	struct cluster_plan tunnelled = { 0 };
	struct apply a = { .c = c, .plan = plan };
	char buf[96];
	int err, vx;

	/* The tunnel first: the routes through it name its device. */
	err = cluster_tunnel_sync(c, cl, changes, &vx);
	if (err)
		return err;
	if (cl->declared && cl->mode == CLUSTER_VXLAN) {
		err = through_tunnel(plan, vx, &tunnelled);
		if (err)
			return err;
		a.plan = plan = &tunnelled;
	}
	a.present = calloc(plan->n + 1, sizeof(*a.present));
	if (!a.present) {
		free(tunnelled.routes);
		return -ENOMEM;
	}
	err = nl_owned_route_dump(&c->nl, see_owned, &a);
	for (uint32_t i = 0; !err && i < a.n_stale; i++) {
		err = nl_owned_route_del(&c->nl, &a.stale[i]);
		if (err == -ESRCH)
			err = 0; /* gone meanwhile */
		else if (!err)
			note(c, changes, "removed", &a.stale[i]);
	}
	for (uint32_t i = 0; !err && i < plan->n; i++) {
		if (a.present[i])
			continue;
		err = nl_owned_route_replace(&c->nl, &plan->routes[i]);
		if (!err)
			note(c, changes, "added", &plan->routes[i]);
		else {
			owned_route_str(c, &plan->routes[i], buf, sizeof(buf));
			pr_err("cannot add the route %s: %s%s%s", buf, strerror(-err),
			       c->nl.err_msg[0] ? ": " : "", c->nl.err_msg);
		}
	}
	free(a.present);
	free(a.stale);
	free(tunnelled.routes);
	return err ?: cluster_nomasq_sync(c, cl) ?: cluster_services_sync(c, cl);
}

int cluster_sync(struct netctx *c, json_t *changes)
{
	struct cluster_plan plan;
	struct cluster cl;
	int err;

	err = cluster_load(&c->p, &cl);
	if (err)
		return err;
	err = cluster_plan(c, &cl, &plan);
	if (!err)
		err = cluster_apply(c, &cl, &plan, changes);
	cluster_plan_free(&plan);
	cluster_free(&cl);
	return err;
}
