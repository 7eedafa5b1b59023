// SPDX-License-Identifier: GPL-2.0-only OR BSD-2-Clause
#include <errno.h>
#include <stdio.h>
#include <string.h>
#include <arpa/inet.h>

#include "bpfbr/limits.h"
#include "hook_attach.h"
#include "cluster_services.h"
#include "switchdp.h"
#include "switchdp_maps.h"
#include "ethtool.h"
#include "cluster_tunnel.h"
#include "shared_pins.h"
#include "gateway.h"
#include "gwallow.h"
#include "journal.h"
#include "log.h"
#include "netfollow.h"
#include "network.h"
#include "network6.h"
#include "pin_layout.h"
#include "port_device.h"
#include "state.h"
#include "subnet_check.h"
#include "subnets.h"
#include "sysctl.h"
#include "uplink_route.h"
#include "wording.h"

#define DEFAULT_MTU   1500
#define MIN_MTU	      68
#define MAX_MTU	      65535
#define MAX_NET_INDEX 9999

/* The node's own addresses and routes would fight the gateway's connected route. */
static int node_conflict(struct netctx *c, const struct net_opts *o)
{
	char a[IP_STR_LEN], why[128];
	int err = subnet_node_conflict(&c->nl, &o->subnet, why, sizeof(why));

	if (err < 0)
		pr_err("cannot read the node's addresses and routes: %s", strerror(-err));
	else if (err > 0)
		pr_err("subnet %s/%u of network %s overlaps the node's %s; choose a subnet "
		       "disjoint from the node's addresses and routes",
		       ip_str(o->subnet.addr, a), o->subnet.prefix, o->name, why);
	return err > 0 ? -EINVAL : err;
}

struct new_net {
	const struct net_opts *o;
	bool overlaps;
};

/* Refuses a subnet that overlaps another network's. */
static int check_disjoint(struct netstate *other, void *arg)
{
	struct new_net *v = arg;
	const struct cidr *s = &v->o->subnet;
	char a[IP_STR_LEN], b[IP_STR_LEN];

	if (!s->prefix || !netstate_has_ipv4(other) || !cidr_overlaps(s, &other->subnet))
		return 0;
	pr_err("subnet %s/%u of network %s overlaps network %s (%s/%u); choose a disjoint subnet",
	       ip_str(s->addr, a), s->prefix, v->o->name, other->name,
	       ip_str(other->subnet.addr, b), other->subnet.prefix);
	v->overlaps = true;
	return -EINVAL;
}

/* The IPv4 half of a network: subnet, gateway, address range. */
static int validate_net4(const struct net_opts *o, uint32_t gateway)
{
	uint32_t mask = prefix_mask(o->subnet.prefix);
	char a[IP_STR_LEN], b[IP_STR_LEN];

	if (!o->subnet.prefix) {
		if (!o->subnet6.prefix) {
			pr_err("network %s needs a subnet; give an IPv4 or an IPv6 one, or both",
			       o->name);
			return -EINVAL;
		}
		if (o->range_start || o->gateway) {
			pr_err("network %s has no IPv4 subnet for its IPv4 %s; give an IPv4 "
			       "subnet too or leave it out",
			       o->name, o->gateway ? "gateway" : "address range");
			return -EINVAL;
		}
		return 0;
	}
	if (o->subnet.prefix > 30 || o->subnet.prefix < 8) {
		pr_err("subnet %s/%u of network %s must have a prefix between /8 and /30",
		       ip_str(o->subnet.addr, a), o->subnet.prefix, o->name);
		return -EINVAL;
	}
	if (o->subnet.addr & ~mask) {
		pr_err("subnet %s/%u of network %s has host bits set; use %s/%u",
		       ip_str(o->subnet.addr, a), o->subnet.prefix, o->name,
		       ip_str(o->subnet.addr & mask, b), o->subnet.prefix);
		return -EINVAL;
	}
	if (subnet_reserved(&o->subnet)) {
		pr_err("subnet %s/%u of network %s lies in %s, which no container network can "
		       "use; choose a private subnet (in 10.0.0.0/8, 172.16.0.0/12 or "
		       "192.168.0.0/16)",
		       ip_str(o->subnet.addr, a), o->subnet.prefix, o->name,
		       subnet_reserved(&o->subnet));
		return -EINVAL;
	}
	if (!cidr_contains(&o->subnet, gateway) || (gateway & ~mask) == 0 ||
	    (gateway & ~mask) == ~mask) {
		pr_err("gateway %s of network %s is not a host address of subnet %s/%u; pick one "
		       "inside it or omit %s",
		       ip_str(gateway, a), o->name, ip_str(o->subnet.addr, b), o->subnet.prefix,
		       setting_name(SETTING_GATEWAY));
		return -EINVAL;
	}
	if (o->range_start && (!cidr_contains(&o->subnet, o->range_start) ||
			       !cidr_contains(&o->subnet, o->range_end) ||
			       ntohl(o->range_start) > ntohl(o->range_end) ||
			       (o->range_start & ~mask) == 0 || (o->range_end & ~mask) == ~mask)) {
		pr_err("address range %s-%s of network %s is not a range of host addresses of "
		       "subnet %s/%u; pick a start and an end inside it, start <= end",
		       ip_str(o->range_start, a), ip_str(o->range_end, b), o->name,
		       ip_str(o->subnet.addr, (char[IP_STR_LEN]){ 0 }), o->subnet.prefix);
		return -EINVAL;
	}
	return 0;
}

