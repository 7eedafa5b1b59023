/* SPDX-License-Identifier: GPL-2.0-only OR BSD-2-Clause */
/*
 * An LPM trie of IPv4 prefixes ({prefixlen, addr}, 8 bytes) -> __u8 (1)
 * made to hold exactly a given set (sys layer): the uplink's nomasq map,
 * a switch's cluster_services map.
 */
#ifndef BPFBR_LPM_SET_H
#define BPFBR_LPM_SET_H

#include <stdint.h>

struct lpm4_key {
	uint32_t prefixlen;
	uint32_t addr; /* network order */
};

/* Makes the map fd (of at most max entries) hold exactly keys[0..n). */
int lpm4_set_replace(int fd, const struct lpm4_key *keys, uint32_t n, uint32_t max);

#endif
