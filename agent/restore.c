// SPDX-License-Identifier: GPL-2.0-only OR BSD-2-Clause
#include <errno.h>
#include <stdio.h>
#include <string.h>
#include <unistd.h>

#include "attach.h"
#include "datapath.h"
#include "dpmaps.h"
#include "gateway.h"
#include "ipam.h"
#include "log.h"
#include "netfollow.h"
#include "network.h"
#include "pin_layout.h"
#include "port_restore.h"
#include "restore.h"
#include "state.h"
#include "subnets.h"
#include "uplink.h"
#include "uplinkdp.h"

static void did(json_t *done, const struct netstate *ns, const char *kind, const char *what)
{
	json_array_append_new(done, json_pack("{s:s, s:s, s:s}", "network", ns->name, "kind", kind,
					      "what", what));
}

static bool gateway_hooked(struct netctx *c, const struct netstate *ns)
{
	char pin[PATH_MAX];

	if (pin_port_link(&c->p, ns->name, ns->gw_port, pin, sizeof(pin)) ||
	    !hook_live(ns->gw_port_ifindex, HOOK_INGRESS, pin, ns->mode))
		return false;
	return ns->datapath != DATAPATH_XDP ||
	       (!pin_port_xdp(&c->p, ns->name, ns->gw_port, pin, sizeof(pin)) &&
		xdp_live(ns->gw_port_ifindex, pin));
}

bool net_intact(struct netctx *c, const struct netstate *ns, char *why, size_t size)
{
	char buf[160];
	const char *what = NULL;
	struct updp u;
	struct dp dp;

	if (!why) {
		why = buf;
		size = sizeof(buf);
	}
	if (!gateway_intact(c, ns)) {
		what = "the gateway pair";
	} else if (net_dp_open(c, ns->name, &dp)) {
		what = "the pinned datapath";
	} else {
		dp_close(&dp);
		if (!gateway_hooked(c, ns))
			what = "the gateway port's program";
		else if (ns->masquerade && uplink_dp_open(c, ns->uplink, &u))
			what = "the uplink's masquerade";
		else if (ns->masquerade)
			updp_close(&u);
	}
	if (what)
		snprintf(why, size, "%s of network %s is gone", what, ns->name);
	return !what;
}

/* The gateway pair, made again with its MAC (containers' neighbour entries stay right). */
static int restore_gateway(struct netctx *c, struct netstate *ns, json_t *done, bool *redone)
{
	int err;

	*redone = !gateway_intact(c, ns);
	if (!*redone)
		return 0;
	gateway_remove(c, ns);
	err = gateway_create(c, ns, true);
	if (err)
		return err;
	did(done, ns, "gateway", ns->gw_dev);
	return 0;
}

/* The pinned datapath, loaded anew if its pins are gone or damaged. */
static int restore_datapath(struct netstate *ns, struct dp *dp, const char *pin_dir, json_t *done,
			    bool *fresh)
{
	char config[PATH_MAX];
	int err;

	*fresh = false;
	err = path_join(config, sizeof(config), pin_dir, PIN_CONFIG);
	if (err)
		return err;
	/* Gone altogether after a reboot: made anew without a word. */
	if (!access(config, F_OK) && !dp_open(pin_dir, dp))
		return 0;
	dp_unpin(pin_dir);
	err = dp_load(pin_dir, dp);
	if (err)
		return err;
	*fresh = true;
	did(done, ns, "datapath", pin_dir);
	return 0;
}

/* The network's config map as the state says, with the uplink as it is now. */
static int restore_config(struct netctx *c, const struct netstate *ns, const struct dp *dp)
{
	struct bpfbr_netcfg cfg;

	net_config_fill(ns, &cfg, netstate_nslots(ns));
	if (ns->masquerade) {
		int up = nl_link_index(&c->nl, ns->uplink);

		cfg.uplink_ifindex = up > 0 ? (uint32_t)up : 0;
	}
	return dp_config_set(dp, &cfg);
}

static int restore_gateway_port(struct netctx *c, struct netstate *ns, const struct dp *dp,
				uint32_t old_ifindex, json_t *done)
{
	char pin[PATH_MAX];
	int err;

	if (gateway_hooked(c, ns) && old_ifindex == (uint32_t)ns->gw_port_ifindex)
		return 0;
	if (old_ifindex && old_ifindex != (uint32_t)ns->gw_port_ifindex)
		dp_port_del(dp, old_ifindex, 0);
	err = pin_port_link(&c->p, ns->name, ns->gw_port, pin, sizeof(pin));
	if (err)
		return err;
	detach_hook(ns->gw_port_ifindex, HOOK_INGRESS, pin, ns->mode);
	if (ns->datapath == DATAPATH_XDP &&
	    !pin_port_xdp(&c->p, ns->name, ns->gw_port, pin, sizeof(pin)))
		detach_xdp(pin);
	err = gateway_plug(c, ns, dp);
	if (!err)
		did(done, ns, "hook", ns->gw_port);
	return err;
}

/* Forgets the containers whose port went with their namespace (their
 * address and translations too); ns is loaded afresh from the state. */
