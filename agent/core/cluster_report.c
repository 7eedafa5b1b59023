// SPDX-License-Identifier: GPL-2.0-only OR BSD-2-Clause
#include <stdlib.h>
#include <string.h>

#include "cluster_counters.h"
#include "cluster_report.h"
#include "cluster_store.h"
#include "cluster_tunnel.h"
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

/* As a sync would make it: via the node, on the link that holds its address;
 * in VXLAN mode through the device vx (0: none) from the site's gateway. */
static const char *node_route(struct netctx *c, const struct owned *o, const struct cluster *cl,
			      const struct cluster_node *n, int vx, uint32_t src)
{
	struct owned_route want = { .dst = n->pod_cidr.addr,
				    .prefix = n->pod_cidr.prefix,
				    .gateway = n->addr };

	if (cl->mode == CLUSTER_VXLAN) {
		want.gateway = 0;
		want.oif = vx;
		want.prefsrc = src;
		return vx && there(o, &want) ? "ok" : "missing";
	}
	if (nl_onlink_dev(&c->nl, n->addr, &want.oif))
		return "not on a link";
	return there(o, &want) ? "ok" : "missing";
}

/* {"device", "state": "ok" or why not}; *vx gets the device's ifindex (0: none). */
static json_t *tunnel_report(struct netctx *c, const struct cluster *cl, int *vx, uint32_t *src)
{
	char name[IF_NAMESIZE], why[160];
	const char *unready = cluster_tunnel_unready(c, cl, why, sizeof(why));
	struct tunnel_site s;
	int ifindex;

	cluster_tunnel_name(&c->p, name);
	ifindex = nl_link_index(&c->nl, name);
	*vx = ifindex > 0 ? ifindex : 0;
	*src = !cluster_tunnel_site(c, cl, &s) && s.found ? s.gateway : 0;
	return json_pack("{s:s, s:s}", "device", name, "state", unready ?: "ok");
}

json_t *cluster_report(struct netctx *c, const struct netstate *ns)
{
	struct owned_route unreach = { .unreachable = true };
	struct owned *o = NULL;
	uint32_t src = 0;
	struct cluster cl;
	int vx = 0;
	struct cluster_counters *cc = NULL;
	json_t *out = NULL, *nodes, *counted;

	if (cluster_load(&c->p, &cl))
		return NULL;
	if (!cl.declared || !ns->subnet.prefix || !cidr_overlaps(&cl.cidr, &ns->subnet))
		goto done;
	o = calloc(1, sizeof(*o));
	cc = calloc(1, sizeof(*cc));
	if (!o || !cc || nl_owned_route_dump(&c->nl, collect, o) || cluster_counters_open(c, cc))
		goto done;
	out = cluster_json(&cl);
	json_object_set_new(out, "mtu", json_integer(ns->mtu));
	if (cl.mode == CLUSTER_VXLAN)
		json_object_set_new(out, "tunnel", tunnel_report(c, &cl, &vx, &src));
	nodes = json_array();
	for (uint32_t i = 0; i < cl.n_nodes; i++) {
		const struct cluster_node *cn = &cl.nodes[i];
		bool self = !strcmp(cn->name, cl.self);
		json_t *n = cluster_node_json(cn);

		json_object_set_new(n, "self", json_boolean(self));
		json_object_set_new(n, "route",
				    json_string(self ? "local"
						: !cl.self[0]
							? "missing"
							: node_route(c, o, &cl, cn, vx, src)));
		counted = self ? NULL : cluster_counters_json(cc, &cn->pod_cidr);
		if (counted)
			json_object_set_new(n, "counters", counted);
		json_array_append_new(nodes, n);
	}
	json_object_set_new(out, "nodes", nodes);
	unreach.dst = cl.cidr.addr;
	unreach.prefix = cl.cidr.prefix;
	json_object_set_new(out, "unreachable_route",
			    json_string(there(o, &unreach) ? "ok" : "missing"));
done:
	if (cc)
		cluster_counters_close(cc);
	free(cc);
	free(o);
	cluster_free(&cl);
	return out;
}
