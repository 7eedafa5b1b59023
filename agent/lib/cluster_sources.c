// SPDX-License-Identifier: GPL-2.0-only OR BSD-2-Clause
#include <dirent.h>
#include <errno.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>

#include "cluster_sources.h"

static int grow(struct cluster_node **nodes, uint32_t n)
{
	struct cluster_node *more;

	if (n >= CLUSTER_NODES_MAX)
		return -ENOSPC;
	more = realloc(*nodes, (n + 1) * sizeof(*more));
	if (!more)
		return -ENOMEM;
	*nodes = more;
	return 0;
}

static bool has_node(const struct cluster_node *nodes, uint32_t n, const char *name)
{
	for (uint32_t i = 0; i < n; i++)
		if (!strcmp(nodes[i].name, name))
			return true;
	return false;
}

/* One NAME.json of dir into *node. */
static int node_file(const char *dir, const char *file, struct cluster_node *node,
		     char err[JERR_LEN])
{
	char path[PATH_MAX], why[JERR_LEN] = "";
	size_t len = strlen(file) - strlen(".json");
	json_t *o;
	int ret;

	if ((size_t)snprintf(path, sizeof(path), "%s/%s", dir, file) >= sizeof(path))
		return -ENAMETOOLONG;
	o = json_load_file_strict(path, why);
	ret = o ? cluster_node_from_json(o, node, why) : -EINVAL;
	json_decref(o);
	if (!ret && (strlen(node->name) != len || strncmp(node->name, file, len))) {
		snprintf(why, sizeof(why), "it declares node %s; name the file %s.json", node->name,
			 node->name);
		ret = -EINVAL;
	}
	if (ret)
		snprintf(err, JERR_LEN, "node file %.100s: %.140s", path, why);
	return ret;
}

int cluster_nodes_from_dir(const char *dir, struct cluster_node **nodes, uint32_t *n,
			   char err[JERR_LEN])
{
	struct dirent *e;
	DIR *d;
	int ret = 0;

	*nodes = NULL;
	*n = 0;
	d = opendir(dir);
	if (!d) {
		ret = -errno;
		snprintf(err, JERR_LEN, "cannot read node directory %s: %s", dir, strerror(-ret));
		return ret;
	}
	while (!ret && (e = readdir(d))) {
		size_t len = strlen(e->d_name);

		if (len <= 5 || strcmp(e->d_name + len - 5, ".json") || e->d_name[0] == '.')
			continue;
		ret = grow(nodes, *n);
		if (!ret)
			ret = node_file(dir, e->d_name, &(*nodes)[*n], err);
		if (!ret)
			(*n)++;
	}
	closedir(d);
	if (ret == -ENOSPC)
		snprintf(err, JERR_LEN, "node directory %s: more than %d nodes", dir,
			 CLUSTER_NODES_MAX);
	if (ret) {
		free(*nodes);
		*nodes = NULL;
		*n = 0;
	}
	return ret;
}

static const char *str_at(json_t *o, const char *a, const char *b)
{
	json_t *v = json_object_get(json_object_get(o, a), b);

	return json_is_string(v) ? json_string_value(v) : NULL;
}

/* The first IPv4 network address/prefix of spec.podCIDR and spec.podCIDRs. */
static int pod_cidr_of(json_t *item, struct cidr *c)
{
	json_t *list = json_object_get(json_object_get(item, "spec"), "podCIDRs"), *v;
	const char *one = str_at(item, "spec", "podCIDR");
	size_t i;

	if (one && !parse_cidr(one, c) && !(c->addr & ~prefix_mask(c->prefix)))
		return 0;
	json_array_foreach (list, i, v)
		if (json_is_string(v) && !parse_cidr(json_string_value(v), c) &&
		    !(c->addr & ~prefix_mask(c->prefix)))
			return 0;
	return -ENOENT;
}

/* The first IPv4 InternalIP of status.addresses. */
static int internal_ip_of(json_t *item, uint32_t *addr)
{
	json_t *list = json_object_get(json_object_get(item, "status"), "addresses"), *v;
	size_t i;

	json_array_foreach (list, i, v) {
		json_t *type = json_object_get(v, "type"), *a = json_object_get(v, "address");

		if (json_is_string(type) && !strcmp(json_string_value(type), "InternalIP") &&
		    json_is_string(a) && !parse_ipv4(json_string_value(a), addr))
			return 0;
	}
	return -ENOENT;
}

static int kube_node(json_t *item, size_t i, struct cluster_node *node, char err[JERR_LEN])
{
	json_t *kind = json_object_get(item, "kind");
	const char *name = str_at(item, "metadata", "name");

	memset(node, 0, sizeof(*node));
	if (kind && (!json_is_string(kind) || strcmp(json_string_value(kind), "Node"))) {
		snprintf(err, JERR_LEN, "item %zu is not a Node", i);
		return -EINVAL;
	}
	if (!name || !valid_nodename(name)) {
		snprintf(err, JERR_LEN, "item %zu: metadata.name %s%s%s is not a node name", i,
			 name ? "\"" : "", name ?: "(missing)", name ? "\"" : "");
		return -EINVAL;
	}
	snprintf(node->name, sizeof(node->name), "%s", name);
	if (pod_cidr_of(item, &node->pod_cidr)) {
		snprintf(err, JERR_LEN,
			 "node %s has no IPv4 spec.podCIDR: pod CIDR not assigned (run "
			 "kube-controller-manager with --allocate-node-cidrs --cluster-cidr)",
			 name);
		return -EINVAL;
	}
	if (internal_ip_of(item, &node->addr)) {
		snprintf(err, JERR_LEN, "node %s has no IPv4 InternalIP in status.addresses", name);
		return -EINVAL;
	}
	return 0;
}

int cluster_nodes_from_kubectl(json_t *list, struct cluster_node **nodes, uint32_t *n,
			       char err[JERR_LEN])
{
	json_t *items = json_object_get(list, "items"), *item;
	size_t i;
	int ret = 0;

	*nodes = NULL;
	*n = 0;
	if (!json_is_array(items)) {
		snprintf(err, JERR_LEN,
			 "no \"items\" list: not the output of kubectl get nodes "
			 "-o json");
		return -EINVAL;
	}
	json_array_foreach (items, i, item) {
		ret = grow(nodes, *n);
		if (ret == -ENOSPC)
			snprintf(err, JERR_LEN, "more than %d nodes", CLUSTER_NODES_MAX);
		if (!ret)
			ret = kube_node(item, i, &(*nodes)[*n], err);
		if (!ret && has_node(*nodes, *n, (*nodes)[*n].name)) {
			snprintf(err, JERR_LEN, "node %s is listed twice", (*nodes)[*n].name);
			ret = -EINVAL;
		}
		if (ret)
			break;
		(*n)++;
	}
	if (ret) {
		free(*nodes);
		*nodes = NULL;
		*n = 0;
	}
	return ret;
}
