// SPDX-License-Identifier: GPL-2.0-only OR BSD-2-Clause
#include <errno.h>
#include <string.h>
#include <unistd.h>
#include <bpf/bpf.h>

#include "switchdp.h"
#include "cluster_store.h"
#include "cluster_tunnel.h"
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
				 state->att[i].host_ifindex, port_hook_dir(state, &state->att[i]),
				 fn, data);
	return err;
}

/* One of the VXLAN device's hooks, when it is there: its link pinned
 * (TCX), or our legacy filter on the device. */
static int tunnel_hook(struct netctx *c, const char *ifname, enum uplink_link which, struct hook *h,
		       hook_fn fn, void *data)
{
	int err = pin_uplink_link(&c->p, ifname, which, h->pin, sizeof(h->pin));

	if (err)
		return err;
	h->mode = pin_hook_mode(h->pin);
	if (!pin_present(h->pin) && !hook_live(h->ifindex, h->dir, h->pin, h->mode))
		return 0;
	return fn(h, data);
}

/* The cluster's VXLAN device's, when they run this uplink's programs (the
 * uplink of the network of this node's pod CIDR). */
static int tunnel_hooks(struct netctx *c, const char *ifname, const struct uplinkdp *u, hook_fn fn,
			void *data)
{
	char name[IF_NAMESIZE];
	struct hook h = { .device = name,
			  .name = HOOK_NAME_TC_INGRESS,
			  .dir = HOOK_INGRESS,
			  .prog = u->prog_tunnel_in };
	struct tunnel_site s = { 0 };
	struct cluster cl;
	int err;

	if (u->prog_tunnel_in < 0 || u->prog_tunnel_out < 0 || cluster_load(&c->p, &cl))
		return 0;
	err = cl.declared && cl.mode == CLUSTER_VXLAN ? cluster_tunnel_site(c, &cl, &s) : 0;
	cluster_free(&cl);
	if (err || !s.found || strcmp(s.uplink, ifname))
		return err;
	cluster_tunnel_name(&c->p, name);
	h.ifindex = nl_link_index(&c->nl, name);
	if (h.ifindex <= 0)
		return 0;
	err = tunnel_hook(c, ifname, UPLINK_LINK_TUNNEL_IN, &h, fn, data);
	if (err)
		return err;
	h.name = HOOK_NAME_TC_EGRESS;
	h.dir = HOOK_EGRESS;
	h.prog = u->prog_tunnel_out;
	return tunnel_hook(c, ifname, UPLINK_LINK_TUNNEL_OUT, &h, fn, data);
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
	/* (No XDP on a veth uplink, or in TC mode.) */
	if (!err && pin_present(h.pin)) {
		h.name = HOOK_NAME_XDP;
		h.mode = ATTACH_TCX;
		h.prog = u->prog_xdp;
		err = fn(&h, data);
	}
	return err ?: tunnel_hooks(c, ifname, u, fn, data);
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
