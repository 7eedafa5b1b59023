// SPDX-License-Identifier: GPL-2.0-only OR BSD-2-Clause
/* Attaching a container to a network and detaching it again. */
#include <errno.h>
#include <stdio.h>
#include <string.h>
#include <unistd.h>
#include <sys/random.h>
#include <arpa/inet.h>
#include <bpf/bpf.h>

#include "bpfbr/limits.h"
#include "attach.h"
#include "datapath.h"
#include "dpmaps.h"
#include "ethtool.h"
#include "journal.h"
#include "ipam.h"
#include "log.h"
#include "netfollow.h"
#include "netns.h"
#include "network.h"
#include "resolvconf.h"
#include "state.h"
#include "sysctl.h"
#include "uplink.h"
#include "wording.h"

#define ALIAS_PREFIX "bpfbr:"

/* What an attach has done so far, so a failure can undo exactly that. */
struct undo {
	bool netns_created;
	bool veth;
	bool port;
	bool attached;
	bool endpoint;
	char xdp_pin[PATH_MAX]; /* set once an XDP link is pinned */
	int host_ifindex;
	char link_pin[PATH_MAX];
};

static uint32_t fnv1a(uint32_t h, const char *s)
{
	for (; *s; s++)
		h = (h ^ (uint8_t)*s) * 16777619u;
	return (h ^ '/') * 16777619u;
}

/* veth + 8 hex digits, derived from (network, owner, ifname): stable across retries. */
static void host_ifname(const char *net, const char *id, const char *ifname, char *buf)
{
	uint32_t h = fnv1a(fnv1a(fnv1a(2166136261u, net), id), ifname);

	snprintf(buf, IF_NAMESIZE, "veth%08x", h);
}

static void link_alias(const struct netstate *ns, char *buf, size_t size)
{
	snprintf(buf, size, ALIAS_PREFIX "%s", ns->name);
}

static bool mac_in_use(const struct netstate *ns, const uint8_t mac[6])
{
	if (!memcmp(ns->gw_mac, mac, 6))
		return true;
	for (uint32_t i = 0; i < ns->n_att; i++)
		if (!memcmp(ns->att[i].mac, mac, 6))
			return true;
	return false;
}

static int random_mac(const struct netstate *ns, uint8_t mac[6])
{
	for (int tries = 0; tries < 16; tries++) {
		if (getrandom(mac, 6, 0) != 6)
			return -EIO;
		mac[0] = (uint8_t)((mac[0] & 0xfe) | 0x02); /* unicast, locally administered */
		if (!mac_in_use(ns, mac))
			return 0;
	}
	return -EAGAIN;
}

static int free_slot(const struct netstate *ns, uint16_t *slot)
{
	bool used[BPFBR_MAX_PORTS] = { true }; /* slot 0: the gateway */

	for (uint32_t i = 0; i < ns->n_att; i++)
		used[ns->att[i].slot] = true;
	for (uint16_t s = 1; s < BPFBR_MAX_PORTS; s++)
		if (!used[s]) {
			*slot = s;
			return 0;
		}
	return -ENOSPC;
}

static uint32_t nslots_of(const struct netstate *ns)
{
	uint32_t n = 1;

	for (uint32_t i = 0; i < ns->n_att; i++)
		if (ns->att[i].slot + 1u > n)
			n = ns->att[i].slot + 1u;
	return n;
}

static int set_nslots(const struct dp *dp, const struct netstate *ns)
{
	struct bpfbr_netcfg cfg;
	int err = dp_config_get(dp, &cfg);

	if (err)
		return err;
	cfg.nslots = nslots_of(ns);
	return dp_config_set(dp, &cfg);
}

static const char *nl_why(const struct nl *nl)
{
	return nl->err_msg[0] ? nl->err_msg : "";
}

