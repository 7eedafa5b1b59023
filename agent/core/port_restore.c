// SPDX-License-Identifier: GPL-2.0-only OR BSD-2-Clause
#include <limits.h>
#include <string.h>
#include <bpf/bpf.h>

#include "hook_attach.h"
#include "switchdp_maps.h"
#include "link_alias.h"
#include "log.h"
#include "netfollow.h"
#include "network6.h"
#include "pin_layout.h"
#include "port_device.h"
#include "port_publish.h"
#include "port_restore.h"
#include "uplink.h"

bool net_port_gone(struct netctx *c, const struct netstate *state, const struct attachment *a)
{
	return a->host_ifindex <= 0 ||
	       !link_ours(&c->nl, a->host_ifname, state->name, a->host_ifindex);
}

/* The hook is there and runs prog (a legacy filter outlives the pins of a
 * lost datapath, still running its program on the lost maps). */
static bool runs(int prog, int ifindex, enum attach_dir dir, const char *pin, enum attach_mode mode)
{
	struct bpf_prog_info info = {};
	uint32_t len = sizeof(info);
	struct attach_info at;

	return hook_live(ifindex, dir, pin, mode) && !attach_query(ifindex, dir, pin, mode, &at) &&
	       !bpf_obj_get_info_by_fd(prog, &info, &len) && at.prog_id == info.id;
}

int net_port_restore(struct netctx *c, const struct netstate *state, const struct switchdp *dp,
		     struct attachment *a, bool *redone)
{
	struct bpfbr_port port = { .ifindex = (uint32_t)a->host_ifindex,
				   .slot = a->slot,
				   .kind = BPFBR_PORT_CONTAINER,
				   .device = port_device_dp(state, a),
				   .ipv4 = a->ip },
			  cur;
	char pin[PATH_MAX], xdp_pin[PATH_MAX];
	enum attach_mode mode = state->mode;
	uint8_t live[6];
	bool have;
	int err;

	*redone = false;
	err = pin_port_link(&c->p, state->name, a->host_ifname, pin, sizeof(pin));
	if (!err && state->datapath == DATAPATH_XDP)
		err = pin_port_xdp(&c->p, state->name, a->host_ifname, xdp_pin, sizeof(xdp_pin));
	if (err)
		return err;
	/* The MAC the port followed, else the state's; the one the container's
	 * interface has now wins if the switch may take it (as it follows). */
	have = !switchdp_port_get(dp, port.ifindex, &cur) && cur.slot == port.slot &&
	       cur.kind == port.kind;
	memcpy(port.mac, have ? cur.mac : a->mac, 6);
	if (!net_container_mac(a, live) && memcmp(live, port.mac, 6) &&
	    switchdp_mac_takeable(dp, live, port.ifindex))
		memcpy(port.mac, live, 6);
	if (!have || memcmp(cur.mac, port.mac, 6) || cur.ipv4 != port.ipv4 ||
	    cur.device != port.device) {
		err = switchdp_port_add(dp, &port) ?: net6_port_set(dp, state, a);
		if (!err && have && memcmp(cur.mac, port.mac, 6))
			switchdp_fdb_del_static(dp, cur.mac, port.ifindex);
		*redone = true;
	}
	memcpy(a->mac, port.mac, 6);
	if (!err && !runs(dp->prog_port, a->host_ifindex, port_hook_dir(state, a), pin, mode)) {
		detach_hook(a->host_ifindex, port_hook_dir(state, a), pin, mode);
		err = attach_hook(dp->prog_port, a->host_ifindex, port_hook_dir(state, a), pin,
				  &mode);
		*redone = true;
	}
	if (!err && state->datapath == DATAPATH_XDP && !xdp_live(a->host_ifindex, xdp_pin)) {
		detach_xdp(xdp_pin);
		err = attach_xdp(dp->prog_port_xdp, a->host_ifindex, xdp_pin);
		*redone = true;
	}
	if (!err)
		err = uplink_endpoint_add(c, state, a) ?: port_publish_restore(c, state, a);
	if (err)
		pr_err("cannot restore port %s of network %s: %s", a->host_ifname, state->name,
		       strerror(-err));
	return err;
}
