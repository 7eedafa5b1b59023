// SPDX-License-Identifier: GPL-2.0-only OR BSD-2-Clause
#include <arpa/inet.h>
#include <ctype.h>
#include <errno.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>

#include "parse.h"

int parse_ipv4(const char *s, uint32_t *addr)
{
	struct in_addr a;

	/* inet_pton accepts only the dotted-quad form: no "10.1", no octal. */
	if (!s || inet_pton(AF_INET, s, &a) != 1)
		return -EINVAL;
	*addr = a.s_addr;
	return 0;
}

int parse_u32(const char *s, uint32_t min, uint32_t max, uint32_t *out)
{
	unsigned long v;
	char *end;

	if (!s || !isdigit((unsigned char)*s))
		return -EINVAL;
	errno = 0;
	v = strtoul(s, &end, 10);
	if (errno || *end || v < min || v > max)
		return -EINVAL;
	*out = (uint32_t)v;
	return 0;
}

int parse_port_range(const char *s, uint16_t *lo, uint16_t *hi)
{
	char buf[16];
	const char *dash = s ? strchr(s, '-') : NULL;
	uint32_t a, b;

	if (!dash || (size_t)(dash - s) >= sizeof(buf))
		return -EINVAL;
	memcpy(buf, s, dash - s);
	buf[dash - s] = '\0';
	if (parse_u32(buf, 1, 65535, &a) || parse_u32(dash + 1, 1, 65535, &b) || a > b)
		return -EINVAL;
	*lo = (uint16_t)a;
	*hi = (uint16_t)b;
	return 0;
}

int parse_cidr(const char *s, struct cidr *c)
{
	char buf[IP_STR_LEN + 4];
	const char *slash = s ? strchr(s, '/') : NULL;
	uint32_t prefix;

	if (!slash || (size_t)(slash - s) >= IP_STR_LEN)
		return -EINVAL;
	memcpy(buf, s, slash - s);
	buf[slash - s] = '\0';
	if (parse_ipv4(buf, &c->addr) || parse_u32(slash + 1, 0, 32, &prefix))
		return -EINVAL;
	c->prefix = (uint8_t)prefix;
	return 0;
}

int parse_mac(const char *s, uint8_t mac[6])
{
	unsigned int b[6];
	char tail;

	if (!s || strlen(s) != 17 ||
	    sscanf(s, "%2x:%2x:%2x:%2x:%2x:%2x%c", &b[0], &b[1], &b[2], &b[3], &b[4], &b[5],
		   &tail) != 6)
		return -EINVAL;
	for (int i = 0; i < 6; i++) {
		if (!isxdigit((unsigned char)s[i * 3]) || !isxdigit((unsigned char)s[i * 3 + 1]))
			return -EINVAL;
		mac[i] = (uint8_t)b[i];
	}
	return 0;
}

uint32_t prefix_mask(uint8_t prefix)
{
	return prefix ? htonl(~0u << (32 - prefix)) : 0;
}

bool cidr_contains(const struct cidr *c, uint32_t addr)
{
	uint32_t m = prefix_mask(c->prefix);

	return (addr & m) == (c->addr & m);
}

bool cidr_overlaps(const struct cidr *a, const struct cidr *b)
{
	uint32_t m = prefix_mask(a->prefix < b->prefix ? a->prefix : b->prefix);

	return (a->addr & m) == (b->addr & m);
}

bool valid_ifname(const char *s)
{
	size_t len = s ? strlen(s) : 0;

	if (len == 0 || len > 15 || !strcmp(s, ".") || !strcmp(s, ".."))
		return false;
	for (; *s; s++)
		if (*s == '/' || *s == ':' || isspace((unsigned char)*s) ||
		    !isprint((unsigned char)*s))
			return false;
	return true;
}

bool valid_netname(const char *s)
{
	size_t len = s ? strlen(s) : 0;

	if (len == 0 || len >= NETNAME_MAX || !isalnum((unsigned char)s[0]))
		return false;
	for (; *s; s++)
		if (!isalnum((unsigned char)*s) && *s != '_' && *s != '.' && *s != '-')
			return false;
	return true;
}

const char *ip_str(uint32_t addr, char buf[IP_STR_LEN])
{
	struct in_addr a = { .s_addr = addr };

	return inet_ntop(AF_INET, &a, buf, IP_STR_LEN);
}

const char *mac_str(const uint8_t mac[6], char buf[MAC_STR_LEN])
{
	snprintf(buf, MAC_STR_LEN, "%02x:%02x:%02x:%02x:%02x:%02x", mac[0], mac[1], mac[2], mac[3],
		 mac[4], mac[5]);
	return buf;
}

bool mac_is_unicast(const uint8_t mac[6])
{
	static const uint8_t zero[6];

	return !(mac[0] & 1) && memcmp(mac, zero, 6);
}
