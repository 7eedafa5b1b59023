// SPDX-License-Identifier: GPL-2.0-only OR BSD-2-Clause
#include <stdio.h>
#include <string.h>

#include "cluster_output.h"

static const char *str(json_t *o, const char *key)
{
	const char *v = json_string_value(json_object_get(o, key));

	return v ?: "";
}

void print_cluster(json_t *cl, bool nodes_only)
{
	const char *self = str(cl, "self");
	json_t *n, *nodes = json_object_get(cl, "nodes"),
		   *nm = json_object_get(cl, "non_masquerade"),
		   *svc = json_object_get(cl, "service_cidrs");
	size_t i;

	if (!nodes_only) {
		if (json_object_get(cl, "cidr"))
			printf("cluster %s, mode %s, vni %lld, port %lld\n", str(cl, "cidr"),
			       str(cl, "mode"), json_integer_value(json_object_get(cl, "vni")),
			       json_integer_value(json_object_get(cl, "port")));
		else
			printf("cluster not declared (bpfbr cluster set --cidr CIDR)\n");
		printf("this node: %s\n",
		       self[0] ? self : "not said (bpfbr cluster set --self NAME)");
		if (json_array_size(nm)) {
			printf("never masqueraded:");
			json_array_foreach (nm, i, n)
				printf(" %s", json_string_value(n));
			printf("\n");
		}
		if (json_array_size(svc)) {
			printf("services (through the node's stack):");
			json_array_foreach (svc, i, n)
				printf(" %s", json_string_value(n));
			printf("\n");
		}
	}
	printf("%-24s %-16s %-18s\n", "NODE", "ADDRESS", "POD CIDR");
	json_array_foreach (nodes, i, n)
		printf("%-24s %-16s %-18s%s\n", str(n, "name"), str(n, "address"),
		       str(n, "pod_cidr"), strcmp(str(n, "name"), self) ? "" : " (this node)");
}

static long long num(json_t *o, const char *key)
{
	return json_integer_value(json_object_get(o, key));
}

/* What the datapath sent to a node, received from it and refused in its name. */
static void print_node_counters(json_t *k)
{
	printf("      sent %lld packets (%lld bytes), received %lld packets (%lld bytes), "
	       "refused %lld, too big %lld\n",
	       num(k, "tx_packets"), num(k, "tx_bytes"), num(k, "rx_packets"), num(k, "rx_bytes"),
	       num(k, "refused"), num(k, "too_big"));
}

void print_cluster_status(json_t *cl)
{
	json_t *n;
	size_t i;

	printf("  cluster %s, mode %s, MTU %lld, unreachable route %s\n", str(cl, "cidr"),
	       str(cl, "mode"), json_integer_value(json_object_get(cl, "mtu")),
	       str(cl, "unreachable_route"));
	if (json_object_get(cl, "tunnel"))
		printf("    tunnel %s, VNI %lld, UDP port %lld: %s\n",
		       str(json_object_get(cl, "tunnel"), "device"),
		       json_integer_value(json_object_get(cl, "vni")),
		       json_integer_value(json_object_get(cl, "port")),
		       str(json_object_get(cl, "tunnel"), "state"));
	json_array_foreach (json_object_get(cl, "nodes"), i, n) {
		printf("    node %-20s %-16s %-18s route %s\n", str(n, "name"), str(n, "address"),
		       str(n, "pod_cidr"), str(n, "route"));
		if (json_object_get(n, "counters"))
			print_node_counters(json_object_get(n, "counters"));
	}
}
