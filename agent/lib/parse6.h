/* SPDX-License-Identifier: GPL-2.0-only OR BSD-2-Clause */
/*
 * IPv6 values users give (layer: lib): addresses and prefixes, kept as 16
 * bytes in network order. As parse.h: 0 or -EINVAL, never a message.
 */
#ifndef BPFBR_PARSE6_H
#define BPFBR_PARSE6_H

#include <stdbool.h>
#include <stdint.h>

#define IP6_STR_LEN 46 /* INET6_ADDRSTRLEN */

struct cidr6 {
	uint8_t addr[16];
	uint8_t prefix; /* 0: none (a network without IPv6) */
};

int parse_ipv6(const char *s, uint8_t addr[16]);
/* "ADDR/N", N in 0..128. */
int parse_cidr6(const char *s, struct cidr6 *c);
/* An address written with a ':' is IPv6 (what --subnet, --gateway and --ip tell apart by). */
bool is_ipv6_text(const char *s);

bool ip6_is_zero(const uint8_t a[16]);
bool cidr6_contains(const struct cidr6 *c, const uint8_t a[16]);
bool cidr6_overlaps(const struct cidr6 *a, const struct cidr6 *b);
/* Host bits of a under prefix cleared, into out. */
void ip6_mask(const uint8_t a[16], uint8_t prefix, uint8_t out[16]);
/* The link-local address EUI-64 makes of mac (RFC 4291, appendix A). */
void ip6_ll_of_mac(const uint8_t mac[6], uint8_t out[16]);
const char *ip6_str(const uint8_t a[16], char buf[IP6_STR_LEN]);

#endif
