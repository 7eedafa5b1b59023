// SPDX-License-Identifier: GPL-2.0-only OR BSD-2-Clause
#include <arpa/inet.h>
#include <errno.h>
#include <string.h>

#include "parse.h"
#include "parse6.h"

int parse_ipv6(const char *s, uint8_t addr[16])
{
	if (!s || !strchr(s, ':') || inet_pton(AF_INET6, s, addr) != 1)
		return -EINVAL;
	return 0;
}

int parse_cidr6(const char *s, struct cidr6 *c)
{
	char buf[IP6_STR_LEN];
	const char *slash = s ? strchr(s, '/') : NULL;
	uint32_t prefix;

	if (!slash || (size_t)(slash - s) >= sizeof(buf))
		return -EINVAL;
	memcpy(buf, s, slash - s);
	buf[slash - s] = '\0';
	if (parse_ipv6(buf, c->addr) || parse_u32(slash + 1, 0, 128, &prefix))
		return -EINVAL;
	c->prefix = (uint8_t)prefix;
	return 0;
}

bool is_ipv6_text(const char *s)
{
	return s && strchr(s, ':');
}

bool ip6_is_zero(const uint8_t a[16])
{
	static const uint8_t zero[16];

	return !memcmp(a, zero, 16);
}

void ip6_mask(const uint8_t a[16], uint8_t prefix, uint8_t out[16])
{
	for (int i = 0; i < 16; i++) {
		int bits = prefix - i * 8;

		out[i] = bits >= 8 ? a[i] : bits <= 0 ? 0 : (uint8_t)(a[i] & (0xff << (8 - bits)));
	}
}

static bool same_prefix(const uint8_t a[16], const uint8_t b[16], uint8_t prefix)
{
	uint8_t x[16], y[16];

	ip6_mask(a, prefix, x);
	ip6_mask(b, prefix, y);
	return !memcmp(x, y, 16);
}

bool cidr6_contains(const struct cidr6 *c, const uint8_t a[16])
{
	return same_prefix(c->addr, a, c->prefix);
}

bool cidr6_overlaps(const struct cidr6 *a, const struct cidr6 *b)
{
	return same_prefix(a->addr, b->addr, a->prefix < b->prefix ? a->prefix : b->prefix);
}

void ip6_ll_of_mac(const uint8_t mac[6], uint8_t out[16])
{
	memset(out, 0, 16);
	out[0] = 0xfe;
	out[1] = 0x80;
	out[8] = mac[0] ^ 0x02;
	out[9] = mac[1];
	out[10] = mac[2];
	out[11] = 0xff;
	out[12] = 0xfe;
	out[13] = mac[3];
	out[14] = mac[4];
	out[15] = mac[5];
}

const char *ip6_str(const uint8_t a[16], char buf[IP6_STR_LEN])
{
	return inet_ntop(AF_INET6, a, buf, IP6_STR_LEN);
}
