/* SPDX-License-Identifier: GPL-2.0-only OR BSD-2-Clause */
/*
 * Where a node set comes from besides the command line (lib layer): a
 * directory of node files that every node reads (one NAME.json per node,
 * {"name", "address", "pod_cidr"}), or Kubernetes' own view,
 * `kubectl get nodes -o json` (spec.podCIDR(s) and the InternalIP).
 */
#ifndef BPFBR_CLUSTER_SOURCES_H
#define BPFBR_CLUSTER_SOURCES_H

#include "cluster.h"

/* The nodes of dir's *.json files (other files are ignored); each file's
 * name must be its node's. *nodes is malloc'd. err names the file. */
int cluster_nodes_from_dir(const char *dir, struct cluster_node **nodes, uint32_t *n,
			   char err[JERR_LEN]);
/* The nodes of a NodeList (or List of Nodes) as kubectl prints it. err
 * names the node: one without an IPv4 pod CIDR or InternalIP is refused. */
int cluster_nodes_from_kubectl(json_t *list, struct cluster_node **nodes, uint32_t *n,
			       char err[JERR_LEN]);

#endif
