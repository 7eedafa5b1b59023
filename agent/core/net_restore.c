// SPDX-License-Identifier: GPL-2.0-only OR BSD-2-Clause
#include <errno.h>
#include <stdio.h>
#include <string.h>
#include <unistd.h>

#include "hook_attach.h"
#include "cluster_services.h"
#include "switchdp.h"
#include "switchdp_maps.h"
#include "gateway.h"
#include "ipam.h"
#include "ipam6.h"
#include "log.h"
#include "netfollow.h"
#include "network.h"
#include "network6.h"
#include "pin_layout.h"
#include "port_restore.h"
#include "net_restore.h"
#include "port_publish.h"
#include "state.h"
#include "subnets.h"
#include "uplink.h"
#include "uplinkdp.h"

static void did(json_t *done, const struct netstate *state, const char *kind, const char *what)
{
	json_array_append_new(done, json_pack("{s:s, s:s, s:s}", "network", state->name, "kind",
					      kind, "what", what));
}

static bool gateway_hooked(struct netctx *c, const struct netstate *state)
{
	char pin[PATH_MAX];

	if (pin_port_link(&c->p, state->name, state->gw_port, pin, sizeof(pin)) ||
	    !hook_live(state->gw_port_ifindex, HOOK_INGRESS, pin, state->mode))
		return false;
	return state->datapath != DATAPATH_XDP ||
	       (!pin_port_xdp(&c->p, state->name, state->gw_port, pin, sizeof(pin)) &&
		xdp_live(state->gw_port_ifindex, pin));
}

bool net_intact(struct netctx *c, const struct netstate *state, char *why, size_t size)
{
	char buf[160];
	const char *what = NULL;
	struct uplinkdp u;
	struct switchdp dp;

	if (!why) {
		why = buf;
		size = sizeof(buf);
	}
	if (!gateway_intact(c, state)) {
		what = "the gateway pair";
	} else if (net_dp_open(c, state->name, &dp)) {
		what = "the pinned datapath";
	} else {
		switchdp_close(&dp);
		if (!gateway_hooked(c, state))
			what = "the gateway port's program";
		else if (state->masquerade && uplink_dp_open(c, state->uplink, &u))
			what = "the uplink's masquerade";
		else if (state->masquerade)
			uplinkdp_close(&u);
	}
	if (what)
		snprintf(why, size, "%s of network %s is gone", what, state->name);
	return !what;
}

/* The gateway pair, made again with its MAC (containers' neighbour entries stay right). */
static int restore_gateway(struct netctx *c, struct netstate *state, json_t *done, bool *redone)
{
	int err;

	*redone = !gateway_intact(c, state);
	if (!*redone)
		return 0;
	gateway_remove(c, state);
	err = gateway_create(c, state, true);
	if (err)
		return err;
	did(done, state, "gateway", state->gw_dev);
	return 0;
}

/* The pinned datapath, loaded anew if its pins are gone or damaged. */
static int restore_datapath(struct netstate *state, struct switchdp *dp, const char *pin_dir,
			    json_t *done, bool *fresh)
{
	char config[PATH_MAX];
	int err;

	*fresh = false;
	err = path_join(config, sizeof(config), pin_dir, PIN_CONFIG);
	if (err)
		return err;
	/* Gone altogether after a reboot: made anew without a word. */
	if (!access(config, F_OK) && !switchdp_open(pin_dir, dp))
		return 0;
	switchdp_unpin(pin_dir);
	err = switchdp_load(pin_dir, dp);
	if (err)
		return err;
	*fresh = true;
	did(done, state, "datapath", pin_dir);
	return 0;
}

/* The network's config map as the state says, with the uplink as it is now. */
static int restore_config(struct netctx *c, const struct netstate *state, const struct switchdp *dp)
{
	struct bpfbr_netcfg cfg;

	net_config_fill(state, &cfg, netstate_nslots(state));
	if (state->uplink[0]) {
		int up = nl_link_index(&c->nl, state->uplink);

		cfg.uplink_ifindex = up > 0 ? (uint32_t)up : 0;
	}
	return switchdp_config_set(dp, &cfg) ?: net6_datapath_set(dp, state) ?:
							 cluster_services_fill(c, dp);
}

