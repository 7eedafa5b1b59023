// SPDX-License-Identifier: GPL-2.0-only OR BSD-2-Clause
/* The network state keys the CNI plugin relies on (agent/state.c): the
 * address range, the allocation cursor and DNS, written, read back, and
 * refused when wrong; files written before them still load. */
#include <stdlib.h>

#include "harness.h"
#include "jsonutil.h"
#include "log.h"
#include "state.h"

static char root[64];

static bool save_sample(struct paths *p, struct netstate *ns)
{
	snprintf(root, sizeof(root), "/tmp/bpfbr-unit.XXXXXX");
	if (!ASSERT_TRUE(mkdtemp(root) != NULL, "mkdtemp") ||
	    !ASSERT_OK(paths_init(p, root), "paths"))
		return false;
	memset(ns, 0, sizeof(*ns));
	strcpy(ns->name, "podnet");
	parse_cidr("10.40.0.0/24", &ns->subnet);
	parse_ipv4("10.40.0.1", &ns->gateway);
	parse_ipv4("10.40.0.10", &ns->range_start);
	parse_ipv4("10.40.0.20", &ns->range_end);
	parse_ipv4("10.40.0.12", &ns->last_ip);
	ns->mtu = 1500;
	strcpy(ns->gw_dev, "bpfbr0");
	strcpy(ns->gw_port, "bpfbr0-sw");
	ns->mode = ATTACH_TCX;
	ns->dns.n_servers = 2;
	strcpy(ns->dns.servers[0], "10.40.0.1");
	strcpy(ns->dns.servers[1], "fd00::53");
	strcpy(ns->dns.domain, "pod.test");
	ns->dns.n_search = 1;
	strcpy(ns->dns.search[0], "svc.test");
	return ASSERT_OK(state_save(p, ns), "save");
}

/* Rewrites the saved file through a jq-like edit: key set to value (NULL: removed). */
static void edit(struct paths *p, const char *key, json_t *value)
{
	char path[PATH_MAX + 32], err[JERR_LEN];
	json_t *v;

	snprintf(path, sizeof(path), "%s/networks/podnet.json", p->state);
	v = json_load_file_strict(path, err);
	if (value)
		json_object_set_new(v, key, value);
	else
		json_object_del(v, key);
	json_write_file_atomic(v, path);
	json_decref(v);
}

static void cleanup(void)
{
	char cmd[128];

	snprintf(cmd, sizeof(cmd), "rm -rf '%s'", root);
	if (system(cmd))
		fprintf(stderr, "could not remove %s\n", root);
}

TEST(cni_state_round_trip)
{
	struct netstate ns, back;
	struct paths p;

	if (save_sample(&p, &ns) && ASSERT_OK(state_load(&p, "podnet", &back), "load")) {
		ASSERT_EQ(back.range_start, ns.range_start, "range start");
		ASSERT_EQ(back.range_end, ns.range_end, "range end");
		ASSERT_EQ(back.last_ip, ns.last_ip, "cursor");
		ASSERT_TRUE(!memcmp(&back.dns, &ns.dns, sizeof(ns.dns)), "dns");
		netstate_free(&back);
	}
	cleanup();
}

TEST(cni_state_older_files_load)
{
	struct netstate ns, back;
	struct paths p;

	if (save_sample(&p, &ns)) {
		edit(&p, "range_start", NULL);
		edit(&p, "range_end", NULL);
		edit(&p, "last_ip", NULL);
		edit(&p, "dns", NULL);
		if (ASSERT_OK(state_load(&p, "podnet", &back), "load")) {
			ASSERT_TRUE(!back.range_start && !back.last_ip && !back.dns.n_servers,
				    "absent keys are unset");
			netstate_free(&back);
		}
	}
	cleanup();
}

static void quiet(const char *msg)
{
	(void)msg;
}

TEST(cni_state_refuses_bad_values)
{
	struct netstate ns, back;
	struct paths p;

	log_set_err_hook(quiet); /* the refusals print; keep the test output clean */
	if (save_sample(&p, &ns)) {
		edit(&p, "range_end", json_string("10.41.0.5"));
		ASSERT_EQ(state_load(&p, "podnet", &back), -EUCLEAN, "range outside the subnet");
		edit(&p, "range_end", json_string("10.40.0.5"));
		ASSERT_EQ(state_load(&p, "podnet", &back), -EUCLEAN, "range start > end");
		edit(&p, "range_end", NULL);
		ASSERT_EQ(state_load(&p, "podnet", &back), -EUCLEAN, "start without end");
		edit(&p, "range_end", json_string("10.40.0.20"));
		edit(&p, "dns", json_pack("{s:[s,s,s,s]}", "nameservers", "a", "b", "c", "d"));
		ASSERT_EQ(state_load(&p, "podnet", &back), -EUCLEAN, "four name servers");
		edit(&p, "dns", json_pack("{s:i}", "domain", 5));
		ASSERT_EQ(state_load(&p, "podnet", &back), -EUCLEAN, "domain not a string");
		edit(&p, "dns", json_pack("{s:s}", "sortlist", "x"));
		ASSERT_EQ(state_load(&p, "podnet", &back), -EUCLEAN, "unknown dns key");
	}
	log_set_err_hook(NULL);
	cleanup();
}
