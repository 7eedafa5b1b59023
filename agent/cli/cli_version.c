// SPDX-License-Identifier: GPL-2.0-only OR BSD-2-Clause
/* bpfbr version, -V, --version (cli layer) */
#include <stdio.h>
#include <bpf/libbpf.h>
#include <jansson.h>

#include "cli_table.h"
#include "kfeatures.h"
#include "output.h"

#ifndef BPFBR_VERSION
#define BPFBR_VERSION "dev"
#endif
#ifndef BPFBR_GIT_REV
#define BPFBR_GIT_REV "unknown"
#endif

static int run_version(struct cli *cli)
{
	json_t *v, *features = kfeatures_probe(), *f;
	char libbpf[32];
	size_t i;

	snprintf(libbpf, sizeof(libbpf), "%u.%u", libbpf_major_version(), libbpf_minor_version());
	v = json_pack("{s:s, s:s, s:s, s:o*}", "version", BPFBR_VERSION, "git_revision",
		      BPFBR_GIT_REV, "libbpf", libbpf, "kernel_features", features);
	if (!v)
		return 1;
	if (cli->json) {
		print_json(v);
	} else {
		printf("bpfbr %s (git %s), libbpf %s\nkernel features:\n", BPFBR_VERSION,
		       BPFBR_GIT_REV, libbpf);
		json_array_foreach (features, i, f) {
			const char *why = json_string_value(json_object_get(f, "why"));

			printf("  %-10s %-3s %s%s%s%s\n",
			       json_string_value(json_object_get(f, "name")),
			       json_is_true(json_object_get(f, "found")) ? "yes" : "no",
			       json_string_value(json_object_get(f, "what")), why ? " (" : "",
			       why ?: "", why ? ")" : "");
		}
	}
	json_decref(v);
	return 0;
}

const struct cli_cmd cmd_version = {
	.words = "version",
	.args = "",
	.min_pos = 0,
	.max_pos = 0,
	.opts = cli_no_opts,
	.run = run_version,
	.summary = "Show the version, the build's git revision, libbpf's version and the kernel "
		   "features found",
	.details = "Each kernel feature is found by using it (a veth pair in a namespace of a\n"
		   "child process, gone with it), never from the kernel's version string.\n",
};
