/* SPDX-License-Identifier: GPL-2.0-only OR BSD-2-Clause */
/*
 * NAT66 through an uplink (core layer): a dual-stack network that
 * masquerades translates its IPv6 to the uplink's IPv6 address, in the
 * uplink's table (bpfbr/nat6.h); its containers' IPv6 addresses are
 * endpoints as their IPv4 ones are (uplink.h).
 */
#ifndef BPFBR_UPLINK6_H
#define BPFBR_UPLINK6_H

#include "bpfbr/nat.h"
#include "model.h"
#include "netctx.h"
#include "uplinkdp.h"

/* Writes the uplink's (ifindex) global IPv6 address into its datapath u when
 * state masquerades IPv6; says why on stderr when it has none. */
int uplink6_join(struct netctx *c, const struct netstate *state, const struct uplinkdp *u,
		 int ifindex);
/* Registers (or removes) a's IPv6 address as an endpoint ep of u. */
int uplink6_endpoint_add(const struct uplinkdp *u, const struct netstate *state,
			 const struct attachment *a, const struct bpfbr_endpoint *ep);
int uplink6_endpoint_del(const struct uplinkdp *u, const struct netstate *state,
			 const struct attachment *a);

/*
 * After bpfbr upgrade of the datapath of uplink ifname (u): the dual-stack
 * networks masquerading through it, made by a build without NAT66, get
 * what a network made now has: the uplink's IPv6 address in config6, their
 * containers' IPv6 endpoints, IPv6 forwarding.
 */
int uplink6_rejoin(struct netctx *c, const char *ifname, const struct uplinkdp *u);

#endif
