// SPDX-License-Identifier: GPL-2.0-only OR BSD-2-Clause
#include <ctype.h>
#include <errno.h>
#include <stdbool.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>

#include "cni_env.h"
#include "parse.h"
#include "state.h"

static const char *const commands[] = {
	[CNI_ADD] = "ADD", [CNI_DEL] = "DEL",	    [CNI_CHECK] = "CHECK",
	[CNI_GC] = "GC",   [CNI_STATUS] = "STATUS", [CNI_VERSION] = "VERSION",
};

bool cni_valid_containerid(const char *id)
{
	if (!isalnum((unsigned char)id[0]) || strlen(id) >= ATT_ID_MAX)
		return false;
	for (const char *p = id; *p; p++)
		if (!isalnum((unsigned char)*p) && !strchr("_.-", *p))
			return false;
	return true;
}

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
	bool need_id, need_netns;
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
	ev->containerid = env("CNI_CONTAINERID");
	ev->netns = env("CNI_NETNS");
	ev->ifname = env("CNI_IFNAME");
	ev->args = env("CNI_ARGS");
	ev->path = env("CNI_PATH");

	need_id = ev->cmd == CNI_ADD || ev->cmd == CNI_DEL || ev->cmd == CNI_CHECK;
	need_netns = ev->cmd == CNI_ADD || ev->cmd == CNI_CHECK;
	if (need_id && !ev->containerid)
		add_var(missing, sizeof(missing), "CNI_CONTAINERID");
	if (need_netns && !ev->netns)
		add_var(missing, sizeof(missing), "CNI_NETNS");
	if (need_id && !ev->ifname)
		add_var(missing, sizeof(missing), "CNI_IFNAME");
	if (ev->cmd == CNI_GC && !ev->path)
		add_var(missing, sizeof(missing), "CNI_PATH");
	if (missing[0])
		return cni_fail(e, CNI_ERR_ENV, "required env variables [%s] missing", missing);

	if (ev->containerid && !cni_valid_containerid(ev->containerid))
		add_var(invalid, sizeof(invalid), "CNI_CONTAINERID");
	if (ev->netns && ev->netns[0] != '/')
		add_var(invalid, sizeof(invalid), "CNI_NETNS");
	if (ev->ifname && !valid_ifname(ev->ifname))
		add_var(invalid, sizeof(invalid), "CNI_IFNAME");
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
