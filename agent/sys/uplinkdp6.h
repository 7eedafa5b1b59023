/* SPDX-License-Identifier: GPL-2.0-only OR BSD-2-Clause */
/* The NAT66 maps of one uplink's datapath (bpfbr/nat6.h), as uplinkdp.h's IPv4 ones. */
#ifndef BPFBR_UPLINKDP6_H
#define BPFBR_UPLINKDP6_H

#include <stdint.h>

#include "bpfbr/nat6.h"
#include "uplinkdp.h"

/* The uplink's IPv6 address, the masquerade source (-EOPNOTSUPP: a datapath
 * of a build without NAT66; run bpfbr upgrade). */
int uplinkdp_config6_set(const struct uplinkdp *u, const uint8_t addr[16]);
/* The address config6 holds (-ENOENT: an older datapath without it). */
int uplinkdp_config6_get(const struct uplinkdp *u, uint8_t addr[16]);
int uplinkdp_endpoint6_set(const struct uplinkdp *u, const uint8_t addr[16],
			   const struct bpfbr_endpoint *ep);
/* The IPv6 endpoint of addr (-ENOENT: none, or a datapath without NAT66). */
int uplinkdp_endpoint6_get(const struct uplinkdp *u, const uint8_t addr[16],
			   struct bpfbr_endpoint *ep);
/* Stops new flows of the endpoint, reclaims the flows of its port, removes it. */
int uplinkdp_endpoint6_del(const struct uplinkdp *u, const uint8_t addr[16]);
/* The addresses of the IPv6 flow in slot. */
int uplinkdp_flow6_get(const struct uplinkdp *u, uint32_t slot, struct bpfbr_flow6 *a);

#endif