/* The container's routes: a default route via the gateway unless the caller lists them. */
static int add_routes(struct nl *cnl, int ifindex, const struct netstate *ns,
		      const struct attach_opts *o, char *what, size_t size)
{
	char dst[IP_STR_LEN];
	int err = 0;

	if (!o->routes) {
		err = nl_route_add_default(cnl, ifindex, ns->gateway);

		if (err == -EEXIST)
			snprintf(what, size,
				 "add the default route via the gateway: it has one already "
				 "(attach with %s)",
				 setting_name(SETTING_NO_DEFAULT_ROUTE));
		else
			snprintf(what, size, "add the default route via the gateway");
		return err;
	}
	for (uint32_t i = 0; i < o->n_routes && !err; i++) {
		const struct route4 *r = &o->routes[i];

		snprintf(what, size, "add the route to %s/%u", ip_str(r->dst, dst), r->prefix);
		err = nl_route_add(cnl, ifindex, r->dst, r->prefix, r->gateway ?: ns->gateway);
	}
	return err;
}

/*
 * XDP mode: the container's end must run NAPI to receive frames that XDP
 * redirects to it (GRO turns it on), and must not leave TCP checksums for
 * offload (a partial checksum is lost once the frame becomes an XDP frame).
 */
static int xdp_receiver(int netns_fd, const char *ifname)
{
	int saved, err = netns_enter(netns_fd, &saved);

	if (err)
		return err;
	err = ethtool_set_gro(ifname, true);
	if (!err)
		err = ethtool_set_tx_csum(ifname, false);
	netns_leave(saved);
	return err;
}

/* Address, loopback, link and routes inside the container's namespace. */
static int configure_container(int netns_fd, const struct netstate *ns, const struct attachment *a,
			       const struct attach_opts *o)
{
	const char *netns_arg = o->netns;
	char what[128];
	struct nl cnl;
	int saved, err, ifindex, lo;

	err = netns_enter(netns_fd, &saved);
	if (err) {
		pr_err("cannot enter network namespace %s: %s", netns_arg, strerror(-err));
		return err;
	}
	err = nl_open(&cnl); /* the socket stays bound to the container's namespace */
	netns_leave(saved);
	if (err) {
		pr_err("cannot open netlink in namespace %s: %s", netns_arg, strerror(-err));
		return err;
	}
	snprintf(what, sizeof(what), "find %s", a->ifname);
	ifindex = nl_link_index(&cnl, a->ifname);
	err = ifindex < 0 ? ifindex : 0;
	if (!err) {
		snprintf(what, sizeof(what), "add its address to %s", a->ifname);
		err = nl_addr_add(&cnl, ifindex, a->ip, ns->subnet.prefix, o->brd);
	}
	if (!err) {
		snprintf(what, sizeof(what), "bring up %s", a->ifname);
		err = nl_link_set_up(&cnl, ifindex);
	}
	if (!err)
		err = add_routes(&cnl, ifindex, ns, o, what, sizeof(what));
	if (!err && ns->datapath == DATAPATH_XDP) {
		snprintf(what, sizeof(what), "turn on GRO and off tx checksumming on %s",
			 a->ifname);
		err = xdp_receiver(netns_fd, a->ifname);
	}
	/* Last: a failure before leaves nothing changed in the namespace. */
	if (!err) {
		lo = nl_link_index(&cnl, "lo");
		snprintf(what, sizeof(what), "bring up lo");
		err = lo < 0 ? lo : nl_link_set_up(&cnl, lo);
	}
	if (err)
		pr_err("in namespace %s, cannot %s: %s%s%s", netns_arg, what, strerror(-err),
		       cnl.err_msg[0] ? ": " : "", nl_why(&cnl));
	nl_close(&cnl);
	return err;
}

/* A device named like our port but unknown to the state is a crash leftover of ours. */
static int clear_leftover(struct netctx *c, const struct netstate *ns, const char *name)
{
	char alias[128];
	struct nl_link l;

	if (nl_link_get(&c->nl, name, 0, &l))
		return 0;
	link_alias(ns, alias, sizeof(alias));
	if (strcmp(l.alias, alias)) {
		pr_err("interface %s already exists and is not bpfbr's; remove it or attach with "
		       "another %s",
		       name, setting_name(SETTING_IFNAME));
		return -EEXIST;
	}
	pr_warn("removing %s, left over by an interrupted attach", name);
	return nl_link_del(&c->nl, l.ifindex);
}

