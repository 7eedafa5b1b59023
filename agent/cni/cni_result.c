// SPDX-License-Identifier: GPL-2.0-only OR BSD-2-Clause
#include <errno.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <arpa/inet.h>

#include "cni_result.h"
#include "parse6.h"
#include "parse.h"

/* Keys that 1.1.0 added: dropped when a result goes to an older version. */
static const char *const iface_keys_110[] = { "mtu", "socketPath", "pciID", NULL };
static const char *const route_keys_110[] = { "mtu", "advmss", "priority", "table", "scope", NULL };

json_t *cni_result_new(void)
{
	return json_pack("{s:[], s:[], s:[], s:{}}", "interfaces", "ips", "routes", "dns");
}

/* "ADDR" or "ADDR/PREFIX" of either family; *family gets 4 or 6. */
static bool valid_addr(const char *s, bool with_prefix, int *family)
{
	char buf[64], *slash, *end;
	uint8_t a[16];
	long prefix;

	if (strlen(s) >= sizeof(buf))
		return false;
	strcpy(buf, s);
	slash = strchr(buf, '/');
	if (with_prefix != (slash != NULL))
		return false;
	if (slash)
		*slash = '\0';
	if (inet_pton(AF_INET, buf, a) == 1)
		*family = 4;
	else if (inet_pton(AF_INET6, buf, a) == 1)
		*family = 6;
	else
		return false;
	if (!slash)
		return true;
	if (!slash[1] || slash[1] == '-' || slash[1] == '+')
		return false;
	prefix = strtol(slash + 1, &end, 10);
	return !*end && prefix >= 0 && prefix <= (*family == 4 ? 32 : 128);
}

struct check {
	const char *what;
	struct cni_err *e;
	int err;
};

static void bad(struct check *k, const char *where, const char *why)
{
	if (!k->err)
		k->err = cni_fail(k->e, CNI_ERR_DECODE, "%s: %s %s", k->what, where, why);
}

static void want_str(struct check *k, json_t *o, const char *key, const char *where, bool required)
{
	json_t *v = json_object_get(o, key);
	char w[96];

	snprintf(w, sizeof(w), "%s.%s", where, key);
	if (!v && required)
		bad(k, w, "is missing");
	else if (v && !json_is_string(v))
		bad(k, w, "must be a string");
}

static void want_addr(struct check *k, json_t *o, const char *key, const char *where, bool required,
		      bool with_prefix, int *family)
{
	json_t *v = json_object_get(o, key);
	char w[96];

	want_str(k, o, key, where, required);
	snprintf(w, sizeof(w), "%s.%s", where, key);
	if (!k->err && v && !valid_addr(json_string_value(v), with_prefix, family))
		bad(k, w, with_prefix ? "is not an address with a prefix" : "is not an address");
}

static void want_int(struct check *k, json_t *o, const char *key, const char *where, json_int_t min,
		     json_int_t max)
{
	json_t *v = json_object_get(o, key);
	char w[96];

	snprintf(w, sizeof(w), "%s.%s", where, key);
	if (v &&
	    (!json_is_integer(v) || json_integer_value(v) < min || json_integer_value(v) > max))
		bad(k, w, "is not an integer in range");
}

static json_t *want_array(struct check *k, json_t *res, const char *key)
{
	json_t *v = json_object_get(res, key);

	if (v && !json_is_array(v))
		bad(k, key, "must be an array");
	return json_is_array(v) ? v : NULL;
}

static void check_iface(struct check *k, json_t *o, const char *where)
{
	if (!json_is_object(o)) {
		bad(k, where, "must be an object");
		return;
	}
	want_str(k, o, "name", where, true);
	want_str(k, o, "mac", where, false);
	want_str(k, o, "sandbox", where, false);
	want_str(k, o, "socketPath", where, false);
	want_str(k, o, "pciID", where, false);
	want_int(k, o, "mtu", where, 0, 65535);
}

