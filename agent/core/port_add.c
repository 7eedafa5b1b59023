// SPDX-License-Identifier: GPL-2.0-only OR BSD-2-Clause
/* Attaching a container to a network and detaching it again. */
#include <errno.h>
#include <stdio.h>
#include <string.h>
#include <unistd.h>
#include <sys/random.h>
#include <arpa/inet.h>

#include "bpfbr/limits.h"
#include "hook_attach.h"
#include "container_setup.h"
#include "switchdp.h"
#include "switchdp_maps.h"
#include "journal.h"
#include "link_alias.h"
#include "ipam.h"
#include "log.h"
#include "netfollow.h"
#include "netns.h"
#include "netns_mark.h"
#include "network.h"
#include "network6.h"
#include "pin_layout.h"
#include "port_device.h"
#include "port_remove.h"
#include "container_ifname.h"
#include "dns_node.h"
#include "resolvconf.h"
#include "state.h"
#include "sysctl.h"
#include "port_publish.h"
#include "uplink.h"
#include "wording.h"

static bool mac_in_use(const struct netstate *state, const uint8_t mac[6])
{
	if (!memcmp(state->gw_mac, mac, 6))
		return true;
	for (uint32_t i = 0; i < state->n_att; i++)
		if (!memcmp(state->att[i].mac, mac, 6))
			return true;
	return false;
}

static int random_mac(const struct netstate *state, uint8_t mac[6])
{
	for (int tries = 0; tries < 16; tries++) {
		if (getrandom(mac, 6, 0) != 6)
			return -EIO;
		mac[0] = (uint8_t)((mac[0] & 0xfe) | 0x02); /* unicast, locally administered */
		if (!mac_in_use(state, mac))
			return 0;
	}
	return -EAGAIN;
}

static int free_slot(const struct netstate *state, uint16_t *slot)
{
	bool used[BPFBR_MAX_PORTS] = { true }; /* slot 0: the gateway */

	for (uint32_t i = 0; i < state->n_att; i++)
		used[state->att[i].slot] = true;
	for (uint16_t s = 1; s < BPFBR_MAX_PORTS; s++)
		if (!used[s]) {
			*slot = s;
			return 0;
		}
	return -ENOSPC;
}

/* A device named like our port but unknown to the state is a crash leftover of ours. */
static int clear_leftover(struct netctx *c, const struct netstate *state, const char *name)
{
	struct nl_link l;

	if (nl_link_get(&c->nl, name, 0, &l))
		return 0;
	if (!link_alias_is(l.alias, state->name)) {
		pr_err("interface %s already exists and is not bpfbr's; remove it or attach with "
		       "another %s",
		       name, setting_name(SETTING_IFNAME));
		return -EEXIST;
	}
	pr_warn("removing %s, left over by an interrupted attach", name);
	return nl_link_del(&c->nl, l.ifindex);
}

