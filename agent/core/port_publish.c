// SPDX-License-Identifier: GPL-2.0-only OR BSD-2-Clause
#include <errno.h>
#include <netinet/in.h>
#include <stdio.h>
#include <string.h>

#include <limits.h>
#include <unistd.h>

#include "log.h"
#include "netns.h"
#include "pin_layout.h"
#include "pubsock.h"
#include "node_port.h"
#include "port_hairpin.h"
#include "port_publish.h"
#include "state.h"
#include "uplink.h"
#include "uplinkdp.h"
#include "uplinkdp_publish.h"

/* Who holds a host port of the request: the first published range of
 * another container on the same uplink that overlaps one of a's. */
struct holder_query {
	const char *uplink;
	const struct attachment *a;
	const struct publish *mine; /* out: a's range that collides */
	char who[200];
};

static int find_holder(struct netstate *state, void *arg)
{
	struct holder_query *q = arg;
	char ip[IP_STR_LEN], s[PUBLISH_STR_LEN];

	if (!state->masquerade || strcmp(state->uplink, q->uplink))
		return 0;
	for (uint32_t i = 0; i < state->n_att; i++) {
		const struct attachment *o = &state->att[i];

		for (uint32_t j = 0; j < o->n_pub; j++)
			for (uint32_t k = 0; k < q->a->n_pub; k++) {
				if (!publish_overlap(&o->pub[j], &q->a->pub[k]))
					continue;
				q->mine = &q->a->pub[k];
				snprintf(q->who, sizeof(q->who), "%s %.80s of network %s (%s, %s)",
					 o->cni ? "container" : "namespace",
					 o->cni ? o->id : o->netns, state->name, ip_str(o->ip, ip),
					 publish_str(&o->pub[j], s));
				return 1;
			}
	}
	return 0;
}

/* What a's ranges ask for by themselves: the uplink's address, no range twice. */
static int check_request(const struct netstate *state, const struct attachment *a, uint32_t addr)
{
	char ip[IP_STR_LEN], up[IP_STR_LEN], s[PUBLISH_STR_LEN], t[PUBLISH_STR_LEN];

	for (uint32_t i = 0; i < a->n_pub; i++) {
		if (a->pub[i].host_ip && a->pub[i].host_ip != addr) {
			pr_err("--publish %s: %s is not the node's address on uplink %s (%s): "
			       "publish on %s, or give no address",
			       publish_str(&a->pub[i], s), ip_str(a->pub[i].host_ip, ip),
			       state->uplink, ip_str(addr, up), up);
			return -EADDRNOTAVAIL;
		}
		for (uint32_t j = 0; j < i; j++)
			if (publish_overlap(&a->pub[i], &a->pub[j])) {
				pr_err("--publish %s and %s publish the same host port: give each "
				       "host port once",
				       publish_str(&a->pub[j], s), publish_str(&a->pub[i], t));
				return -EINVAL;
			}
	}
	return 0;
}

/* A socket of the node on a host port of a's ranges. */
static int check_node_sockets(const struct attachment *a, uint32_t addr)
{
	char ip[IP_STR_LEN], s[PUBLISH_STR_LEN];

	for (uint32_t i = 0; i < a->n_pub; i++) {
		const struct publish *p = &a->pub[i];

		for (uint32_t n = 0; n < p->count; n++) {
			uint16_t port = (uint16_t)(p->host_port + n);
			int held = node_port_held(addr, p->proto, htons(port));

			if (held < 0) {
				pr_err("--publish %s: cannot tell whether a socket of the node "
				       "holds "
				       "%s:%u/%s: %s",
				       publish_str(p, s), ip_str(addr, ip), port,
				       publish_proto_name(p->proto), strerror(-held));
				return held;
			}
			if (held) {
				pr_err("--publish %s: port %u/%s of %s is held by a socket of the "
				       "node (see: ss -lnp%c 'sport = :%u'); stop it or choose "
				       "another host port",
				       publish_str(p, s), port, publish_proto_name(p->proto),
				       ip_str(addr, ip), p->proto == IPPROTO_UDP ? 'u' : 't', port);
				return -EADDRINUSE;
			}
		}
	}
	return 0;
}