static int check_request(struct netctx *c, const struct netstate *ns, const struct attach_opts *o,
			 struct attachment *a)
{
	char ip[IP_STR_LEN];
	const char *why;

	/* The node is the host: giving it a container's address and default
	 * route would rewrite the host's own networking. */
	if (a->netns_id == c->node_netns_id) {
		pr_err("namespace %s is the node's own namespace, where bpfbr runs; attach a "
		       "container's namespace instead",
		       o->netns);
		return -EINVAL;
	}
	for (uint32_t i = 0; i < ns->n_att; i++) {
		const struct attachment *x = &ns->att[i];

		/* CNI may attach one container more than once, with other ifnames. */
		if ((!o->cni && x->netns_id == a->netns_id) ||
		    (!strcmp(x->id, a->id) && !strcmp(x->ifname, a->ifname))) {
			if (o->cni)
				pr_err("container %s is already attached to network %s as %s (%s); "
				       "run CNI DEL for it first",
				       a->id, ns->name, x->ifname, x->host_ifname);
			else
				pr_err("namespace %s is already attached to network %s as %s (%s); "
				       "detach it first: bpfbr detach %s %s",
				       o->netns, ns->name, x->ifname, x->host_ifname, ns->name,
				       o->netns);
			return -EEXIST;
		}
	}
	if (o->ip) {
		why = ipam_unusable(ns, o->ip);
		if (why) {
			pr_err("address %s cannot be given to %s on network %s: %s",
			       ip_str(o->ip, ip), o->netns, ns->name, why);
			return -EADDRINUSE;
		}
		a->ip = o->ip;
	} else if (ipam_pick(ns, &a->ip)) {
		uint32_t first, last;
		char ip2[IP_STR_LEN];

		ipam_range(ns, &first, &last);
		pr_err("network %s has no free address left in %s-%s; detach a container or use "
		       "a larger range",
		       ns->name, ip_str(htonl(first), ip), ip_str(htonl(last), ip2));
		return -ENOSPC;
	}
	if (free_slot(ns, &a->slot)) {
		pr_err("network %s has no free port (at most %d containers)", ns->name,
		       BPFBR_MAX_PORTS - 1);
		return -ENOSPC;
	}
	if (o->mac) {
		char m[MAC_STR_LEN];

		if (!mac_is_unicast(o->mac) || mac_in_use(ns, o->mac)) {
			pr_err("MAC %s cannot be used on network %s: it is %s", mac_str(o->mac, m),
			       ns->name,
			       mac_is_unicast(o->mac) ? "already in use" : "not a unicast address");
			return -EINVAL;
		}
		memcpy(a->mac, o->mac, 6);
	} else if (random_mac(ns, a->mac)) {
		pr_err("cannot generate a MAC address");
		return -EIO;
	}
	host_ifname(ns->name, a->id, a->ifname, a->host_ifname);
	return clear_leftover(c, ns, a->host_ifname);
}

/* Adds to the intent before the side effect it names. */
static int record(struct journal *j, const char *key, const char *value)
{
	int err = journal_note(j, key, value);

	if (err)
		pr_err("cannot write the change journal under %s: %s", j->p->state, strerror(-err));
	return err;
}

static int create_netns(const struct attach_opts *o, const struct attachment *a, struct journal *j)
{
	int err;

	if (strchr(o->netns, '/')) {
		pr_err("--create-netns needs a namespace name, not the path %s", o->netns);
		return -EINVAL;
	}
	/* Checked before it is recorded: an interrupted attach removes only a
	 * namespace that did not exist before it. */
	err = access(a->netns, F_OK) ? 0 : -EEXIST;
	if (!err) {
		err = record(j, JOURNAL_NETNS, o->netns);
		if (err)
			return err;
		err = netns_create(o->netns);
		if (err)
			journal_note(j, JOURNAL_NETNS, NULL);
	}
	if (err == -EEXIST)
		pr_err("namespace %s already exists; drop --create-netns to attach it", o->netns);
	else if (err == -EXDEV)
		pr_err("cannot create namespace %s where the rest of the system sees it: bpfbr "
		       "runs in a mount namespace of its own (as under `ip netns exec`) whose "
		       "%s is a copy; run bpfbr with nsenter --net=NETNS-FILE instead",
		       o->netns, NETNS_RUN_DIR);
	else if (err)
		pr_err("cannot create namespace %s: %s", o->netns, strerror(-err));
	return err;
}

