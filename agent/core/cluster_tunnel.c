// SPDX-License-Identifier: GPL-2.0-only OR BSD-2-Clause
#include <dirent.h>
#include <errno.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <unistd.h>

#include "cluster_store.h"
#include "cluster_tunnel.h"
#include "hook_attach.h"
#include "log.h"
#include "nl_vxlan.h"
#include "node_stats.h"
#include "pin_layout.h"
#include "state.h"
#include "sysctl.h"
#include "tunnel_nodes.h"
#include "uplink.h"
#include "uplinkdp.h"

void cluster_tunnel_name(const struct paths *p, char name[IF_NAMESIZE])
{
	uint32_t h = 2166136261u; /* FNV-1a */

	for (const char *s = p->root; *s; s++)
		h = (h ^ (uint8_t)*s) * 16777619u;
	snprintf(name, IF_NAMESIZE, "bpfbr-vx%06x", h & 0xffffff);
}

struct find_site {
	struct netctx *c;
	const struct cidr *pod_cidr;
	struct tunnel_site *s;
};

static int see_net(struct netstate *ns, void *arg)
{
	struct find_site *f = arg;
	struct tunnel_site *s = f->s;
	struct nl_link l;

	if (s->found || !ns->masquerade || !ns->uplink[0] || ns->subnet.addr != f->pod_cidr->addr ||
	    ns->subnet.prefix != f->pod_cidr->prefix)
		return 0;
	if (nl_link_get(&f->c->nl, ns->uplink, 0, &l))
		return 0; /* the uplink is gone: no site until it is back */
	s->found = true;
	snprintf(s->net, sizeof(s->net), "%s", ns->name);
	snprintf(s->uplink, sizeof(s->uplink), "%s", ns->uplink);
	s->uplink_ifindex = l.ifindex;
	s->mtu = l.mtu - VXLAN_OVERHEAD;
	s->gateway = ns->gateway;
	s->mode = ns->mode;
	return 0;
}

int cluster_tunnel_site(struct netctx *c, const struct cluster *cl, struct tunnel_site *s)
{
	const struct cluster_node *self = cluster_self(cl);
	struct find_site f = { c, self ? &self->pod_cidr : NULL, s };

	memset(s, 0, sizeof(*s));
	if (!self)
		return 0;
	return state_foreach(&c->p, see_net, &f);
}

static void note(json_t *changes, const char *action, const char *what)
{
	json_array_append_new(changes, json_pack("{s:s, s:s}", "action", action, "tunnel", what));
}

/* The stack forwards what the device's ingress leaves to it for this node's
 * pods (fragments, TTL expiry, IPv4 options); the program lets nothing else in. */
static int forwarding(const char *name)
{
	char key[96];
	int err;

	snprintf(key, sizeof(key), "net/ipv4/conf/%s/forwarding", name);
	err = sysctl_write(key, "1");
	if (err)
		pr_err("cannot turn on IPv4 forwarding on %s: %s", name, strerror(-err));
	return err;
}

/* The device as cl and s want it, made if need be; *ifindex gets it. */
static int device(struct netctx *c, const struct cluster *cl, const struct tunnel_site *s,
		  const char *name, int *ifindex, json_t *changes)
{
	struct vxlan_req req = {
		.name = name, .port = cl->port, .mtu = s->mtu, .link_ifindex = s->uplink_ifindex
	};
	struct vxlan_info vi;
	struct nl_link l;
	int err = nl_link_get(&c->nl, name, 0, &l);

	if (!err) {
		err = nl_vxlan_get(&c->nl, l.ifindex, &vi);
		if (err == -EMEDIUMTYPE) {
			pr_err("device %s is there and is not a VXLAN device of bpfbr's; "
			       "rename or remove it, then bpfbr cluster sync",
			       name);
			return -EEXIST;
		}
		if (err)
			return err;
		if (vi.collect_md && vi.port == cl->port && l.mtu == s->mtu && (l.flags & IFF_UP)) {
			*ifindex = l.ifindex;
			return forwarding(name);
		}
		err = nl_link_del(&c->nl, l.ifindex); /* made again as wanted */
		if (err)
			return err;
		note(changes, "removed", name);
	} else if (err != -ENODEV) {
		return err;
	}
	err = nl_vxlan_create(&c->nl, &req);
	if (err) {
		pr_err("cannot create the VXLAN device %s (UDP port %u): %s%s%s", name, cl->port,
		       strerror(-err), c->nl.err_msg[0] ? ": " : "", c->nl.err_msg);
		return err;
	}
	err = nl_link_get(&c->nl, name, 0, &l);
	if (err)
		return err;
	note(changes, "added", name);
	*ifindex = l.ifindex;
	return forwarding(name);
}

/* Every declared node of cl, reached through the device ifindex (0: none,
 * as in direct mode, where an entry names only a node's counters). */