static int validate_net(struct netctx *c, const struct net_opts *o, uint32_t gateway)
{
	struct new_net v = { .o = o };
	struct gwallow allow;
	char why[128];
	int err;

	if (!valid_netname(o->name)) {
		pr_err("network name \"%s\" is invalid; use 1-63 letters, digits, '_', '.', '-'",
		       o->name);
		return -EINVAL;
	}
	err = validate_net4(o, gateway);
	if (err)
		return err;
	if (o->gateway_allow && gwallow_parse(o->gateway_allow, &allow, why, sizeof(why))) {
		pr_err("%s of network %s: %s; give all, or a list such as udp/53,tcp/8080",
		       setting_name(SETTING_GATEWAY_ALLOW), o->name, why);
		return -EINVAL;
	}
	if (o->masquerade && !o->up.ifname) {
		pr_err("network %s: %s needs %s, the interface that leads out", o->name,
		       setting_name(SETTING_MASQUERADE), setting_name(SETTING_UPLINK));
		return -EINVAL;
	}
	if (o->mtu && (o->mtu < MIN_MTU || o->mtu > MAX_MTU)) {
		pr_err("MTU %u of network %s is out of range; use %u-%u", o->mtu, o->name, MIN_MTU,
		       MAX_MTU);
		return -EINVAL;
	}
	if (state_exists(&c->p, o->name)) {
		pr_err("network %s already exists; delete it first: bpfbr net delete %s", o->name,
		       o->name);
		return -EEXIST;
	}
	err = state_foreach(&c->p, check_disjoint, &v);
	if (err && !v.overlaps)
		pr_err("cannot list networks under %s: %s", c->p.state, strerror(-err));
	return err ?: (o->subnet.prefix ? node_conflict(c, o) : 0);
}

static int mark_index(struct netstate *other, void *used)
{
	((bool *)used)[other->index] = true;
	return 0;
}

/* The lowest index whose device names are free in state and in the kernel. */
static int pick_index(struct netctx *c, uint32_t *index)
{
	bool used[MAX_NET_INDEX + 1] = { false };
	char dev[IF_NAMESIZE], port[IF_NAMESIZE];
	int err;

	err = state_foreach(&c->p, mark_index, used);
	if (err)
		return err;
	for (uint32_t i = 0; i <= MAX_NET_INDEX; i++) {
		if (used[i])
			continue;
		snprintf(dev, sizeof(dev), "bpfbr%u", i);
		snprintf(port, sizeof(port), "bpfbr%u-sw", i);
		if (nl_link_index(&c->nl, dev) == -ENODEV &&
		    nl_link_index(&c->nl, port) == -ENODEV) {
			*index = i;
			return 0;
		}
	}
	return -ENOSPC;
}

