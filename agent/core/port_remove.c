// SPDX-License-Identifier: GPL-2.0-only OR BSD-2-Clause
#include <errno.h>
#include <limits.h>
#include <stdio.h>
#include <string.h>

#include "hook_attach.h"
#include "switchdp.h"
#include "switchdp_maps.h"
#include "ipam.h"
#include "link_alias.h"
#include "log.h"
#include "netfollow.h"
#include "netns.h"
#include "pin_layout.h"
#include "port_device.h"
#include "port_remove.h"
#include "resolvconf.h"
#include "uplink.h"

static int set_nslots(const struct switchdp *dp, const struct netstate *state)
{
	struct bpfbr_netcfg cfg;
	int err = switchdp_config_get(dp, &cfg);

	if (err)
		return err;
	cfg.nslots = netstate_nslots(state);
	return switchdp_config_set(dp, &cfg);
}

static int remove_entry(struct netctx *c, const struct netstate *state, const struct attachment *a)
{
	struct switchdp dp;
	int err = net_dp_open(c, state->name, &dp);

	if (err)
		return err;
	err = switchdp_port_del(&dp, (uint32_t)a->host_ifindex, a->slot);
	err = set_nslots(&dp, state) ?: err;
	switchdp_close(&dp);
	return err;
}

static int remove_device(struct netctx *c, const struct netstate *state, const struct attachment *a)
{
	struct nl_link l;
	int err = nl_link_get(&c->nl, a->host_ifname, 0, &l);

	if (err)
		return err;
	if (l.ifindex != a->host_ifindex && !link_alias_is(l.alias, state->name))
		return -EEXIST;		       /* not ours: another device took the name */
	return nl_link_del(&c->nl, l.ifindex); /* one end takes the other */
}

int port_remove(struct netctx *c, const struct netstate *state, const struct attachment *a,
		unsigned int steps)
{
	const char *netns = netns_name_of(a->netns);
	char pin[PATH_MAX];
	int err = 0;

	if (steps & PORT_ENDPOINT)
		err = uplink_endpoint_del(c, state, a) ?: err;
	if ((steps & PORT_XDP) && state->datapath == DATAPATH_XDP &&
	    !pin_port_xdp(&c->p, state->name, a->host_ifname, pin, sizeof(pin)))
		err = detach_xdp(pin) ?: err;
	if ((steps & PORT_HOOK) &&
	    !pin_port_link(&c->p, state->name, a->host_ifname, pin, sizeof(pin)))
		err = detach_hook(a->host_ifindex, port_hook_dir(state, a), pin, state->mode)
			      ?: err;
	if (steps & PORT_FOLLOW)
		net_follow_del(c, state, a->host_ifindex);
	if (steps & PORT_ENTRY)
		err = remove_entry(c, state, a) ?: err;
	if (steps & PORT_DEVICE)
		err = remove_device(c, state, a) ?: err;
	if ((steps & PORT_RESOLV_CONF) && netns)
		err = resolvconf_remove(netns, state->name) ?: err;
	if ((steps & PORT_NETNS) && netns)
		err = netns_delete(netns) ?: err;
	return err;
}

void port_remove_unrecorded(struct netctx *c, const struct netstate *state, const char *device,
			    bool journaled)
{
	unsigned int steps = PORT_XDP | PORT_HOOK | PORT_FOLLOW | PORT_DEVICE;
	struct attachment a = { 0 };
	struct bpfbr_port port;
	struct nl_link l;
	struct switchdp dp;

	if (nl_link_get(&c->nl, device, 0, &l) ||
	    (!journaled && !link_alias_is(l.alias, state->name)))
		return;
	pr_warn("removing %s, left over by an interrupted attach", device);
	snprintf(a.host_ifname, sizeof(a.host_ifname), "%s", device);
	a.host_ifindex = l.ifindex;
	if (!net_dp_open(c, state->name, &dp)) {
		if (!switchdp_port_get(&dp, (uint32_t)l.ifindex, &port)) {
			a.ip = port.ipv4;
			a.slot = port.slot;
			steps |= PORT_ENTRY;
		}
		switchdp_close(&dp);
	}
	/* Its address may belong to a recorded container by now. */
	if (a.ip && !ipam_unusable(state, a.ip))
		steps |= PORT_ENDPOINT;
	port_remove(c, state, &a, steps);
}
