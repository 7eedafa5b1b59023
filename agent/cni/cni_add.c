// SPDX-License-Identifier: GPL-2.0-only OR BSD-2-Clause
/*
 * CNI ADD and DEL. ADD creates the network on first use from the config
 * (or checks that the existing one agrees), attaches the container through
 * net_attach and reports what it made; any failure undoes all of it,
 * including the IPAM plugin's reservation. DEL removes what ADD made and
 * succeeds however often it runs.
 */
#include <errno.h>
#include <stdio.h>
#include <string.h>
#include <arpa/inet.h>

#include "cluster_tunnel.h"
#include "cni_cluster.h"
#include "cni_cmd.h"
#include "cni_result.h"
#include "gwallow.h"
#include "ipam.h"
#include "log.h"
#include "network.h"
#include "net_restore.h"
#include "state.h"

/* What the network is made of, from the config or the IPAM plugin's lease. */
struct want {
	struct cidr subnet;
	uint32_t gateway;
	uint32_t range_start, range_end;
	struct route4 routes[CNI_MAX_ROUTES + 1];
	uint32_t n_routes;
	json_t *dns;
};

static int create_network(struct cni_req *r, struct netctx *c, const struct want *w)
{
	const struct cni_conf *conf = &r->conf;
	struct net_opts o = { .name = conf->name,
			      .subnet = w->subnet,
			      .gateway = w->gateway,
			      .mtu = conf->mtu,
			      .no_spoofchk = !conf->spoofchk,
			      .hairpin = conf->hairpin,
			      .datapath = conf->datapath,
			      .device = conf->device,
			      .gateway_brd = true,
			      .mode = ATTACH_PROBE,
			      .masquerade = conf->masquerade,
			      .range_start = w->range_start,
			      .range_end = w->range_end,
			      .dns = &conf->dns,
			      .gateway_allow = conf->gateway_allow };
	struct nl_link up;
	int err;

	o.subnet6 = conf->subnet6; /* bpfbr's own IPAM only: a delegate's lease is IPv4 */
	memcpy(o.gateway6, conf->gateway6, 16);
	/* An uplink without ipMasq routes the containers' own addresses (as
	 * `net create --uplink` without --masquerade). */
	if (conf->node_cgroup[0] && !conf->masquerade)
		return cni_fail(r->e, CNI_ERR_CONFIG,
				"\"nodeCgroup\" is for published ports, which need \"ipMasq\": "
				"true; set it or remove \"nodeCgroup\"");
	o.up.node_cgroup = conf->node_cgroup[0] ? conf->node_cgroup : NULL;
	if (conf->masquerade || conf->uplink[0]) {
		err = cni_uplink(r, c, &up);
		if (err)
			return err;
		o.up.ifname = up.name;
		/* Containers get the uplink's MTU: what leaves through it fits
		 * (in a VXLAN cluster, encapsulated). */
		if (!o.mtu && up.mtu >= 68)
			o.mtu = cluster_net_mtu(c, &w->subnet, up.name, up.mtu);
	}
	err = net_create(c, &o);
	if (err)
		return cni_code(r, err,
				err == -EINVAL	 ? CNI_ERR_CONFIG
				: err == -EEXIST ? CNI_ERR_CONFLICT
						 : CNI_ERR_SYSTEM);
	return 0;
}

/* One setting on which the network and the config disagree. */
static int differs(struct cni_req *r, const char *setting, const char *has, const char *asks)
{
	return cni_fail(r->e, CNI_ERR_CONFLICT,
			"network %s exists with %s %s, but this config asks for %s; a network's "
			"settings are fixed when it is created: give this config another "
			"\"name\", or delete the network once no container uses it (bpfbr net "
			"delete %s)",
			r->conf.name, setting, has, asks, r->conf.name);
}

static const char *yes_no(bool v)
{
	return v ? "true" : "false";
}