static int restore_gateway_port(struct netctx *c, struct netstate *state, const struct switchdp *dp,
				uint32_t old_ifindex, json_t *done)
{
	char pin[PATH_MAX];
	int err;

	if (gateway_hooked(c, state) && old_ifindex == (uint32_t)state->gw_port_ifindex)
		return 0;
	if (old_ifindex && old_ifindex != (uint32_t)state->gw_port_ifindex)
		switchdp_port_del(dp, old_ifindex, 0);
	err = pin_port_link(&c->p, state->name, state->gw_port, pin, sizeof(pin));
	if (err)
		return err;
	detach_hook(state->gw_port_ifindex, HOOK_INGRESS, pin, state->mode);
	if (state->datapath == DATAPATH_XDP &&
	    !pin_port_xdp(&c->p, state->name, state->gw_port, pin, sizeof(pin)))
		detach_xdp(pin);
	err = gateway_plug(c, state, dp);
	if (!err)
		did(done, state, "hook", state->gw_port);
	return err;
}

/* Forgets the containers whose port went with their namespace (their
 * address and translations too); state is loaded afresh from the state. */
static int forget_gone(struct netctx *c, const char *name, struct netstate *state, json_t *done)
{
	int err;

	for (;;) {
		char id[ATT_ID_MAX], ifname[IF_NAMESIZE];
		struct detach_sel s = { .net = name, .id = id, .ifname = ifname };
		uint32_t i;

		err = state_load(&c->p, name, state);
		if (err)
			return err;
		for (i = 0; i < state->n_att && !net_port_gone(c, state, &state->att[i]); i++)
			;
		if (i == state->n_att)
			return 0;
		/* Copied: the state is freed before the detach loads it again. */
		snprintf(id, sizeof(id), "%s", state->att[i].id);
		snprintf(ifname, sizeof(ifname), "%s", state->att[i].ifname);
		did(done, state, "attachment", id);
		netstate_free(state);
		err = net_detach(c, &s, true);
		if (err)
			return err;
	}
}

/* Every live container's port (its device is still there); the others are forgotten. */
static int restore_ports(struct netctx *c, const char *name, json_t *done)
{
	struct netstate state;
	bool macs = false;
	struct switchdp dp;
	int err;

	err = forget_gone(c, name, &state, done);
	if (err)
		return err;
	err = net_dp_open(c, name, &dp);
	for (uint32_t i = 0; !err && i < state.n_att; i++) {
		uint8_t mac[6];
		bool redone;

		memcpy(mac, state.att[i].mac, 6);
		err = net_port_restore(c, &state, &dp, &state.att[i], &redone);
		if (!err && redone)
			did(done, &state, "port", state.att[i].host_ifname);
		macs |= !err && memcmp(mac, state.att[i].mac, 6);
	}
	if (!err)
		switchdp_close(&dp);
	if (!err && macs)
		err = state_save(&c->p, &state); /* the MACs the ports followed */
	netstate_free(&state);
	return err;
}

/* The network's MAC following: running against the maps pinned now (an
 * uplink made again has new ones), and knowing every live container. */
static int restore_follow(struct netctx *c, const struct netstate *state, json_t *done)
{
	struct follow_info info;
	bool running;
	int err;

	if (net_follow_running(c, state, &info, false))
		return net_follow_sync(c, state, NULL, NULL);
	err = net_follow_start(c, state, &running);
	if (!err && running)
		did(done, state, "mac follow", PIN_FOLLOW_LINK);
	return err;
}

struct uplink_users {
	struct netctx *c;
	const char *uplink;
	json_t *done;
};