static int check_request(struct netctx *c, const struct netstate *state,
			 const struct attach_opts *o, struct attachment *a)
{
	char ip[IP_STR_LEN];
	const char *why;
	int err;

	/* The node is the host: giving it a container's address and default
	 * route would rewrite the host's own networking. */
	if (a->netns_id == c->node_netns_id) {
		pr_err("namespace %s is the node's own namespace, where bpfbr runs; attach a "
		       "container's namespace instead",
		       o->netns);
		return -EINVAL;
	}
	for (uint32_t i = 0; i < state->n_att; i++) {
		const struct attachment *x = &state->att[i];

		/* CNI may attach one container more than once, with other ifnames. */
		if ((!o->cni && x->netns_id == a->netns_id) ||
		    (!strcmp(x->id, a->id) && !strcmp(x->ifname, a->ifname))) {
			if (o->cni)
				pr_err("container %s is already attached to network %s as %s (%s); "
				       "run CNI DEL for it first",
				       a->id, state->name, x->ifname, x->host_ifname);
			else
				pr_err("namespace %s is already attached to network %s as %s (%s); "
				       "detach it first: bpfbr detach %s %s",
				       o->netns, state->name, x->ifname, x->host_ifname,
				       state->name, o->netns);
			return -EEXIST;
		}
	}
	if (!netstate_has_ipv4(state) && o->ip) {
		pr_err("address %s cannot be given to %s on network %s: the network has no IPv4 "
		       "subnet; give an IPv6 address or none",
		       ip_str(o->ip, ip), o->netns, state->name);
		return -EADDRINUSE;
	} else if (!netstate_has_ipv4(state)) {
		a->ip = 0;
	} else if (o->ip) {
		why = ipam_unusable(state, o->ip);
		if (why) {
			pr_err("address %s cannot be given to %s on network %s: %s",
			       ip_str(o->ip, ip), o->netns, state->name, why);
			return -EADDRINUSE;
		}
		a->ip = o->ip;
	} else if (ipam_pick(state, &a->ip)) {
		uint32_t first, last;
		char ip2[IP_STR_LEN];

		ipam_range(state, &first, &last);
		pr_err("network %s has no free address left in %s-%s; detach a container or use "
		       "a larger range",
		       state->name, ip_str(htonl(first), ip), ip_str(htonl(last), ip2));
		return -ENOSPC;
	}
	if (net6_pick(state, o, a))
		return -EADDRINUSE;
	if (free_slot(state, &a->slot)) {
		pr_err("network %s has no free port (at most %d containers)", state->name,
		       BPFBR_MAX_PORTS - 1);
		return -ENOSPC;
	}
	if (o->mac) {
		char m[MAC_STR_LEN];

		if (!mac_is_unicast(o->mac) || mac_in_use(state, o->mac)) {
			pr_err("MAC %s cannot be used on network %s: it is %s", mac_str(o->mac, m),
			       state->name,
			       mac_is_unicast(o->mac) ? "already in use" : "not a unicast address");
			return -EINVAL;
		}
		memcpy(a->mac, o->mac, 6);
	} else if (random_mac(state, a->mac)) {
		pr_err("cannot generate a MAC address");
		return -EIO;
	}
	err = port_device_attach(state, o->device, &a->device);
	if (err)
		return err;
	port_device_ifname(state, a->device, a->id, a->ifname, a->host_ifname);
	return clear_leftover(c, state, a->host_ifname);
}

static int create_netns(const struct attach_opts *o, const struct attachment *a, struct journal *j)
{
	int err;

	if (strchr(o->netns, '/')) {
		pr_err("%s needs a namespace name, not the path %s",
		       setting_name(SETTING_CREATE_NETNS), o->netns);
		return -EINVAL;
	}
	/* Checked before it is recorded: an interrupted attach removes only a
	 * namespace that did not exist before it. */
	err = access(a->netns, F_OK) ? 0 : -EEXIST;
	if (!err) {
		err = journal_note(j, JOURNAL_NETNS, o->netns);
		if (err)
			return err;
		err = netns_create(o->netns);
		if (err)
			journal_note(j, JOURNAL_NETNS, NULL);
	}
	if (err == -EEXIST)
		pr_err("namespace %s already exists; drop %s to attach it", o->netns,
		       setting_name(SETTING_CREATE_NETNS));
	else if (err == -EXDEV)
		pr_err("cannot create namespace %s where the rest of the system sees it: bpfbr "
		       "runs in a mount namespace of its own (as under `ip netns exec`) whose "
		       "%s is a copy; run bpfbr with nsenter --net=NETNS-FILE instead",
		       o->netns, NETNS_RUN_DIR);
	else if (err)
		pr_err("cannot create namespace %s: %s", o->netns, strerror(-err));
	return err;
}

static int open_netns(const struct attach_opts *o, struct attachment *a, unsigned int *made,
		      struct journal *j)
{
	int fd, err;

	err = netns_path(o->netns, a->netns, sizeof(a->netns));
	if (err) {
		pr_err("namespace \"%s\" is not a valid name or path", o->netns);
		return err;
	}
	if (o->create_netns) {
		err = create_netns(o, a, j);
		if (err)
			return err;
		*made |= PORT_NETNS;
	}
	fd = netns_open(a->netns);
	if (fd == -ENOENT && strchr(o->netns, '/'))
		pr_err("network namespace file %s does not exist; pass a name under %s or a file "
		       "such as /proc/PID/ns/net",
		       o->netns, NETNS_RUN_DIR);
	else if (fd == -ENOENT)
		pr_err("network namespace %s not found (%s); create it with: ip netns add %s%s%s",
		       o->netns, a->netns, o->netns,
		       setting_settable(SETTING_CREATE_NETNS) ? ", or pass " : "",
		       setting_settable(SETTING_CREATE_NETNS) ? setting_name(SETTING_CREATE_NETNS)
							      : "");
	else if (fd == -EINVAL)
		pr_err("%s is not a network namespace file; pass a name under %s or a file such as "
		       "/proc/PID/ns/net",
		       a->netns, NETNS_RUN_DIR);
	else if (fd < 0)
		pr_err("cannot open network namespace %s: %s", a->netns, strerror(-fd));
	if (fd >= 0 && (err = netns_id(fd, &a->netns_id))) {
		close(fd);
		fd = err;
	}
	return fd;
}

