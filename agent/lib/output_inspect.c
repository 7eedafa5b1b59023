// SPDX-License-Identifier: GPL-2.0-only OR BSD-2-Clause
#include <stdio.h>

#include "output.h"
#include "output_inspect.h"

static const char *s(json_t *o, const char *key)
{
	const char *v = json_string_value(json_object_get(o, key));

	return v ? v : "-";
}

static long long n(json_t *o, const char *key)
{
	return (long long)json_integer_value(json_object_get(o, key));
}

static const char *yes(json_t *o, const char *key)
{
	return json_is_true(json_object_get(o, key)) ? "yes" : "no";
}

static void list(const char *title, json_t *arr)
{
	size_t i;
	json_t *v;

	printf("  %-15s", title);
	json_array_foreach (arr, i, v)
		printf("%s%s", i ? "," : "", json_string_value(v));
	printf("%s\n", json_array_size(arr) ? "" : "-");
}

static void print_one(json_t *o)
{
	json_t *nat = json_object_get(o, "nat"), *dns = json_object_get(o, "dns"), *v;
	size_t i;

	printf("network %s\n", s(o, "name"));
	printf("  %-15s%s\n  %-15s%s on %s (switch port %s)\n  %-15s%s\n", "subnet:",
	       json_is_null(json_object_get(o, "subnet")) ? "none (IPv6 only)" : s(o, "subnet"),
	       "gateway:", json_is_null(json_object_get(o, "gateway")) ? "-" : s(o, "gateway"),
	       s(o, "gateway_dev"), s(o, "gateway_port"), "addresses:",
	       json_is_null(json_object_get(o, "address_range")) ? "-" : s(o, "address_range"));
	if (json_object_get(o, "subnet6"))
		printf("  %-15s%s\n  %-15s%s\n", "subnet6:", s(o, "subnet6"),
		       "gateway6:", s(o, "gateway6"));
	printf("  %-15s%lld\n  %-15s%s\n  %-15s%s\n", "mtu:", n(o, "mtu"),
	       "mode:", s(o, "datapath"), "hook:", s(o, "attach_mode"));
	printf("  %-15s%s\n  %-15s%s\n", "uplink:", s(o, "uplink"),
	       "masquerade:", yes(o, "masquerade"));
	if (json_is_object(nat))
		printf("  %-15s%lld-%lld\n  %-15s%lld flows, %lld per container\n",
		       "nat ports:", n(nat, "port_lo"), n(nat, "port_hi"),
		       "nat limits:", n(nat, "nat_max"), n(nat, "nat_share"));
	list("dns:", json_object_get(dns, "servers"));
	list("dns search:", json_object_get(dns, "search"));
	printf("  %-15s%s\n  %-15s%s\n  %-15s%s\n  %-15s%llds\n",
	       "gateway-allow:", s(o, "gateway_allow"), "spoofchk:", yes(o, "spoofchk"),
	       "hairpin:", yes(o, "hairpin"), "ageing:", n(o, "ageing_s"));
	printf("  containers:    %lld\n", n(o, "containers"));
	json_array_foreach (json_object_get(o, "container_list"), i, v)
		printf("    %s %s %s%s%s mac %s port %s (slot %lld)\n", s(v, "netns"),
		       s(v, "ifname"), s(v, "ip"), json_object_get(v, "ip6") ? " " : "",
		       json_object_get(v, "ip6") ? s(v, "ip6") : "", s(v, "mac"), s(v, "port"),
		       n(v, "slot"));
	printf("  pins:\n");
	json_array_foreach (json_object_get(o, "pins"), i, v)
		printf("    %s\n", json_string_value(v));
}

void print_inspect(json_t *nets, bool json)
{
	size_t i;
	json_t *o;

	if (json) {
		print_json(nets);
		return;
	}
	json_array_foreach (nets, i, o) {
		if (i)
			putchar('\n');
		print_one(o);
	}
}
