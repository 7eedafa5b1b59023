// SPDX-License-Identifier: GPL-2.0-only OR BSD-2-Clause
#include <errno.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>

#include "cluster.h"

const char *cluster_mode_name(enum cluster_mode m)
{
	return m == CLUSTER_VXLAN ? "vxlan" : "direct";
}

int cluster_mode_parse(const char *s, enum cluster_mode *m)
{
	if (!strcmp(s, "direct"))
		*m = CLUSTER_DIRECT;
	else if (!strcmp(s, "vxlan"))
		*m = CLUSTER_VXLAN;
	else
		return -EINVAL;
	return 0;
}

static bool alnum_lower(char ch)
{
	return (ch >= 'a' && ch <= 'z') || (ch >= '0' && ch <= '9');
}

bool valid_nodename(const char *s)
{
	size_t len = strlen(s);

	if (!len || len >= NODENAME_MAX || !alnum_lower(s[0]) || !alnum_lower(s[len - 1]))
		return false;
	for (size_t i = 0; i < len; i++)
		if (!alnum_lower(s[i]) && s[i] != '-' && s[i] != '.')
			return false;
	return true;
}

static int node_cmp(const void *a, const void *b)
{
	return strcmp(((const struct cluster_node *)a)->name,
		      ((const struct cluster_node *)b)->name);
}

const struct cluster_node *cluster_node_find(const struct cluster *cl, const char *name)
{
	for (uint32_t i = 0; i < cl->n_nodes; i++)
		if (!strcmp(cl->nodes[i].name, name))
			return &cl->nodes[i];
	return NULL;
}

const struct cluster_node *cluster_self(const struct cluster *cl)
{
	return cl->self[0] ? cluster_node_find(cl, cl->self) : NULL;
}

int cluster_node_put(struct cluster *cl, const struct cluster_node *n)
{
	struct cluster_node *found = (struct cluster_node *)cluster_node_find(cl, n->name), *more;

	if (found) {
		*found = *n;
		return 0;
	}
	if (cl->n_nodes >= CLUSTER_NODES_MAX)
		return -ENOSPC;
	more = realloc(cl->nodes, (cl->n_nodes + 1) * sizeof(*more));
	if (!more)
		return -ENOMEM;
	cl->nodes = more;
	cl->nodes[cl->n_nodes++] = *n;
	qsort(cl->nodes, cl->n_nodes, sizeof(*cl->nodes), node_cmp);
	return 0;
}

int cluster_node_del(struct cluster *cl, const char *name)
{
	const struct cluster_node *n = cluster_node_find(cl, name);
	uint32_t i;

	if (!n)
		return -ENOENT;
	i = (uint32_t)(n - cl->nodes);
	memmove(&cl->nodes[i], &cl->nodes[i + 1], (cl->n_nodes - i - 1) * sizeof(*cl->nodes));
	cl->n_nodes--;
	return 0;
}

int cluster_nodes_replace(struct cluster *cl, const struct cluster_node *nodes, uint32_t n)
{
	struct cluster_node *copy = NULL;

	if (n > CLUSTER_NODES_MAX)
		return -ENOSPC;
	if (n) {
		copy = malloc(n * sizeof(*copy));
		if (!copy)
			return -ENOMEM;
		memcpy(copy, nodes, n * sizeof(*copy));
		qsort(copy, n, sizeof(*copy), node_cmp);
	}
	free(cl->nodes);
	cl->nodes = copy;
	cl->n_nodes = n;
	return 0;
}

void cluster_free(struct cluster *cl)
{
	free(cl->nodes);
	cl->nodes = NULL;
	cl->n_nodes = 0;
}

static const char *cidr_str(const struct cidr *c, char buf[IP_STR_LEN + 4])
{
	char a[IP_STR_LEN];

	snprintf(buf, IP_STR_LEN + 4, "%s/%u", ip_str(c->addr, a), c->prefix);
	return buf;
}

