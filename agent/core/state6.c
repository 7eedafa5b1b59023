// SPDX-License-Identifier: GPL-2.0-only OR BSD-2-Clause
#include <errno.h>
#include <stdio.h>
#include <string.h>

#include "state6.h"

json_t *att6_to_json(const struct attachment *a, json_t *obj)
{
	char ip[IP6_STR_LEN];

	if (!obj || ip6_is_zero(a->ip6))
		return obj;
	if (json_object_set_new(obj, "ip6", json_string(ip6_str(a->ip6, ip)))) {
		json_decref(obj);
		return NULL;
	}
	return obj;
}

int net6_to_json(const struct netstate *state, json_t *root)
{
	char buf[IP6_STR_LEN + 4], ip[IP6_STR_LEN];

	if (!state->subnet6.prefix)
		return 0;
	snprintf(buf, sizeof(buf), "%s/%u", ip6_str(state->subnet6.addr, ip),
		 state->subnet6.prefix);
	if (json_object_set_new(root, "subnet6", json_string(buf)) ||
	    json_object_set_new(root, "gateway6", json_string(ip6_str(state->gateway6, ip))) ||
	    (!ip6_is_zero(state->last_ip6) &&
	     json_object_set_new(root, "last_ip6", json_string(ip6_str(state->last_ip6, ip)))))
		return -ENOMEM;
	return 0;
}

/* An optional IPv6 address at key: 0 and out untouched when absent. */
static int read_ip6(json_t *o, const char *key, uint8_t out[16], char err[JERR_LEN])
{
	char buf[IP6_STR_LEN];
	int ret;

	if (!json_object_get(o, key))
		return 0;
	ret = jget_str(o, key, buf, sizeof(buf), err);
	if (!ret && parse_ipv6(buf, out)) {
		snprintf(err, JERR_LEN, "\"%s\" is not an IPv6 address", key);
		ret = -EINVAL;
	}
	return ret;
}

int att6_read(json_t *o, struct attachment *a, char err[JERR_LEN])
{
	return read_ip6(o, "ip6", a->ip6, err);
}

int net6_read(json_t *o, struct netstate *state, char err[JERR_LEN])
{
	char buf[IP6_STR_LEN + 4];
	int ret;

	if (!json_object_get(o, "subnet6"))
		return 0;
	ret = jget_str(o, "subnet6", buf, sizeof(buf), err);
	if (!ret && (parse_cidr6(buf, &state->subnet6) || state->subnet6.prefix < 48 ||
		     state->subnet6.prefix > 64)) {
		snprintf(err, JERR_LEN, "\"%s\" is not an IPv6 prefix of /48 to /64", "subnet6");
		return -EINVAL;
	}
	if (!ret && !json_object_get(o, "gateway6")) {
		snprintf(err, JERR_LEN, "\"%s\" is missing", "gateway6");
		return -EINVAL;
	}
	return ret ?: read_ip6(o, "gateway6", state->gateway6, err)
			      ?: read_ip6(o, "last_ip6", state->last_ip6, err);
}

int net6_check(const struct netstate *state, char err[JERR_LEN])
{
	const struct cidr6 *s = &state->subnet6;

	for (uint32_t i = 0; i < state->n_att; i++) {
		const struct attachment *a = &state->att[i];

		if (ip6_is_zero(a->ip6))
			continue;
		if (!s->prefix || !cidr6_contains(s, a->ip6) ||
		    !memcmp(a->ip6, state->gateway6, 16)) {
			snprintf(err, JERR_LEN,
				 "attachment %s has an IPv6 address outside the subnet or the "
				 "gateway's",
				 a->host_ifname);
			return -EINVAL;
		}
		for (uint32_t j = 0; j < i; j++)
			if (!memcmp(a->ip6, state->att[j].ip6, 16)) {
				snprintf(err, JERR_LEN,
					 "attachments %s and %s share an IPv6 address",
					 state->att[j].host_ifname, a->host_ifname);
				return -EINVAL;
			}
	}
	if (s->prefix && !cidr6_contains(s, state->gateway6)) {
		snprintf(err, JERR_LEN, "%s", "the IPv6 gateway is not inside subnet6");
		return -EINVAL;
	}
	return 0;
}
