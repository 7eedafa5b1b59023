// SPDX-License-Identifier: GPL-2.0-only OR BSD-2-Clause
#include <ctype.h>
#include <errno.h>
#include <stdbool.h>
#include <stddef.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>

#include "cni_env.h"
#include "model.h"
#include "parse.h"

static const char *const commands[] = {
	[CNI_ADD] = "ADD", [CNI_DEL] = "DEL",	    [CNI_CHECK] = "CHECK",
	[CNI_GC] = "GC",   [CNI_STATUS] = "STATUS", [CNI_VERSION] = "VERSION",
};

/* The spec's form, at any length: DEL must succeed for what ADD refused. */
static bool containerid_form(const char *id)
{
	if (!isalnum((unsigned char)id[0]))
		return false;
	for (const char *p = id; *p; p++)
		if (!isalnum((unsigned char)*p) && !strchr("_.-", *p))
			return false;
	return true;
}

bool cni_valid_containerid(const char *id)
{
	return containerid_form(id) && strlen(id) < ATT_ID_MAX;
}

bool cni_valid_netns(const char *path)
{
	return path[0] == '/';
}

/* DEL of an ID too long to have been attached succeeds: nothing to remove. */
static bool containerid_ok(const char *v, enum cni_cmd cmd)
{
	return cmd == CNI_DEL ? containerid_form(v) : cni_valid_containerid(v);
}

static bool netns_ok(const char *v, enum cni_cmd cmd)
{
	(void)cmd;
	return cni_valid_netns(v);
}

static bool ifname_ok(const char *v, enum cni_cmd cmd)
{
	(void)cmd;
	return valid_ifname(v);
}

/* What a command does with a variable: never reads it, reads it when set, needs it. */
enum use { UNUSED, OPTIONAL, REQUIRED };

/*
 * The spec's table of which command uses which variable. A command never
 * reads (so never refuses) a variable it has no use for: libcni sends
 * CNI_NETNS=dummy with VERSION, and empty CNI_CONTAINERID, CNI_NETNS and
 * CNI_IFNAME with GC and STATUS.
 */
static const struct var {
	const char *name;
	size_t field; /* offset of the const char * in struct cni_env */
	bool (*valid)(const char *v, enum cni_cmd cmd);
	enum use use[CNI_VERSION + 1];
} vars[] = {
	{ "CNI_CONTAINERID",
	  offsetof(struct cni_env, containerid),
	  containerid_ok,
	  { [CNI_ADD] = REQUIRED, [CNI_DEL] = REQUIRED, [CNI_CHECK] = REQUIRED } },
	{ "CNI_NETNS",
	  offsetof(struct cni_env, netns),
	  netns_ok,
	  { [CNI_ADD] = REQUIRED, [CNI_DEL] = OPTIONAL, [CNI_CHECK] = REQUIRED } },
	{ "CNI_IFNAME",
	  offsetof(struct cni_env, ifname),
	  ifname_ok,
	  { [CNI_ADD] = REQUIRED, [CNI_DEL] = REQUIRED, [CNI_CHECK] = REQUIRED } },
	{ "CNI_ARGS",
	  offsetof(struct cni_env, args),
	  NULL,
	  { [CNI_ADD] = OPTIONAL, [CNI_DEL] = OPTIONAL, [CNI_CHECK] = OPTIONAL } },
	{ "CNI_PATH",
	  offsetof(struct cni_env, path),
	  NULL,
	  { [CNI_ADD] = OPTIONAL,
	    [CNI_DEL] = OPTIONAL,
	    [CNI_CHECK] = OPTIONAL,
	    [CNI_GC] = REQUIRED,
	    [CNI_STATUS] = OPTIONAL } },
};

/* Appends name to a "[A B]" list of variables. */
static void add_var(char *list, size_t size, const char *name)
{
	size_t len = strlen(list);

	snprintf(list + len, size - len, "%s%s", len ? " " : "", name);
}

static const char *env(const char *name)
{
	const char *v = getenv(name);

	return v && *v ? v : NULL;
}

int cni_env_read(struct cni_env *ev, struct cni_err *e)
{
	char missing[128] = "", invalid[128] = "";
	size_t i;

	memset(ev, 0, sizeof(*ev));
	ev->command = env("CNI_COMMAND");
	if (!ev->command)
		return cni_fail(e, CNI_ERR_ENV, "required env variable [CNI_COMMAND] missing");
	for (i = 0; i < sizeof(commands) / sizeof(commands[0]); i++)
		if (!strcmp(ev->command, commands[i]))
			break;
	if (i == sizeof(commands) / sizeof(commands[0]))
		return cni_fail(
			e, CNI_ERR_ENV,
			"CNI_COMMAND \"%.32s\" is not ADD, DEL, CHECK, GC, STATUS or VERSION",
			ev->command);
	ev->cmd = (enum cni_cmd)i;

	for (i = 0; i < sizeof(vars) / sizeof(vars[0]); i++) {
		const struct var *v = &vars[i];
		const char **field = (const char **)((char *)ev + v->field);
		enum use use = v->use[ev->cmd];

		if (use == UNUSED)
			continue;
		*field = env(v->name);
		if (!*field && use == REQUIRED)
			add_var(missing, sizeof(missing), v->name);
		else if (*field && v->valid && !v->valid(*field, ev->cmd))
			add_var(invalid, sizeof(invalid), v->name);
	}
	if (missing[0])
		return cni_fail(e, CNI_ERR_ENV, "required env variables [%s] missing for %s",
				missing, ev->command);
	if (invalid[0])
		return cni_fail(
			e, CNI_ERR_ENV,
			"invalid env variables [%s]: CNI_CONTAINERID must be an alphanumeric "
			"followed by alphanumerics, '_', '.' or '-' (under %d bytes), "
			"CNI_NETNS an absolute path, CNI_IFNAME 1-15 bytes without '/', ':' "
			"or spaces",
			invalid, ATT_ID_MAX);
	return 0;
}
