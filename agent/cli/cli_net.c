// SPDX-License-Identifier: GPL-2.0-only OR BSD-2-Clause
/* bpfbr net create | delete | list */
#include <errno.h>
#include <stdio.h>
#include <string.h>
#include <arpa/inet.h>
#include <jansson.h>

#include "cli.h"
#include "cluster_settle.h"
#include "cli_dual.h"
#include "elide.h"
#include "log.h"
#include "netctx.h"
#include "network.h"
#include "recover.h"
#include "output.h"
#include "bpfbr/nat.h"
#include "report.h"
#include "state.h"

/* "a,b,c" into at most max strings of size bytes each; -EINVAL if it does not fit. */
static int split_list(const char *v, void *out, size_t size, uint32_t max, uint32_t *n)
{
	*n = 0;
	for (const char *p = v; *p;) {
		size_t len = strcspn(p, ",");

		if (!len || len >= size || *n >= max)
			return -EINVAL;
		memcpy((char *)out + *n * size, p, len);
		((char *)out)[*n * size + len] = '\0';
		(*n)++;
		p += len + (p[len] == ',');
	}
	return *n ? 0 : -EINVAL;
}

static int dns_opts(struct cli *cli, struct net_dns *dns)
{
	const char *v = cli_get(cli, "dns");
	char shown[ELIDE_LEN];
	uint8_t buf[16];

	if (v && split_list(v, dns->servers, sizeof(dns->servers[0]), DNS_MAX_SERVERS,
			    &dns->n_servers)) {
		pr_err("--dns must be 1 to %d addresses separated by commas, not \"%s\"",
		       DNS_MAX_SERVERS, elide(v, shown, sizeof(shown)));
		return -EINVAL;
	}
	for (uint32_t i = 0; i < dns->n_servers; i++)
		if (inet_pton(AF_INET, dns->servers[i], buf) != 1 &&
		    inet_pton(AF_INET6, dns->servers[i], buf) != 1) {
			pr_err("--dns must be IP addresses, not \"%s\"",
			       elide(dns->servers[i], shown, sizeof(shown)));
			return -EINVAL;
		}
	v = cli_get(cli, "dns-search");
	if (v &&
	    split_list(v, dns->search, sizeof(dns->search[0]), DNS_MAX_SEARCH, &dns->n_search)) {
		pr_err("--dns-search must be 1 to %d domains separated by commas, not \"%s\"",
		       DNS_MAX_SEARCH, elide(v, shown, sizeof(shown)));
		return -EINVAL;
	}
	return 0;
}

/* The one-line result of net create, or its summary as JSON. */
static int created(struct netctx *c, const char *name, bool json)
{
	struct netstate ns;
	json_t *o;
	int err = netctx_load(c, name, &ns);

	if (err)
		return err;
	o = report_net_summary(c, &ns);
	if (o) {
		const char *subnet = json_string_value(json_object_get(o, "subnet")),
			   *gateway = json_string_value(json_object_get(o, "gateway")),
			   *subnet6 = json_string_value(json_object_get(o, "subnet6")),
			   *gateway6 = json_string_value(json_object_get(o, "gateway6"));
		bool both = subnet && subnet6;

		/* Dual stack: "subnet 10.40.0.0/24 and fd00:40::/64, gateway ... and ...". */
		print_result(o, json,
			     "created network %s: subnet %s%s%s, gateway %s%s%s on %s, mtu %lld",
			     name, subnet ?: subnet6, both ? " and " : "", both ? subnet6 : "",
			     gateway ?: gateway6, both ? " and " : "", both ? gateway6 : "",
			     ns.gw_dev, (long long)json_integer_value(json_object_get(o, "mtu")));
	}
	netstate_free(&ns);
	return o ? 0 : -ENOMEM;
}

/* The pod network of a VXLAN cluster just made: its tunnel now (a cluster
 * sync), as the CNI ADD that makes one does. The network stays either way;
 * what failed is said, with the command that finishes it. */
static void settle(struct netctx *c, const struct net_opts *o)
{
	char why[160] = "";
	int err = cluster_settle(c, &o->subnet, why, sizeof(why));

	if (err)
		pr_warn("network %s is made, but its VXLAN tunnel is not (%s: %s); run bpfbr "
			"cluster sync",
			o->name, why, strerror(-err));
}

