// SPDX-License-Identifier: GPL-2.0-only OR BSD-2-Clause
/*
 * CNI CHECK: the attachment is still what ADD made and prevResult says.
 * Read-only: the reservation in the state and prevResult here; the
 * container's interface, address and routes, the node's end, the datapath
 * and the masquerade through net_verify (verify.h), its answer worded here.
 */
#include <errno.h>
#include <stdarg.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>

#include "cni_cmd.h"
#include "cni_result.h"
#include "port_publish.h"
#include "parse6.h"
#include "verify.h"

static int __attribute__((format(printf, 2, 3))) differs(struct cni_req *r, const char *fmt, ...)
{
	char what[CNI_MSG_LEN];
	va_list ap;

	va_start(ap, fmt);
	vsnprintf(what, sizeof(what), fmt, ap);
	va_end(ap);
	return cni_fail(r->e, CNI_ERR_CHECK, "container %s on network %s: %s", r->env.containerid,
			r->conf.name, what);
}

/* The attachment against the interface and address prevResult lists (its
 * MAC is the container's, which later plugins may have changed: see
 * verify.c). */
static int check_prev(struct cni_req *r, const struct netstate *state, const struct attachment *a)
{
	char want[IP_STR_LEN + 4], ip[IP_STR_LEN], want6[IP6_STR_LEN + 4], ip6[IP6_STR_LEN];
	int idx = cni_result_find_iface(r->conf.prev, a->ifname, r->env.netns);
	bool found = !a->ip, found6 = ip6_is_zero(a->ip6); /* !a->ip: an IPv6-only network */
	const char *s;
	json_t *v;
	size_t i;

	if (idx < 0)
		return differs(r, "prevResult lists no interface %s in %s", a->ifname,
			       r->env.netns);
	snprintf(want, sizeof(want), "%s/%u", ip_str(a->ip, ip), state->subnet.prefix);
	snprintf(want6, sizeof(want6), "%s/%u", ip6_str(a->ip6, ip6), state->subnet6.prefix);
	json_array_foreach (json_object_get(r->conf.prev, "ips"), i, v) {
		json_t *n = json_object_get(v, "interface");
		bool v6;

		s = json_string_value(json_object_get(v, "address"));
		if (!s || !json_is_integer(n) || json_integer_value(n) != idx)
			continue;
		v6 = strchr(s, ':') != NULL;
		if ((v6 && found6) || (!v6 && !a->ip))
			continue; /* another plugin's, or a family this reservation has none of */
		if (strcmp(s, v6 ? want6 : want))
			return differs(r, "prevResult has address %s, the reservation %s", s,
				       v6 ? want6 : want);
		*(v6 ? &found6 : &found) = true;
	}
	if (!found || !found6)
		return differs(r, "prevResult lists no IPv%d address on %s", found ? 6 : 4,
			       a->ifname);
	return 0;
}

/* The MAC prevResult gives the container's interface, or NULL. */
static const char *prev_mac(struct cni_req *r, const struct attachment *a)
{
	int idx = cni_result_find_iface(r->conf.prev, a->ifname, r->env.netns);
	json_t *i = json_array_get(json_object_get(r->conf.prev, "interfaces"), (size_t)idx);

	return idx >= 0 ? json_string_value(json_object_get(i, "mac")) : NULL;
}

/* The MTU prevResult gives the container's interface (1.1.0 results), or 0. */
static uint32_t prev_mtu(struct cni_req *r, const struct attachment *a)
{
	int idx = cni_result_find_iface(r->conf.prev, a->ifname, r->env.netns);
	json_t *i = json_array_get(json_object_get(r->conf.prev, "interfaces"), (size_t)idx);
	json_t *m = json_object_get(i, "mtu");

	return idx >= 0 && json_is_integer(m) ? (uint32_t)json_integer_value(m) : 0;
}

/*
 * The routes bpfbr made, and only those (other plugins' are theirs to
 * check): its config's with its own address management; with an IPAM
 * plugin, the routes of prevResult through the network's subnet.
 */
static uint32_t made_routes(struct cni_req *r, const struct netstate *state, struct route4 *want)
{
	const struct cni_conf *conf = &r->conf;
	uint32_t n = 0;
	json_t *v;
	size_t i;

	if (!conf->ipam_type[0]) {
		for (uint32_t k = 0; k < conf->n_routes; k++) {
			want[n] = conf->routes[k];
			want[n].gateway = want[n].gateway ?: state->gateway;
			n++;
		}
		if (conf->default_route && netstate_has_ipv4(state))
			want[n++] = (struct route4){ .gateway = state->gateway };
		return n;
	}
	json_array_foreach (json_object_get(conf->prev, "routes"), i, v) {
		const char *d = json_string_value(json_object_get(v, "dst"));
		const char *g = json_string_value(json_object_get(v, "gw"));
		struct cidr c;

		if (!d || !g || strchr(d, ':') || parse_cidr(d, &c) ||
		    parse_ipv4(g, &want[n].gateway) ||
		    !cidr_contains(&state->subnet, want[n].gateway))
			continue;
		want[n].dst = c.addr;
		want[n].prefix = c.prefix;
		n++;
	}
	return n;
}

