/* SPDX-License-Identifier: GPL-2.0-only OR BSD-2-Clause */
/* IPv6 addresses and routes through rtnetlink (layer: sys), as netlink.h's IPv4 ones. */
#ifndef BPFBR_NETLINK6_H
#define BPFBR_NETLINK6_H

#include <stdint.h>

#include "netlink.h"

/* addr/prefix on ifindex without duplicate address detection (usable at once). */
int nl_addr6_add(struct nl *nl, int ifindex, const uint8_t addr[16], uint8_t prefix);
/* The first global (scope universe, not tentative) IPv6 address of ifindex;
 * -EADDRNOTAVAIL: none. */
int nl_addr6_first_global(struct nl *nl, int ifindex, uint8_t addr[16]);
/* 0 when ifindex holds addr (global, not tentative); -EADDRNOTAVAIL if not. */
int nl_addr6_has(struct nl *nl, int ifindex, const uint8_t addr[16]);
/* ::/0 via gateway through ifindex. */
int nl_route6_add_default(struct nl *nl, int ifindex, const uint8_t gateway[16]);

/* A route of the main table, IPv6. */
struct nl_route6 {
	uint8_t dst[16];
	uint8_t prefix;
	uint8_t gateway[16]; /* zero: none */
	int oif;
};
typedef int (*nl_route6_cb)(const struct nl_route6 *route, void *data);
/* Every unicast IPv6 route of the main table; a callback returns 0 to go on,
 * > 0 to stop (0 returned), < 0 to fail. */
int nl_route6_dump(struct nl *nl, nl_route6_cb cb, void *data);

#endif
