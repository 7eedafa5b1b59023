// SPDX-License-Identifier: GPL-2.0-only OR BSD-2-Clause
#include <arpa/inet.h>
#include <errno.h>
#include <netinet/in.h>
#include <stdio.h>
#include <string.h>

#include "gwallow.h"
#include "parse.h"

int gwallow_add(struct gwallow *g, __u8 proto, __u16 port)
{
	for (__u32 i = 0; i < g->n; i++)
		if (g->svc[i].proto == proto && g->svc[i].port == htons(port))
			return 0;
	if (g->n == BPFBR_GATEWAY_ALLOW_MAX)
		return -ENOSPC;
	g->svc[g->n].proto = proto;
	g->svc[g->n].port = htons(port);
	g->n++;
	return 0;
}

static int parse_item(const char *item, struct gwallow *g, char *why, size_t size)
{
	const char *slash = strchr(item, '/');
	size_t plen = slash ? (size_t)(slash - item) : strlen(item);
	uint32_t port = 0;
	__u8 proto;

	if (!strcmp(item, "all")) {
		g->all = true;
		return 0;
	}
	if (plen == 3 && !strncmp(item, "tcp", 3))
		proto = IPPROTO_TCP;
	else if (plen == 3 && !strncmp(item, "udp", 3))
		proto = IPPROTO_UDP;
	else {
		snprintf(why, size, "\"%s\" is not all, tcp/PORT or udp/PORT", item);
		return -EINVAL;
	}
	if (slash && parse_u32(slash + 1, 1, 65535, &port)) {
		snprintf(why, size, "\"%s\": the port must be 1-65535", item);
		return -EINVAL;
	}
	if (gwallow_add(g, proto, (__u16)port)) {
		snprintf(why, size, "at most %d services", BPFBR_GATEWAY_ALLOW_MAX);
		return -EINVAL;
	}
	return 0;
}

int gwallow_parse(const char *s, struct gwallow *g, char *why, size_t size)
{
	char buf[256], *save, *item;

	memset(g, 0, sizeof(*g));
	if (strlen(s) >= sizeof(buf)) {
		snprintf(why, size, "the list is too long");
		return -EINVAL;
	}
	strcpy(buf, s);
	for (item = strtok_r(buf, ",", &save); item; item = strtok_r(NULL, ",", &save)) {
		int err = parse_item(item, g, why, size);

		if (err)
			return err;
	}
	return 0;
}

void gwallow_format(const struct gwallow *g, char *buf, size_t size)
{
	size_t len = 0;

	buf[0] = '\0';
	if (g->all) {
		snprintf(buf, size, "all");
		return;
	}
	for (__u32 i = 0; i < g->n && len < size; i++) {
		int n = snprintf(buf + len, size - len, "%s%s", i ? "," : "",
				 g->svc[i].proto == IPPROTO_TCP ? "tcp" : "udp");

		len += n > 0 ? (size_t)n : 0;
		if (g->svc[i].port && len < size) {
			n = snprintf(buf + len, size - len, "/%u", ntohs(g->svc[i].port));
			len += n > 0 ? (size_t)n : 0;
		}
	}
}

int gwallow_network(const char *user, uint32_t gateway, const struct net_dns *dns, char *out,
		    size_t size, char *why, size_t why_size)
{
	char gw[IP_STR_LEN];
	struct gwallow g;

	if (gwallow_parse(user ?: "", &g, why, why_size))
		return -EINVAL;
	ip_str(gateway, gw);
	for (uint32_t i = 0; i < dns->n_servers && !g.all; i++) {
		if (strcmp(dns->servers[i], gw))
			continue;
		if (gwallow_add(&g, IPPROTO_UDP, 53) || gwallow_add(&g, IPPROTO_TCP, 53)) {
			snprintf(why, why_size,
				 "no room left for DNS (udp/53, tcp/53) on the gateway, a DNS "
				 "server; list fewer services");
			return -EINVAL;
		}
	}
	gwallow_format(&g, out, size);
	return 0;
}
