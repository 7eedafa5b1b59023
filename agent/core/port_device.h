/* SPDX-License-Identifier: GPL-2.0-only OR BSD-2-Clause */
/*
 * The device pair a container's port is: veth (the switch program on the
 * node end's TC ingress) or netkit (the switch program in the transmit path
 * of the container's own end, linked through the node end). The network has
 * a default, chosen when it is created; an attach may name the other, so a
 * network can mix them (the gateway port is a veth pair either way).
 */
#ifndef BPFBR_PORT_DEVICE_H
#define BPFBR_PORT_DEVICE_H

#include "hook_attach.h"
#include "model.h"
#include "netctx.h"

/*
 * The device for a new network: want, or for DEVICE_AUTO netkit where this
 * kernel makes it (probed) and veth otherwise, or where the datapath is XDP
 * (netkit runs no XDP programs). A netkit that cannot be had is refused,
 * said in one line: -EOPNOTSUPP.
 */
int port_device_choose(const char *net, enum port_device want, enum datapath_mode datapath,
		       enum port_device *out);

/*
 * The device of a new port of state's network: the network's for
 * DEVICE_AUTO, else want, refused as port_device_choose() refuses it.
 */
int port_device_attach(const struct netstate *state, enum port_device want, enum port_device *out);

/* The device of a's port: its own, or (DEVICE_AUTO) the network's. */
enum port_device port_device_of(const struct netstate *state, const struct attachment *a);
/* The same as the switch's port entry says it (enum bpfbr_port_device). */
uint8_t port_device_dp(const struct netstate *state, const struct attachment *a);

/* Where a container port's switch program hooks on its device. */
enum attach_dir port_hook_dir(const struct netstate *state, const struct attachment *a);

/* The node end's name for an attachment on device: veth… or nk… and 8 hex digits. */
void port_device_ifname(const struct netstate *state, enum port_device device, const char *id,
			const char *ifname, char *buf);

/* The pair for a, its peer named a->ifname with a->mac in the namespace netns_fd. */
int port_device_create(struct netctx *c, const struct netstate *state, const struct attachment *a,
		       int netns_fd);

#endif