static int open_netns(const struct attach_opts *o, struct attachment *a, struct undo *u,
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
		u->netns_created = true;
	}
	fd = netns_open(a->netns);
	if (fd == -ENOENT)
		pr_err("network namespace %s not found (%s); create it with: ip netns add %s, or "
		       "pass --create-netns",
		       o->netns, a->netns, o->netns);
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

static int plug_port(struct netctx *c, const struct netstate *ns, const struct attachment *a,
		     struct undo *u)
{
	struct bpfbr_port port = { .ifindex = (uint32_t)a->host_ifindex,
				   .slot = a->slot,
				   .kind = BPFBR_PORT_CONTAINER,
				   .ipv4 = a->ip };
	enum attach_mode mode = ns->mode;
	char key[128];
	struct bpfbr_netcfg cfg;
	struct dp dp;
	int err;

	memcpy(port.mac, a->mac, 6);
	err = port_link_pin(c, ns->name, a->host_ifname, u->link_pin, sizeof(u->link_pin));
	if (!err)
		err = net_dp_open(c, ns->name, &dp);
	if (err)
		return err;
	snprintf(key, sizeof(key), "net/ipv6/conf/%s/disable_ipv6", a->host_ifname);
	sysctl_write(key, "1");
	err = dp_port_add(&dp, &port);
	if (!err) {
		u->port = true;
		err = dp_config_get(&dp, &cfg);
		if (!err && cfg.nslots < a->slot + 1u) {
			cfg.nslots = a->slot + 1u;
			err = dp_config_set(&dp, &cfg);
		}
	}
	if (err) {
		pr_err("cannot add port %s to the datapath of network %s: %s", a->host_ifname,
		       ns->name, strerror(-err));
		goto out;
	}
	/* The program goes on before the link comes up: no frame escapes the switch. */
	err = attach_hook(dp.prog_port, a->host_ifindex, HOOK_INGRESS, u->link_pin, &mode);
	if (err) {
		pr_err("cannot attach the switch program to %s (%s): %s", a->host_ifname,
		       attach_mode_name(ns->mode), strerror(-err));
		goto out;
	}
	u->attached = true;
	if (ns->datapath == DATAPATH_XDP) {
		err = port_xdp_pin(c, ns->name, a->host_ifname, u->xdp_pin, sizeof(u->xdp_pin));
		if (!err)
			err = attach_xdp(dp.prog_port_xdp, a->host_ifindex, u->xdp_pin);
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
	dp_close(&dp);
	return err;
}

static void undo_attach(struct netctx *c, const struct netstate *ns, const struct attachment *a,
			const struct undo *u, const char *netns_arg)
{
	struct dp dp;

	if (u->endpoint)
		uplink_endpoint_del(c, ns, a);
	if (u->xdp_pin[0])
		detach_xdp(u->xdp_pin);
	if (u->attached)
		detach_hook(u->host_ifindex, HOOK_INGRESS, u->link_pin, ns->mode);
	if (u->port)
		net_follow_del(c, ns, u->host_ifindex);
	if (u->port && !net_dp_open(c, ns->name, &dp)) {
		dp_port_del(&dp, (uint32_t)u->host_ifindex, a->slot);
		set_nslots(&dp, ns);
		dp_close(&dp);
	}
	if (u->veth && u->host_ifindex > 0)
		nl_link_del(&c->nl, u->host_ifindex);
	if (u->netns_created)
		netns_delete(netns_arg);
}

/* The network's DNS for `ip netns exec`; the runtime does this for CNI containers. */
static void write_resolv_conf(const struct netstate *ns, const struct attachment *a)
{
	const char *name = netns_name_of(a->netns);
	int err;

	if (!name || !resolvconf_wanted(&ns->dns))
		return;
	err = resolvconf_write(name, ns->name, &ns->dns);
	if (err == -EEXIST)
		pr_warn("%s/%s/resolv.conf exists and is not bpfbr's; left as it is", NETNS_ETC_DIR,
			name);
	else if (err)
		pr_warn("cannot write %s/%s/resolv.conf: %s", NETNS_ETC_DIR, name, strerror(-err));
}

static int attach(struct netctx *c, const struct attach_opts *o, struct attachment *out,
		  struct journal *j)
{
	struct veth_req req = { 0 };
	struct undo u = { 0 };
	struct attachment a = { 0 };
	struct attachment *slot;
	struct netstate ns;
	char alias[128];
	int fd, err;