static int compare_network(struct cni_req *r, const struct netstate *state, const struct want *w)
{
	const struct cni_conf *conf = &r->conf;
	char a[40], b[40], x[IP_STR_LEN], y[IP_STR_LEN], allow[GATEWAY_ALLOW_LEN], why[128];
	struct netstate asked = { .subnet = w->subnet,
				  .range_start = w->range_start,
				  .range_end = w->range_end };
	uint32_t f1, l1, f2, l2;

	if (state->subnet.addr != w->subnet.addr || state->subnet.prefix != w->subnet.prefix) {
		snprintf(a, sizeof(a), "%s/%u", ip_str(state->subnet.addr, x),
			 state->subnet.prefix);
		snprintf(b, sizeof(b), "%s/%u", ip_str(w->subnet.addr, y), w->subnet.prefix);
		return differs(r, "subnet", a, b);
	}
	if (state->gateway != w->gateway)
		return differs(r, "gateway", ip_str(state->gateway, x), ip_str(w->gateway, y));
	if (state->subnet6.prefix != conf->subnet6.prefix ||
	    memcmp(state->subnet6.addr, conf->subnet6.addr, 16) ||
	    (!ip6_is_zero(conf->gateway6) && memcmp(state->gateway6, conf->gateway6, 16)))
		return differs(r, "IPv6 subnet or gateway",
			       state->subnet6.prefix ? "another" : "none",
			       conf->subnet6.prefix ? "another" : "none");
	ipam_range(state, &f1, &l1);
	ipam_range(&asked, &f2, &l2);
	if (f1 != f2 || l1 != l2) {
		snprintf(a, sizeof(a), "%s-%s", ip_str(htonl(f1), x), ip_str(htonl(l1), y));
		snprintf(b, sizeof(b), "%s-%s", ip_str(htonl(f2), x), ip_str(htonl(l2), y));
		return differs(r, "address range", a, b);
	}
	if (state->masquerade != conf->masquerade)
		return differs(r, "ipMasq", yes_no(state->masquerade), yes_no(conf->masquerade));
	if (conf->uplink[0] && strcmp(state->uplink, conf->uplink))
		return differs(r, "uplink", state->uplink, conf->uplink);
	if (conf->mtu && state->mtu != conf->mtu) {
		snprintf(a, sizeof(a), "%u", state->mtu);
		snprintf(b, sizeof(b), "%u", conf->mtu);
		return differs(r, "mtu", a, b);
	}
	if (state->hairpin != conf->hairpin)
		return differs(r, "hairpinMode", yes_no(state->hairpin), yes_no(conf->hairpin));
	if (state->spoofchk != conf->spoofchk)
		return differs(r, "macspoofchk", yes_no(state->spoofchk), yes_no(conf->spoofchk));
	if (state->datapath != conf->datapath)
		return differs(r, "datapath", datapath_mode_name(state->datapath),
			       datapath_mode_name(conf->datapath));
	if (conf->device != DEVICE_AUTO && state->device != conf->device)
		return differs(r, "device", port_device_name(state->device),
			       port_device_name(conf->device));
	/* DNS may differ per container (the result carries the config's), as
	 * with the bridge plugin: the services the network opens on its
	 * gateway follow from its own DNS. */
	if (gwallow_network(conf->gateway_allow, w->gateway, &state->dns, allow, sizeof(allow), why,
			    sizeof(why)))
		return cni_fail(r->e, CNI_ERR_CONFIG, "\"gatewayAllow\": %s", why);
	if (strcmp(state->gateway_allow, allow))
		return differs(r, "gatewayAllow",
			       state->gateway_allow[0] ? state->gateway_allow : "none",
			       allow[0] ? allow : "none");
	/* The network's services and what this config's DNS needs on the gateway. */
	if (!gwallow_network(state->gateway_allow, w->gateway, &conf->dns, allow, sizeof(allow),
			     why, sizeof(why)) &&
	    strcmp(state->gateway_allow, allow))
		return cni_fail(r->e, CNI_ERR_CONFLICT,
				"\"dns\" names the gateway %s as a nameserver, but network %s does "
				"not let containers reach DNS there (gatewayAllow %s); add "
				"\"udp/53\" and \"tcp/53\" to \"gatewayAllow\" when the network "
				"is made, or name another nameserver",
				ip_str(w->gateway, x), r->conf.name,
				state->gateway_allow[0] ? state->gateway_allow : "none");
	return 0;
}

/* The network as the config wants it: made now, or the existing one if it agrees. */
static int ensure_network(struct cni_req *r, struct netctx *c, const struct want *w,
			  struct netstate *state, bool *created)
{
	int err = state_load(&c->p, r->conf.name, state);

	*created = false;
	if (err == -ENOENT) {
		err = create_network(r, c, w);
		if (err)
			return err;
		*created = true;
		err = state_load(&c->p, r->conf.name, state);
	}
	if (err)
		return cni_code(r, err, CNI_ERR_SYSTEM);
	err = compare_network(r, state, w);
	if (!err && !*created) {
		/* Made again if the kernel lost part of it (a reboot); the addresses of
		 * containers gone without a DEL come back if the range is full. */
		netstate_free(state);
		err = net_ensure(c, r->conf.name);
		if (!err)
			err = state_load(&c->p, r->conf.name, state);
		return err ? cni_code(r, err, CNI_ERR_SYSTEM) : 0;
	}
	if (err)
		netstate_free(state);
	return err;
}

