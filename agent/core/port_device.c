// SPDX-License-Identifier: GPL-2.0-only OR BSD-2-Clause
#include <errno.h>
#include <stdio.h>
#include <string.h>

#include "bpfbr/port.h"
#include "log.h"
#include "netkit.h"
#include "port_device.h"
#include "wording.h"

int port_device_choose(const char *net, enum port_device want, enum datapath_mode datapath,
		       enum port_device *out)
{
	int err;

	if (want == DEVICE_VETH || (want == DEVICE_AUTO && datapath == DATAPATH_XDP)) {
		*out = DEVICE_VETH;
		return 0;
	}
	if (datapath == DATAPATH_XDP) {
		pr_err("network %s: netkit devices run no XDP programs; use %s tc with %s netkit, "
		       "or %s veth with %s xdp",
		       net, setting_name(SETTING_DATAPATH), setting_name(SETTING_DEVICE),
		       setting_name(SETTING_DEVICE), setting_name(SETTING_DATAPATH));
		return -EINVAL;
	}
	err = netkit_probe();
	if (!err) {
		*out = DEVICE_NETKIT;
		return 0;
	}
	if (want == DEVICE_AUTO) {
		pr_debug("network %s gets veth devices: no netkit here (%s)", net, strerror(-err));
		*out = DEVICE_VETH;
		return 0;
	}
	pr_err("network %s: this kernel makes no netkit devices (%s; netkit needs Linux 6.7+ "
	       "with CONFIG_NETKIT); use %s veth or auto",
	       net, strerror(-err), setting_name(SETTING_DEVICE));
	return -EOPNOTSUPP;
}

int port_device_attach(const struct netstate *state, enum port_device want, enum port_device *out)
{
	if (want == DEVICE_AUTO || want == state->device) {
		*out = state->device;
		return 0;
	}
	return port_device_choose(state->name, want, state->datapath, out);
}

enum port_device port_device_of(const struct netstate *state, const struct attachment *a)
{
	return a->device != DEVICE_AUTO ? a->device : state->device;
}

uint8_t port_device_dp(const struct netstate *state, const struct attachment *a)
{
	return port_device_of(state, a) == DEVICE_NETKIT ? BPFBR_PORT_NETKIT : BPFBR_PORT_VETH;
}

enum attach_dir port_hook_dir(const struct netstate *state, const struct attachment *a)
{
	return port_device_of(state, a) == DEVICE_NETKIT ? HOOK_NETKIT_PEER : HOOK_INGRESS;
}

static uint32_t fnv1a(uint32_t h, const char *s)
{
	for (; *s; s++)
		h = (h ^ (uint8_t)*s) * 16777619u;
	return (h ^ '/') * 16777619u;
}

/* Derived from (network, owner, ifname): stable across retries. */
void port_device_ifname(const struct netstate *state, enum port_device device, const char *id,
			const char *ifname, char *buf)
{
	uint32_t h = fnv1a(fnv1a(fnv1a(2166136261u, state->name), id), ifname);

	snprintf(buf, IF_NAMESIZE, "%s%08x", device == DEVICE_NETKIT ? "nk" : "veth", h);
}

int port_device_create(struct netctx *c, const struct netstate *state, const struct attachment *a,
		       int netns_fd)
{
	if (port_device_of(state, a) == DEVICE_NETKIT) {
		struct netkit_req req = { .name = a->host_ifname,
					  .peer_name = a->ifname,
					  .peer_netns_fd = netns_fd,
					  .peer_mac = a->mac,
					  .mtu = state->mtu };

		return nl_netkit_create(&c->nl, &req);
	}
	return nl_veth_create(&c->nl, &(struct veth_req){ .name = a->host_ifname,
							  .peer_name = a->ifname,
							  .peer_netns_fd = netns_fd,
							  .peer_mac = a->mac,
							  .mtu = state->mtu });
}
