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

const char *port_device_name(enum port_device device)
{
	return device == DEVICE_NETKIT ? "netkit" : device == DEVICE_VETH ? "veth" : "auto";
}

int port_device_parse(const char *s, enum port_device *device)
{
	if (!strcmp(s, "auto"))
		*device = DEVICE_AUTO;
	else if (!strcmp(s, "veth"))
		*device = DEVICE_VETH;
	else if (!strcmp(s, "netkit"))
		*device = DEVICE_NETKIT;
	else
		return -EINVAL;
	return 0;
}

struct attachment *netstate_add_att(struct netstate *state)
{
	struct attachment *v = realloc(state->att, (state->n_att + 1) * sizeof(*v));

	if (!v)
		return NULL;
	state->att = v;
	memset(&v[state->n_att], 0, sizeof(*v));
	return &v[state->n_att++];
}

void netstate_del_att(struct netstate *state, struct attachment *a)
{
	size_t i = (size_t)(a - state->att);

	memmove(&state->att[i], &state->att[i + 1], (state->n_att - i - 1) * sizeof(*a));
	state->n_att--;
}

void netstate_free(struct netstate *state)
{
	free(state->att);
	state->att = NULL;
	state->n_att = 0;
}

uint32_t netstate_nslots(const struct netstate *state)
{
	uint32_t n = 1;

	for (uint32_t i = 0; i < state->n_att; i++)
		if (state->att[i].slot + 1u > n)
			n = state->att[i].slot + 1u;
	return n;
}
