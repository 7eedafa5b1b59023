// SPDX-License-Identifier: GPL-2.0-only OR BSD-2-Clause
#include <stdlib.h>
#include <string.h>

#include "cluster_report.h"
#include "cluster_store.h"
#include "nl_owned_route.h"

struct owned {
	struct owned_route r[256];
	uint32_t n;
};

static int collect(const struct owned_route *r, void *data)
{
	struct owned *o = data;

	if (o->n < sizeof(o->r) / sizeof(o->r[0]))
		o->r[o->n++] = *r;
	return 0;
}

static bool there(const struct owned *o, const struct owned_route *want)
{
	for (uint32_t i = 0; i < o->n; i++)
		if (owned_route_same(&o->r[i], want))
			return true;
	return false;
}

/* As a sync would make it: via the node, on the link that holds its address. */
static const char *node_route(struct netctx *c, const struct owned *o, const struct cluster_node *n)
{
	struct owned_route want = { .dst = n->pod_cidr.addr,
				    .prefix = n->pod_cidr.prefix,
				    .gateway = n->addr };

	if (nl_onlink_dev(&c->nl, n->addr, &want.oif))
		return "not on a link";
	return there(o, &want) ? "ok" : "missing";
}

json_t *cluster_report(struct netctx *c, const struct netstate *ns)
{
	struct owned_route unreach = { .unreachable = true };
	struct owned *o = NULL;
	struct cluster cl;
	json_t *out = NULL, *nodes;

	if (cluster_load(&c->p, &cl))
		return NULL;
	if (!cl.declared || !cidr_overlaps(&cl.cidr, &ns->subnet))
		goto done;
	o = calloc(1, sizeof(*o));
	if (!o || nl_owned_route_dump(&c->nl, collect, o))
		goto done;
	out = cluster_json(&cl);
	json_object_set_new(out, "mtu", json_integer(ns->mtu));
	nodes = json_array();
	for (uint32_t i = 0; i < cl.n_nodes; i++) {
		const struct cluster_node *cn = &cl.nodes[i];
		bool self = !strcmp(cn->name, cl.self);
		json_t *n = cluster_node_json(cn);

		json_object_set_new(n, "self", json_boolean(self));
		json_object_set_new(n, "route",
				    json_string(self	      ? "local"
						: !cl.self[0] ? "missing"
							      : node_route(c, o, cn)));
		json_array_append_new(nodes, n);
	}
	json_object_set_new(out, "nodes", nodes);
	unreach.dst = cl.cidr.addr;
	unreach.prefix = cl.cidr.prefix;
	json_object_set_new(out, "unreachable_route",
			    json_string(there(o, &unreach) ? "ok" : "missing"));
done:
	free(o);
	cluster_free(&cl);
	return out;
}