/* The attachment against the kernel and the datapath (verify.h), worded
 * for CNI: the differences from prevResult name it. */
static int check_made(struct cni_req *r, struct netctx *c, const struct netstate *state,
		      const struct attachment *a)
{
	/* At most the config's and the default route, or prevResult's. */
	size_t max = CNI_MAX_ROUTES + 1 + json_array_size(json_object_get(r->conf.prev, "routes"));
	struct route4 *routes = calloc(max, sizeof(*routes));
	struct verify_expect x = { .netns = r->env.netns,
				   .mac = prev_mac(r, a),
				   .mtu = prev_mtu(r, a),
				   .routes = routes };
	struct verify_result res;
	bool ok;

	if (!routes)
		return cni_fail(r->e, CNI_ERR_SYSTEM, "out of memory listing the routes to check");
	x.n_routes = made_routes(r, state, routes);
	ok = net_verify(c, state, a, &x, &res);
	free(routes);
	if (ok)
		return 0;
	switch (res.what) {
	case VERIFY_NETNS_GONE:
		return cni_fail(r->e, CNI_ERR_NO_CONTAINER, "%s", res.why);
	case VERIFY_NETNS_UNREADABLE:
		return cni_fail(r->e, CNI_ERR_SYSTEM, "%s", res.why);
	case VERIFY_MAC_EXPECTED:
		return differs(r, "prevResult has MAC %s, the container's %s has %s", x.mac,
			       a->ifname, res.mac);
	case VERIFY_MTU_EXPECTED:
		return differs(r, "%s has MTU %u, prevResult says %u", a->ifname, res.mtu, x.mtu);
	default:
		return differs(r, "%s", res.why);
	}
}

/* runtimeConfig.portMappings as ADD published them, and in the datapath. */
static int check_ports(struct cni_req *r, struct netctx *c, const struct netstate *state,
		       const struct attachment *a)
{
	char why[PUBLISH_VERIFY_LEN], want[PUBLISH_STR_LEN], have[PUBLISH_STR_LEN];

	if (r->conf.pub_given) {
		for (uint32_t i = 0; i < r->conf.n_pub || i < a->n_pub; i++)
			if (i >= r->conf.n_pub || i >= a->n_pub ||
			    strcmp(publish_str(&r->conf.pub[i], want),
				   publish_str(&a->pub[i], have)))
				return differs(
					r,
					"runtimeConfig.portMappings asks for %s, ADD published %s",
					i < r->conf.n_pub ? want : "nothing more",
					i < a->n_pub ? publish_str(&a->pub[i], have)
						     : "nothing more");
	}
	if (port_publish_verify(c, state, a, why))
		return differs(r, "%s", why);
	return 0;
}

static int check_attachment(struct cni_req *r, struct netctx *c)
{
	const struct attachment *a = NULL;
	struct netstate state;
	int err;

	err = netctx_load(c, r->conf.name, &state);
	if (err)
		return cni_code(r, err, CNI_ERR_CHECK);
	for (uint32_t i = 0; i < state.n_att; i++)
		if (!strcmp(state.att[i].id, r->env.containerid) &&
		    !strcmp(state.att[i].ifname, r->env.ifname))
			a = &state.att[i];
	if (!a)
		err = differs(r, "it has no attachment (and no address reservation)");
	if (!err)
		err = check_prev(r, &state, a);
	if (!err)
		err = check_made(r, c, &state, a);
	if (!err)
		err = check_ports(r, c, &state, a);
	netstate_free(&state);
	return err;
}

int cni_check(struct cni_req *r)
{
	struct cni_delegate d = cni_delegate_of(r);
	struct netctx c;
	int err;

	if (!r->conf.prev)
		return cni_fail(r->e, CNI_ERR_CONFIG,
				"CHECK needs \"prevResult\", the result of the ADD it checks");
	err = cni_check_netns(r);
	if (!err)
		err = cni_open(r, &c, true, CNI_ERR_SYSTEM);
	if (err)
		return err;
	err = check_attachment(r, &c);
	netctx_close(&c);
	if (!err && cni_delegated(r))
		err = cni_ipam_run(&d, "CHECK", NULL, NULL, NULL, r->e);
	return err;
}