/* Subnet, gateway, routes and DNS: from the config, or from the IPAM plugin. */
static int want_of(struct cni_req *r, const struct cni_lease *l, struct want *w)
{
	const struct cni_conf *conf = &r->conf;
	const struct route4 *routes = l ? l->routes : conf->routes;
	char x[IP_STR_LEN], y[IP_STR_LEN], z[IP_STR_LEN];

	memset(w, 0, sizeof(*w));
	if (l) {
		w->subnet.prefix = l->prefix;
		w->subnet.addr = l->ip & prefix_mask(l->prefix);
		w->gateway = l->gateway;
		w->n_routes = l->n_routes;
	} else {
		w->subnet = conf->subnet;
		w->gateway = conf->gateway;
		w->range_start = conf->range_start;
		w->range_end = conf->range_end;
		w->n_routes = conf->n_routes;
	}
	if (!w->gateway && w->subnet.prefix) /* (none on an IPv6-only network) */
		w->gateway = htonl(ntohl(w->subnet.addr) + 1);
	memcpy(w->routes, routes, w->n_routes * sizeof(*routes));
	if (conf->default_route)
		w->routes[w->n_routes++] = (struct route4){ .gateway = w->gateway };
	/* (The gateway itself is checked with the network.) */
	for (uint32_t i = 0; i < w->n_routes; i++)
		if (w->routes[i].gateway && w->routes[i].gateway != w->gateway &&
		    !cidr_contains(&w->subnet, w->routes[i].gateway))
			return cni_fail(r->e, CNI_ERR_CONFIG,
					"the route to %s/%u goes via %s, which is not in the "
					"network's subnet %s/%u",
					ip_str(w->routes[i].dst, x), w->routes[i].prefix,
					ip_str(w->routes[i].gateway, y), ip_str(w->subnet.addr, z),
					w->subnet.prefix);
	w->dns = conf->dns_json ?: (l ? l->dns : NULL);
	return 0;
}

/* interfaces: the gateway device (the bridge's place), the node's veth end, the
 * container's; ips on the container's; routes and dns. */
static json_t *build_result(struct cni_req *r, struct netctx *c, const struct netstate *state,
			    const struct attachment *a, const struct want *w)
{
	json_t *res = cni_result_new(), *out;
	struct nl_link host;
	int idx = 0;

	if (nl_link_get(&c->nl, a->host_ifname, 0, &host))
		memset(&host, 0, sizeof(host));
	if (!res || cni_result_add_iface(res, state->gw_dev, state->gw_mac, state->mtu, NULL) < 0 ||
	    cni_result_add_iface(res, a->host_ifname, host.mac, state->mtu, NULL) < 0 ||
	    (idx = cni_result_add_iface(res, a->ifname, a->mac, state->mtu, r->env.netns)) < 0 ||
	    (a->ip && cni_result_add_ip(res, a->ip, state->subnet.prefix, state->gateway, idx) < 0))
		goto fail;
	if (!ip6_is_zero(a->ip6) &&
	    cni_result_add_ip6(res, a->ip6, state->subnet6.prefix, state->gateway6, idx) < 0)
		goto fail;
	for (uint32_t i = 0; i < w->n_routes; i++)
		if (cni_result_add_route(res, w->routes[i].dst, w->routes[i].prefix,
					 w->routes[i].gateway) < 0)
			goto fail;
	if (!ip6_is_zero(a->ip6) && r->conf.default_route6 &&
	    cni_result_add_route6_default(res, state->gateway6) < 0)
		goto fail;
	if (w->dns && json_object_set_new(res, "dns", json_deep_copy(w->dns)))
		goto fail;
	if (!r->conf.prev)
		return res;
	/* In a chain: what the plugins before us reported, then ours. */
	out = json_deep_copy(r->conf.prev);
	if (!out || cni_result_append(out, res) ||
	    (w->dns && json_object_set(out, "dns", json_object_get(res, "dns")))) {
		json_decref(out);
		goto fail;
	}
	json_decref(res);
	return out;
fail:
	json_decref(res);
	return NULL;
}

static int attach_code(int err)
{
	switch (err) {
	case -ENOSPC:
		return CNI_ERR_NO_ADDRESS;
	case -EADDRINUSE:
	case -EINVAL:
		return CNI_ERR_ADDRESS;
	case -EEXIST:
		return CNI_ERR_EXISTS;
	case -ENOENT:
		return CNI_ERR_NO_CONTAINER;
	case -EXDEV:
		return CNI_ERR_CONFLICT;
	default:
		return CNI_ERR_SYSTEM;
	}
}

