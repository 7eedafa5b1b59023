// SPDX-License-Identifier: GPL-2.0-only OR BSD-2-Clause
#include <stdio.h>
#include <string.h>

#include "report6.h"
#include "uplinkdp6.h"
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

void report6_uplink_addr(const struct uplinkdp *u, uint8_t addr[16])
{
	if (uplinkdp_config6_get(u, addr))
		memset(addr, 0, 16);
}

int report6_flow_addrs(const struct uplinkdp *u, uint32_t slot, const uint8_t uplink6[16], char *in,
		       char *out, char *rem)
{
	struct bpfbr_flow6 a;
	int err = uplinkdp_flow6_get(u, slot, &a);

	if (err)
		return err;
	ip6_str(a.iaddr, in);
	ip6_str(uplink6, out);
	ip6_str(a.raddr, rem);
	return 0;
}