static int run_net_create(struct cli *cli)
{
	struct net_opts o = { .name = cli->pos[0] };
	struct net_dns dns = { 0 };
	char shown[ELIDE_LEN];
	const char *v;
	struct netctx c;
	int err;

	err = cli_dual_net(cli, &o);
	if (err)
		return err;
	v = cli_get(cli, "mtu");
	if (v && parse_u32(v, 68, 65535, &o.mtu)) {
		pr_err("--mtu must be a number from 68 to 65535, not \"%s\"",
		       elide(v, shown, sizeof(shown)));
		return -EINVAL;
	}
	v = cli_get(cli, "ageing");
	if (v && parse_u32(v, 1, 1000000, &o.ageing_s)) {
		pr_err("--ageing must be a number of seconds from 1 to 1000000, not \"%s\"",
		       elide(v, shown, sizeof(shown)));
		return -EINVAL;
	}
	v = cli_get(cli, "attach-mode");
	if (v && attach_mode_parse(v, &o.mode)) {
		pr_err("--attach-mode must be auto, tcx or tc, not \"%s\"",
		       elide(v, shown, sizeof(shown)));
		return -EINVAL;
	}
	o.up.ifname = cli_get(cli, "uplink");
	if (o.up.ifname && !valid_ifname(o.up.ifname)) {
		pr_err("--uplink must be a valid interface name, not \"%s\"",
		       elide(o.up.ifname, shown, sizeof(shown)));
		return -EINVAL;
	}
	o.masquerade = cli_has(cli, "masquerade");
	v = cli_get(cli, "nat-max");
	if (v && parse_u32(v, 1, BPFBR_NAT_FLOWS_MAX, &o.up.nat_max)) {
		pr_err("--nat-max must be a number of flows from 1 to %u, not \"%s\"",
		       BPFBR_NAT_FLOWS_MAX, elide(v, shown, sizeof(shown)));
		return -EINVAL;
	}
	v = cli_get(cli, "nat-share");
	if (v && parse_u32(v, 1, BPFBR_NAT_FLOWS_MAX, &o.up.share)) {
		pr_err("--nat-share must be a number of flows from 1 to %u, not \"%s\"",
		       BPFBR_NAT_FLOWS_MAX, elide(v, shown, sizeof(shown)));
		return -EINVAL;
	}
	v = cli_get(cli, "nat-ports");
	if (v && parse_port_range(v, &o.up.port_lo, &o.up.port_hi)) {
		pr_err("--nat-ports must be a range LO-HI with 1 <= LO <= HI <= 65535, not \"%s\"",
		       elide(v, shown, sizeof(shown)));
		return -EINVAL;
	}
	if (!o.masquerade &&
	    (cli_has(cli, "nat-max") || cli_has(cli, "nat-share") || cli_has(cli, "nat-ports"))) {
		pr_err("--nat-max, --nat-share and --nat-ports of network %s need --masquerade",
		       o.name);
		return -EINVAL;
	}
	v = cli_get(cli, "mode");
	if (v && datapath_mode_parse(v, &o.datapath)) {
		pr_err("--mode must be tc or xdp, not \"%s\"", elide(v, shown, sizeof(shown)));
		return -EINVAL;
	}
	v = cli_get(cli, "device");
	if (v && port_device_parse(v, &o.device)) {
		pr_err("--device must be auto, veth or netkit, not \"%s\"",
		       elide(v, shown, sizeof(shown)));
		return -EINVAL;
	}
	o.no_spoofchk = cli_has(cli, "no-spoofchk");
	o.hairpin = cli_has(cli, "hairpin");
	o.gateway_allow = cli_get(cli, "gateway-allow");
	o.up.node_cgroup = cli_get(cli, "node-cgroup");
	if (o.up.node_cgroup && (!o.masquerade || o.up.node_cgroup[0] != '/' ||
				 strlen(o.up.node_cgroup) >= NODE_CGROUP_LEN)) {
		pr_err("--node-cgroup of network %s needs --masquerade and an absolute cgroup2 "
		       "directory under %d bytes, not \"%s\"",
		       o.name, NODE_CGROUP_LEN, elide(o.up.node_cgroup, shown, sizeof(shown)));
		return -EINVAL;
	}
	err = dns_opts(cli, &dns);
	if (err)
		return err;
	o.dns = &dns;
	err = netctx_open_for_change(&c, cli->root);
	if (err)
		return err;
	err = net_create(&c, &o);
	if (!err)
		settle(&c, &o);
	if (!err)
		err = created(&c, o.name, cli->json);
	netctx_close(&c);
	return err;
}

