// SPDX-License-Identifier: GPL-2.0-only OR BSD-2-Clause
#include <errno.h>
#include <string.h>
#include <unistd.h>
#include <bpf/bpf.h>

#include "switchdp.h"
#include "port_device.h"
#include "hooks.h"
#include "pin_layout.h"
#include "uplink.h"
#include "uplinkdp.h"

static int port_hooks(struct netctx *c, const struct netstate *state, const struct switchdp *dp,
		      const char *ifname, int ifindex, enum attach_dir dir, hook_fn fn, void *data)
{
	struct hook h = { .device = ifname,
			  .ifindex = ifindex,
			  .name = dir == HOOK_NETKIT_PEER ? HOOK_NAME_NETKIT_PEER
							  : HOOK_NAME_TC_INGRESS,
			  .dir = dir,
			  .mode = state->mode,
			  .prog = dp->prog_port };
	int err;

	err = pin_port_link(&c->p, state->name, ifname, h.pin, sizeof(h.pin));
	if (!err)
		err = fn(&h, data);
	if (err || state->datapath != DATAPATH_XDP)
		return err;
	h.name = HOOK_NAME_XDP;
	h.mode = ATTACH_TCX;
	h.prog = dp->prog_port_xdp;
	err = pin_port_xdp(&c->p, state->name, ifname, h.pin, sizeof(h.pin));
	return err ?: fn(&h, data);
}

int hooks_of_net(struct netctx *c, const struct netstate *state, const struct switchdp *dp,
		 hook_fn fn, void *data)
{
	int err = port_hooks(c, state, dp, state->gw_port, state->gw_port_ifindex, HOOK_INGRESS, fn,
			     data);

	for (uint32_t i = 0; !err && i < state->n_att; i++)
		err = port_hooks(c, state, dp, state->att[i].host_ifname,
				 state->att[i].host_ifindex, port_hook_dir(state), fn, data);
	return err;
}

int hooks_of_uplink(struct netctx *c, const char *ifname, const struct uplinkdp *u, hook_fn fn,
		    void *data)
{
	struct hook h = { .device = ifname,
			  .name = HOOK_NAME_TC_EGRESS,
			  .dir = HOOK_EGRESS,
			  .prog = u->prog_out };
	int err;

	/* A device that went keeps its pinned links (detached): they are still listed. */
	h.ifindex = nl_link_index(&c->nl, ifname);
	if (h.ifindex < 0)
		h.ifindex = 0;
	err = pin_uplink_link(&c->p, ifname, UPLINK_LINK_EGRESS, h.pin, sizeof(h.pin));
	if (err)
		return err;
	/* TCX links are pinned; legacy filters are not. */
	h.mode = pin_hook_mode(h.pin);
	err = fn(&h, data);
	if (!err)
		err = pin_uplink_link(&c->p, ifname, UPLINK_LINK_INGRESS, h.pin, sizeof(h.pin));
	if (!err) {
		h.name = HOOK_NAME_TC_INGRESS;
		h.dir = HOOK_INGRESS;
		h.prog = u->prog_in;
		err = fn(&h, data);
	}
	if (!err)
		err = pin_uplink_link(&c->p, ifname, UPLINK_LINK_XDP, h.pin, sizeof(h.pin));
	if (err || !pin_present(h.pin))
		return err; /* no XDP on this uplink (a veth, or TC mode) */
	h.name = HOOK_NAME_XDP;
	h.mode = ATTACH_TCX;
	h.prog = u->prog_xdp;
	return fn(&h, data);
}

static int prog_id(int fd, uint32_t *id)
{
	struct bpf_prog_info info = {};
	uint32_t len = sizeof(info);

	if (bpf_obj_get_info_by_fd(fd, &info, &len))
		return -errno;
	*id = info.id;
	return 0;
}

int hook_programs(const struct hook *h, uint32_t *running, uint32_t *pinned)
{
	struct attach_info info;
	int err = prog_id(h->prog, pinned);

	if (!err)
		err = attach_query(h->ifindex, h->dir, h->pin, h->mode, &info);
	*running = err ? 0 : info.prog_id;
	return err;
}

int hook_switch(const struct hook *h)
{
	if (!strcmp(h->name, HOOK_NAME_XDP))
		return replace_link(h->prog, h->pin);
	return replace_hook(h->prog, h->ifindex, h->dir, h->pin, h->mode);
}
