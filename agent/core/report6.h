/* SPDX-License-Identifier: GPL-2.0-only OR BSD-2-Clause */
/*
 * A dual-stack network's IPv6 in what net list, status and net inspect
 * print (layer: core): "subnet6" and "gateway6" of the network, "ip6" of a
 * container. Nothing is added for IPv4-only networks and attachments.
 */
#ifndef BPFBR_REPORT6_H
#define BPFBR_REPORT6_H

#include <jansson.h>

#include "model.h"
#include "uplinkdp.h"

/* o (taken), with the network's IPv6 added; NULL when o is NULL or out of memory. */
json_t *report6_net(const struct netstate *state, json_t *o);
/* o (taken), with the container's IPv6 address added. */
json_t *report6_att(const struct attachment *a, json_t *o);

/* The IPv6 flow in slot of u as nat show prints it: its inside, outside
 * (uplink6) and remote addresses, strings of IP6_STR_LEN. */
int report6_flow_addrs(const struct uplinkdp *u, uint32_t slot, const uint8_t uplink6[16], char *in,
		       char *out, char *rem);
/* The uplink's IPv6 address from u's config6 (zero: none, or an older datapath). */
void report6_uplink_addr(const struct uplinkdp *u, uint8_t addr[16]);

#endif
