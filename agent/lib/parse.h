/* SPDX-License-Identifier: GPL-2.0-only OR BSD-2-Clause */
/*
 * Parsing and validation of the values users give: addresses, prefixes, MACs,
 * names. Addresses are kept in network byte order. Functions return 0 or
 * -EINVAL and never print: callers name the object in their message.
 */
#ifndef BPFBR_PARSE_H
#define BPFBR_PARSE_H

#include <stdbool.h>
#include <stddef.h>
#include <stdint.h>

#define NETNAME_MAX 64
#define MAC_STR_LEN 18
#define IP_STR_LEN  16

struct cidr {
	uint32_t addr; /* network order */
	uint8_t prefix;
};

int parse_ipv4(const char *s, uint32_t *addr);
/* "A.B.C.D/N", N in 0..32. */
int parse_cidr(const char *s, struct cidr *c);
int parse_mac(const char *s, uint8_t mac[6]);
int parse_u32(const char *s, uint32_t min, uint32_t max, uint32_t *out);
/* "LO-HI", 1 <= LO <= HI <= 65535. */
int parse_port_range(const char *s, uint16_t *lo, uint16_t *hi);

uint32_t prefix_mask(uint8_t prefix); /* network order */
bool cidr_contains(const struct cidr *c, uint32_t addr);
bool cidr_overlaps(const struct cidr *a, const struct cidr *b);

/* Interface names: 1..15 bytes, no '/', ':', whitespace, not "." or "..". */
bool valid_ifname(const char *s);
/* Network names: 1..63 of [A-Za-z0-9_.-], starting with a letter or digit. */
bool valid_netname(const char *s);

const char *ip_str(uint32_t addr, char buf[IP_STR_LEN]);
const char *mac_str(const uint8_t mac[6], char buf[MAC_STR_LEN]);
bool mac_is_unicast(const uint8_t mac[6]);

#endif