static int write_ranges(const struct uplinkdp *u, const char *uplink, const struct attachment *a,
			uint32_t addr)
{
	struct bpfbr_pub_target t = { .addr = a->ip }, held;
	char ip[IP_STR_LEN], s[PUBLISH_STR_LEN];
	int err;

	for (uint32_t i = 0; i < a->n_pub; i++) {
		const struct publish *p = &a->pub[i];

		for (uint32_t n = 0; n < p->count; n++) {
			struct bpfbr_pub_key k = { .addr = addr,
						   .port = htons((uint16_t)(p->host_port + n)),
						   .proto = p->proto };

			t.port = htons((uint16_t)(p->port + n));
			err = uplinkdp_publish_add(u, &k, &t, &held);
			if (err == -EEXIST && held.addr == t.addr && held.port == t.port)
				continue; /* there already (a restore) */
			if (err == -EEXIST)
				pr_err("--publish %s: host port %u/%s is published already, to %s "
				       "(not in bpfbr's state: see bpfbr gc); choose another host "
				       "port",
				       publish_str(p, s), p->host_port + n,
				       publish_proto_name(p->proto), ip_str(held.addr, ip));
			else if (err == -EOPNOTSUPP)
				pr_err("the masquerade datapath of uplink %s predates published "
				       "ports: run bpfbr upgrade",
				       uplink);
			else if (err)
				pr_err("cannot publish %s to %s: %s", publish_str(p, s),
				       ip_str(a->ip, ip), strerror(-err));
			if (err)
				return err; /* the caller's undo removes what was written */
		}
	}
	return 0;
}

/* a's namespace in the uplink's hairpin map, when the uplink has socket hooks (pubsock.h). */
static int hairpin_add(struct netctx *c, const struct netstate *state, const struct attachment *a)
{
	char dir[PATH_MAX];
	uint64_t cookie;
	int fd, err;

	if (!state->masquerade)
		return 0;
	err = pin_uplink_dir(&c->p, state->uplink, dir, sizeof(dir));
	fd = err ? err : netns_open(a->netns);
	if (fd < 0)
		err = fd;
	if (!err) {
		err = netns_cookie(fd, &cookie);
		close(fd);
	}
	if (!err)
		err = pubsock_hairpin_add(dir, cookie, a->ip);
	if (err)
		pr_err("cannot let namespace %s reach published ports on uplink %s (hairpin): %s",
		       a->netns, state->uplink, strerror(-err));
	return err;
}

int port_publish(struct netctx *c, const struct netstate *state, const struct attachment *a)
{
	struct holder_query q = { .uplink = state->uplink, .a = a };
	struct bpfbr_uplink_cfg cfg;
	char s[PUBLISH_STR_LEN];
	struct uplinkdp u;
	int err;

	if (!a->ip && a->n_pub) {
		pr_err("--publish %s: network %s has no IPv4 subnet, and published ports are "
		       "IPv4's; give the network an IPv4 subnet too",
		       publish_str(&a->pub[0], s), state->name);
		return -EINVAL;
	}
	if (!a->n_pub)
		return a->ip ? hairpin_add(c, state, a) : 0;
	if (!state->masquerade) {
		pr_err("--publish %s: network %s does not masquerade through an uplink, and a "
		       "published port needs one: create it with --uplink IFNAME --masquerade",
		       publish_str(&a->pub[0], s), state->name);
		return -EINVAL;
	}
	err = uplink_dp_open(c, state->uplink, &u);
	if (err)
		return err;
	err = uplinkdp_config_get(&u, &cfg);
	if (err)
		pr_err("cannot read the masquerade configuration of uplink %s: %s", state->uplink,
		       strerror(-err));
	if (!err)
		err = check_request(state, a, cfg.addr);
	if (!err) {
		err = state_foreach(&c->p, find_holder, &q);
		if (err > 0) {
			pr_err("--publish %s: the host port is published already by %s; choose "
			       "another host port or detach it",
			       publish_str(q.mine, s), q.who);
			err = -EADDRINUSE;
		}
	}
	if (!err)
		err = check_node_sockets(a, cfg.addr);
	if (!err)
		err = write_ranges(&u, state->uplink, a, cfg.addr);
	uplinkdp_close(&u);
	return err ?: port_hairpin_write(c, state, a, cfg.addr) ?: hairpin_add(c, state, a);
}

