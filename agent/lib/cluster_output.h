/* SPDX-License-Identifier: GPL-2.0-only OR BSD-2-Clause */
/* The cluster declaration (cluster_json) as text for people (cli layer). */
#ifndef BPFBR_CLUSTER_OUTPUT_H
#define BPFBR_CLUSTER_OUTPUT_H

#include <stdbool.h>
#include <jansson.h>

/* The cluster line(s) then the node table; the table only with nodes_only. */
void print_cluster(json_t *cl, bool nodes_only);

/* The "cluster" of a network's status (cluster_report.h), indented under it. */
void print_cluster_status(json_t *cl);

#endif