static int reregister(struct netstate *other, void *arg)
{
	struct uplink_users *u = arg;
	int err = 0;

	if (!other->masquerade || strcmp(other->uplink, u->uplink))
		return 0;
	netctx_adopt_macs(u->c, other);
	for (uint32_t k = 0; !err && k < other->n_att; k++)
		if (!net_port_gone(u->c, other, &other->att[k]))
			err = uplink_endpoint_add(u->c, other, &other->att[k])
				      ?: port_publish_restore(u->c, other, &other->att[k]);
	return err ?: restore_follow(u->c, other, u->done);
}

/* A new uplink datapath knows no container: every network on it registers
 * its own again, and its MAC following moves to the new maps. */
static int reregister_uplink_users(struct netctx *c, const char *uplink, json_t *done)
{
	struct uplink_users u = { .c = c, .uplink = uplink, .done = done };

	return state_foreach(&c->p, reregister, &u);
}

int net_restore(struct netctx *c, const char *name, json_t *done)
{
	char pin_dir[PATH_MAX];
	uint32_t old_gw_port;
	bool new_gw, fresh, new_up = false;
	struct netstate state;
	struct switchdp dp;
	int err;

	err = netctx_load(c, name, &state);
	if (err)
		return err;
	old_gw_port = (uint32_t)state.gw_port_ifindex;
	err = pin_net_dir(&c->p, name, pin_dir, sizeof(pin_dir));
	if (!err)
		err = restore_gateway(c, &state, done, &new_gw);
	if (!err)
		err = restore_datapath(&state, &dp, pin_dir, done, &fresh);
	if (err)
		goto out;
	if (fresh)
		old_gw_port = 0;
	err = restore_config(c, &state, &dp);
	if (!err)
		err = restore_gateway_port(c, &state, &dp, old_gw_port, done);
	if (!err)
		err = subnets_add(&c->p, &state);
	if (!err && state.masquerade) {
		err = uplink_restore(c, &state, &new_up);
		if (!err && new_up)
			did(done, &state, "uplink", state.uplink);
		if (!err)
			err = net_forwarding(&state);
	} else if (!err && state.uplink[0]) {
		err = net_forwarding(&state); /* routed: no uplink datapath */
	}
	switchdp_close(&dp);
	if (!err)
		err = state_save(&c->p, &state); /* the gateway's new ifindexes */
	if (!err)
		err = restore_ports(c, name, done);
	if (!err && new_up)
		err = reregister_uplink_users(c, state.uplink, done);
	if (!err) {
		netstate_free(&state);
		err = state_load(&c->p, name, &state);
		if (!err)
			err = restore_follow(c, &state, done);
	}
out:
	if (err)
		pr_err("cannot restore network %s: %s", name, strerror(-err));
	netstate_free(&state);
	return err;
}

int net_ensure(struct netctx *c, const char *name)
{
	char why[160];
	struct netstate state;
	json_t *done;
	uint32_t addr;
	uint8_t addr6[16];
	bool intact, full;
	int err;

	err = netctx_load(c, name, &state);
	if (err)
		return err;
	intact = net_intact(c, &state, why, sizeof(why));
	full = netstate_has_ipv4(&state) ? ipam_pick(&state, &addr) != 0
					 : ipam6_pick(&state, addr6) != 0;
	netstate_free(&state);
	if (intact && !full)
		return 0;
	done = json_array();
	if (!intact) {
		pr_warn("%s; restoring the network (bpfbr restore)", why);
		err = net_restore(c, name, done);
	} else {
		/* Before an ADD fails for want of an address: the addresses of
		 * containers that went without a DEL (ctr run -d) come back. */
		err = forget_gone(c, name, &state, done);
		if (!err)
			netstate_free(&state);
		if (json_array_size(done))
			pr_warn("network %s: no free address; forgot %zu container(s) whose "
				"namespace "
				"is gone",
				name, json_array_size(done));
	}
	json_decref(done);
	return err;
}
