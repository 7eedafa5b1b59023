// SPDX-License-Identifier: GPL-2.0-only OR BSD-2-Clause
#include <errno.h>
#include <stdio.h>
#include <string.h>
#include <arpa/inet.h>

#include "dns_node.h"

#define NODE_RESOLV	"etc/resolv.conf"
#define RESOLVED_RESOLV "run/systemd/resolve/resolv.conf"

static const char *const fallback[] = { "8.8.8.8", "8.8.4.4" };

static bool loopback(const char *addr)
{
	struct in6_addr a6;
	struct in_addr a4;

	if (inet_pton(AF_INET, addr, &a4) == 1)
		return (ntohl(a4.s_addr) >> 24) == 127;
	return inet_pton(AF_INET6, addr, &a6) == 1 && IN6_IS_ADDR_LOOPBACK(&a6);
}

static void add_word(char (*list)[DNS_NAME_LEN], uint32_t *n, uint32_t max, const char *w)
{
	if (*n < max && strlen(w) < DNS_NAME_LEN)
		snprintf(list[(*n)++], DNS_NAME_LEN, "%s", w);
}

/* ROOT/rel as resolv.conf; *dropped counts loopback nameservers left out. -errno if unreadable. */
static int read_resolv(const struct paths *p, const char *rel, struct net_dns *d, int *dropped)
{
	char path[PATH_MAX], line[512], *save;
	FILE *f;

	memset(d, 0, sizeof(*d));
	if (path_join(path, sizeof(path), p->root, rel))
		return -ENAMETOOLONG;
	f = fopen(path, "re");
	if (!f)
		return -errno;
	while (fgets(line, sizeof(line), f)) {
		char *key = strtok_r(line, " \t\n", &save), *w;

		if (!key)
			continue;
		while ((w = strtok_r(NULL, " \t\n", &save))) {
			if (!strcmp(key, "nameserver") && loopback(w))
				(*dropped)++;
			else if (!strcmp(key, "nameserver") && d->n_servers < DNS_MAX_SERVERS &&
				 strlen(w) < DNS_SERVER_LEN)
				strcpy(d->servers[d->n_servers++], w);
			else if (!strcmp(key, "search"))
				add_word(d->search, &d->n_search, DNS_MAX_SEARCH, w);
			else if (!strcmp(key, "options") && d->n_options < DNS_MAX_OPTIONS &&
				 strlen(w) < DNS_OPTION_LEN)
				strcpy(d->options[d->n_options++], w);
			if (strcmp(key, "search") && strcmp(key, "options"))
				break;
		}
	}
	fclose(f);
	return 0;
}

int dns_for_container(const struct paths *p, const struct net_dns *net, struct net_dns *out)
{
	bool own = net->n_search || net->n_options || net->domain[0];
	struct net_dns up;
	int dropped = 0, none = 0;

	*out = *net;
	if (net->n_servers)
		return 1;
	read_resolv(p, NODE_RESOLV, out, &dropped);
	if (!dropped && !own)
		return 0; /* the node's file serves as it is */
	if (!out->n_servers && dropped && !read_resolv(p, RESOLVED_RESOLV, &up, &none)) {
		memcpy(out->servers, up.servers, sizeof(up.servers));
		out->n_servers = up.n_servers;
	}
	if (!out->n_servers) {
		for (uint32_t i = 0; i < 2; i++)
			strcpy(out->servers[i], fallback[i]);
		out->n_servers = 2;
	}
	if (net->n_search || net->domain[0]) {
		memcpy(out->search, net->search, sizeof(net->search));
		out->n_search = net->n_search;
		memcpy(out->domain, net->domain, sizeof(net->domain));
	}
	if (net->n_options) {
		memcpy(out->options, net->options, sizeof(net->options));
		out->n_options = net->n_options;
	}
	return 1;
}
