// SPDX-License-Identifier: GPL-2.0-only OR BSD-2-Clause
/* bpfbr net inspect: a network's settings, containers and pins (core layer). */
#include <dirent.h>
#include <arpa/inet.h>
#include <stdio.h>
#include <string.h>
#include <sys/stat.h>

#include "pin_layout.h"
#include "report6.h"
#include "report.h"
#include "report_inspect.h"

static void insert_sorted(json_t *arr, const char *path)
{
	size_t i = 0;

	while (i < json_array_size(arr) &&
	       strcmp(json_string_value(json_array_get(arr, i)), path) < 0)
		i++;
	json_array_insert_new(arr, i, json_string(path));
}

/* Every pin under dir (one level of subdirectories: links/), as paths. */
static void pins_under(const char *dir, json_t *out, int depth)
{
	char path[PATH_MAX];
	struct dirent *d;
	struct stat st;
	DIR *dh = opendir(dir);

	if (!dh)
		return;
	while ((d = readdir(dh))) {
		if (d->d_name[0] == '.' || path_join(path, sizeof(path), dir, d->d_name))
			continue;
		if (!stat(path, &st) && S_ISDIR(st.st_mode)) {
			if (depth < 1)
				pins_under(path, out, depth + 1);
			continue;
		}
		insert_sorted(out, path);
	}
	closedir(dh);
}

static json_t *pins_json(struct netctx *c, const struct netstate *ns)
{
	json_t *pins = json_array();
	char dir[PATH_MAX];

	if (!pin_net_dir(&c->p, ns->name, dir, sizeof(dir)))
		pins_under(dir, pins, 0);
	if (ns->uplink[0] && !pin_uplink_dir(&c->p, ns->uplink, dir, sizeof(dir)))
		pins_under(dir, pins, 0);
	return pins;
}

static json_t *dns_json(const struct net_dns *d)
{
	json_t *o = json_object(), *servers = json_array(), *search = json_array();

	for (uint32_t i = 0; i < d->n_servers; i++)
		json_array_append_new(servers, json_string(d->servers[i]));
	for (uint32_t i = 0; i < d->n_search; i++)
		json_array_append_new(search, json_string(d->search[i]));
	json_object_set_new(o, "servers", servers);
	json_object_set_new(o, "search", search);
	return o;
}

static json_t *containers_json(const struct netstate *ns)
{
	json_t *arr = json_array();
	char ip[IP_STR_LEN], mac[MAC_STR_LEN];

	for (uint32_t i = 0; i < ns->n_att; i++) {
		const struct attachment *a = &ns->att[i];

		json_array_append_new(
			arr,
			report6_att(a, json_pack("{s:s, s:s, s:s?, s:s, s:s, s:i, s:b, s:s}",
						 "netns", a->netns, "ifname", a->ifname, "ip",
						 a->ip ? ip_str(a->ip, ip) : NULL, "mac",
						 mac_str(a->mac, mac), "port", a->host_ifname,
						 "slot", a->slot, "created_netns", a->created_netns,
						 "by", a->cni ? "cni" : "cli")));
	}
	return arr;
}

json_t *report_inspect(struct netctx *c, const struct netstate *ns)
{
	json_t *o = report_net_summary(c, ns), *nat;
	char lo[IP_STR_LEN], hi[IP_STR_LEN];
	uint32_t mask = ns->subnet.prefix ? htonl(~0u << (32 - ns->subnet.prefix)) : 0;
	uint32_t first = htonl(ntohl(ns->subnet.addr & mask) + 1);
	uint32_t last = htonl(ntohl(ns->subnet.addr | ~mask) - 1);

	if (!o)
		return NULL;
	json_object_set_new(o, "gateway_port", json_string(ns->gw_port));
	json_object_set_new(o, "gateway_allow",
			    json_string(ns->gateway_allow[0] ? ns->gateway_allow : "none"));
	json_object_set_new(o, "address_range",
			    !netstate_has_ipv4(ns)
				    ? json_null()
				    : json_sprintf("%s-%s", ip_str(ns->range_start ?: first, lo),
						   ip_str(ns->range_end ?: last, hi)));
	json_object_set_new(o, "uplink", ns->uplink[0] ? json_string(ns->uplink) : json_null());
	json_object_set_new(o, "masquerade", json_boolean(ns->masquerade));
	nat = ns->masquerade ? json_pack("{s:i, s:i, s:i, s:i}", "nat_max", ns->nat_max,
					 "nat_share", ns->nat_share, "port_lo", ns->nat_port_lo,
					 "port_hi", ns->nat_port_hi)
			     : json_null();
	json_object_set_new(o, "nat", nat);
	json_object_set_new(o, "dns", dns_json(&ns->dns));
	json_object_set_new(o, "container_list", containers_json(ns));
	json_object_set_new(o, "pins", pins_json(c, ns));
	return o;
}