/* *made gains each part of the port as it is made. */
static int plug_port(struct netctx *c, const struct netstate *state, const struct attachment *a,
		     unsigned int *made)
{
	struct bpfbr_port port = { .ifindex = (uint32_t)a->host_ifindex,
				   .slot = a->slot,
				   .kind = BPFBR_PORT_CONTAINER,
				   .device = port_device_dp(state, a),
				   .ipv4 = a->ip };
	enum attach_mode mode = state->mode;
	char key[128], link_pin[PATH_MAX], xdp_pin[PATH_MAX];
	struct bpfbr_netcfg cfg;
	struct switchdp dp;
	int err;

	memcpy(port.mac, a->mac, 6);
	err = pin_port_link(&c->p, state->name, a->host_ifname, link_pin, sizeof(link_pin));
	if (!err)
		err = net_dp_open(c, state->name, &dp);
	if (err)
		return err;
	snprintf(key, sizeof(key), "net/ipv6/conf/%s/disable_ipv6", a->host_ifname);
	sysctl_write(key, "1");
	err = switchdp_port_add(&dp, &port);
	if (!err)
		err = net6_port_set(&dp, state, a);
	if (!err) {
		*made |= PORT_ENTRY | PORT_FOLLOW;
		err = switchdp_config_get(&dp, &cfg);
		if (!err && cfg.nslots < a->slot + 1u) {
			cfg.nslots = a->slot + 1u;
			err = switchdp_config_set(&dp, &cfg);
		}
	}
	if (err) {
		pr_err("cannot add port %s to the datapath of network %s: %s", a->host_ifname,
		       state->name, strerror(-err));
		goto out;
	}
	/* The program goes on before the link comes up: no frame escapes the switch. */
	err = attach_hook(dp.prog_port, a->host_ifindex, port_hook_dir(state, a), link_pin, &mode);
	if (err) {
		pr_err("cannot attach the switch program to %s (%s): %s", a->host_ifname,
		       attach_mode_name(state->mode), strerror(-err));
		goto out;
	}
	*made |= PORT_HOOK;
	if (state->datapath == DATAPATH_XDP) {
		err = pin_port_xdp(&c->p, state->name, a->host_ifname, xdp_pin, sizeof(xdp_pin));
		if (!err) {
			*made |= PORT_XDP;
			err = attach_xdp(dp.prog_port_xdp, a->host_ifindex, xdp_pin);
		}
		if (err) {
			pr_err("cannot attach the XDP switch program to %s: %s", a->host_ifname,
			       strerror(-err));
			goto out;
		}
	}
	err = nl_link_set_up(&c->nl, a->host_ifindex);
	if (err)
		pr_err("cannot bring up %s: %s", a->host_ifname, strerror(-err));
out:
	switchdp_close(&dp);
	return err;
}

/* The network's DNS for `ip netns exec`; the runtime does this for CNI containers. */
static void write_resolv_conf(struct netctx *c, const struct netstate *state,
			      const struct attachment *a)
{
	const char *name = netns_name_of(a->netns);
	struct net_dns dns;
	int err;

	if (!name || !dns_for_container(&c->p, &state->dns, &dns) || !resolvconf_wanted(&dns))
		return;
	err = resolvconf_write(name, state->name, &dns);
	if (err == -EEXIST)
		pr_warn("%s/%s/resolv.conf exists and is not bpfbr's; left as it is", NETNS_ETC_DIR,
			name);
	else if (err)
		pr_warn("cannot write %s/%s/resolv.conf: %s", NETNS_ETC_DIR, name, strerror(-err));
}

static int attach(struct netctx *c, const struct attach_opts *o, struct attachment *out,
		  struct journal *j)
{
	struct attachment a = { 0 };
	unsigned int made = 0; /* the parts of the port a failure removes */
	struct attachment *slot;
	struct netstate state;
	char alias[LINK_ALIAS_LEN];
	int fd, err;

