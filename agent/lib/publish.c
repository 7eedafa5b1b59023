// SPDX-License-Identifier: GPL-2.0-only OR BSD-2-Clause
#include <errno.h>
#include <netinet/in.h>
#include <stdio.h>
#include <string.h>

#include "parse.h"
#include "publish.h"

const char *publish_proto_name(uint8_t proto)
{
	return proto == IPPROTO_UDP ? "udp" : "tcp";
}

/* "P" or "P-END" into *first and *n; -EINVAL with why. */
static int ports(const char *s, const char *what, uint16_t *first, uint16_t *n,
		 char why[PUBLISH_WHY_LEN])
{
	char lo[8];
	const char *dash = strchr(s, '-');
	uint32_t a, b;

	if (!dash) {
		if (parse_u32(s, 1, 65535, &a))
			goto bad;
		*first = (uint16_t)a;
		*n = 1;
		return 0;
	}
	if ((size_t)(dash - s) >= sizeof(lo))
		goto bad;
	memcpy(lo, s, dash - s);
	lo[dash - s] = '\0';
	if (parse_u32(lo, 1, 65535, &a) || parse_u32(dash + 1, 1, 65535, &b))
		goto bad;
	if (a > b) {
		snprintf(why, PUBLISH_WHY_LEN, "%s range \"%s\" is reversed: write it as %u-%u",
			 what, s, b, a);
		return -EINVAL;
	}
	*first = (uint16_t)a;
	*n = (uint16_t)(b - a + 1);
	return 0;
bad:
	snprintf(why, PUBLISH_WHY_LEN, "%s \"%.16s\" is not a port 1-65535 or a range of them",
		 what, s);
	return -EINVAL;
}

int publish_parse(const char *s, struct publish *out, char why[PUBLISH_WHY_LEN])
{
	char buf[PUBLISH_STR_LEN + 16], *parts[3], *proto, *c;
	struct publish p = { .proto = IPPROTO_TCP };
	uint16_t host_n, n;
	int nparts = 0;

	if (!s || strlen(s) >= sizeof(buf)) {
		snprintf(why, PUBLISH_WHY_LEN, "is not [HOSTIP:]HOSTPORT:CONTAINERPORT[/tcp|/udp]");
		return -EINVAL;
	}
	strcpy(buf, s);
	proto = strchr(buf, '/');
	if (proto) {
		*proto++ = '\0';
		if (!strcmp(proto, "udp")) {
			p.proto = IPPROTO_UDP;
		} else if (strcmp(proto, "tcp")) {
			snprintf(why, PUBLISH_WHY_LEN,
				 "protocol \"%.16s\" is unknown: use tcp or udp", proto);
			return -EINVAL;
		}
	}
	for (c = buf; nparts < 3; nparts++) {
		parts[nparts] = c;
		c = strchr(c, ':');
		if (!c) {
			nparts++;
			break;
		}
		*c++ = '\0';
	}
	if (c || nparts < 2) {
		snprintf(why, PUBLISH_WHY_LEN,
			 "is not [HOSTIP:]HOSTPORT:CONTAINERPORT: give the host port too, e.g. "
			 "8080:80");
		return -EINVAL;
	}
	if (nparts == 3 && parse_ipv4(parts[0], &p.host_ip)) {
		snprintf(why, PUBLISH_WHY_LEN, "host address \"%.16s\" is not an IPv4 address",
			 parts[0]);
		return -EINVAL;
	}
	if (ports(parts[nparts - 2], "host port", &p.host_port, &host_n, why) ||
	    ports(parts[nparts - 1], "container port", &p.port, &n, why))
		return -EINVAL;
	if (host_n != n) {
		snprintf(
			why, PUBLISH_WHY_LEN,
			"host range has %u ports and container range %u: give both the same length",
			host_n, n);
		return -EINVAL;
	}
	p.count = n;
	*out = p;
	return 0;
}

static int range_str(char *buf, size_t size, uint16_t first, uint16_t count)
{
	if (count > 1)
		return snprintf(buf, size, "%u-%u", first, first + count - 1);
	return snprintf(buf, size, "%u", first);
}

const char *publish_str(const struct publish *p, char buf[PUBLISH_STR_LEN])
{
	char ip[IP_STR_LEN];
	int n = 0;

	if (p->host_ip)
		n = snprintf(buf, PUBLISH_STR_LEN, "%s:", ip_str(p->host_ip, ip));
	n += range_str(buf + n, PUBLISH_STR_LEN - n, p->host_port, p->count);
	n += snprintf(buf + n, PUBLISH_STR_LEN - n, ":");
	n += range_str(buf + n, PUBLISH_STR_LEN - n, p->port, p->count);
	snprintf(buf + n, PUBLISH_STR_LEN - n, "/%s", publish_proto_name(p->proto));
	return buf;
}

bool publish_overlap(const struct publish *a, const struct publish *b)
{
	uint32_t a_end = (uint32_t)a->host_port + a->count,
		 b_end = (uint32_t)b->host_port + b->count;

	return a->proto == b->proto && a->host_port < b_end && b->host_port < a_end;
}
