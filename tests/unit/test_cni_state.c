// SPDX-License-Identifier: GPL-2.0-only OR BSD-2-Clause
/* The network state keys the CNI plugin relies on (agent/core/state.c): the
 * address range, the allocation cursor and DNS, written, read back, and
 * refused when wrong; files written before them still load. */
#include <stdlib.h>

#include "harness.h"
#include "jsonutil.h"
#include "log.h"
#include "state.h"

static char root[64];

static bool save_sample(struct paths *p, struct netstate *state)
{
	snprintf(root, sizeof(root), "/tmp/bpfbr-unit.XXXXXX");
	if (!ASSERT_TRUE(mkdtemp(root) != NULL, "mkdtemp") ||
	    !ASSERT_OK(paths_init(p, root), "paths"))
		return false;
	memset(state, 0, sizeof(*state));
	strcpy(state->name, "podnet");
	parse_cidr("10.40.0.0/24", &state->subnet);
	parse_ipv4("10.40.0.1", &state->gateway);
	parse_ipv4("10.40.0.10", &state->range_start);
	parse_ipv4("10.40.0.20", &state->range_end);
	parse_ipv4("10.40.0.12", &state->last_ip);
	state->mtu = 1500;
	strcpy(state->gw_dev, "bpfbr0");
	strcpy(state->gw_port, "bpfbr0-sw");
	state->mode = ATTACH_TCX;
	state->dns.n_servers = 2;
	strcpy(state->dns.servers[0], "10.40.0.1");
	strcpy(state->dns.servers[1], "fd00::53");
	strcpy(state->dns.domain, "pod.test");
	state->dns.n_search = 1;
	strcpy(state->dns.search[0], "svc.test");
	return ASSERT_OK(state_save(p, state), "save");
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
	struct netstate state, back;
	struct paths p;

	if (save_sample(&p, &state) && ASSERT_OK(state_load(&p, "podnet", &back), "load")) {
		ASSERT_EQ(back.range_start, state.range_start, "range start");
		ASSERT_EQ(back.range_end, state.range_end, "range end");
		ASSERT_EQ(back.last_ip, state.last_ip, "cursor");
		ASSERT_TRUE(!memcmp(&back.dns, &state.dns, sizeof(state.dns)), "dns");
		netstate_free(&back);
	}
	cleanup();
}

TEST(cni_state_older_files_load)
{
	struct netstate state, back;
	struct paths p;

	if (save_sample(&p, &state)) {
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
	struct netstate state, back;
	struct paths p;

	log_set_err_hook(quiet); /* the refusals print; keep the test output clean */
	if (save_sample(&p, &state)) {
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
