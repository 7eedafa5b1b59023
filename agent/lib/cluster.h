/* SPDX-License-Identifier: GPL-2.0-only OR BSD-2-Clause */
/*
 * The cluster a node belongs to (lib layer: values, checks and JSON only):
 * the cluster CIDR every pod address is in, how pods of different nodes
 * reach each other (direct routing or VXLAN), the destinations never to
 * masquerade, the service CIDRs whose packets take the node's stack, which node this one is, and every node with its address on
 * the uplink and its pod CIDR. Declared on each node (bpfbr cluster set,
 * bpfbr node add|del|load|import); cluster_store.h keeps it.
 */
#ifndef BPFBR_CLUSTER_H
#define BPFBR_CLUSTER_H

#include <stdbool.h>
#include <stdint.h>
#include <jansson.h>

#include "jsonutil.h"
#include "parse.h"

#define CLUSTER_NODES_MAX    1024
#define CLUSTER_NOMASQ_MAX   16
#define CLUSTER_SERVICES_MAX 8
#define NODENAME_MAX	     64
#define CLUSTER_VXLAN_PORT   4789
#define CLUSTER_VNI_DEFAULT  1
#define CLUSTER_VNI_MAX	     16777215

enum cluster_mode {
	CLUSTER_DIRECT, /* nodes share an L2 segment: routes via each node */
	CLUSTER_VXLAN,	/* pods' packets tunnelled between node addresses */
};

struct cluster_node {
	char name[NODENAME_MAX];
	uint32_t addr; /* on the uplink, network order */
	struct cidr pod_cidr;
};

struct cluster {
	bool declared; /* cluster set was run */
	struct cidr cidr;
	enum cluster_mode mode;
	uint32_t vni;
	uint16_t port;
	struct cidr nomasq[CLUSTER_NOMASQ_MAX];
	uint32_t n_nomasq;
	/* Kubernetes service CIDRs: pods' packets to them take the node's stack,
	 * where kube-proxy's DNAT is (cluster_services.h). */
	struct cidr services[CLUSTER_SERVICES_MAX];
	uint32_t n_services;
	char self[NODENAME_MAX];    /* this node's name; "" not said */
	struct cluster_node *nodes; /* sorted by name */
	uint32_t n_nodes;
};

const char *cluster_mode_name(enum cluster_mode m);
int cluster_mode_parse(const char *s, enum cluster_mode *m);
/* Node names: 1..63 of [a-z0-9.-], starting and ending with a letter or digit
 * (a Kubernetes node name, DNS subdomain, cut to 63). */
bool valid_nodename(const char *s);

/* Adds n, or replaces the node of the same name. -ENOSPC when full. */
int cluster_node_put(struct cluster *cl, const struct cluster_node *n);
/* Removes the node of that name; -ENOENT if there is none. */
int cluster_node_del(struct cluster *cl, const char *name);
const struct cluster_node *cluster_node_find(const struct cluster *cl, const char *name);
/* The node this one is (self), or NULL. */
const struct cluster_node *cluster_self(const struct cluster *cl);
/* Replaces the whole node set by nodes[0..n) (copied). */
int cluster_nodes_replace(struct cluster *cl, const struct cluster_node *nodes, uint32_t n);
void cluster_free(struct cluster *cl);

/*
 * Checks the declaration as a whole; why gets the first problem, naming
 * the node(s): a pod CIDR outside the cluster CIDR, two pod CIDRs that
 * overlap, two nodes with one address, a node address inside the cluster CIDR.
 */
int cluster_check(const struct cluster *cl, char *why, size_t size);

/* One node from {"name", "address", "pod_cidr"} (strictly those keys). */
int cluster_node_from_json(json_t *o, struct cluster_node *n, char err[JERR_LEN]);
json_t *cluster_node_json(const struct cluster_node *n);
/* The whole declaration, as stored and as -j prints it, and back. */
json_t *cluster_json(const struct cluster *cl);
int cluster_from_json(json_t *o, struct cluster *cl, char err[JERR_LEN]);

#endif
