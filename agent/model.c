// SPDX-License-Identifier: GPL-2.0-only OR BSD-2-Clause
#include <errno.h>
#include <stdlib.h>
#include <string.h>

#include "model.h"

const char *attach_mode_name(enum attach_mode mode)
{
	switch (mode) {
	case ATTACH_TCX:
		return "tcx";
	case ATTACH_TC:
		return "tc";
	default:
		return "auto";
	}
}

int attach_mode_parse(const char *s, enum attach_mode *mode)
{
	if (!strcmp(s, "tcx"))
		*mode = ATTACH_TCX;
	else if (!strcmp(s, "tc"))
		*mode = ATTACH_TC;
	else if (!strcmp(s, "auto"))
		*mode = ATTACH_PROBE;
	else
		return -EINVAL;
	return 0;
}

const char *datapath_mode_name(enum datapath_mode mode)
{
	return mode == DATAPATH_XDP ? "xdp" : "tc";
}

int datapath_mode_parse(const char *s, enum datapath_mode *mode)
{
	if (!strcmp(s, "tc"))
		*mode = DATAPATH_TC;
	else if (!strcmp(s, "xdp"))
		*mode = DATAPATH_XDP;
	else
		return -EINVAL;
	return 0;
}

struct attachment *netstate_add_att(struct netstate *ns)
{
	struct attachment *v = realloc(ns->att, (ns->n_att + 1) * sizeof(*v));

	if (!v)
		return NULL;
	ns->att = v;
	memset(&v[ns->n_att], 0, sizeof(*v));
	return &v[ns->n_att++];
}

void netstate_del_att(struct netstate *ns, struct attachment *a)
{
	size_t i = (size_t)(a - ns->att);

	memmove(&ns->att[i], &ns->att[i + 1], (ns->n_att - i - 1) * sizeof(*a));
	ns->n_att--;
}

void netstate_free(struct netstate *ns)
{
	free(ns->att);
	ns->att = NULL;
	ns->n_att = 0;
}

uint32_t netstate_nslots(const struct netstate *ns)
{
	uint32_t n = 1;

	for (uint32_t i = 0; i < ns->n_att; i++)
		if (ns->att[i].slot + 1u > n)
			n = ns->att[i].slot + 1u;
	return n;
}