static int forget_gone(struct netctx *c, const char *name, struct netstate *ns, json_t *done)
{
	int err;

	for (;;) {
		char id[ATT_ID_MAX], ifname[IF_NAMESIZE];
		struct detach_sel s = { .net = name, .id = id, .ifname = ifname };
		uint32_t i;

		err = state_load(&c->p, name, ns);
		if (err)
			return err;
		for (i = 0; i < ns->n_att && !net_port_gone(c, ns, &ns->att[i]); i++)
			;
		if (i == ns->n_att)
			return 0;
		/* Copied: the state is freed before the detach loads it again. */
		snprintf(id, sizeof(id), "%s", ns->att[i].id);
		snprintf(ifname, sizeof(ifname), "%s", ns->att[i].ifname);
		did(done, ns, "attachment", id);
		netstate_free(ns);
		err = net_detach(c, &s, true);
		if (err)
			return err;
	}
}

/* Every live container's port (its device is still there); the others are forgotten. */
static int restore_ports(struct netctx *c, const char *name, json_t *done)
{
	struct netstate ns;
	bool macs = false;
	struct dp dp;
	int err;

	err = forget_gone(c, name, &ns, done);
	if (err)
		return err;
	err = net_dp_open(c, name, &dp);
	for (uint32_t i = 0; !err && i < ns.n_att; i++) {
		uint8_t mac[6];
		bool redone;

		memcpy(mac, ns.att[i].mac, 6);
		err = net_port_restore(c, &ns, &dp, &ns.att[i], &redone);
		if (!err && redone)
			did(done, &ns, "port", ns.att[i].host_ifname);
		macs |= !err && memcmp(mac, ns.att[i].mac, 6);
	}
	if (!err)
		dp_close(&dp);
	if (!err && macs)
		err = state_save(&c->p, &ns); /* the MACs the ports followed */
	netstate_free(&ns);
	return err;
}

/* The network's MAC following: running against the maps pinned now (an
 * uplink made again has new ones), and knowing every live container. */
static int restore_follow(struct netctx *c, const struct netstate *ns, json_t *done)
{
	struct follow_info info;
	bool running;
	int err;

	if (net_follow_running(c, ns, &info, false))
		return net_follow_sync(c, ns, NULL, NULL);
	err = net_follow_start(c, ns, &running);
	if (!err && running)
		did(done, ns, "mac follow", PIN_FOLLOW_LINK);
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
			err = uplink_endpoint_add(u->c, other, &other->att[k]);
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
	struct netstate ns;
	struct dp dp;
	int err;

	err = netctx_load(c, name, &ns);
	if (err)
		return err;
	old_gw_port = (uint32_t)ns.gw_port_ifindex;
	err = pin_net_dir(&c->p, name, pin_dir, sizeof(pin_dir));
	if (!err)
		err = restore_gateway(c, &ns, done, &new_gw);
	if (!err)
		err = restore_datapath(&ns, &dp, pin_dir, done, &fresh);
	if (err)
		goto out;
	if (fresh)
		old_gw_port = 0;
	err = restore_config(c, &ns, &dp);
	if (!err)
		err = restore_gateway_port(c, &ns, &dp, old_gw_port, done);
	if (!err)
		err = subnets_add(&c->p, &ns);
	if (!err && ns.masquerade) {
		err = uplink_restore(c, &ns, &new_up);
		if (!err && new_up)
			did(done, &ns, "uplink", ns.uplink);
		if (!err)
			err = net_forwarding(&ns);
	}
	dp_close(&dp);
	if (!err)
		err = state_save(&c->p, &ns); /* the gateway's new ifindexes */
	if (!err)
		err = restore_ports(c, name, done);
	if (!err && new_up)
		err = reregister_uplink_users(c, ns.uplink, done);
	if (!err) {
		netstate_free(&ns);
		err = state_load(&c->p, name, &ns);
		if (!err)
			err = restore_follow(c, &ns, done);
	}
out:
	if (err)
		pr_err("cannot restore network %s: %s", name, strerror(-err));
	netstate_free(&ns);
	return err;
}

int net_ensure(struct netctx *c, const char *name)
{
	char why[160];
	struct netstate ns;
	json_t *done;
	uint32_t addr;
	bool intact, full;
	int err;

	err = netctx_load(c, name, &ns);
	if (err)
		return err;
	intact = net_intact(c, &ns, why, sizeof(why));
	full = ipam_pick(&ns, &addr) != 0;
	netstate_free(&ns);
	if (intact && !full)
		return 0;
	done = json_array();
	if (!intact) {
		pr_warn("%s; restoring the network (bpfbr restore)", why);
		err = net_restore(c, name, done);
	} else {
		/* Before an ADD fails for want of an address: the addresses of
		 * containers that went without a DEL (ctr run -d) come back. */
		err = forget_gone(c, name, &ns, done);
		if (!err)
			netstate_free(&ns);
		if (json_array_size(done))
			pr_warn("network %s: no free address; forgot %zu container(s) whose "
				"namespace "
				"is gone",
				name, json_array_size(done));
	}
	json_decref(done);
	return err;
}
