// SPDX-License-Identifier: GPL-2.0-only OR BSD-2-Clause
#include <errno.h>

#include "cli_dual.h"
#include "elide.h"
#include "log.h"

/* A value as messages show it: cut short when long. */
#define E(v) elide((v), (char[ELIDE_LEN]){ 0 }, ELIDE_LEN)

/* The IPv4 and the IPv6 value of option name (NULL: not given); two of one family refused. */
static int split(struct cli *cli, const char *name, const char **v4, const char **v6)
{
	const char *v[2] = { cli_get(cli, name), cli_get_again(cli, name) };

	*v4 = *v6 = NULL;
	for (int i = 0; i < 2 && v[i]; i++) {
		const char **slot = is_ipv6_text(v[i]) ? v6 : v4;

		if (*slot) {
			char a[ELIDE_LEN], b[ELIDE_LEN];

			pr_err("option --%s is given twice for %s (\"%s\" and \"%s\"): give it "
			       "once per address family",
			       name, slot == v6 ? "IPv6" : "IPv4", elide(*slot, a, sizeof(a)),
			       elide(v[i], b, sizeof(b)));
			return 2; /* the command line is wrong, as for any option given twice */
		}
		*slot = v[i];
	}
	return 0;
}

int cli_dual_net(struct cli *cli, struct net_opts *o)
{
	const char *s4, *s6, *g4, *g6;
	int err = split(cli, "subnet", &s4, &s6) ?: split(cli, "gateway", &g4, &g6);

	if (err)
		return err;
	if (!s4 && !s6) {
		pr_err("network %s needs a --subnet CIDR, e.g. --subnet 10.40.0.0/24 or --subnet "
		       "fd00:40::/64 (give both for dual stack)",
		       o->name);
		return -EINVAL;
	}
	if (s4 && parse_cidr(s4, &o->subnet)) {
		pr_err("--subnet must be an IPv4 CIDR such as 10.40.0.0/24, not \"%s\"", E(s4));
		return -EINVAL;
	}
	if (s4 && !o->subnet.prefix) { /* (a prefix of 0 means no IPv4 inside) */
		pr_err("subnet %s of network %s must have a prefix between /8 and /30", E(s4),
		       o->name);
		return -EINVAL;
	}
	if (s6 && parse_cidr6(s6, &o->subnet6)) {
		pr_err("--subnet must be an IPv6 CIDR such as fd00:40::/64, not \"%s\"", E(s6));
		return -EINVAL;
	}
	if (s6 && !o->subnet6.prefix) {
		pr_err("--subnet must be an IPv6 prefix of /48 to /64, not \"%s\"", E(s6));
		return -EINVAL;
	}
	if (g4 && (parse_ipv4(g4, &o->gateway) || !s4)) {
		pr_err(s4 ? "--gateway must be an IPv4 address, not \"%s\""
			  : "--gateway \"%s\" is IPv4, and the network has no IPv4 --subnet",
		       E(g4));
		return -EINVAL;
	}
	if (g6 && (parse_ipv6(g6, o->gateway6) || !s6)) {
		pr_err(s6 ? "--gateway must be an IPv6 address, not \"%s\""
			  : "--gateway \"%s\" is IPv6, and the network has no IPv6 --subnet",
		       E(g6));
		return -EINVAL;
	}
	return 0;
}

int cli_dual_ip(struct cli *cli, struct attach_opts *o)
{
	const char *v4, *v6;
	int err = split(cli, "ip", &v4, &v6);

	if (err)
		return err;
	if (v4 && parse_ipv4(v4, &o->ip)) {
		pr_err("--ip must be an IPv4 address, not \"%s\"", E(v4));
		return -EINVAL;
	}
	if (v6 && parse_ipv6(v6, o->ip6)) {
		pr_err("--ip must be an IPv6 address, not \"%s\"", E(v6));
		return -EINVAL;
	}
	return 0;
}