int cluster_check(const struct cluster *cl, char *why, size_t size)
{
	char a[IP_STR_LEN + 4], b[IP_STR_LEN + 4];

	for (uint32_t i = 0; cl->declared && i < cl->n_services; i++)
		if (cidr_overlaps(&cl->services[i], &cl->cidr)) {
			snprintf(why, size, "service CIDR %s overlaps the cluster CIDR %s",
				 cidr_str(&cl->services[i], a), cidr_str(&cl->cidr, b));
			return -EINVAL;
		}
	for (uint32_t i = 0; i < cl->n_nodes; i++) {
		const struct cluster_node *n = &cl->nodes[i];

		if (cl->declared && (n->pod_cidr.prefix < cl->cidr.prefix ||
				     !cidr_contains(&cl->cidr, n->pod_cidr.addr))) {
			snprintf(why, size, "pod CIDR %s of node %s is outside the cluster CIDR %s",
				 cidr_str(&n->pod_cidr, a), n->name, cidr_str(&cl->cidr, b));
			return -EINVAL;
		}
		if (cl->declared && cidr_contains(&cl->cidr, n->addr)) {
			snprintf(why, size, "address %s of node %s is inside the cluster CIDR %s",
				 ip_str(n->addr, a), n->name, cidr_str(&cl->cidr, b));
			return -EINVAL;
		}
		for (uint32_t j = 0; j < i; j++) {
			const struct cluster_node *m = &cl->nodes[j];

			if (cidr_overlaps(&n->pod_cidr, &m->pod_cidr)) {
				snprintf(why, size, "pod CIDR %s of node %s overlaps node %s's %s",
					 cidr_str(&n->pod_cidr, a), n->name, m->name,
					 cidr_str(&m->pod_cidr, b));
				return -EINVAL;
			}
			if (n->addr == m->addr) {
				snprintf(why, size, "nodes %s and %s have the same address %s",
					 m->name, n->name, ip_str(n->addr, a));
				return -EINVAL;
			}
		}
	}
	return 0;
}

/* Every key of the NULL-terminated list is in o. */
static int need_keys(json_t *o, const char *const *keys, char err[JERR_LEN])
{
	for (; *keys; keys++)
		if (!json_object_get(o, *keys)) {
			snprintf(err, JERR_LEN, "\"%s\" is missing", *keys);
			return -EINVAL;
		}
	return 0;
}

/* A CIDR whose host bits are zero, as routes and LPM keys need it. */
static int get_cidr(json_t *o, const char *key, struct cidr *c, char err[JERR_LEN])
{
	char buf[32];
	int ret = jget_str(o, key, buf, sizeof(buf), err);

	if (ret)
		return ret;
	if (parse_cidr(buf, c) || (c->addr & ~prefix_mask(c->prefix))) {
		snprintf(err, JERR_LEN, "\"%s\": \"%s\" is not a network address/prefix", key, buf);
		return -EINVAL;
	}
	return 0;
}

int cluster_node_from_json(json_t *o, struct cluster_node *n, char err[JERR_LEN])
{
	static const char *const keys[] = { "name", "address", "pod_cidr", NULL };
	char addr[IP_STR_LEN];
	int ret;

	memset(n, 0, sizeof(*n));
	if (!json_is_object(o)) {
		snprintf(err, JERR_LEN, "a node must be an object");
		return -EINVAL;
	}
	ret = jcheck_keys(o, keys, err) ?: need_keys(o, keys, err);
	if (!ret)
		ret = jget_str(o, "name", n->name, sizeof(n->name), err);
	if (!ret && !valid_nodename(n->name)) {
		snprintf(err, JERR_LEN, "\"name\": \"%s\" is not a node name (a-z, 0-9, '-', '.')",
			 n->name);
		ret = -EINVAL;
	}
	if (!ret)
		ret = jget_str(o, "address", addr, sizeof(addr), err);
	if (!ret && parse_ipv4(addr, &n->addr)) {
		snprintf(err, JERR_LEN, "\"address\": \"%s\" is not an IPv4 address", addr);
		ret = -EINVAL;
	}
	if (!ret)
		ret = get_cidr(o, "pod_cidr", &n->pod_cidr, err);
	return ret;
}

json_t *cluster_node_json(const struct cluster_node *n)
{
	char a[IP_STR_LEN], c[IP_STR_LEN + 4];

	return json_pack("{s:s, s:s, s:s}", "name", n->name, "address", ip_str(n->addr, a),
			 "pod_cidr", cidr_str(&n->pod_cidr, c));
}

json_t *cluster_json(const struct cluster *cl)
{
	json_t *o = json_object(), *nodes = json_array(), *nm = json_array(), *svc = json_array();
	char c[IP_STR_LEN + 4];

	for (uint32_t i = 0; i < cl->n_nomasq; i++)
		json_array_append_new(nm, json_string(cidr_str(&cl->nomasq[i], c)));
	for (uint32_t i = 0; i < cl->n_services; i++)
		json_array_append_new(svc, json_string(cidr_str(&cl->services[i], c)));
	for (uint32_t i = 0; i < cl->n_nodes; i++)
		json_array_append_new(nodes, cluster_node_json(&cl->nodes[i]));
	if (cl->declared) {
		json_object_set_new(o, "cidr", json_string(cidr_str(&cl->cidr, c)));
		json_object_set_new(o, "mode", json_string(cluster_mode_name(cl->mode)));
		json_object_set_new(o, "vni", json_integer(cl->vni));
		json_object_set_new(o, "port", json_integer(cl->port));
	}
	json_object_set_new(o, "non_masquerade", nm);
	json_object_set_new(o, "service_cidrs", svc);
	json_object_set_new(o, "self", json_string(cl->self));
	json_object_set_new(o, "nodes", nodes);
	return o;
}