	err = netctx_load(c, o->net, &state);
	if (err)
		return err;
	snprintf(a.ifname, sizeof(a.ifname), "%s", o->ifname ?: "eth0");
	if (!valid_ifname(o->ifname ?: "eth0")) {
		pr_err("interface name \"%s\" is invalid: use 1-15 bytes without '/', ':' or "
		       "spaces",
		       o->ifname);
		err = -EINVAL;
		goto out_state;
	}
	fd = open_netns(o, &a, &made, j);
	if (fd < 0) {
		err = fd;
		goto undo;
	}
	if (!o->ifname) {
		err = container_free_ifname(fd, a.ifname, sizeof(a.ifname));
		if (err) {
			pr_err("cannot find a free interface name (eth0, eth1, …) in namespace %s: "
			       "%s; choose one with %s",
			       o->netns, strerror(-err), setting_name(SETTING_IFNAME));
			goto undo_fd;
		}
	}
	if (strlen(o->id ?: a.netns) >= sizeof(a.id)) {
		pr_err("container id or namespace path \"%.40s…\" is longer than %zu bytes",
		       o->id ?: a.netns, sizeof(a.id) - 1);
		err = -ENAMETOOLONG;
		goto undo_fd;
	}
	strcpy(a.id, o->id ?: a.netns);
	a.created_netns = made & PORT_NETNS;
	a.cni = o->cni;
	a.n_pub = o->n_pub < PUBLISH_MAX ? o->n_pub : PUBLISH_MAX;
	if (a.n_pub)
		memcpy(a.pub, o->pub, a.n_pub * sizeof(a.pub[0]));
	err = check_request(c, &state, o, &a);
	if (!err)
		err = journal_note(j, JOURNAL_DEVICE, a.host_ifname);
	if (err)
		goto undo_fd;

	err = port_device_create(c, &state, &a, fd);
	if (err) {
		if (err == -EEXIST)
			pr_err("interface %s already exists in namespace %s; choose another %s",
			       a.ifname, o->netns, setting_name(SETTING_IFNAME));
		else
			pr_err("cannot create %s pair %s/%s: %s%s%s", port_device_name(a.device),
			       a.host_ifname, a.ifname, strerror(-err),
			       c->nl.err_msg[0] ? ": " : "", c->nl.err_msg);
		goto undo_fd;
	}
	a.host_ifindex = nl_link_index(&c->nl, a.host_ifname);
	if (a.host_ifindex < 0) {
		err = a.host_ifindex;
		pr_err("%s %s vanished after creation: %s", port_device_name(a.device),
		       a.host_ifname, strerror(-err));
		goto undo_fd;
	}
	made |= PORT_DEVICE;
	link_alias(state.name, alias, sizeof(alias));
	nl_link_set_alias(&c->nl, a.host_ifindex, alias);
	err = plug_port(c, &state, &a, &made);
	if (!err) {
		err = net_follow_add(c, &state, &a, fd);
		if (err)
			pr_err("cannot register %s of namespace %s for MAC following on network "
			       "%s: "
			       "%s",
			       a.ifname, o->netns, state.name, strerror(-err));
	}
	if (!err) {
		err = uplink_endpoint_add(c, &state, &a);
		made |= err ? 0 : PORT_ENDPOINT; /* its published ports go with it */
	}
	if (!err)
		err = port_publish(c, &state, &a);
	if (!err)
		err = container_setup(fd, &state, &a, o);
	if (err)
		goto undo_fd;
	slot = netstate_add_att(&state);
	if (!slot) {
		err = -ENOMEM;
		goto undo_fd;
	}
	*slot = a;
	state.last_ip = a.ip;
	if (!ip6_is_zero(a.ip6))
		memcpy(state.last_ip6, a.ip6, 16);
	err = state_save(&c->p, &state);
	if (err) {
		state.n_att--;
		goto undo_fd;
	}
	close(fd);
	if (!o->cni)
		write_resolv_conf(c, &state, &a);
	if (out)
		*out = a;
	netstate_free(&state);
	return 0;

undo_fd:
	close(fd);
undo:
	port_remove(c, &state, &a, made);
out_state:
	netstate_free(&state);
	return err;
}

static bool att_matches(const struct attachment *a, const struct detach_sel *s, const char *path,
			uint64_t netns_id)
{
	if (s->ifname && strcmp(a->ifname, s->ifname))
		return false;
	if (!s->netns)
		return !strcmp(a->id, s->id);
	return !strcmp(a->netns, path) || (netns_id && a->netns_id == netns_id);
}