void net_config_fill(const struct netstate *state, struct bpfbr_netcfg *cfg, uint32_t nslots)
{
	struct gwallow allow;
	char why[128];

	memset(cfg, 0, sizeof(*cfg));
	cfg->ageing_ns = (uint64_t)state->ageing_s * 1000000000ull;
	cfg->subnet = state->subnet.addr;
	/* Without IPv4 no IPv4 source is the network's (route.h: foreign_source). */
	cfg->netmask = netstate_has_ipv4(state) ? prefix_mask(state->subnet.prefix) : 0xffffffff;
	cfg->gateway = state->gateway;
	cfg->flags = (state->spoofchk ? BPFBR_NET_SPOOFCHK : 0) |
		     (state->hairpin ? BPFBR_NET_HAIRPIN : 0) |
		     (state->uplink[0] ? BPFBR_NET_ROUTE_FAST : 0);
	cfg->nslots = nslots;
	cfg->gw_ifindex = (uint32_t)state->gw_dev_ifindex;
	/* Checked when the network was created or its state loaded. */
	if (!gwallow_parse(state->gateway_allow, &allow, why, sizeof(why))) {
		cfg->flags |= allow.all ? BPFBR_NET_NODE_OPEN : 0;
		cfg->n_allow = allow.n;
		memcpy(cfg->allow, allow.svc, sizeof(cfg->allow));
	}
}

/* Builds the gateway pair, the pinned datapath and the gateway port. */
static int build_net(struct netctx *c, struct netstate *state, bool brd, const char *pin_dir)
{
	struct bpfbr_netcfg cfg;
	struct switchdp dp;
	int err;

	err = gateway_create(c, state, brd);
	if (err)
		return err;
	err = switchdp_load(pin_dir, &dp);
	if (err)
		goto undo_gateway;
	net_config_fill(state, &cfg, 1);
	err = switchdp_config_set(&dp, &cfg);
	if (err) {
		pr_err("cannot fill the datapath maps of network %s: %s", state->name,
		       strerror(-err));
		goto undo_dp;
	}
	err = net6_datapath_set(&dp, state) ?: cluster_services_fill(c, &dp);
	if (err)
		goto undo_dp;
	err = gateway_plug(c, state, &dp);
	if (err)
		goto undo_dp;
	switchdp_close(&dp);
	return 0;

undo_dp:
	switchdp_close(&dp);
	switchdp_unpin(pin_dir);
undo_gateway:
	gateway_remove(c, state);
	return err;
}

int net_forwarding(const struct netstate *state)
{
	const char *devs[] = { state->gw_dev, state->uplink };
	char key[128];
	int err;

	for (int i = 0; i < 2 && netstate_has_ipv4(state); i++) {
		snprintf(key, sizeof(key), "net/ipv4/conf/%s/forwarding", devs[i]);
		err = sysctl_write(key, "1");
		if (err) {
			pr_err("cannot enable IPv4 forwarding on %s: %s", devs[i], strerror(-err));
			return err;
		}
	}
	return net6_forwarding(state);
}

/* Masquerade through the uplink: its datapath, this network's share of the
 * table, the fast path to it, and forwarding on the gateway device so that
 * what the fast path leaves to the stack (TTL expiry, too big) is routed. */
static int join_uplink(struct netctx *c, struct netstate *state, const struct net_opts *o,
		       const char *pin_dir)
{
	struct bpfbr_uplink_cfg ucfg;
	int err;

	err = uplink_join(c, state, &o->up, &ucfg);
	if (err)
		return err;
	state->nat_max = ucfg.nat_max;
	state->nat_port_lo = ucfg.port_lo;
	state->nat_port_hi = ucfg.port_hi;
	state->nat_share = o->up.share ?: (ucfg.nat_max > 1 ? ucfg.nat_max / 2 : 1);
	if (state->nat_share > ucfg.nat_max) {
		pr_err("%s %u of network %s is larger than the table (%s %u)",
		       setting_name(SETTING_NAT_SHARE), state->nat_share, state->name,
		       setting_name(SETTING_NAT_MAX), ucfg.nat_max);
		uplink_leave(c, state);
		return -EINVAL;
	}
	return uplink_point(c, state, pin_dir, ucfg.ifindex);
}

