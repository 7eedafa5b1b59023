// SPDX-License-Identifier: GPL-2.0-only OR BSD-2-Clause
/* The cluster declaration (agent/lib/cluster.c) and where nodes come from
 * (agent/lib/cluster_sources.c): strict JSON both ways, and the checks that
 * keep a declaration that cannot hold out. */
#include <errno.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>

#include "cluster.h"
#include "cluster_sources.h"
#include "harness.h"

static json_t *parse(const char *text)
{
	char err[JERR_LEN] = "";
	json_t *v = json_parse_strict(text, strlen(text), err);

	ASSERT_TRUE(v != NULL, err);
	return v;
}

static struct cluster_node node(const char *name, const char *addr, const char *cidr)
{
	struct cluster_node n = { 0 };

	snprintf(n.name, sizeof(n.name), "%s", name);
	parse_ipv4(addr, &n.addr);
	parse_cidr(cidr, &n.pod_cidr);
	return n;
}

TEST(cluster_round_trips_through_json)
{
	struct cluster cl = { .declared = true, .mode = CLUSTER_DIRECT, .vni = 7, .port = 8472 };
	struct cluster back;
	struct cluster_node n1 = node("n1", "192.0.2.1", "10.244.1.0/24"),
			    n2 = node("n2", "192.0.2.2", "10.244.2.0/24");
	char err[JERR_LEN] = "";
	json_t *o;

	parse_cidr("10.244.0.0/16", &cl.cidr);
	parse_cidr("172.16.0.0/12", &cl.nomasq[cl.n_nomasq++]);
	parse_cidr("10.96.0.0/12", &cl.services[cl.n_services++]);
	snprintf(cl.self, sizeof(cl.self), "n1");
	ASSERT_EQ(cluster_node_put(&cl, &n2), 0, "put n2");
	ASSERT_EQ(cluster_node_put(&cl, &n1), 0, "put n1");
	ASSERT_TRUE(!strcmp(cl.nodes[0].name, "n1"), "nodes kept in name order");
	o = cluster_json(&cl);
	ASSERT_EQ(cluster_from_json(o, &back, err), 0, err);
	ASSERT_TRUE(back.declared && back.cidr.addr == cl.cidr.addr && back.vni == 7 &&
			    back.port == 8472 && back.n_nodes == 2 && back.n_nomasq == 1 &&
			    back.n_services == 1 && back.services[0].addr == cl.services[0].addr &&
			    back.services[0].prefix == 12 && !strcmp(back.self, "n1") &&
			    back.nodes[1].addr == n2.addr,
		    "what came back differs");
	json_decref(o);
	cluster_free(&back);
	cluster_free(&cl);
}

TEST(cluster_json_is_strict)
{
	static const char *const bad[] = {
		"{\"nodes\": [], \"self\": \"\", \"non_masquerade\": [], \"zone\": 1}",
		"{\"nodes\": [], \"self\": \"\"}",
		"{\"nodes\": [], \"self\": \"\", \"non_masquerade\": [], \"service_cidrs\": "
		"[\"10.96.0.1/12\"]}",
		"{\"nodes\": [], \"self\": \"\", \"non_masquerade\": [], \"service_cidrs\": {}}",
		"{\"cidr\": \"10.244.0.0/16\", \"nodes\": [], \"self\": \"\", \"non_masquerade\": "
		"[]}",
		"{\"cidr\": \"10.244.0.1/16\", \"mode\": \"direct\", \"vni\": 1, \"port\": 4789, "
		"\"nodes\": [], \"self\": \"\", \"non_masquerade\": []}",
		"{\"cidr\": \"10.244.0.0/16\", \"mode\": \"bgp\", \"vni\": 1, \"port\": 4789, "
		"\"nodes\": [], \"self\": \"\", \"non_masquerade\": []}",
		"{\"nodes\": [{\"name\": \"n1\", \"address\": \"192.0.2.1\"}], \"self\": \"\", "
		"\"non_masquerade\": []}",
		"{\"nodes\": [{\"name\": \"N1\", \"address\": \"192.0.2.1\", \"pod_cidr\": "
		"\"10.244.1.0/24\"}], \"self\": \"\", \"non_masquerade\": []}",
		"{\"nodes\": [{\"name\": \"n1\", \"address\": \"192.0.2.1\", \"pod_cidr\": "
		"\"10.244.1.0/24\"}, {\"name\": \"n1\", \"address\": \"192.0.2.2\", \"pod_cidr\": "
		"\"10.244.2.0/24\"}], \"self\": \"\", \"non_masquerade\": []}",
	};
	struct cluster cl;

	for (size_t i = 0; i < sizeof(bad) / sizeof(bad[0]); i++) {
		char err[JERR_LEN] = "";
		json_t *o = parse(bad[i]);

		ASSERT_EQ(cluster_from_json(o, &cl, err), -EINVAL, bad[i]);
		ASSERT_TRUE(err[0] != '\0', "refused without saying why");
		json_decref(o);
	}
}