	err = netctx_load(c, o->net, &ns);
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
	fd = open_netns(o, &a, &u, j);
	if (fd < 0) {
		err = fd;
		goto undo;
	}
	if (strlen(o->id ?: a.netns) >= sizeof(a.id)) {
		pr_err("container id or namespace path \"%.40s…\" is longer than %zu bytes",
		       o->id ?: a.netns, sizeof(a.id) - 1);
		err = -ENAMETOOLONG;
		goto undo_fd;
	}
	strcpy(a.id, o->id ?: a.netns);
	a.created_netns = u.netns_created;
	a.cni = o->cni;
	err = check_request(c, &ns, o, &a);
	if (!err)
		err = record(j, JOURNAL_DEVICE, a.host_ifname);
	if (err)
		goto undo_fd;

	req = (struct veth_req){ .name = a.host_ifname,
				 .peer_name = a.ifname,
				 .peer_netns_fd = fd,
				 .peer_mac = a.mac,
				 .mtu = ns.mtu };
	err = nl_veth_create(&c->nl, &req);
	if (err) {
		if (err == -EEXIST)
			pr_err("interface %s already exists in namespace %s; choose another %s",
			       a.ifname, o->netns, setting_name(SETTING_IFNAME));
		else
			pr_err("cannot create veth pair %s/%s: %s%s%s", a.host_ifname, a.ifname,
			       strerror(-err), c->nl.err_msg[0] ? ": " : "", nl_why(&c->nl));
		goto undo_fd;
	}
	u.veth = true;
	a.host_ifindex = u.host_ifindex = nl_link_index(&c->nl, a.host_ifname);
	if (a.host_ifindex < 0) {
		err = a.host_ifindex;
		pr_err("veth %s vanished after creation: %s", a.host_ifname, strerror(-err));
		goto undo_fd;
	}
	link_alias(&ns, alias, sizeof(alias));
	nl_link_set_alias(&c->nl, a.host_ifindex, alias);
	err = plug_port(c, &ns, &a, &u);
	if (!err) {
		err = net_follow_add(c, &ns, &a, fd);
		if (err)
			pr_err("cannot register %s of namespace %s for MAC following on network "
			       "%s: "
			       "%s",
			       a.ifname, o->netns, ns.name, strerror(-err));
	}
	if (!err) {
		err = uplink_endpoint_add(c, &ns, &a);
		u.endpoint = !err && ns.masquerade;
	}
	if (!err)
		err = configure_container(fd, &ns, &a, o);
	if (err)
		goto undo_fd;
	slot = netstate_add_att(&ns);
	if (!slot) {
		err = -ENOMEM;
		goto undo_fd;
	}
	*slot = a;
	ns.last_ip = a.ip;
	err = state_save(&c->p, &ns);
	if (err) {
		ns.n_att--;
		goto undo_fd;
	}
	close(fd);
	if (!o->cni)
		write_resolv_conf(&ns, &a);
	if (out)
		*out = a;
	netstate_free(&ns);
	return 0;

undo_fd:
	close(fd);
undo:
	undo_attach(c, &ns, &a, &u, o->netns);
out_state:
	netstate_free(&ns);
	return err;
}

bool net_port_gone(struct netctx *c, const struct netstate *ns, const struct attachment *a)
{
	char alias[128];
	struct nl_link l;

	link_alias(ns, alias, sizeof(alias));
	return nl_link_get(&c->nl, a->host_ifname, 0, &l) || strcmp(l.alias, alias) ||
	       l.ifindex != a->host_ifindex;
}

/* The hook is there and runs prog (a legacy filter outlives the pins of a
 * lost datapath, still running its program on the lost maps). */
static bool runs(int prog, int ifindex, const char *pin, enum attach_mode mode)
{
	struct bpf_prog_info info = {};
	uint32_t len = sizeof(info);
	struct attach_info at;

	return hook_live(ifindex, HOOK_INGRESS, pin, mode) &&
	       !attach_query(ifindex, HOOK_INGRESS, pin, mode, &at) &&
	       !bpf_obj_get_info_by_fd(prog, &info, &len) && at.prog_id == info.id;
}

int net_port_restore(struct netctx *c, const struct netstate *ns, const struct dp *dp,
		     struct attachment *a, bool *redone)
{
	struct bpfbr_port port = { .ifindex = (uint32_t)a->host_ifindex,
				   .slot = a->slot,
				   .kind = BPFBR_PORT_CONTAINER,
				   .ipv4 = a->ip },
			  cur;
	char pin[PATH_MAX], xdp_pin[PATH_MAX];
	enum attach_mode mode = ns->mode;
	uint8_t live[6];
	bool have;
	int err;