/* The network o describes: its gateway pair, datapath, subnet, uplink share and state. */
static int make_network(struct netctx *c, const struct net_opts *o, struct journal *j)
{
	uint32_t gateway = !o->subnet.prefix ? 0 : o->gateway ?: htonl(ntohl(o->subnet.addr) + 1);
	char pin_dir[PATH_MAX], why[128];
	struct netstate state = { .uplink_fwd_before = -1 };
	bool following;
	int err;

	err = validate_net(c, o, gateway) ?: net6_validate(c, o) ?:
		port_device_choose(o->name, o->device, o->datapath, &state.device);
	if (err)
		return err;
	err = pick_index(c, &state.index);
	if (err) {
		pr_err("no free gateway device name bpfbrN (N <= %d)", MAX_NET_INDEX);
		return err;
	}
	snprintf(state.name, sizeof(state.name), "%s", o->name);
	state.subnet = o->subnet;
	state.gateway = gateway;
	net6_fill(&state, o);
	state.mtu = o->mtu ?: cluster_net_mtu(c, &o->subnet, o->up.ifname, DEFAULT_MTU);
	state.ageing_s = o->ageing_s ?: BPFBR_DEFAULT_AGEING_S;
	state.spoofchk = !o->no_spoofchk;
	state.hairpin = o->hairpin;
	state.mode = o->mode;
	state.node_netns_id = c->node_netns_id;
	state.node_netns_cookie = c->node_netns_cookie;
	state.masquerade = o->masquerade;
	state.datapath = o->datapath;
	if (o->up.ifname)
		snprintf(state.uplink, sizeof(state.uplink), "%s", o->up.ifname);
	if (o->up.node_cgroup)
		snprintf(state.node_cgroup, sizeof(state.node_cgroup), "%s", o->up.node_cgroup);
	state.range_start = o->range_start;
	state.range_end = o->range_end;
	if (o->dns)
		state.dns = *o->dns;
	if (gwallow_network(o->gateway_allow, state.gateway, &state.dns, state.gateway_allow,
			    sizeof(state.gateway_allow), why, sizeof(why))) {
		pr_err("%s of network %s: %s", setting_name(SETTING_GATEWAY_ALLOW), state.name,
		       why);
		return -EINVAL;
	}
	snprintf(state.gw_dev, sizeof(state.gw_dev), "bpfbr%u", state.index);
	snprintf(state.gw_port, sizeof(state.gw_port), "bpfbr%u-sw", state.index);

	err = pin_net_dir(&c->p, state.name, pin_dir, sizeof(pin_dir));
	if (err)
		return err;
	/* pick_index found the name free: if the command is interrupted from
	 * here on, the device of that name is this network's, alias or not. */
	err = journal_note(j, JOURNAL_DEVICE, state.gw_dev);
	if (err)
		return err;
	if (!switchdp_unpin(pin_dir))
		pr_debug("removed stale pins under %s", pin_dir);
	err = build_net(c, &state, o->gateway_brd, pin_dir);
	if (err)
		return err;
	err = subnets_add(&c->p, &state);
	if (err)
		goto undo_subnet; /* the pin it may have made */
	if (state.uplink[0]) {
		err = state.masquerade ? join_uplink(c, &state, o, pin_dir)
				       : uplink_route_join(c, &state, pin_dir);
		if (err)
			goto undo_subnet; /* both undo themselves */
	}
	err = net_follow_start(c, &state, &following); /* its pins go with pin_dir */
	if (!err)
		err = state_save(&c->p, &state);
	if (err)
		goto undo_uplink;
	if (netstate_has_ipv4(&state))
		pr_info("network %s: %s/%u gateway %s on %s (%s)", state.name,
			ip_str(state.subnet.addr, (char[IP_STR_LEN]){ 0 }), state.subnet.prefix,
			ip_str(state.gateway, (char[IP_STR_LEN]){ 0 }), state.gw_dev,
			attach_mode_name(state.mode));
	else
		net6_announce(&state);
	return 0;

undo_uplink:
	uplink_leave(c, &state);
undo_subnet:
	subnets_remove(&c->p, &state);
	/* What build_net made: the gateway pair (one end takes the other) and the pins. */
	nl_link_del(&c->nl, state.gw_dev_ifindex);
	switchdp_unpin(pin_dir);
	shared_pins_release(c);
	return err;
}