static int entries(const struct cluster *cl, int ifindex, struct tunnel_entry **out, uint32_t *n)
{
	const struct cluster_node *self = cluster_self(cl);

	*n = 0;
	*out = calloc(cl->n_nodes + 1, sizeof(**out));
	if (!*out)
		return -ENOMEM;
	for (uint32_t i = 0; cl->declared && i < cl->n_nodes; i++) {
		const struct cluster_node *cn = &cl->nodes[i];

		(*out)[(*n)++] = (struct tunnel_entry){
			.key = { .prefixlen = cn->pod_cidr.prefix, .addr = cn->pod_cidr.addr },
			.node = { .node_addr = cn->addr,
				  .vni = ifindex > 0 ? cl->vni : 0,
				  .ifindex = ifindex > 0 ? (uint32_t)ifindex : 0,
				  .flags = cn == self ? BPFBR_TUNNEL_LOCAL : 0 },
		};
	}
	return 0;
}

/* The map fd made to hold the nodes of cl (stats_fd: their counters, -1: none). */
static int fill_fds(int fd, int stats_fd, const struct cluster *cl, int ifindex, uint32_t *changed)
{
	struct tunnel_entry *want;
	uint32_t n;
	int err = entries(cl, ifindex, &want, &n);

	if (!err)
		err = tunnel_nodes_replace(fd, stats_fd, want, n, changed);
	free(want);
	return err;
}

/* The pinned map made to hold the nodes of cl (through the device ifindex, 0: none). */
static int fill(struct netctx *c, const struct cluster *cl, int ifindex, json_t *changes)
{
	char pin[PATH_MAX], stats_pin[PATH_MAX], what[64];
	uint32_t changed;
	int fd, stats_fd,
		err = pin_tunnel_nodes(&c->p, pin, sizeof(pin))
			      ?: pin_node_stats(&c->p, stats_pin, sizeof(stats_pin));

	if (err)
		return err;
	fd = tunnel_nodes_open(pin);
	if (fd < 0)
		return fd == -ENOENT && !ifindex ? 0 : fd;
	stats_fd = node_stats_open(stats_pin); /* (none from an older build's datapath) */
	err = fill_fds(fd, stats_fd, cl, ifindex, &changed);
	if (!err && changed) {
		snprintf(what, sizeof(what), "%u node entries", changed);
		note(changes, "changed", what);
	}
	if (err)
		pr_err("cannot write the cluster's nodes into %s: %s", pin, strerror(-err));
	if (stats_fd >= 0)
		close(stats_fd);
	close(fd);
	return err;
}

int cluster_nodes_fill(struct netctx *c, const struct uplinkdp *u)
{
	struct cluster cl;
	uint32_t changed;
	int err;

	if (u->tunnel_nodes < 0)
		return 0; /* (an older build's datapath: bpfbr upgrade) */
	err = cluster_load(&c->p, &cl);
	if (!err && cl.declared && cl.mode == CLUSTER_DIRECT)
		err = fill_fds(u->tunnel_nodes, u->node_stats, &cl, 0, &changed);
	cluster_free(&cl);
	return err;
}

/* One of the device's hooks, attached unless it is there and live. */
static int hook(struct netctx *c, const struct tunnel_site *s, int ifindex, int prog,
		enum attach_dir dir, enum uplink_link which, json_t *changes)
{
	char pin[PATH_MAX], links[PATH_MAX];
	enum attach_mode m = s->mode;
	int err = pin_uplink_link(&c->p, s->uplink, which, pin, sizeof(pin))
			  ?: pin_uplink_links_dir(&c->p, s->uplink, links, sizeof(links));

	if (err)
		return err;
	if (hook_live(ifindex, dir, pin, pin_hook_mode(pin)))
		return 0;
	if (pin_present(pin))
		unlink(pin); /* the link of a device that is gone */
	err = mkdir_p(links, 0700) ?: attach_hook(prog, ifindex, dir, pin, &m);
	if (err)
		pr_err("cannot attach the tunnel program to the %s of %s: %s",
		       dir == HOOK_INGRESS ? "ingress" : "egress", s->uplink, strerror(-err));
	else
		note(changes, "added", dir == HOOK_INGRESS ? "ingress hook" : "egress hook");
	return err;
}

static int hooks(struct netctx *c, const struct tunnel_site *s, int ifindex, json_t *changes)
{
	struct uplinkdp u;
	int err = uplink_dp_open(c, s->uplink, &u);

	if (err) {
		pr_err("the masquerade datapath of uplink %s is missing (%s); bpfbr gc restores it",
		       s->uplink, strerror(-err));
		return err;
	}
	if (u.prog_tunnel_in < 0 || u.prog_tunnel_out < 0) {
		pr_err("the datapath of uplink %s was loaded by a build without VXLAN; "
		       "run bpfbr upgrade, then bpfbr cluster sync",
		       s->uplink);
		err = -EOPNOTSUPP;
	}
	if (!err)
		err = hook(c, s, ifindex, u.prog_tunnel_in, HOOK_INGRESS, UPLINK_LINK_TUNNEL_IN,
			   changes)
			      ?: hook(c, s, ifindex, u.prog_tunnel_out, HOOK_EGRESS,
				      UPLINK_LINK_TUNNEL_OUT, changes);
	uplinkdp_close(&u);
	return err;
}