static void check_ip(struct check *k, json_t *o, const char *where, size_t n_ifaces)
{
	int family = 0, gw_family = 0;
	json_t *ver;

	if (!json_is_object(o)) {
		bad(k, where, "must be an object");
		return;
	}
	want_addr(k, o, "address", where, true, true, &family);
	want_addr(k, o, "gateway", where, false, false, &gw_family);
	want_int(k, o, "interface", where, 0, (json_int_t)n_ifaces - 1);
	if (!k->err && gw_family && gw_family != family)
		bad(k, where, "has a gateway of another address family");
	ver = json_object_get(o, "version");
	if (!k->err && ver &&
	    !(json_is_string(ver) && json_string_value(ver)[0] == '0' + family &&
	      !json_string_value(ver)[1]))
		bad(k, where, "has a \"version\" that is not its address family (\"4\" or \"6\")");
	/* The latest shape has no "version": the address says it. */
	json_object_del(o, "version");
}

static void check_route(struct check *k, json_t *o, const char *where)
{
	int family = 0, gw_family = 0;

	if (!json_is_object(o)) {
		bad(k, where, "must be an object");
		return;
	}
	want_addr(k, o, "dst", where, true, true, &family);
	want_addr(k, o, "gw", where, false, false, &gw_family);
	if (!k->err && gw_family && gw_family != family)
		bad(k, where, "has a gw of another address family");
	want_int(k, o, "mtu", where, 0, 65535);
	want_int(k, o, "advmss", where, 0, 65535);
	want_int(k, o, "priority", where, 0, UINT32_MAX);
	want_int(k, o, "table", where, 0, UINT32_MAX);
	want_int(k, o, "scope", where, 0, 255);
}

int cni_result_import(json_t *res, enum cni_ver ver, const char *what, struct cni_err *e)
{
	struct check k = { .what = what, .e = e };
	json_t *ifaces, *ips, *routes, *v;
	char where[48];
	size_t i, n_ifaces = 0;

	if (!json_is_object(res))
		return cni_fail(e, CNI_ERR_DECODE, "%s must be a JSON object", what);
	v = json_object_get(res, "cniVersion");
	if (v && (!json_is_string(v) || cni_ver_parse(json_string_value(v), &ver)))
		return cni_fail(e, CNI_ERR_VERSION, "%s has cniVersion %s; bpfbr reads %s", what,
				json_is_string(v) ? json_string_value(v) : "(not a string)",
				cni_ver_list());
	ifaces = want_array(&k, res, "interfaces");
	ips = want_array(&k, res, "ips");
	routes = want_array(&k, res, "routes");
	v = json_object_get(res, "dns");
	if (v && !json_is_object(v))
		bad(&k, "dns", "must be an object");
	json_array_foreach (ifaces, i, v) {
		snprintf(where, sizeof(where), "interfaces[%zu]", i);
		check_iface(&k, v, where);
		n_ifaces++;
	}
	json_array_foreach (ips, i, v) {
		snprintf(where, sizeof(where), "ips[%zu]", i);
		if (ver < CNI_V100 && json_is_object(v) && !json_object_get(v, "version"))
			bad(&k, where, "has no \"version\", which results before 1.0.0 have");
		check_ip(&k, v, where, n_ifaces);
	}
	json_array_foreach (routes, i, v) {
		snprintf(where, sizeof(where), "routes[%zu]", i);
		check_route(&k, v, where);
	}
	return k.err;
}

static void del_keys(json_t *o, const char *const *keys)
{
	for (; *keys; keys++)
		json_object_del(o, *keys);
}

