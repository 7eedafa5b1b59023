// SPDX-License-Identifier: GPL-2.0-only OR BSD-2-Clause
/*
 * libFuzzer target: the CNI network config parser, and what the plugin then
 * does with a config's parts without touching the system: CNI_ARGS parsing,
 * prevResult import, export to every spec version, merging, IPAM leases.
 * The input is the config; the same bytes are also tried as CNI_ARGS.
 */
#include <stdint.h>
#include <stdlib.h>
#include <string.h>

#include "cni_conf.h"
#include "cni_result.h"
#include "libfuzzer.h"

static void results(json_t *prev, enum cni_ver ver)
{
	struct cni_err e = { 0 };
	struct cni_lease l;
	json_t *copy = json_deep_copy(prev), *out, *mine;

	if (!copy || cni_result_import(copy, ver, "prevResult", &e))
		goto out;
	for (int v = 0; v < CNI_VER_COUNT; v++) {
		out = cni_result_export(copy, (enum cni_ver)v);
		json_decref(out);
	}
	cni_result_lease(copy, &l, &e);
	mine = cni_result_new();
	if (mine && cni_result_add_iface(mine, "eth0", (const uint8_t *)"\2\0\0\0\0\1", 1500,
					 "/run/netns/x") == 0)
		cni_result_append(copy, mine);
	cni_result_find_iface(copy, "eth0", "/run/netns/x");
	json_decref(mine);
out:
	json_decref(copy);
}

int LLVMFuzzerTestOneInput(const uint8_t *data, size_t size)
{
	struct cni_err e = { 0 };
	struct cni_conf c;
	char *args;

	if (!cni_conf_parse((const char *)data, size, size & 1, &c, &e) && c.prev)
		results(c.prev, c.ver);
	args = strndup((const char *)data, size);
	if (args) {
		memset(&e, 0, sizeof(e));
		cni_args_parse(args, &c, &e);
		free(args);
	}
	cni_conf_free(&c);
	return 0;
}
