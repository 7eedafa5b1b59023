// SPDX-License-Identifier: GPL-2.0-only OR BSD-2-Clause
#include <stdio.h>

#include "report6.h"
#include "state6.h"

json_t *report6_net(const struct netstate *state, json_t *o)
{
	char buf[IP6_STR_LEN + 4], ip[IP6_STR_LEN];

	if (!o || !state->subnet6.prefix)
		return o;
	snprintf(buf, sizeof(buf), "%s/%u", ip6_str(state->subnet6.addr, ip),
		 state->subnet6.prefix);
	if (json_object_set_new(o, "subnet6", json_string(buf)) ||
	    json_object_set_new(o, "gateway6", json_string(ip6_str(state->gateway6, ip)))) {
		json_decref(o);
		return NULL;
	}
	return o;
}

json_t *report6_att(const struct attachment *a, json_t *o)
{
	return att6_to_json(a, o);
}