	*redone = false;
	err = port_link_pin(c, ns->name, a->host_ifname, pin, sizeof(pin));
	if (!err && ns->datapath == DATAPATH_XDP)
		err = port_xdp_pin(c, ns->name, a->host_ifname, xdp_pin, sizeof(xdp_pin));
	if (err)
		return err;
	/* The MAC the port followed, else the state's; the one the container's
	 * interface has now wins if the switch may take it (as it follows). */
	have = !dp_port_get(dp, port.ifindex, &cur) && cur.slot == port.slot &&
	       cur.kind == port.kind;
	memcpy(port.mac, have ? cur.mac : a->mac, 6);
	if (!net_container_mac(a, live) && memcmp(live, port.mac, 6) &&
	    dp_mac_takeable(dp, live, port.ifindex))
		memcpy(port.mac, live, 6);
	if (!have || memcmp(cur.mac, port.mac, 6) || cur.ipv4 != port.ipv4) {
		err = dp_port_add(dp, &port);
		if (!err && have && memcmp(cur.mac, port.mac, 6))
			dp_fdb_del_static(dp, cur.mac, port.ifindex);
		*redone = true;
	}
	memcpy(a->mac, port.mac, 6);
	if (!err && !runs(dp->prog_port, a->host_ifindex, pin, mode)) {
		detach_hook(a->host_ifindex, HOOK_INGRESS, pin, mode);
		err = attach_hook(dp->prog_port, a->host_ifindex, HOOK_INGRESS, pin, &mode);
		*redone = true;
	}
	if (!err && ns->datapath == DATAPATH_XDP && !xdp_live(a->host_ifindex, xdp_pin)) {
		detach_xdp(xdp_pin);
		err = attach_xdp(dp->prog_port_xdp, a->host_ifindex, xdp_pin);
		*redone = true;
	}
	if (!err)
		err = uplink_endpoint_add(c, ns, a);
	if (err)
		pr_err("cannot restore port %s of network %s: %s", a->host_ifname, ns->name,
		       strerror(-err));
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

static bool same_netns(const struct attachment *x, const struct attachment *y)
{
	return (x->netns_id && x->netns_id == y->netns_id) || !strcmp(x->netns, y->netns);
}

/* Marks the first attachment of ns that holds gone's namespace; true if one does. */
static bool mark_holder(struct netstate *ns, const struct attachment *gone)
{
	for (uint32_t i = 0; i < ns->n_att; i++)
		if (same_netns(&ns->att[i], gone)) {
			ns->att[i].created_netns = true;
			return true;
		}
	return false;
}

/*
 * A namespace bpfbr made (--create-netns) lives as long as a bpfbr
 * attachment holds it, on any network. When the attachment that carries
 * that mark goes, the mark passes to another holder (saved before the
 * attachment goes, so an interrupted detach leaves it marked twice, never
 * lost). *held says whether one does; if none, the namespace goes with it.
 */
struct mark_pass {
	const struct paths *p;
	const struct netstate *ns;
	const struct attachment *gone;
	bool held;
};

/* Another network's attachment in gone's namespace takes the mark (1: done). */
static int mark_other(struct netstate *other, void *arg)
{
	struct mark_pass *m = arg;

	if (!strcmp(other->name, m->ns->name) || !mark_holder(other, m->gone))
		return 0;
	m->held = true;
	return state_save(m->p, other) ?: 1;
}

static int pass_netns_mark(struct netctx *c, struct netstate *ns, const struct attachment *gone,
			   bool *held)
{
	struct mark_pass m = { .p = &c->p, .ns = ns, .gone = gone };
	int err;

	*held = mark_holder(ns, gone);
	if (*held)
		return 0;
	err = state_foreach(&c->p, mark_other, &m);
	*held = m.held;
	if (err > 0)
		return 0;
	if (err && m.held)
		pr_err("cannot pass on the ownership of namespace %s: %s", gone->netns,
		       strerror(-err));
	return err;
}

/* remove_netns: the namespace was bpfbr's and nothing else of bpfbr holds it. */
static void teardown(struct netctx *c, const struct netstate *ns, const struct attachment *a,
		     bool remove_netns)
{
	char link_pin[PATH_MAX], alias[128];
	struct nl_link l;
	struct dp dp;

	uplink_endpoint_del(c, ns, a);
	if (ns->datapath == DATAPATH_XDP &&
	    !port_xdp_pin(c, ns->name, a->host_ifname, link_pin, sizeof(link_pin)))
		detach_xdp(link_pin);
	if (!port_link_pin(c, ns->name, a->host_ifname, link_pin, sizeof(link_pin)))
		detach_hook(a->host_ifindex, HOOK_INGRESS, link_pin, ns->mode);
	net_follow_del(c, ns, a->host_ifindex);
	if (!net_dp_open(c, ns->name, &dp)) {
		dp_port_del(&dp, (uint32_t)a->host_ifindex, a->slot);
		set_nslots(&dp, ns);
		dp_close(&dp);
	}
	/* Gone already if the namespace was deleted; and the name must still be ours. */
	link_alias(ns, alias, sizeof(alias));
	if (!nl_link_get(&c->nl, a->host_ifname, 0, &l) && !strcmp(l.alias, alias))
		nl_link_del(&c->nl, l.ifindex);
	if (!a->cni && netns_name_of(a->netns))
		resolvconf_remove(netns_name_of(a->netns), ns->name);
	if (remove_netns) {
		const char *name = netns_name_of(a->netns);

		if (name)
			netns_delete(name);
	}
}

/*
 * What an attach that never reached the state file left behind (it was
 * killed): its veth device, with the port, hook and translations that point
 * at it. Without the journal's word for it, a device is taken for ours only
 * with our alias.
 */
static void clear_unrecorded(struct netctx *c, const struct netstate *ns, const char *device,
			     bool journaled)
{
	struct attachment a = { 0 };
	char alias[128], link_pin[PATH_MAX];
	struct bpfbr_port port;
	struct nl_link l;
	struct dp dp;

	snprintf(a.host_ifname, sizeof(a.host_ifname), "%s", device);
	link_alias(ns, alias, sizeof(alias));
	if (nl_link_get(&c->nl, device, 0, &l) || (!journaled && strcmp(l.alias, alias)))
		return;
	pr_warn("removing %s, left over by an interrupted attach", device);
	a.host_ifindex = l.ifindex;
	if (ns->datapath == DATAPATH_XDP &&
	    !port_xdp_pin(c, ns->name, device, link_pin, sizeof(link_pin)))
		detach_xdp(link_pin);
	if (!port_link_pin(c, ns->name, device, link_pin, sizeof(link_pin)))
		detach_hook(l.ifindex, HOOK_INGRESS, link_pin, ns->mode);
	net_follow_del(c, ns, l.ifindex);
	if (!net_dp_open(c, ns->name, &dp)) {
		if (!dp_port_get(&dp, (uint32_t)l.ifindex, &port)) {
			a.ip = port.ipv4;
			dp_port_del(&dp, (uint32_t)l.ifindex, port.slot);
			set_nslots(&dp, ns);
		}
		dp_close(&dp);
	}
	/* Its address may belong to a recorded container by now. */
	if (a.ip && !ipam_unusable(ns, a.ip))
		uplink_endpoint_del(c, ns, &a);
	nl_link_del(&c->nl, l.ifindex);
}

static int detach(struct netctx *c, const struct detach_sel *s, bool quiet, struct journal *j)
{
	char device[IF_NAMESIZE];
	char path[PATH_MAX] = "";
	uint64_t ns_id = 0;
	struct attachment a;
	struct netstate ns;
	bool held;
	uint32_t i;
	int err;

	err = netctx_load(c, s->net, &ns);
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
	for (i = 0; i < ns.n_att; i++)
		if (att_matches(&ns.att[i], s, path, ns_id))
			break;
	if (i == ns.n_att) {
		if (!s->netns && s->ifname) {
			host_ifname(ns.name, s->id, s->ifname, device);
			clear_unrecorded(c, &ns, device, false);
		}
		if (!quiet)
			pr_err("%s %s%s%s is not attached to network %s; see: bpfbr status %s",
			       s->netns ? "namespace" : "container", s->netns ?: s->id,
			       s->ifname ? " interface " : "", s->ifname ?: "", s->net, s->net);
		err = -ENOENT;
		goto out;
	}
	a = ns.att[i];
	/* From here on it goes, whatever interrupts it: the next command finishes it. */
	err = record(j, JOURNAL_DEVICE, a.host_ifname);
	if (err)
		goto out;
	netstate_del_att(&ns, &ns.att[i]);
	held = true;
	if (a.created_netns) {
		err = pass_netns_mark(c, &ns, &a, &held);
		if (err)
			goto out;
	}
	/* CNI never removes a namespace: the runtime owns it. */
	teardown(c, &ns, &a, !held && !a.cni);
	err = state_save(&c->p, &ns);
out:
	netstate_free(&ns);
	return err;
}

int net_attach(struct netctx *c, const struct attach_opts *o, struct attachment *out)
{
	struct journal j = { 0 };
	int err = valid_netname(o->net) ? journal_begin(&j, &c->p, JOURNAL_OP_ATTACH, o->net) : 0;

	if (err) {
		pr_err("cannot write the change journal under %s: %s", c->p.state, strerror(-err));
		return err;
	}
	err = attach(c, o, out, &j);
	journal_end(&j);
	return err;
}

int net_detach(struct netctx *c, const struct detach_sel *s, bool quiet)
{
	struct journal j = { 0 };
	int err = valid_netname(s->net) ? journal_begin(&j, &c->p, JOURNAL_OP_DETACH, s->net) : 0;

	if (err) {
		pr_err("cannot write the change journal under %s: %s", c->p.state, strerror(-err));
		return err;
	}
	err = detach(c, s, quiet, &j);
	journal_end(&j);
	return err;
}

static const struct attachment *att_of_device(const struct netstate *ns, const char *device)
{
	for (uint32_t i = 0; i < ns->n_att; i++)
		if (!strcmp(ns->att[i].host_ifname, device))
			return &ns->att[i];
	return NULL;
}

int net_attach_undo(struct netctx *c, const char *net, const char *device, const char *netns)
{
	struct netstate ns;
	int err;

	err = state_load(&c->p, net, &ns);
	if (err && err != -ENOENT)
		return err;
	if (!err) {
		const struct attachment *a = device[0] ? att_of_device(&ns, device) : NULL;

		/* It reached the state: what came after is finished (the resolv.conf). */
		if (a && !a->cni)
			write_resolv_conf(&ns, a);
		else if (device[0] && !a)
			clear_unrecorded(c, &ns, device, true);
		netstate_free(&ns);
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
	struct netstate ns;
	int err;

	err = state_load(&c->p, net, &ns);
	if (err)
		return err == -ENOENT ? 0 : err;
	a = att_of_device(&ns, device);
	err = 0;
	if (a) {
		pr_warn("finishing the interrupted detach of %s from network %s", a->id, net);
		s.id = a->id;
		s.ifname = a->ifname;
		err = net_detach(c, &s, true);
	}
	netstate_free(&ns);
	return err;
}