json_t *cni_result_export(json_t *res, enum cni_ver ver)
{
	static const char *const keys[] = { "interfaces", "ips", "routes", "dns" };
	json_t *out = json_object(), *v;
	const char *key;
	size_t i;

	if (!out || json_object_set_new(out, "cniVersion", json_string(cni_ver_name(ver))))
		goto fail;
	for (size_t k = 0; k < 4; k++) {
		v = json_deep_copy(json_object_get(res, keys[k]));
		if (k != 3 && v && !json_array_size(v)) {
			json_decref(v);
			continue; /* as the reference plugins leave them out */
		}
		if (!v && k == 3)
			v = json_object();
		if (v && json_object_set_new(out, keys[k], v))
			goto fail;
	}
	/* What the caller added besides the four, e.g. keys of a newer spec. */
	json_object_foreach (res, key, v) {
		bool known = !strcmp(key, "cniVersion");

		for (size_t k = 0; k < 4; k++)
			known |= !strcmp(key, keys[k]);
		if (!known && json_object_set_new(out, key, json_deep_copy(v)))
			goto fail;
	}
	if (ver < CNI_V110) {
		json_array_foreach (json_object_get(out, "interfaces"), i, v)
			del_keys(v, iface_keys_110);
		json_array_foreach (json_object_get(out, "routes"), i, v)
			del_keys(v, route_keys_110);
	}
	if (ver < CNI_V100) {
		json_array_foreach (json_object_get(out, "ips"), i, v) {
			const char *a = json_string_value(json_object_get(v, "address"));

			if (json_object_set_new(v, "version",
						json_string(strchr(a, ':') ? "6" : "4")))
				goto fail;
		}
	}
	return out;
fail:
	json_decref(out);
	return NULL;
}

/* Appends entry to the array res[key], made if res has none. */
static int append(json_t *res, const char *key, json_t *entry)
{
	json_t *a = json_object_get(res, key);

	if (!a && json_object_set_new(res, key, json_array()))
		goto fail;
	a = json_object_get(res, key);
	if (!entry || json_array_append_new(a, entry))
		return -ENOMEM;
	return (int)json_array_size(a) - 1;
fail:
	json_decref(entry);
	return -ENOMEM;
}

int cni_result_add_iface(json_t *res, const char *name, const uint8_t mac[6], uint32_t mtu,
			 const char *sandbox)
{
	char m[MAC_STR_LEN];
	json_t *o = json_pack("{s:s, s:s}", "name", name, "mac", mac_str(mac, m));

	if (o && mtu && json_object_set_new(o, "mtu", json_integer(mtu)))
		goto fail;
	if (o && sandbox && json_object_set_new(o, "sandbox", json_string(sandbox)))
		goto fail;
	return append(res, "interfaces", o);
fail:
	json_decref(o);
	return -ENOMEM;
}

int cni_result_add_ip(json_t *res, uint32_t ip, uint8_t prefix, uint32_t gateway, int iface)
{
	char a[IP_STR_LEN + 4], g[IP_STR_LEN];

	snprintf(a, sizeof(a), "%s/%u", ip_str(ip, g), prefix);
	return append(res, "ips",
		      json_pack("{s:i, s:s, s:s}", "interface", iface, "address", a, "gateway",
				ip_str(gateway, g)));
}

int cni_result_add_ip6(json_t *res, const uint8_t ip[16], uint8_t prefix, const uint8_t gateway[16],
		       int iface)
{
	char a[IP6_STR_LEN + 4], g[IP6_STR_LEN];

	snprintf(a, sizeof(a), "%s/%u", ip6_str(ip, g), prefix);
	return append(res, "ips",
		      json_pack("{s:i, s:s, s:s}", "interface", iface, "address", a, "gateway",
				ip6_str(gateway, g)));
}

int cni_result_add_route6_default(json_t *res, const uint8_t gateway[16])
{
	char g[IP6_STR_LEN];

	return append(res, "routes",
		      json_pack("{s:s, s:s}", "dst", "::/0", "gw", ip6_str(gateway, g)));
}

int cni_result_add_route(json_t *res, uint32_t dst, uint8_t prefix, uint32_t gateway)
{
	char d[IP_STR_LEN + 4], g[IP_STR_LEN];
	json_t *o;

	snprintf(d, sizeof(d), "%s/%u", ip_str(dst, g), prefix);
	o = json_pack("{s:s}", "dst", d);
	if (o && gateway && json_object_set_new(o, "gw", json_string(ip_str(gateway, g)))) {
		json_decref(o);
		return -ENOMEM;
	}
	return append(res, "routes", o);
}

