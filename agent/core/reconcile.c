// SPDX-License-Identifier: GPL-2.0-only OR BSD-2-Clause
#include <dirent.h>
#include <errno.h>
#include <stdio.h>
#include <string.h>
#include <unistd.h>

#include "switchdp.h"
#include "shared_pins.h"
#include "switchdp_maps.h"
#include "hooks.h"
#include "link_alias.h"
#include "log.h"
#include "netfollow.h"
#include "network.h"
#include "pin_layout.h"
#include "pins.h"
#include "port_remove.h"
#include "port_restore.h"
#include "reconcile.h"
#include "state.h"
#include "subnets.h"
#include "uplink.h"
#include "uplinkdp.h"

static void note_as(json_t *removed, const char *action, const char *kind, const char *net,
		    const char *what)
{
	json_array_append_new(removed, json_pack("{s:s, s:s, s:s, s:s}", "action", action, "kind",
						 kind, "network", net, "what", what));
	pr_info("reconcile: %s %s %s of network %s", action, kind, what, net);
}

static void note(json_t *removed, const char *kind, const char *net, const char *what)
{
	note_as(removed, "removed", kind, net, what);
}

struct hook_repair {
	const char *net; /* or the uplink's name */
	json_t *removed;
};

/* A hook that runs another program than its pin (an upgrade stopped between
 * the pins and the hooks) gets the pinned one. */
static int repair_hook(const struct hook *h, void *data)
{
	struct hook_repair *r = data;
	uint32_t running, pinned;
	char what[IF_NAMESIZE + 96];
	int err;

	if (hook_programs(h, &running, &pinned) || running == pinned)
		return 0; /* a hook with nothing of ours on it is not an upgrade's doing */
	err = hook_switch(h);
	if (err) {
		pr_warn("cannot put the pinned program %u on %s of %s (it runs %u): %s", pinned,
			h->name, h->device, running, strerror(-err));
		return 0;
	}
	snprintf(what, sizeof(what), "%s of %s: ran program %u, now its pinned %u", h->name,
		 h->device, running, pinned);
	note_as(r->removed, "repaired", "hook", r->net, what);
	return 0;
}

static void staged_dropped(json_t *removed, const char *net, const char *dir, int n)
{
	char what[PATH_MAX + 64];

	if (n <= 0)
		return;
	snprintf(what, sizeof(what), "%d under %s (an upgrade that never switched)", n, dir);
	note(removed, "staged program pins", net, what);
}

/* The uplink's: staged pins of an upgrade that stopped before its pins moved,
 * and hooks that differ from their pins. */
static int repair_uplink(struct netctx *c, const char *ifname, json_t *removed)
{
	struct hook_repair r = { .net = ifname, .removed = removed };
	char dir[PATH_MAX];
	struct uplinkdp u;
	int err;

	err = pin_uplink_dir(&c->p, ifname, dir, sizeof(dir));
	if (err || access(dir, F_OK))
		return err;
	staged_dropped(removed, ifname, dir, uplinkdp_drop_staged(dir));
	err = uplinkdp_open(dir, &u);
	if (err)
		return err;
	err = hooks_of_uplink(c, ifname, &u, repair_hook, &r);
	uplinkdp_close(&u);
	return err;
}

static bool known_port_name(const struct netstate *state, const char *name)
{
	if (!strcmp(name, state->gw_dev) || !strcmp(name, state->gw_port))
		return true;
	for (uint32_t i = 0; i < state->n_att; i++)
		if (!strcmp(name, state->att[i].host_ifname))
			return true;
	return false;
}

static bool known_ifindex(const struct netstate *state, uint32_t ifindex)
{
	if ((int)ifindex == state->gw_port_ifindex)
		return true;
	for (uint32_t i = 0; i < state->n_att; i++)
		if ((uint32_t)state->att[i].host_ifindex == ifindex)
			return true;
	return false;
}

/* Attachments whose port device is gone (the container's namespace went away). */
static int forget_lost(struct netctx *c, const char *net, json_t *removed)
{
	struct netstate state;
	int err;

	for (;;) {
		struct detach_sel s = { .net = net };
		char what[ATT_ID_MAX + 32];
		uint32_t i;

		err = state_load(&c->p, net, &state);
		if (err)
			return err;
		for (i = 0; i < state.n_att; i++)
			if (net_port_gone(c, &state, &state.att[i]))
				break;
		if (i == state.n_att) {
			netstate_free(&state);
			return 0;
		}
		s.id = state.att[i].id;
		s.ifname = state.att[i].ifname;
		snprintf(what, sizeof(what), "%s (%s)", state.att[i].host_ifname, state.att[i].id);
		err = net_detach(c, &s, true);
		netstate_free(&state);
		if (err)
			return err;
		note(removed, "attachment", net, what);
	}
}

struct follow_prune {
	const char *net;
	json_t *removed;
};

static void follow_gone(uint32_t port, void *data)
{
	struct follow_prune *p = data;
	char what[64];

	snprintf(what, sizeof(what), "of port ifindex %u", port);
	note(p->removed, "mac follow entry", p->net, what);
}