int port_publish_restore(struct netctx *c, const struct netstate *state, const struct attachment *a)
{
	struct bpfbr_uplink_cfg cfg;
	struct uplinkdp u;
	int err;

	if (!a->n_pub || !state->masquerade)
		return hairpin_add(c, state, a);
	err = uplink_dp_open(c, state->uplink, &u);
	if (err)
		return err;
	err = uplinkdp_config_get(&u, &cfg) ?: write_ranges(&u, state->uplink, a, cfg.addr);
	uplinkdp_close(&u);
	return err ?: port_hairpin_write(c, state, a, cfg.addr) ?: hairpin_add(c, state, a);
}

/* Whether the uplink's map publishes host port n of p to a (u open, cfg its config). */
static bool in_datapath(const struct uplinkdp *u, const struct bpfbr_uplink_cfg *cfg,
			const struct attachment *a, const struct publish *p, uint16_t n)
{
	struct bpfbr_pub_key k = { .addr = cfg->addr,
				   .port = htons((uint16_t)(p->host_port + n)),
				   .proto = p->proto };
	struct bpfbr_pub_target t;

	return !uplinkdp_publish_get(u, &k, &t) && t.addr == a->ip &&
	       t.port == htons((uint16_t)(p->port + n));
}

int port_publish_verify(struct netctx *c, const struct netstate *state, const struct attachment *a,
			char why[PUBLISH_VERIFY_LEN])
{
	struct bpfbr_uplink_cfg cfg;
	char s[PUBLISH_STR_LEN];
	struct uplinkdp u;
	int err;

	if (!a->n_pub)
		return 0;
	err = state->masquerade ? uplink_dp_open(c, state->uplink, &u) : -ENOENT;
	if (err) {
		snprintf(why, PUBLISH_VERIFY_LEN, "the masquerade datapath of its ports is gone");
		return -ENOENT;
	}
	err = uplinkdp_config_get(&u, &cfg);
	for (uint32_t i = 0; !err && i < a->n_pub; i++)
		for (uint16_t n = 0; !err && n < a->pub[i].count; n++)
			if (!in_datapath(&u, &cfg, a, &a->pub[i], n)) {
				snprintf(why, PUBLISH_VERIFY_LEN,
					 "host port %u/%s of %s is not in the uplink's datapath",
					 a->pub[i].host_port + n,
					 publish_proto_name(a->pub[i].proto),
					 publish_str(&a->pub[i], s));
				err = -ENOENT;
			}
	uplinkdp_close(&u);
	return err;
}

static json_t *report_port(const struct netstate *state, const struct attachment *a,
			   const struct publish *p, uint16_t n, uint32_t addr, bool held)
{
	char ip[IP_STR_LEN], host[IP_STR_LEN];

	return json_pack("{s:s, s:s, s:s, s:s, s:i, s:s, s:s, s:i, s:b}", "network", state->name,
			 "netns", a->netns, "container", a->id, "ip", ip_str(a->ip, ip), "port",
			 p->port + n, "proto", publish_proto_name(p->proto), "host_ip",
			 ip_str(p->host_ip ?: addr, host), "host_port", p->host_port + n,
			 "in_datapath", held);
}

int port_publish_report(struct netctx *c, const struct netstate *state, json_t *out)
{
	struct bpfbr_uplink_cfg cfg = { 0 };
	bool open = false;
	struct uplinkdp u;
	int err = 0;

	for (uint32_t i = 0; !err && i < state->n_att; i++) {
		const struct attachment *a = &state->att[i];

		if (a->n_pub && !open && state->masquerade &&
		    !uplink_dp_open(c, state->uplink, &u)) {
			open = true;
			uplinkdp_config_get(&u, &cfg);
		}
		for (uint32_t j = 0; !err && j < a->n_pub; j++)
			for (uint16_t n = 0; !err && n < a->pub[j].count; n++) {
				bool held = open && in_datapath(&u, &cfg, a, &a->pub[j], n);

				if (json_array_append_new(out, report_port(state, a, &a->pub[j], n,
									   cfg.addr, held)))
					err = -ENOMEM;
			}
	}
	if (open)
		uplinkdp_close(&u);
	return err;
}