static int detach(struct netctx *c, const struct detach_sel *s, bool quiet, struct journal *j)
{
	char device[IF_NAMESIZE];
	char path[PATH_MAX] = "";
	uint64_t ns_id = 0;
	struct attachment a;
	struct netstate state;
	bool held;
	uint32_t i;
	int err;

	err = netctx_load(c, s->net, &state);
	if (err)
		return err;
	if (s->netns) {
		int fd;

		if (netns_path(s->netns, path, sizeof(path))) {
			pr_err("namespace \"%s\" is not a valid name or path", s->netns);
			err = -EINVAL;
			goto out;
		}
		fd = netns_open(path);
		if (fd >= 0) {
			netns_id(fd, &ns_id);
			close(fd);
		}
	}
	for (i = 0; i < state.n_att; i++)
		if (att_matches(&state.att[i], s, path, ns_id))
			break;
	if (i == state.n_att) {
		if (!s->netns && s->ifname) {
			/* Of either kind: the device is the attach's choice. */
			port_device_ifname(&state, DEVICE_VETH, s->id, s->ifname, device);
			port_remove_unrecorded(c, &state, device, false);
			port_device_ifname(&state, DEVICE_NETKIT, s->id, s->ifname, device);
			port_remove_unrecorded(c, &state, device, false);
		}
		if (!quiet)
			pr_err("%s %s%s%s is not attached to network %s; see: bpfbr status %s",
			       s->netns ? "namespace" : "container", s->netns ?: s->id,
			       s->ifname ? " interface " : "", s->ifname ?: "", s->net, s->net);
		err = -ENOENT;
		goto out;
	}
	a = state.att[i];
	/* From here on it goes, whatever interrupts it: the next command finishes it. */
	err = journal_note(j, JOURNAL_DEVICE, a.host_ifname);
	if (err)
		goto out;
	netstate_del_att(&state, &state.att[i]);
	held = true;
	if (a.created_netns) {
		err = netns_mark_pass(c, &state, &a, &held);
		if (err)
			goto out;
	}
	/* CNI never writes a resolv.conf or removes a namespace: the runtime owns it. */
	port_remove(c, &state, &a,
		    PORT_PLUGGED | (a.cni ? 0 : PORT_RESOLV_CONF) |
			    (held || a.cni ? 0 : PORT_NETNS));
	err = state_save(&c->p, &state);
out:
	netstate_free(&state);
	return err;
}

struct att_call {
	struct netctx *c;
	const struct attach_opts *o; /* attach's */
	struct attachment *out;
	const struct detach_sel *s; /* detach's */
	bool quiet;
};

static int attach_recorded(struct journal *j, void *arg)
{
	const struct att_call *a = arg;

	return attach(a->c, a->o, a->out, j);
}

static int detach_recorded(struct journal *j, void *arg)
{
	const struct att_call *a = arg;

	return detach(a->c, a->s, a->quiet, j);
}

int net_attach(struct netctx *c, const struct attach_opts *o, struct attachment *out)
{
	return journal_run(&c->p, JOURNAL_OP_ATTACH, o->net, attach_recorded,
			   &(struct att_call){ .c = c, .o = o, .out = out });
}

int net_detach(struct netctx *c, const struct detach_sel *s, bool quiet)
{
	return journal_run(&c->p, JOURNAL_OP_DETACH, s->net, detach_recorded,
			   &(struct att_call){ .c = c, .s = s, .quiet = quiet });
}

static const struct attachment *att_of_device(const struct netstate *state, const char *device)
{
	for (uint32_t i = 0; i < state->n_att; i++)
		if (!strcmp(state->att[i].host_ifname, device))
			return &state->att[i];
	return NULL;
}

int net_attach_undo(struct netctx *c, const char *net, const char *device, const char *netns)
{
	struct netstate state;
	int err;

	err = state_load(&c->p, net, &state);
	if (err && err != -ENOENT)
		return err;
	if (!err) {
		const struct attachment *a = device[0] ? att_of_device(&state, device) : NULL;

		/* It reached the state: what came after is finished (the resolv.conf). */
		if (a && !a->cni)
			write_resolv_conf(c, &state, a);
		else if (device[0] && !a)
			port_remove_unrecorded(c, &state, device, true);
		netstate_free(&state);
		if (a)
			return 0;
	}
	err = 0;
	if (netns[0]) {
		pr_warn("removing namespace %s, made by an interrupted attach", netns);
		err = netns_delete(netns);
	}
	return err;
}

int net_detach_finish(struct netctx *c, const char *net, const char *device)
{
	struct detach_sel s = { .net = net };
	const struct attachment *a;
	struct netstate state;
	int err;

	err = state_load(&c->p, net, &state);
	if (err)
		return err == -ENOENT ? 0 : err;
	a = att_of_device(&state, device);
	err = 0;
	if (a) {
		pr_warn("finishing the interrupted detach of %s from network %s", a->id, net);
		s.id = a->id;
		s.ifname = a->ifname;
		err = net_detach(c, &s, true);
	}
	netstate_free(&state);
	return err;
}