/* Attaches into the network (made first if need be); undoes all on failure. */
static int add_to_network(struct cni_req *r, struct netctx *c, const struct want *w, uint32_t ip,
			  json_t **result)
{
	struct attach_opts o = { .net = r->conf.name,
				 .netns = r->env.netns,
				 .ifname = r->env.ifname,
				 .id = r->env.containerid,
				 .ip = ip,
				 .mac = r->conf.mac_from ? r->conf.mac : NULL,
				 .cni = true,
				 .brd = true,
				 .routes = w->routes,
				 .n_routes = w->n_routes,
				 .pub = r->conf.pub,
				 .n_pub = r->conf.n_pub,
				 .default_route6 = r->conf.default_route6 };
	struct detach_sel sel = { .net = r->conf.name,
				  .id = r->env.containerid,
				  .ifname = r->env.ifname };
	struct attachment a;
	struct netstate state;
	bool created;
	int err;

	memcpy(o.ip6, r->conf.ip6, 16);
	err = cni_cluster_check(r, c, &w->subnet, ip);
	if (!err)
		err = ensure_network(r, c, w, &state, &created);
	if (err)
		return err;
	if (!ip6_is_zero(o.ip6) && !state.subnet6.prefix) {
		char ip6[IP6_STR_LEN];

		err = cni_fail(r->e, CNI_ERR_ADDRESS,
			       "the config asks for IPv6 address %s but network %s is IPv4 only; "
			       "give it an IPv6 range set in \"ranges\"",
			       ip6_str(o.ip6, ip6), r->conf.name);
		goto undo_network;
	}
	err = cni_cluster_settle(r, c, &w->subnet);
	if (err)
		goto undo_network;
	err = net_attach(c, &o, &a);
	if (err) {
		cni_code(r, err, attach_code(err));
		goto undo_network;
	}
	*result = build_result(r, c, &state, &a, w);
	if (!*result) {
		err = cni_code(r, -ENOMEM, CNI_ERR_SYSTEM);
		net_detach(c, &sel, true);
		goto undo_network;
	}
	netstate_free(&state);
	return 0;

undo_network:
	if (created)
		net_delete(c, r->conf.name, false);
	netstate_free(&state);
	return err;
}

int cni_add(struct cni_req *r, json_t **result)
{
	struct cni_delegate d = cni_delegate_of(r);
	json_t *ipam = NULL;
	struct cni_lease l;
	struct netctx c;
	struct want w;
	int err;

	err = cni_check_netns(r);
	if (!err)
		err = cni_open(r, &c, true, CNI_ERR_SYSTEM);
	if (err)
		return err;
	if (cni_delegated(r)) {
		err = cni_ipam_run(&d, "ADD", NULL, NULL, &ipam, r->e);
		if (!err)
			err = cni_result_lease(ipam, &l, r->e);
		if (!err)
			err = want_of(r, &l, &w);
		if (!err)
			err = add_to_network(r, &c, &w, l.ip, result);
		if (err)
			cni_ipam_run(&d, "DEL", NULL, NULL, NULL, r->e);
		json_decref(ipam);
	} else {
		err = want_of(r, NULL, &w);
		if (!err)
			err = add_to_network(r, &c, &w, r->conf.ip, result);
	}
	netctx_close(&c);
	return err;
}

int cni_del(struct cni_req *r)
{
	struct detach_sel sel = { .net = r->conf.name,
				  .id = r->env.containerid,
				  .ifname = r->env.ifname };
	struct cni_delegate d = cni_delegate_of(r);
	struct netstate state;
	struct netctx c;
	int err, err2 = 0;

	err = cni_open(r, &c, true, CNI_ERR_SYSTEM);
	if (err)
		return err;
	/* No network: ADD never got that far; nothing of ours to remove. */
	err = state_load(&c.p, r->conf.name, &state);
	if (!err) {
		netstate_free(&state);
		err = net_detach(&c, &sel, true);
	}
	if (err == -ENOENT)
		err = 0;
	if (err)
		cni_code(r, err, err == -EXDEV ? CNI_ERR_CONFLICT : CNI_ERR_SYSTEM);
	netctx_close(&c);
	/* The reservation goes even when the rest could not. */
	if (cni_delegated(r))
		err2 = cni_ipam_run(&d, "DEL", NULL, NULL, NULL, r->e);
	return err ?: err2;
}
