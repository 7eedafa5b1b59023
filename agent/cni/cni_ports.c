// SPDX-License-Identifier: GPL-2.0-only OR BSD-2-Clause
#include <netinet/in.h>
#include <string.h>

#include "cni_ports.h"
#include "parse.h"

#define KEY "runtimeConfig.portMappings"

static int bad(struct cni_err *e, size_t i, const char *what)
{
	return cni_fail(e, CNI_ERR_CONFIG, "%s[%zu]: %s", KEY, i, what);
}

static int port_of(json_t *m, const char *key, size_t i, uint16_t *out, struct cni_err *e)
{
	json_t *v = json_object_get(m, key);

	if (!json_is_integer(v) || json_integer_value(v) < 1 || json_integer_value(v) > 65535)
		return cni_fail(e, CNI_ERR_CONFIG, "%s[%zu]: \"%s\" must be a port 1-65535", KEY, i,
				key);
	*out = (uint16_t)json_integer_value(v);
	return 0;
}

/* m as a published port: 0 or the error code. */
static int mapping(json_t *m, size_t i, struct publish *p, struct cni_err *e)
{
	json_t *proto, *ip;
	int err;

	if (!json_is_object(m))
		return bad(e, i, "must be an object {hostPort, containerPort, protocol, hostIP}");
	*p = (struct publish){ .count = 1, .proto = IPPROTO_TCP };
	err = port_of(m, "hostPort", i, &p->host_port, e)
		      ?: port_of(m, "containerPort", i, &p->port, e);
	if (err)
		return err;
	proto = json_object_get(m, "protocol");
	if (proto && (!json_is_string(proto) ||
		      (strcasecmp(json_string_value(proto), "tcp") &&
		       strcasecmp(json_string_value(proto), "udp") && json_string_length(proto))))
		return bad(e, i,
			   "\"protocol\" must be \"tcp\" or \"udp\" (bpfbr publishes no other)");
	if (proto && !strcasecmp(json_string_value(proto), "udp"))
		p->proto = IPPROTO_UDP;
	ip = json_object_get(m, "hostIP");
	if (ip && !json_is_string(ip))
		return bad(e, i, "\"hostIP\" must be a string");
	if (ip && json_string_length(ip) && parse_ipv4(json_string_value(ip), &p->host_ip))
		return bad(e, i, "\"hostIP\" must be an IPv4 address (bpfbr publishes IPv4 only)");
	return 0;
}

int cni_port_mappings(json_t *v, struct publish pub[PUBLISH_MAX], uint32_t *n, struct cni_err *e)
{
	struct publish p;
	json_t *m;
	size_t i;
	int err;

	*n = 0;
	if (!json_is_array(v))
		return cni_fail(e, CNI_ERR_CONFIG, "\"%s\" must be an array", KEY);
	json_array_foreach (v, i, m) {
		struct publish *last = *n ? &pub[*n - 1] : NULL;

		err = mapping(m, i, &p, e);
		if (err)
			return err;
		if (last && last->proto == p.proto && last->host_ip == p.host_ip &&
		    last->host_port + last->count == p.host_port &&
		    last->port + last->count == p.port && last->count < UINT16_MAX) {
			last->count++;
			continue;
		}
		if (*n == PUBLISH_MAX)
			return cni_fail(e, CNI_ERR_CONFIG,
					"%s: more than %d ranges of ports; publish fewer", KEY,
					PUBLISH_MAX);
		pub[(*n)++] = p;
	}
	return 0;
}
