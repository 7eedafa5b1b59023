// SPDX-License-Identifier: GPL-2.0-only OR BSD-2-Clause
#include <stdio.h>
#include <string.h>

#include "link_alias.h"

void link_alias(const char *net, char *buf, size_t size)
{
	snprintf(buf, size, LINK_ALIAS_PREFIX "%s", net);
}

const char *link_alias_net(const char *alias)
{
	size_t len = strlen(LINK_ALIAS_PREFIX);

	return strncmp(alias, LINK_ALIAS_PREFIX, len) ? NULL : alias + len;
}

bool link_alias_is(const char *alias, const char *net)
{
	const char *of = link_alias_net(alias);

	return of && !strcmp(of, net);
}

bool link_ours(struct nl *nl, const char *name, const char *net, int ifindex)
{
	struct nl_link l;

	return !nl_link_get(nl, name, 0, &l) && link_alias_is(l.alias, net) &&
	       (!ifindex || l.ifindex == ifindex);
}