/* The MAC-following link an interrupted start pinned beside the old one goes
 * into place; entries of ports the state does not know go. */
static int prune_follow(struct netctx *c, const struct netstate *state, const char *dir,
			json_t *removed)
{
	struct follow_prune p = { state->name, removed };
	int moved = follow_finish(dir);

	if (moved > 0)
		note_as(removed, "repaired", "mac follow link", state->name,
			PIN_FOLLOW_LINK " (a new program pinned beside it moved into place)");
	return net_follow_sync(c, state, follow_gone, &p);
}

/* Datapath entries and link pins that the state does not know, staged pins of
 * an upgrade that never moved them, hooks that run another program than their pin. */
static int prune_datapath(struct netctx *c, const struct netstate *state, json_t *removed)
{
	char dir[PATH_MAX], links[PATH_MAX], path[PATH_MAX];
	uint32_t key, next, *prev = NULL;
	struct bpfbr_port port;
	struct dirent *de;
	struct switchdp dp;
	DIR *d;
	int err;

	err = pin_net_dir(&c->p, state->name, dir, sizeof(dir));
	if (!err)
		err = switchdp_open(dir, &dp);
	if (err)
		return err;
	staged_dropped(removed, state->name, dir, switchdp_drop_staged(dir));
	while (!switchdp_port_next(&dp, prev, &next)) {
		key = next;
		prev = &key;
		if (known_ifindex(state, key) || switchdp_port_get(&dp, key, &port))
			continue;
		/* A port the state does not know: its device and pins go below. */
		port_remove(c, state,
			    &(struct attachment){ .host_ifindex = (int)key, .slot = port.slot },
			    PORT_ENTRY);
		prev = NULL; /* the walk restarts after a deletion */
		snprintf(path, sizeof(path), "port ifindex %u", key);
		note(removed, "datapath entry", state->name, path);
	}
	err = hooks_of_net(c, state, &dp, repair_hook,
			   &(struct hook_repair){ state->name, removed });
	switchdp_close(&dp);
	if (!err)
		err = prune_follow(c, state, dir, removed);
	if (err)
		return err;
	if (pin_net_links_dir(&c->p, state->name, links, sizeof(links)))
		return 0;
	d = opendir(links);
	while (d && (de = readdir(d))) {
		char name[256];

		if (de->d_name[0] == '.' || pin_link_port(de->d_name, name, sizeof(name)))
			continue;
		if (known_port_name(state, name) ||
		    path_join(path, sizeof(path), links, de->d_name))
			continue;
		if (!unlink(path))
			note(removed, "link pin", state->name, de->d_name);
	}
	if (d)
		closedir(d);
	return 0;
}

struct link_sweep {
	struct netctx *c;
	char **names; /* networks with state */
	int n;
	const struct netstate *state; /* when sweeping one network */
	json_t *removed;
	int victims[256];
	char victim_net[256][NETNAME_MAX];
	char victim_name[256][IF_NAMESIZE];
	int n_victims;
};

static bool has_state(const struct link_sweep *w, const char *net)
{
	for (int i = 0; i < w->n; i++)
		if (!strcmp(w->names[i], net))
			return true;
	return false;
}

/* Our devices carry the alias "bpfbr:NET"; those the state does not know are leaks. */
static int collect_link(const struct nl_link *l, void *data)
{
	struct link_sweep *w = data;
	const char *net = link_alias_net(l->alias);

	if (!net || w->n_victims >= 256)
		return 0;
	if (w->state ? strcmp(net, w->state->name) || known_port_name(w->state, l->name)
		     : has_state(w, net))
		return 0;
	w->victims[w->n_victims] = l->ifindex;
	snprintf(w->victim_net[w->n_victims], NETNAME_MAX, "%s", net);
	snprintf(w->victim_name[w->n_victims], IF_NAMESIZE, "%s", l->name);
	w->n_victims++;
	return 0;
}

/* A port of the network swept, with what still points at it; else a device
 * of a network that has no state (nor datapath) any more. */
static int remove_victim(struct link_sweep *w, int i)
{
	struct attachment a = { .host_ifindex = w->victims[i] };

	if (!w->state)
		return nl_link_del(&w->c->nl, w->victims[i]);
	snprintf(a.host_ifname, sizeof(a.host_ifname), "%s", w->victim_name[i]);
	return port_remove(w->c, w->state, &a, PORT_XDP | PORT_HOOK | PORT_FOLLOW | PORT_DEVICE);
}

static int sweep_links(struct link_sweep *w)
{
	int err = nl_link_dump(&w->c->nl, collect_link, w);

	for (int i = 0; !err && i < w->n_victims; i++)
		if (!remove_victim(w, i))
			note(w->removed, "device", w->victim_net[i], w->victim_name[i]);
	w->n_victims = 0;
	return err;
}

