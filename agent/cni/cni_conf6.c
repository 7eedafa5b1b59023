// SPDX-License-Identifier: GPL-2.0-only OR BSD-2-Clause
#include <arpa/inet.h>
#include <stdio.h>
#include <string.h>

#include "cni_conf6.h"
#include "parse6.h"

/* A string of at most size - 1 bytes at key, into buf. */
static int str_at(json_t *v, const char *key, char *buf, size_t size, struct cni_err *e)
{
	if (!json_is_string(v) || json_string_length(v) >= size)
		return cni_fail(e, CNI_ERR_CONFIG, "\"%s\" must be an address string", key);
	snprintf(buf, size, "%s", json_string_value(v));
	return 0;
}

/* One range {subnet, gateway, rangeStart, rangeEnd} of the set at key: IPv4 or IPv6. */
static int one_range(struct cni_conf *c, json_t *r, const char *key, bool *v6, struct cni_err *e)
{
	char buf[64], k[64];
	struct cidr6 s6;
	const char *name;
	json_t *x;
	int err = 0;

	if (!json_is_object(r) || !json_is_string(json_object_get(r, "subnet")))
		return cni_fail(e, CNI_ERR_CONFIG, "\"%s\" must be an object with a \"subnet\"",
				key);
	*v6 = is_ipv6_text(json_string_value(json_object_get(r, "subnet")));
	json_object_foreach (r, name, x) {
		snprintf(k, sizeof(k), "%s.%s", key, name);
		err = str_at(x, k, buf, sizeof(buf), e);
		if (err)
			return err;
		if (!strcmp(name, "subnet") && *v6) {
			if (parse_cidr6(buf, &s6) || !s6.prefix)
				return cni_fail(e, CNI_ERR_CONFIG,
						"\"%s\" \"%s\" is not an IPv6 prefix such as "
						"fd00:40::/64",
						k, buf);
			c->subnet6 = s6;
		} else if (!strcmp(name, "subnet")) {
			if (parse_cidr(buf, &c->subnet) ||
			    (c->subnet.addr & ~prefix_mask(c->subnet.prefix)))
				return cni_fail(e, CNI_ERR_CONFIG,
						"\"%s\" \"%s\" is not an IPv4 subnet such as "
						"10.40.0.0/24",
						k, buf);
		} else if (!strcmp(name, "gateway")) {
			if (*v6 ? parse_ipv6(buf, c->gateway6) : parse_ipv4(buf, &c->gateway))
				return cni_fail(e, CNI_ERR_CONFIG,
						"\"%s\" \"%s\" is not an IPv%d address", k, buf,
						*v6 ? 6 : 4);
		} else if (!*v6 && (!strcmp(name, "rangeStart") || !strcmp(name, "rangeEnd"))) {
			uint32_t *to = name[5] == 'S' ? &c->range_start : &c->range_end;

			if (parse_ipv4(buf, to))
				return cni_fail(e, CNI_ERR_CONFIG,
						"\"%s\" \"%s\" is not an IPv4 address", k, buf);
		} else {
			return cni_fail(e, CNI_ERR_UNSUPPORTED,
					"unsupported key \"%s\"; an %s range has \"subnet\" and "
					"\"gateway\"%s",
					k, *v6 ? "IPv6" : "IPv4",
					*v6 ? " (addresses are handed out round-robin)"
					    : ", \"rangeStart\", \"rangeEnd\"");
		}
	}
	return 0;
}

int cni_conf6_ranges(struct cni_conf *c, json_t *v, struct cni_err *e)
{
	bool seen4 = false, seen6 = false, v6 = false;
	uint32_t base, mask;
	char key[32];
	json_t *set;
	size_t i;
	int err;

	if (!json_is_array(v) || !json_array_size(v) || json_array_size(v) > 2)
		return cni_fail(e, CNI_ERR_CONFIG,
				"\"ranges\" must be an array of one or two range sets (one per "
				"address family), e.g. [[{\"subnet\": \"10.40.0.0/24\"}], "
				"[{\"subnet\": \"fd00:40::/64\"}]]");
	json_array_foreach (v, i, set) {
		snprintf(key, sizeof(key), "ranges[%zu]", i);
		if (!json_is_array(set) || json_array_size(set) != 1)
			return cni_fail(e, CNI_ERR_UNSUPPORTED,
					"\"%s\" must be a range set of exactly one range (a "
					"network has one subnet per family)",
					key);
		snprintf(key, sizeof(key), "ranges[%zu][0]", i);
		err = one_range(c, json_array_get(set, 0), key, &v6, e);
		if (err)
			return err;
		if (v6 ? seen6 : seen4)
			return cni_fail(e, CNI_ERR_CONFIG,
					"\"ranges\" has two IPv%d range sets; give one per family",
					v6 ? 6 : 4);
		*(v6 ? &seen6 : &seen4) = true;
	}
	if (!seen4)
		return 0; /* an IPv6-only network */
	/* One bound given: the other is the subnet's end, as for the top-level keys. */
	base = ntohl(c->subnet.addr);
	mask = prefix_mask(c->subnet.prefix);
	if (c->range_start && !c->range_end)
		c->range_end = htonl((base | ~ntohl(mask)) - 1);
	if (c->range_end && !c->range_start)
		c->range_start = htonl(base + 1);
	return 0;
}

int cni_conf6_route(struct cni_conf *c, json_t *r, const char *key, struct cni_err *e)
{
	const char *dst = json_string_value(json_object_get(r, "dst"));
	json_t *gw = json_object_get(r, "gw");
	uint8_t g[16];
	struct cidr6 d;

	if (!dst || parse_cidr6(dst, &d) || d.prefix || !ip6_is_zero(d.addr))
		return cni_fail(e, CNI_ERR_UNSUPPORTED,
				"\"%s\": the only IPv6 route bpfbr makes is \"::/0\" via the "
				"network's IPv6 gateway, not \"%.64s\"",
				key, dst ? dst : "?");
	if (gw && (!json_is_string(gw) || parse_ipv6(json_string_value(gw), g) ||
		   (!ip6_is_zero(c->gateway6) && memcmp(g, c->gateway6, 16))))
		return cni_fail(e, CNI_ERR_UNSUPPORTED,
				"\"%s.gw\" must be the network's IPv6 gateway (or be left out)",
				key);
	c->default_route6 = true;
	return 0;
}

int cni_conf6_request_ip(struct cni_conf *c, const char *s, const char *from, int prio,
			 struct cni_err *e)
{
	char buf[64], *slash, a[IP6_STR_LEN], b[IP6_STR_LEN];
	uint8_t ip[16];

	snprintf(buf, sizeof(buf), "%s", s);
	slash = strchr(buf, '/');
	if (slash)
		*slash = 0;
	if (parse_ipv6(buf, ip))
		return cni_fail(e, CNI_ERR_CONFIG, "%s \"%.64s\" is not an IPv6 address", from, s);
	if (prio == 1 && c->ip6_from > 1)
		return 0; /* the config's addresses take precedence over CNI_ARGS */
	if (!ip6_is_zero(c->ip6) && memcmp(c->ip6, ip, 16))
		return cni_fail(e, CNI_ERR_ADDRESS,
				"%s asks for %s but %s was asked for already; a container gets "
				"one address per family",
				from, ip6_str(ip, a), ip6_str(c->ip6, b));
	memcpy(c->ip6, ip, 16);
	c->ip6_from = prio;
	return 0;
}