static const struct cli_opt create_opts[] = {
	{ "subnet", "CIDR",
	  "the network's subnet, one per family: IPv4 (e.g. 10.40.0.0/24), IPv6 (/48 to /64, "
	  "e.g. fd00:40::/64), or both for dual stack" },
	{ "gateway", "IP",
	  "gateway address, one per family (default: the subnet's first address)" },
	{ "mtu", "N", "MTU of the gateway and every container interface (default 1500)" },
	{ "ageing", "SECONDS", "lifetime of learned forwarding entries (default 300)" },
	{ "no-spoofchk", NULL,
	  "let containers send from other MACs and addresses, and VLAN-tagged (default: refuse)" },
	{ "hairpin", NULL, "send frames back out of the port they came from" },
	{ "gateway-allow", "LIST",
	  "node services containers may reach on the gateway: all, or e.g. udp/53,tcp/8080 "
	  "(default: none; ICMP and replies always pass, DNS when --dns names the gateway)" },
	{ "attach-mode", "MODE", "auto (default: TCX if the kernel has it), tcx or tc" },
	{ "mode", "MODE", "tc (default) or xdp: XDP programs in front of the TC ones" },
	{ "device", "DEV",
	  "the containers' device pair: auto (default: netkit where the kernel has it, else "
	  "veth; veth with --mode xdp), veth or netkit" },
	{ "uplink", "IFACE", "the node's interface that leads out (routed, or --masquerade)" },
	{ "masquerade", NULL, "translate traffic leaving through the uplink to its address" },
	{ "nat-ports", "LO-HI",
	  "ports for flows whose own port is taken (default: above the "
	  "node's ephemeral range)" },
	{ "nat-max", "N", "size of the uplink's translation table (default 65536)" },
	{ "nat-share", "N", "flows one container may hold (default: half the table)" },
	{ "node-cgroup", "DIR",
	  "cgroup2 directory whose processes reach published ports from the node, at its "
	  "address or 127.0.0.1 (default: none; on a production node its root, /sys/fs/cgroup)" },
	{ "dns", "IP[,IP…]", "name servers `bpfbr attach` writes to /etc/netns/NETNS/resolv.conf" },
	{ "dns-search", "DOMAIN[,…]", "search domains for that resolv.conf" },
	{ 0 },
};

const struct cli_cmd cmd_net_create = {
	.words = "net create",
	.args = "NAME",
	.min_pos = 1,
	.max_pos = 1,
	.opts = create_opts,
	.required = "subnet",
	.twice = " subnet gateway ",
	.run = run_net_create,
	.summary = "Create a network: a gateway in the node namespace and a BPF switch",
	.details = "The gateway address lives on device bpfbrN (like a bridge's own address);\n"
		   "its peer bpfbrN-sw is the gateway's port on the switch. Maps and links are\n"
		   "pinned under ROOT/sys/fs/bpf/bpfbr/NAME/.\n"
		   "Containers reach other networks' subnets never, and the node's addresses\n"
		   "only as --gateway-allow says (unlike a bridge, which exposes the node).\n",
};

static int run_net_delete(struct cli *cli)
{
	struct netctx c;
	int err = netctx_open_for_change(&c, cli->root);

	if (err)
		return err;
	if (valid_netname(cli->pos[0]) && !state_exists(&c.p, cli->pos[0])) {
		pr_err("network %s does not exist; the networks are listed by: bpfbr net list",
		       cli->pos[0]);
		netctx_close(&c);
		return -ENOENT;
	}
	err = net_delete(&c, cli->pos[0], cli_has(cli, "force"));
	netctx_close(&c);
	if (!err)
		print_result(json_pack("{s:s, s:b}", "network", cli->pos[0], "deleted", 1),
			     cli->json, "deleted network %s", cli->pos[0]);
	return err;
}

static const struct cli_opt delete_opts[] = {
	{ "force", NULL, "detach every attached container first" },
	{ 0 },
};

const struct cli_cmd cmd_net_delete = {
	.words = "net delete",
	.args = "NAME",
	.min_pos = 1,
	.max_pos = 1,
	.opts = delete_opts,
	.run = run_net_delete,
	.summary = "Delete a network, its gateway, pins and state",
};

static int list_one(struct netctx *c, const struct netstate *state, void *list)
{
	json_array_append_new(list, report_net_summary(c, state));
	return 0;
}

static int run_net_list(struct cli *cli)
{
	json_t *list = json_array();
	struct netctx c;
	int err;

	err = netctx_open(&c, cli->root, false);
	if (err)
		goto out;
	err = netctx_foreach(&c, list_one, list);
	netctx_close(&c);
	if (!err)
		print_net_list(list, cli->json);
out:
	json_decref(list);
	return err;
}

const struct cli_cmd cmd_net_list = {
	.words = "net list",
	.args = "",
	.min_pos = 0,
	.max_pos = 0,
	.opts = cli_no_opts,
	.run = run_net_list,
	.summary = "List networks",
};
