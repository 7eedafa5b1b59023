/* SPDX-License-Identifier: GPL-2.0-only OR BSD-2-Clause */
/*
 * The IPv6 half of a dual-stack network (layer: core): its subnet checked
 * and recorded, the gateway device's address, the datapath's IPv6 maps,
 * and a container's address, link-local address and default route. Each
 * does nothing on a network without IPv6. 0 or -errno, one message.
 */
#ifndef BPFBR_NETWORK6_H
#define BPFBR_NETWORK6_H

#include "model.h"
#include "netctx.h"
#include "network.h"
#include "switchdp.h"

/* o's IPv6 subnet and gateway: a /48../64 ULA or global prefix, disjoint from other networks'. */
int net6_validate(struct netctx *c, const struct net_opts *o);
/* The state's IPv6 from o (validated). */
/* The log line of a created IPv6-only network. */
void net6_announce(const struct netstate *state);
void net6_fill(struct netstate *state, const struct net_opts *o);
/* The gateway device (node side, down yet) gets IPv6 on, its link-local
 * address from its MAC without DAD, and the gateway address; on a network
 * without IPv6, IPv6 stays off on it. */
int net6_gateway_setup(struct netctx *c, const struct netstate *state);
/* The datapath's config6 as the state describes the network. */
int net6_datapath_set(const struct switchdp *dp, const struct netstate *state);
/* The container's addresses in ports6, so anti-spoofing knows them. */
int net6_port_set(const struct switchdp *dp, const struct netstate *state,
		  const struct attachment *a);
/* The container's IPv6 address: o's, checked, or the next free one. */
int net6_pick(const struct netstate *state, const struct attach_opts *o, struct attachment *a);
/* In the container's namespace, before its interface comes up: IPv6 on,
 * link-local address from the MAC (EUI-64), no DAD (usable at once). */
int net6_container_prepare(int netns_fd, const struct netstate *state, const char *ifname);
/* The container's address and (unless o lists its routes) its default route via the gateway. */
int net6_container_setup(struct nl *cnl, int ifindex, const struct netstate *state,
			 const struct attachment *a, const struct attach_opts *o, char *what,
			 size_t size);

/* A dual-stack network with an uplink: IPv6 forwarding on (the node's, the
 * gateway device's and the uplink's), so that the node routes its IPv6 out. */
int net6_forwarding(const struct netstate *state);

#endif