/* The network and all it holds: containers (force), uplink share, gateway pair, pins, state. */
static int remove_network(struct netctx *c, const char *name, bool force)
{
	char pin_dir[PATH_MAX], link_pin[PATH_MAX];
	struct netstate state;
	struct nl_link l;
	int err;

	err = netctx_load(c, name, &state);
	if (err)
		return err;
	if (state.n_att && !force) {
		pr_err("network %s still has %u attached container(s); detach them first or use %s",
		       name, state.n_att, setting_name(SETTING_FORCE));
		netstate_free(&state);
		return -EBUSY;
	}
	while (state.n_att) {
		struct detach_sel s = { .net = name,
					.id = state.att[state.n_att - 1].id,
					.ifname = state.att[state.n_att - 1].ifname };

		err = net_detach(c, &s, false);
		if (err)
			goto out;
		netstate_free(&state);
		err = state_load(&c->p, name, &state);
		if (err)
			return err;
	}
	err = pin_net_dir(&c->p, name, pin_dir, sizeof(pin_dir));
	if (!err)
		err = pin_port_link(&c->p, name, state.gw_port, link_pin, sizeof(link_pin));
	if (err)
		goto out;
	uplink_leave(c, &state);
	detach_hook(state.gw_port_ifindex, HOOK_INGRESS, link_pin, state.mode);
	/* Deleting one end removes the pair; make sure it is still ours by name. */
	if (!nl_link_get(&c->nl, state.gw_dev, 0, &l) && l.ifindex == state.gw_dev_ifindex)
		nl_link_del(&c->nl, l.ifindex);
	subnets_remove(&c->p, &state);
	err = switchdp_unpin(pin_dir);
	if (err)
		pr_warn("some pins under %s could not be removed: %s", pin_dir, strerror(-err));
	shared_pins_release(c);
	err = state_remove(&c->p, name);
	if (err)
		pr_err("cannot remove the state of network %s: %s", name, strerror(-err));
out:
	netstate_free(&state);
	return err;
}

struct net_call {
	struct netctx *c;
	const struct net_opts *o; /* net create's */
	const char *name;	  /* net delete's */
	bool force;
};

static int make_recorded(struct journal *j, void *arg)
{
	const struct net_call *a = arg;

	return make_network(a->c, a->o, j);
}

/* Its record makes an interrupted delete finish. */
static int remove_recorded(struct journal *j, void *arg)
{
	const struct net_call *a = arg;

	(void)j;
	return remove_network(a->c, a->name, a->force);
}

int net_create(struct netctx *c, const struct net_opts *o)
{
	return journal_run(&c->p, JOURNAL_OP_NET_CREATE, o->name, make_recorded,
			   &(struct net_call){ .c = c, .o = o });
}

int net_delete(struct netctx *c, const char *name, bool force)
{
	return journal_run(&c->p, JOURNAL_OP_NET_DELETE, name, remove_recorded,
			   &(struct net_call){ .c = c, .name = name, .force = force });
}

int net_create_undo(struct netctx *c, const char *net, const char *device)
{
	struct netstate state;
	int err = state_load(&c->p, net, &state), ifindex;

	if (!err)
		netstate_free(&state); /* it reached the state: the network is complete */
	if (err != -ENOENT)
		return err;
	ifindex = device[0] ? nl_link_index(&c->nl, device) : -ENODEV;
	if (ifindex < 0)
		return 0;
	pr_warn("removing %s, left over by the interrupted creation of network %s", device, net);
	return nl_link_del(&c->nl, ifindex);
}