/* The link pins of a tunnel under every uplink (the device they were on is gone). */
static void unpin_hooks(struct netctx *c)
{
	char dir[PATH_MAX], pin[PATH_MAX];
	struct dirent *de;
	DIR *d;

	if (pin_uplinks_dir(&c->p, dir, sizeof(dir)))
		return;
	d = opendir(dir);
	while (d && (de = readdir(d))) {
		if (de->d_name[0] == '.')
			continue;
		if (!pin_uplink_link(&c->p, de->d_name, UPLINK_LINK_TUNNEL_IN, pin, sizeof(pin)))
			unlink(pin);
		if (!pin_uplink_link(&c->p, de->d_name, UPLINK_LINK_TUNNEL_OUT, pin, sizeof(pin)))
			unlink(pin);
	}
	if (d)
		closedir(d);
}

static int remove_tunnel(struct netctx *c, const char *name, json_t *changes)
{
	struct vxlan_info vi;
	struct nl_link l;
	int err = nl_link_get(&c->nl, name, 0, &l);

	if (!err && !nl_vxlan_get(&c->nl, l.ifindex, &vi)) {
		err = nl_link_del(&c->nl, l.ifindex);
		if (err)
			return err;
		note(changes, "removed", name);
	}
	unpin_hooks(c);
	return 0;
}

int cluster_tunnel_sync(struct netctx *c, const struct cluster *cl, json_t *changes, int *ifindex)
{
	char name[IF_NAMESIZE];
	struct tunnel_site s;
	int err;

	*ifindex = 0;
	cluster_tunnel_name(&c->p, name);
	if (!cl->declared || cl->mode != CLUSTER_VXLAN)
		return remove_tunnel(c, name, changes) ?: fill(c, cl, 0, changes);
	err = cluster_tunnel_site(c, cl, &s);
	if (err)
		return err;
	if (!s.found) {
		pr_warn("no network of this node's pod CIDR masquerades through an uplink "
			"(bpfbr net create … --uplink IF --masquerade): the VXLAN device waits for "
			"it");
		return remove_tunnel(c, name, changes) ?: fill(c, cl, 0, changes);
	}
	err = device(c, cl, &s, name, ifindex, changes);
	if (!err)
		err = fill(c, cl, *ifindex, changes);
	if (!err)
		err = hooks(c, &s, *ifindex, changes);
	return err;
}

const char *cluster_tunnel_unready(struct netctx *c, const struct cluster *cl, char *buf,
				   size_t size)
{
	char name[IF_NAMESIZE], in_pin[PATH_MAX], out_pin[PATH_MAX];
	struct tunnel_site s;
	struct vxlan_info vi;
	struct nl_link l;

	cluster_tunnel_name(&c->p, name);
	if (cluster_tunnel_site(c, cl, &s) || !s.found) {
		snprintf(buf, size,
			 "no network of this node's pod CIDR masquerades through an "
			 "uplink");
		return buf;
	}
	if (nl_link_get(&c->nl, name, 0, &l) || nl_vxlan_get(&c->nl, l.ifindex, &vi) ||
	    !vi.collect_md || !(l.flags & IFF_UP)) {
		snprintf(buf, size, "the VXLAN device %s is missing", name);
		return buf;
	}
	if (pin_uplink_link(&c->p, s.uplink, UPLINK_LINK_TUNNEL_IN, in_pin, sizeof(in_pin)) ||
	    pin_uplink_link(&c->p, s.uplink, UPLINK_LINK_TUNNEL_OUT, out_pin, sizeof(out_pin)) ||
	    !hook_live(l.ifindex, HOOK_INGRESS, in_pin, pin_hook_mode(in_pin)) ||
	    !hook_live(l.ifindex, HOOK_EGRESS, out_pin, pin_hook_mode(out_pin))) {
		snprintf(buf, size, "the VXLAN device %s has no programs", name);
		return buf;
	}
	return NULL;
}

unsigned int cluster_net_mtu(struct netctx *c, const struct cidr *subnet, const char *uplink,
			     unsigned int dflt)
{
	struct cluster cl;
	struct nl_link l;
	unsigned int mtu = dflt;

	if (cluster_load(&c->p, &cl))
		return dflt;
	if (cl.declared && cl.mode == CLUSTER_VXLAN && subnet->prefix &&
	    cidr_overlaps(&cl.cidr, subnet))
		mtu = (uplink && uplink[0] && !nl_link_get(&c->nl, uplink, 0, &l) ? l.mtu : dflt) -
		      VXLAN_OVERHEAD;
	cluster_free(&cl);
	return mtu;
}
