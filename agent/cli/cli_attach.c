// SPDX-License-Identifier: GPL-2.0-only OR BSD-2-Clause
/* bpfbr attach | detach */
#include <errno.h>
#include <stdio.h>
#include <jansson.h>

#include "cli.h"
#include "cli_dual.h"
#include "elide.h"
#include "log.h"
#include "netctx.h"
#include "network.h"
#include "recover.h"
#include "output.h"
#include "publish.h"
#include "net_restore.h"

_Static_assert(CLI_MAX_MANY == PUBLISH_MAX, "one --publish per published range");

static const struct route4 no_routes[1];

static int run_attach(struct cli *cli)
{
	struct attach_opts o = { .net = cli->pos[0], .netns = cli->pos[1] };
	char ip[IP_STR_LEN], ip6[IP6_STR_LEN], mac[MAC_STR_LEN];
	struct publish pub[CLI_MAX_MANY];
	struct attachment a;
	uint8_t want_mac[6];
	char shown[ELIDE_LEN];
	struct netctx c;
	const char *v;
	int err;

	o.ifname = cli_get(cli, "ifname");
	err = cli_dual_ip(cli, &o);
	if (err)
		return err;
	v = cli_get(cli, "mac");
	if (v) {
		if (parse_mac(v, want_mac)) {
			pr_err("--mac must be a MAC address such as 02:00:0a:28:00:02, not \"%s\"",
			       elide(v, shown, sizeof(shown)));
			return -EINVAL;
		}
		o.mac = want_mac;
	}
	for (int i = 0; i < cli->nmany; i++) {
		char why[PUBLISH_WHY_LEN];

		if (publish_parse(cli->many[i], &pub[i], why)) {
			pr_err("--publish \"%s\" %s", elide(cli->many[i], shown, sizeof(shown)),
			       why);
			return -EINVAL;
		}
	}
	v = cli_get(cli, "device");
	if (v && port_device_parse(v, &o.device)) {
		pr_err("--device must be auto, veth or netkit, not \"%s\"",
		       elide(v, shown, sizeof(shown)));
		return -EINVAL;
	}
	o.pub = pub;
	o.n_pub = (uint32_t)cli->nmany;
	o.create_netns = cli_has(cli, "create-netns");
	if (cli_has(cli, "no-default-route"))
		o.routes = no_routes; /* an empty list: no route but the subnet's own */
	o.keep_default_route = true;
	err = netctx_open_for_change(&c, cli->root);
	if (err)
		return err;
	err = net_ensure(&c, o.net);
	if (!err)
		err = net_attach(&c, &o, &a);
	netctx_close(&c);
	if (err)
		return err;
	if (cli->json) {
		json_t *reply = json_pack("{s:s, s:s, s:s, s:s, s:s?, s:s, s:i}", "network", o.net,
					  "netns", a.netns, "ifname", a.ifname, "host_ifname",
					  a.host_ifname, "ip", a.ip ? ip_str(a.ip, ip) : NULL,
					  "mac", mac_str(a.mac, mac), "slot", a.slot);

		if (reply && !ip6_is_zero(a.ip6))
			json_object_set_new(reply, "ip6", json_string(ip6_str(a.ip6, ip6)));
		print_json(reply);
		json_decref(reply);
	} else {
		printf("attached %s to %s: %s %s%s%s mac %s, port %s\n", o.netns, o.net, a.ifname,
		       a.ip ? ip_str(a.ip, ip) : "", ip6_is_zero(a.ip6) || !a.ip ? "" : " ",
		       ip6_is_zero(a.ip6) ? "" : ip6_str(a.ip6, ip6), mac_str(a.mac, mac),
		       a.host_ifname);
	}
	return 0;
}

static const struct cli_opt attach_opts[] = {
	{ "ifname", "NAME",
	  "interface name inside the namespace (default: eth0, or the first ethN it lacks)" },
	{ "ip", "IP",
	  "address to give the container, one per family (default: the next free one)" },
	{ "mac", "MAC", "MAC address of the container interface (default: random)" },
	{ "create-netns", NULL, "create the namespace as `ip netns add` does" },
	{ "device", "DEV",
	  "this port's device pair: veth or netkit (default: auto, the network's --device)" },
	{ "publish", "SPEC",
	  "publish a port as docker run -p: [HOSTIP:]HOSTPORT[-END]:PORT[-END][/tcp|/udp], on the "
	  "node's uplink address (up to 16 times; the network must masquerade)" },
	{ "no-default-route", NULL,
	  "no default route via the gateway (default: one, unless the namespace has one)" },
	{ 0 },
};

const struct cli_cmd cmd_attach = {
	.words = "attach",
	.args = "NAME NETNS",
	.min_pos = 2,
	.max_pos = 2,
	.opts = attach_opts,
	.twice = " ip ",
	.many = "publish",
	.run = run_attach,
	.summary = "Attach a network namespace (a container) to a network",
	.details = "NETNS is a name under /run/netns or a path to a namespace file. The container\n"
		   "gets a veth (or netkit) end named --ifname with its address, lo up and a\n"
		   "default route via the gateway; the node-side end becomes a port of the BPF\n"
		   "switch. A network's ports may mix veth and netkit (--device).\n",
};

static int run_detach(struct cli *cli)
{
	struct detach_sel s = { .net = cli->pos[0],
				.netns = cli->pos[1],
				.ifname = cli_get(cli, "ifname") };
	struct netctx c;
	int err;

	err = netctx_open_for_change(&c, cli->root);
	if (err)
		return err;
	err = net_detach(&c, &s, false);
	netctx_close(&c);
	if (!err)
		print_result(json_pack("{s:s, s:s, s:s?}", "network", s.net, "netns", s.netns,
				       "ifname", s.ifname),
			     cli->json, "detached %s from %s%s%s", s.netns, s.net,
			     s.ifname ? ": " : "", s.ifname ?: "");
	return err;
}

static const struct cli_opt detach_opts[] = {
	{ "ifname", "NAME", "only the attachment with this interface name" },
	{ 0 },
};

const struct cli_cmd cmd_detach = {
	.words = "detach",
	.args = "NAME NETNS",
	.min_pos = 2,
	.max_pos = 2,
	.opts = detach_opts,
	.run = run_detach,
	.summary = "Detach a namespace: remove its veth pair and every datapath entry",
	.details = "A namespace that bpfbr did not create (without --create-netns) is left in\n"
		   "place: it belongs to whoever made it, as with CNI DEL.\n",
};