/* out[0..*n) from the list of CIDRs at key of o (at most max). */
static int cidrs_from_json(json_t *o, const char *key, struct cidr *out, uint32_t max, uint32_t *n,
			   char err[JERR_LEN])
{
	json_t *v, *arr = json_object_get(o, key);
	size_t i;

	if (!json_is_array(arr) || json_array_size(arr) > max) {
		snprintf(err, JERR_LEN, "\"%s\" must be a list of at most %u CIDRs", key, max);
		return -EINVAL;
	}
	json_array_foreach (arr, i, v) {
		json_t *wrap = json_pack("{s:O}", key, v);
		int ret = get_cidr(wrap, key, &out[i], err);

		json_decref(wrap);
		if (ret)
			return -EINVAL;
	}
	*n = (uint32_t)json_array_size(arr);
	return 0;
}

static int nodes_from_json(json_t *arr, struct cluster *cl, char err[JERR_LEN])
{
	struct cluster_node n;
	size_t i;
	json_t *v;

	if (!json_is_array(arr)) {
		snprintf(err, JERR_LEN, "\"nodes\" must be a list");
		return -EINVAL;
	}
	json_array_foreach (arr, i, v) {
		char why[JERR_LEN];

		if (cluster_node_from_json(v, &n, why)) {
			snprintf(err, JERR_LEN, "node %zu: %.200s", i, why);
			return -EINVAL;
		}
		if (cluster_node_find(cl, n.name)) {
			snprintf(err, JERR_LEN, "node %s is listed twice", n.name);
			return -EINVAL;
		}
		if (cluster_node_put(cl, &n)) {
			snprintf(err, JERR_LEN, "more than %d nodes", CLUSTER_NODES_MAX);
			return -EINVAL;
		}
	}
	return 0;
}

int cluster_from_json(json_t *o, struct cluster *cl, char err[JERR_LEN])
{
	static const char *const keys[] = { "cidr",	     "mode",	       "vni",
					    "port",	     "non_masquerade", "self",
					    "service_cidrs", "nodes",	       NULL };
	static const char *const always[] = { "non_masquerade", "self", "nodes", NULL };
	static const char *const with_cidr[] = { "mode", "vni", "port", NULL };
	char mode[16];
	uint32_t port = CLUSTER_VXLAN_PORT;
	int ret;

	memset(cl, 0, sizeof(*cl));
	cl->vni = CLUSTER_VNI_DEFAULT;
	cl->port = CLUSTER_VXLAN_PORT;
	if (!json_is_object(o)) {
		snprintf(err, JERR_LEN, "the cluster must be an object");
		return -EINVAL;
	}
	ret = jcheck_keys(o, keys, err) ?: need_keys(o, always, err);
	if (!ret) {
		ret = get_cidr(o, "cidr", &cl->cidr, err);
		cl->declared = !ret;
		ret = ret == -ENOENT ? 0 : ret;
	}
	if (!ret && cl->declared)
		ret = need_keys(o, with_cidr, err);
	if (!ret && cl->declared) {
		ret = jget_str(o, "mode", mode, sizeof(mode), err);
		if (!ret && cluster_mode_parse(mode, &cl->mode)) {
			snprintf(err, JERR_LEN, "\"mode\": \"%s\" is not direct or vxlan", mode);
			ret = -EINVAL;
		}
		if (!ret)
			ret = jget_u32(o, "vni", CLUSTER_VNI_MAX, &cl->vni, err);
		if (!ret)
			ret = jget_u32(o, "port", 65535, &port, err);
		cl->port = (uint16_t)port;
		if (!ret && (!cl->vni || !cl->port)) {
			snprintf(err, JERR_LEN, "\"vni\" and \"port\" must not be 0");
			ret = -EINVAL;
		}
	}
	if (!ret)
		ret = jget_str(o, "self", cl->self, sizeof(cl->self), err);
	if (!ret && cl->self[0] && !valid_nodename(cl->self)) {
		snprintf(err, JERR_LEN, "\"self\": \"%s\" is not a node name", cl->self);
		ret = -EINVAL;
	}
	if (!ret)
		ret = cidrs_from_json(o, "non_masquerade", cl->nomasq, CLUSTER_NOMASQ_MAX,
				      &cl->n_nomasq, err);
	/* A declaration of a build without services has none. */
	if (!ret && json_object_get(o, "service_cidrs"))
		ret = cidrs_from_json(o, "service_cidrs", cl->services, CLUSTER_SERVICES_MAX,
				      &cl->n_services, err);
	if (!ret)
		ret = nodes_from_json(json_object_get(o, "nodes"), cl, err);
	if (ret) {
		cluster_free(cl);
		return -EINVAL;
	}
	return 0;
}