static int reconcile_net(struct netctx *c, const char *net, json_t *removed)
{
	struct link_sweep w = { .c = c, .removed = removed };
	struct netstate state;
	int err;

	err = state_load(&c->p, net, &state);
	if (err)
		return err;
	if (!netctx_owns(c, &state)) {
		netstate_free(&state);
		return 0; /* another namespace's network: not ours to judge from here */
	}
	netstate_free(&state);
	err = forget_lost(c, net, removed);
	if (!err)
		err = state_load(&c->p, net, &state);
	if (err)
		return err;
	/* The MACs the containers' ports followed go into the state. */
	if (netctx_adopt_macs(c, &state))
		err = state_save(&c->p, &state);
	if (!err)
		err = prune_datapath(c, &state, removed);
	if (!err) {
		w.state = &state;
		err = sweep_links(&w);
	}
	if (!err && state.masquerade)
		err = repair_uplink(c, state.uplink, removed);
	netstate_free(&state);
	return err;
}

/* What the networks masquerading through an uplink hold: their containers' addresses. */
struct uplink_owners {
	const char *ifname;
	bool used; /* a network masquerades through it */
	uint32_t n, cap;
	uint32_t *ip;
};

static int add_owners(struct netstate *state, void *arg)
{
	struct uplink_owners *o = arg;

	if (!state->masquerade || strcmp(state->uplink, o->ifname))
		return 0;
	o->used = true;
	if (o->n + state->n_att > o->cap) {
		uint32_t cap = o->n + state->n_att;
		uint32_t *ip = realloc(o->ip, cap * sizeof(*ip));

		if (!ip)
			return -ENOMEM;
		o->ip = ip;
		o->cap = cap;
	}
	for (uint32_t j = 0; j < state->n_att; j++)
		o->ip[o->n++] = state->att[j].ip;
	return 0;
}

static bool owned(const struct uplink_owners *o, uint32_t ip)
{
	for (uint32_t i = 0; i < o->n; i++)
		if (o->ip[i] == ip)
			return true;
	return false;
}

/* Endpoints of an uplink that no masquerading network's container owns any more. */
static int prune_uplink(struct netctx *c, const char *ifname, json_t *removed)
{
	struct uplink_owners o = { .ifname = ifname };
	uint32_t key, next, *prev = NULL;
	struct uplinkdp u;
	int err;

	err = state_foreach(&c->p, add_owners, &o);
	if (err) {
		free(o.ip);
		return err;
	}
	if (!o.used) {
		free(o.ip);
		err = uplink_remove(c, ifname);
		if (!err)
			note(removed, "uplink datapath", "-", ifname);
		return err;
	}
	err = uplink_dp_open(c, ifname, &u);
	if (err) {
		free(o.ip);
		return err;
	}
	while (!uplinkdp_endpoint_next(&u, prev, &next)) {
		char ip[IP_STR_LEN];

		key = next;
		prev = &key;
		if (owned(&o, key))
			continue;
		err = uplinkdp_endpoint_del(&u, key);
		if (err) {
			pr_warn("cannot remove NAT endpoint %s of uplink %s: %s", ip_str(key, ip),
				ifname, strerror(-err));
			continue; /* the walk goes on past it: it ends */
		}
		prev = NULL; /* the walk restarts after a deletion */
		note(removed, "nat endpoint", ifname, ip_str(key, ip));
	}
	uplinkdp_close(&u);
	free(o.ip);
	return 0;
}

/* Pin directories of networks and uplinks that no state describes. */
static int prune_pins(struct netctx *c, char **names, int n, json_t *removed)
{
	char path[PATH_MAX];
	struct dirent *de;
	DIR *d = opendir(c->p.pins);
	int err = 0;

	while (d && (de = readdir(d))) {
		bool known = false;

		if (!pin_is_net_dir(de->d_name))
			continue;
		for (int i = 0; i < n && !known; i++)
			known = !strcmp(names[i], de->d_name);
		if (known || pin_net_dir(&c->p, de->d_name, path, sizeof(path)))
			continue;
		if (!pins_remove(path))
			note(removed, "pins", de->d_name, path);
	}
	if (d)
		closedir(d);
	if (pin_uplinks_dir(&c->p, path, sizeof(path)))
		return 0;
	d = opendir(path);
	while (d && (de = readdir(d)) && !err)
		if (de->d_name[0] != '.')
			err = prune_uplink(c, de->d_name, removed);
	if (d)
		closedir(d);
	if (!err)
		shared_pins_release(c); /* (no network left: the shared map's pin too) */
	return err;
}

static void scrap_gone(const char *net, void *removed)
{
	note(removed, "state", net, "a half-written save (.json.tmp)");
}

int reconcile(struct netctx *c, const char *net, json_t *removed)
{
	struct link_sweep w = { .c = c, .removed = removed };
	char **names;
	int n, err;

	if (net)
		return reconcile_net(c, net, removed);
	err = state_remove_scraps(&c->p, scrap_gone, removed);
	if (err < 0)
		return err;
	err = state_list(&c->p, &names, &n);
	if (err)
		return err;
	for (int i = 0; i < n && !err; i++)
		err = reconcile_net(c, names[i], removed);
	if (!err)
		err = prune_pins(c, names, n, removed);
	if (!err)
		err = subnets_sync(&c->p, names, n, removed);
	if (!err) {
		w.names = names;
		w.n = n;
		err = sweep_links(&w);
	}
	state_names_free(names, n);
	return err;
}