int cni_result_append(json_t *res, json_t *from)
{
	size_t shift = json_array_size(json_object_get(res, "interfaces")), i;
	const char *keys[] = { "interfaces", "ips", "routes" };
	json_t *v, *c, *idx;

	for (size_t k = 0; k < 3; k++) {
		json_array_foreach (json_object_get(from, keys[k]), i, v) {
			c = json_deep_copy(v);
			idx = json_object_get(c, "interface");
			if (k == 1 && idx &&
			    json_integer_set(idx, json_integer_value(idx) + (json_int_t)shift)) {
				json_decref(c);
				return -ENOMEM;
			}
			if (append(res, keys[k], c) < 0)
				return -ENOMEM;
		}
	}
	return 0;
}

static int lease_ip(json_t *o, struct cni_lease *l, const char *what, struct cni_err *e)
{
	const char *a = json_string_value(json_object_get(o, "address"));
	const char *g = json_string_value(json_object_get(o, "gateway"));
	struct cidr c;

	if (strchr(a, ':'))
		return cni_fail(e, CNI_ERR_CONFIG,
				"%s returned IPv6 address %s; bpfbr networks are IPv4 only: give "
				"the IPAM plugin IPv4 ranges only",
				what, a);
	if (l->ip)
		return cni_fail(e, CNI_ERR_CONFIG,
				"%s returned more than one IPv4 address; a bpfbr container gets "
				"one address per network",
				what);
	if (parse_cidr(a, &c) || c.prefix > 30 || (g && parse_ipv4(g, &l->gateway)))
		return cni_fail(e, CNI_ERR_CONFIG,
				"%s returned %s, which is not a host address in an IPv4 subnet",
				what, a);
	l->ip = c.addr;
	l->prefix = c.prefix;
	return 0;
}

static int lease_route(json_t *o, struct cni_lease *l, const char *what, struct cni_err *e)
{
	const char *d = json_string_value(json_object_get(o, "dst"));
	const char *g = json_string_value(json_object_get(o, "gw"));
	struct route4 *r = &l->routes[l->n_routes];
	struct cidr c;

	if (strchr(d, ':'))
		return cni_fail(e, CNI_ERR_CONFIG,
				"%s returned a route to %s; bpfbr networks are IPv4 only", what, d);
	if (l->n_routes == CNI_MAX_ROUTES)
		return cni_fail(e, CNI_ERR_CONFIG, "%s returned more than %d routes", what,
				CNI_MAX_ROUTES);
	if (parse_cidr(d, &c) || (c.addr & ~prefix_mask(c.prefix)))
		return cni_fail(e, CNI_ERR_CONFIG, "%s returned a route to %s, not a network", what,
				d);
	r->dst = c.addr;
	r->prefix = c.prefix;
	r->gateway = 0;
	if (g && parse_ipv4(g, &r->gateway))
		return cni_fail(e, CNI_ERR_CONFIG, "%s returned route gateway %s", what, g);
	l->n_routes++;
	return 0;
}

int cni_result_lease(json_t *res, struct cni_lease *l, struct cni_err *e)
{
	const char *what = "the IPAM plugin";
	json_t *v;
	size_t i;
	int err = 0;

	memset(l, 0, sizeof(*l));
	json_array_foreach (json_object_get(res, "ips"), i, v)
		if (!err)
			err = lease_ip(v, l, what, e);
	json_array_foreach (json_object_get(res, "routes"), i, v)
		if (!err)
			err = lease_route(v, l, what, e);
	if (!err && !l->ip)
		err = cni_fail(e, CNI_ERR_CONFIG, "%s returned no IPv4 address", what);
	v = json_object_get(res, "dns");
	if (json_object_size(v))
		l->dns = v;
	return err;
}

int cni_result_find_iface(json_t *res, const char *name, const char *sandbox)
{
	json_t *v;
	size_t i;

	json_array_foreach (json_object_get(res, "interfaces"), i, v) {
		const char *n = json_string_value(json_object_get(v, "name"));
		const char *s = json_string_value(json_object_get(v, "sandbox"));

		if (n && s && !strcmp(n, name) && !strcmp(s, sandbox))
			return (int)i;
	}
	return -ENOENT;
}
