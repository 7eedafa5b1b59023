// SPDX-License-Identifier: GPL-2.0-only OR BSD-2-Clause
/*
 * The CNI entry: environment, config, the command, and the one place where
 * failures become CNI error JSON. Messages of the layers below (pr_err)
 * are collected into the error instead of going to stderr.
 */
#include <errno.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <unistd.h>

#include "cni.h"
#include "cni_cmd.h"
#include "cni_log.h"
#include "cni_result.h"
#include "jsonutil.h"
#include "log.h"
#include "wording.h"

static struct cni_err *collected;

static void collect(const char *msg)
{
	cni_err_note(collected, msg);
}

/* Runtimes call plugins without arguments; with arguments it is the command
 * line, even if CNI_COMMAND leaked into the caller's environment. */
bool cni_invoked(int argc)
{
	const char *cmd = getenv("CNI_COMMAND");

	return argc == 1 && cmd && *cmd;
}

static int read_stdin(char **buf, size_t *len, struct cni_err *e)
{
	size_t cap = 4096;
	ssize_t n;

	*len = 0;
	*buf = malloc(cap);
	while (*buf) {
		if (*len == cap) {
			char *nb = cap < CNI_CONF_MAX ? realloc(*buf, cap * 2) : NULL;

			if (!nb)
				return cni_fail(
					e, CNI_ERR_IO,
					"the network config on stdin is larger than %d bytes",
					CNI_CONF_MAX);
			*buf = nb;
			cap *= 2;
		}
		n = read(STDIN_FILENO, *buf + *len, cap - *len);
		if (n == 0)
			return 0;
		if (n < 0 && errno != EINTR)
			return cni_fail(e, CNI_ERR_IO,
					"cannot read the network config from stdin: %s",
					strerror(errno));
		if (n > 0)
			*len += (size_t)n;
	}
	return cni_fail(e, CNI_ERR_IO, "out of memory reading the network config");
}

static void print(json_t *v)
{
	json_dumpf(v, stdout, JSON_INDENT(4) | JSON_PRESERVE_ORDER);
	putchar('\n');
	fflush(stdout);
}

/* VERSION answers in the version it was asked in, whatever the rest of stdin. */
static int version(const char *raw, size_t len)
{
	enum cni_ver ver = CNI_VER_LATEST;
	char jerr[JERR_LEN];
	json_t *in = json_parse_strict(raw, len, jerr), *out, *list = json_array();
	const char *asked = json_string_value(json_object_get(in, "cniVersion"));

	if (asked)
		cni_ver_parse(asked, &ver);
	for (int v = 0; v < CNI_VER_COUNT; v++)
		json_array_append_new(list, json_string(cni_ver_name((enum cni_ver)v)));
	out = json_pack("{s:s, s:o}", "cniVersion", cni_ver_name(ver), "supportedVersions", list);
	if (out)
		print(out);
	json_decref(out);
	json_decref(in);
	return out ? 0 : -ENOMEM;
}

/* CHECK came with 0.4.0, GC and STATUS with 1.1.0. */
static int command_known(struct cni_req *r)
{
	enum cni_ver since = r->env.cmd == CNI_CHECK				? CNI_V040
			     : r->env.cmd == CNI_GC || r->env.cmd == CNI_STATUS ? CNI_V110
										: CNI_V030;

	if (r->conf.ver >= since)
		return 0;
	return cni_fail(r->e, CNI_ERR_VERSION,
			"config version %s does not allow %s; it needs cniVersion %s or later",
			cni_ver_name(r->conf.ver), r->env.command, cni_ver_name(since));
}

static int run(struct cni_req *r, json_t **result)
{
	switch (r->env.cmd) {
	case CNI_ADD:
		return cni_add(r, result);
	case CNI_DEL:
		return cni_del(r);
	case CNI_CHECK:
		return cni_check(r);
	case CNI_GC:
		return cni_gc(r);
	case CNI_STATUS:
		return cni_status(r);
	default:
		return -EINVAL;
	}
}

static void cni_create_net(const char *net, char *buf, size_t size)
{
	snprintf(buf, size, "an ADD with network config \"%s\" creates it", net);
}

/* The core's settings as the network config's keys and CNI's variables;
 * the command line's other flags have no CNI counterpart. */
static const struct wording cni_words = {
	.setting = {
		[SETTING_GATEWAY] = "\"gateway\"",
		[SETTING_GATEWAY_ALLOW] = "\"gatewayAllow\"",
		[SETTING_MASQUERADE] = "\"ipMasq\"",
		[SETTING_UPLINK] = "\"uplink\"",
		[SETTING_DEVICE] = "\"device\"",
		[SETTING_DATAPATH] = "\"datapath\"",
		[SETTING_IFNAME] = "CNI_IFNAME",
	},
	.create_net = cni_create_net,
	.run_there = "the runtime must run the plugin in that namespace",
};

int cni_main(void)
{
	struct cni_err e = { 0 }, unread = { 0 };
	struct cni_req r = { .e = &e };
	json_t *result = NULL, *out;
	struct timespec start;
	char *raw = NULL;
	int err, err_in;

	clock_gettime(CLOCK_REALTIME, &start);
	r.conf.ver = CNI_VER_LATEST;
	collected = &e;
	log_set_err_hook(collect);
	wording_use(&cni_words);
	log_bridge_libbpf();
	err = cni_env_read(&r.env, &e);
	/* stdin is read even when the variables are wrong: its logFile is where
	 * that failure is logged. */
	err_in = read_stdin(&raw, &r.raw_len, err ? &unread : &e);
	err = err ?: err_in;
	r.raw = raw;
	if (!err && r.env.cmd == CNI_VERSION) {
		err = version(raw, r.raw_len);
		goto out;
	}
	if (!err)
		err = cni_conf_parse(raw, r.raw_len, r.env.cmd == CNI_ADD, &r.conf, &e);
	if (!err)
		err = command_known(&r);
	if (!err)
		err = cni_args_parse(r.env.args, &r.conf, &e);
	/* DEL does not need prevResult and must not fail on it. */
	if (!err && r.conf.prev && r.env.cmd != CNI_DEL)
		err = cni_result_import(r.conf.prev, r.conf.ver, "prevResult", &e);
	if (!err)
		err = run(&r, &result);
	if (!err && result) {
		out = cni_result_export(result, r.conf.ver);
		if (out)
			print(out);
		else
			err = cni_fail(&e, CNI_ERR_SYSTEM, "out of memory printing the result");
		json_decref(out);
	}
out:
	if (err) {
		cni_err_finish(&e, CNI_ERR_SYSTEM, err);
		out = cni_err_json(&e, cni_ver_name(r.conf.ver));
		if (out)
			print(out);
		json_decref(out);
	}
	cni_log_call(raw, r.raw_len, &start, err ? &e : NULL);
	json_decref(result);
	cni_conf_free(&r.conf);
	free(raw);
	return err ? 1 : 0;
}
