// SPDX-License-Identifier: GPL-2.0-only OR BSD-2-Clause
#include <errno.h>
#include <stdio.h>
#include <string.h>

#include "hook_attach.h"
#include "switchdp_maps.h"
#include "ethtool.h"
#include "gateway.h"
#include "link_alias.h"
#include "log.h"
#include "network6.h"
#include "pin_layout.h"
#include "sysctl.h"

static bool mac_set(const uint8_t mac[6])
{
	static const uint8_t zero[6];

	return memcmp(mac, zero, 6) != 0;
}

int gateway_create(struct netctx *c, struct netstate *state, bool brd)
{
	struct veth_req req = { .name = state->gw_dev,
				.mac = mac_set(state->gw_mac) ? state->gw_mac : NULL,
				.peer_name = state->gw_port,
				.peer_netns_fd = -1,
				.mtu = state->mtu };
	char key[128];
	struct nl_link gw;
	int err;

	err = nl_veth_create(&c->nl, &req);
	if (err) {
		pr_err("cannot create gateway veth pair %s/%s: %s%s%s", state->gw_dev,
		       state->gw_port, strerror(-err), c->nl.err_msg[0] ? ": " : "", c->nl.err_msg);
		return err;
	}
	err = nl_link_get(&c->nl, state->gw_dev, 0, &gw);
	if (!err)
		state->gw_port_ifindex = nl_link_index(&c->nl, state->gw_port);
	if (err || state->gw_port_ifindex < 0) {
		err = err ?: state->gw_port_ifindex;
		pr_err("gateway veth pair %s/%s vanished: %s", state->gw_dev, state->gw_port,
		       strerror(-err));
		goto undo;
	}
	state->gw_dev_ifindex = gw.ifindex;
	memcpy(state->gw_mac, gw.mac, 6);
	/* Marked as ours, so that a reconcile finds them if the state never gets written. */
	link_alias(state->name, key, sizeof(key));
	nl_link_set_alias(&c->nl, state->gw_dev_ifindex, key);
	nl_link_set_alias(&c->nl, state->gw_port_ifindex, key);
	/* The switch side is a port, not a host: no IPv6 addresses or traffic of its own
	 * (a kernel without IPv6 has no such key). The node's side: network6.h. */
	snprintf(key, sizeof(key), "net/ipv6/conf/%s/disable_ipv6", state->gw_port);
	sysctl_write(key, "1");
	err = net6_gateway_setup(c, state);
	if (err)
		goto undo;
	if (!netstate_has_ipv4(state)) {
		/* No IPv4 address here, and none of the node's answered in ARP. */
		snprintf(key, sizeof(key), "net/ipv4/conf/%s/arp_ignore", state->gw_dev);
		err = sysctl_write(key, "8");
		if (!err)
			return 0;
		pr_err("cannot set net.ipv4.conf.%s.arp_ignore for IPv6-only network %s: %s",
		       state->gw_dev, state->name, strerror(-err));
		goto undo;
	}
	err = nl_addr_add(&c->nl, state->gw_dev_ifindex, state->gateway, state->subnet.prefix, brd);
	if (!err)
		return 0;
	pr_err("cannot add gateway address to %s: %s%s%s", state->gw_dev, strerror(-err),
	       c->nl.err_msg[0] ? ": " : "", c->nl.err_msg);
undo:
	gateway_remove(c, state);
	return err;
}

bool gateway_intact(struct netctx *c, const struct netstate *state)
{
	return link_ours(&c->nl, state->gw_dev, state->name, state->gw_dev_ifindex) &&
	       link_ours(&c->nl, state->gw_port, state->name, state->gw_port_ifindex);
}

void gateway_remove(struct netctx *c, const struct netstate *state)
{
	/* Deleting one end removes the pair. */
	if (link_ours(&c->nl, state->gw_dev, state->name, 0))
		nl_link_del(&c->nl, nl_link_index(&c->nl, state->gw_dev));
	if (link_ours(&c->nl, state->gw_port, state->name, 0))
		nl_link_del(&c->nl, nl_link_index(&c->nl, state->gw_port));
}

/*
 * XDP mode at the gateway: the switch's XDP program on the switch side, and
 * the node side ready for what it redirects (NAPI through GRO; no transmit
 * checksum offload for the node's own TCP, whose partial checksums XDP
 * would not complete).
 */
static int gateway_xdp(struct netctx *c, const struct netstate *state, const struct switchdp *dp)
{
	char pin[PATH_MAX];
	int err;

	err = ethtool_set_gro(state->gw_dev, true);
	if (!err)
		err = ethtool_set_tx_csum(state->gw_dev, false);
	if (err) {
		pr_err("cannot prepare %s for XDP (GRO on, tx checksumming off): %s", state->gw_dev,
		       strerror(-err));
		return err;
	}
	err = pin_port_xdp(&c->p, state->name, state->gw_port, pin, sizeof(pin));
	if (!err)
		err = attach_xdp(dp->prog_port_xdp, state->gw_port_ifindex, pin);
	if (err)
		pr_err("cannot attach the XDP switch program to %s: %s", state->gw_port,
		       strerror(-err));
	return err;
}

int gateway_plug(struct netctx *c, struct netstate *state, const struct switchdp *dp)
{
	struct bpfbr_port port = { .ifindex = (uint32_t)state->gw_port_ifindex,
				   .slot = 0,
				   .kind = BPFBR_PORT_GATEWAY,
				   .ipv4 = state->gateway };
	char link_pin[PATH_MAX], links[PATH_MAX];
	enum attach_mode mode = state->mode;
	int err;

	memcpy(port.mac, state->gw_mac, 6);
	err = switchdp_port_add(dp, &port);
	if (err) {
		pr_err("cannot add the gateway port %s to the datapath of network %s: %s",
		       state->gw_port, state->name, strerror(-err));
		return err;
	}
	err = pin_port_link(&c->p, state->name, state->gw_port, link_pin, sizeof(link_pin));
	if (!err)
		err = pin_net_links_dir(&c->p, state->name, links, sizeof(links));
	if (!err)
		err = mkdir_p(links, 0700);
	if (!err)
		err = attach_hook(dp->prog_port, state->gw_port_ifindex, HOOK_INGRESS, link_pin,
				  &mode);
	if (err) {
		pr_err("cannot attach the switch program to %s: %s", state->gw_port,
		       strerror(-err));
		return err;
	}
	state->mode = mode;
	if (state->datapath == DATAPATH_XDP) {
		err = gateway_xdp(c, state, dp);
		if (err)
			goto undo_attach;
	}
	err = nl_link_set_up(&c->nl, state->gw_port_ifindex);
	if (!err)
		err = nl_link_set_up(&c->nl, state->gw_dev_ifindex);
	if (!err)
		return 0;
	pr_err("cannot bring up %s/%s: %s", state->gw_dev, state->gw_port, strerror(-err));
undo_attach:
	detach_hook(state->gw_port_ifindex, HOOK_INGRESS, link_pin, mode);
	return err;
}