TEST(cluster_check_names_what_cannot_hold)
{
	struct cluster cl = { .declared = true };
	struct cluster_node n1 = node("n1", "192.0.2.1", "10.244.1.0/24");
	struct cluster_node over = node("n2", "192.0.2.2", "10.244.1.128/25");
	struct cluster_node outside = node("n3", "192.0.2.3", "10.245.0.0/24");
	struct cluster_node same = node("n4", "192.0.2.1", "10.244.4.0/24");
	struct cluster_node inside = node("n5", "10.244.9.9", "10.244.5.0/24");
	char why[256];

	parse_cidr("10.244.0.0/16", &cl.cidr);
	cluster_node_put(&cl, &n1);
	ASSERT_EQ(cluster_check(&cl, why, sizeof(why)), 0, "one node holds");
	cluster_node_put(&cl, &over);
	ASSERT_EQ(cluster_check(&cl, why, sizeof(why)), -EINVAL, "overlapping pod CIDRs");
	ASSERT_TRUE(strstr(why, "n1") && strstr(why, "n2") && strstr(why, "overlaps"), why);
	cluster_node_del(&cl, "n2");
	cluster_node_put(&cl, &outside);
	ASSERT_EQ(cluster_check(&cl, why, sizeof(why)), -EINVAL, "a pod CIDR outside");
	ASSERT_TRUE(strstr(why, "n3") && strstr(why, "outside"), why);
	cluster_node_del(&cl, "n3");
	cluster_node_put(&cl, &same);
	ASSERT_EQ(cluster_check(&cl, why, sizeof(why)), -EINVAL, "one address twice");
	ASSERT_TRUE(strstr(why, "n1") && strstr(why, "n4"), why);
	cluster_node_del(&cl, "n4");
	cluster_node_put(&cl, &inside);
	ASSERT_EQ(cluster_check(&cl, why, sizeof(why)), -EINVAL, "an address in the cluster");
	ASSERT_TRUE(strstr(why, "n5") && strstr(why, "inside"), why);
	ASSERT_EQ(cluster_node_del(&cl, "n9"), -ENOENT, "removing an unknown node");
	cluster_node_del(&cl, "n5");
	parse_cidr("10.244.128.0/17", &cl.services[cl.n_services++]);
	ASSERT_EQ(cluster_check(&cl, why, sizeof(why)), -EINVAL, "a service CIDR in the cluster");
	ASSERT_TRUE(strstr(why, "service CIDR 10.244.128.0/17") && strstr(why, "overlaps"), why);
	cluster_free(&cl);
}

TEST(kubectl_nodes_take_the_ipv4_pod_cidr_and_internal_ip)
{
	json_t *list = parse(
		"{\"kind\": \"List\", \"items\": [{\"kind\": \"Node\", \"metadata\": {\"name\": "
		"\"n2\"}, \"spec\": {\"podCIDR\": \"fd00::/64\", \"podCIDRs\": [\"fd00::/64\", "
		"\"10.244.2.0/24\"]}, \"status\": {\"addresses\": [{\"type\": \"InternalIP\", "
		"\"address\": \"2001:db8::2\"}, {\"type\": \"ExternalIP\", \"address\": "
		"\"203.0.113.2\"}, {\"type\": \"InternalIP\", \"address\": \"192.0.2.2\"}]}}]}");
	struct cluster_node *nodes = NULL, want = node("n2", "192.0.2.2", "10.244.2.0/24");
	char err[JERR_LEN] = "";
	uint32_t n = 0;

	ASSERT_EQ(cluster_nodes_from_kubectl(list, &nodes, &n, err), 0, err);
	ASSERT_EQ(n, 1, "nodes");
	ASSERT_TRUE(n == 1 && !strcmp(nodes[0].name, want.name) && nodes[0].addr == want.addr &&
			    nodes[0].pod_cidr.addr == want.pod_cidr.addr &&
			    nodes[0].pod_cidr.prefix == want.pod_cidr.prefix,
		    "n2 as declared");
	free(nodes);
	json_decref(list);
	list = parse(
		"{\"items\": [{\"metadata\": {\"name\": \"n7\"}, \"spec\": {}, \"status\": "
		"{\"addresses\": [{\"type\": \"InternalIP\", \"address\": \"192.0.2.7\"}]}}]}");
	ASSERT_EQ(cluster_nodes_from_kubectl(list, &nodes, &n, err), -EINVAL, "no pod CIDR");
	ASSERT_TRUE(strstr(err, "n7") && strstr(err, "podCIDR"), err);
	json_decref(list);
}
