// SPDX-License-Identifier: GPL-2.0-only OR BSD-2-Clause
#include <errno.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <unistd.h>

#include "bpfbr/limits.h"
#include "link_alias.h"
#include "log.h"
#include "netfollow.h"
#include "netns.h"
#include "pin_layout.h"
#include "uplink.h"

/* The pin directories the program needs: the network's, and its uplink's ("" if none). */
static int dirs_of(const struct netctx *c, const struct netstate *state, char *dir, char *up)
{
	int err = pin_net_dir(&c->p, state->name, dir, PATH_MAX);

	up[0] = '\0';
	if (!err && state->masquerade)
		err = pin_uplink_dir(&c->p, state->uplink, up, PATH_MAX);
	return err;
}

int net_follow_start(struct netctx *c, const struct netstate *state, bool *running)
{
	char dir[PATH_MAX], up[PATH_MAX], why[256];
	int err;

	*running = false;
	err = dirs_of(c, state, dir, up);
	if (err)
		return err;
	err = follow_start(dir, up[0] ? up : NULL, why, sizeof(why));
	if (err) {
		pr_warn("network %s does not follow MAC changes: %s; it works, but a container "
			"whose MAC is changed after bpfbr set it (by a later CNI plugin such as "
			"tuning, or from inside) loses its network",
			state->name, why);
		return 0;
	}
	*running = true;
	return net_follow_sync(c, state, NULL, NULL);
}

bool net_follow_running(struct netctx *c, const struct netstate *state, struct follow_info *info,
			bool explain)
{
	char dir[PATH_MAX], up[PATH_MAX], why[sizeof(info->why)];

	memset(info, 0, sizeof(*info));
	if (dirs_of(c, state, dir, up))
		return false;
	if (follow_running(dir, up[0] ? up : NULL, info))
		return true;
	/* No link: the kernel's reason, if it is the kernel's. */
	if (explain && !info->link_id) {
		if (follow_probe(why, sizeof(why)))
			snprintf(info->why, sizeof(info->why), "%s", why);
		else
			snprintf(
				info->why, sizeof(info->why),
				"its program is not attached (its link pin is gone): bpfbr restore "
				"attaches it");
	}
	return false;
}

/* a's namespace, opened from its path if that still names it. */
static int open_netns_of(const struct attachment *a)
{
	uint64_t id;
	int fd, err;

	fd = netns_open(a->netns);
	if (fd < 0)
		return fd;
	err = netns_id(fd, &id);
	if (!err && a->netns_id && id != a->netns_id)
		err = -ESTALE; /* the path names another namespace now */
	if (err) {
		close(fd);
		return err;
	}
	return fd;
}

int net_container_mac(const struct attachment *a, uint8_t mac[6])
{
	int fd = open_netns_of(a), saved, err;
	struct nl_link l;
	struct nl cnl;

	if (fd < 0)
		return fd;
	err = netns_enter(fd, &saved);
	close(fd);
	if (err)
		return err;
	err = nl_open(&cnl); /* the socket stays bound to the container's namespace */
	netns_leave(saved);
	if (err)
		return err;
	err = nl_link_get(&cnl, a->ifname, 0, &l);
	nl_close(&cnl);
	if (!err && l.peer_ifindex != a->host_ifindex)
		err = -ENODEV;
	if (!err)
		memcpy(mac, l.mac, 6);
	return err;
}

int net_follow_add(struct netctx *c, const struct netstate *state, const struct attachment *a,
		   int netns_fd)
{
	char dir[PATH_MAX];
	uint64_t cookie;
	struct nl_link l;
	int fd, nsfd, err;

	err = pin_net_dir(&c->p, state->name, dir, sizeof(dir));
	if (err)
		return err;
	fd = follow_ifaces_open(dir);
	if (fd == -ENOENT)
		return 0;
	if (fd < 0)
		return fd;
	/* The node end's veth peer is the container's interface. */
	err = nl_link_get(&c->nl, a->host_ifname, 0, &l);
	if (!err && (l.ifindex != a->host_ifindex || l.peer_ifindex <= 0))
		err = -ENODEV;
	nsfd = err ? err : netns_fd >= 0 ? netns_fd : open_netns_of(a);
	if (nsfd >= 0) {
		err = netns_cookie(nsfd, &cookie);
		if (!err)
			err = follow_iface_add(fd, cookie, (uint32_t)l.peer_ifindex,
					       (uint32_t)a->host_ifindex);
		if (nsfd != netns_fd)
			close(nsfd);
	} else {
		err = nsfd;
	}
	close(fd);
	return err;
}

void net_follow_del(struct netctx *c, const struct netstate *state, int host_ifindex)
{
	char dir[PATH_MAX];
	int fd;

	if (host_ifindex <= 0 || pin_net_dir(&c->p, state->name, dir, sizeof(dir)))
		return;
	fd = follow_ifaces_open(dir);
	if (fd < 0)
		return;
	follow_iface_del(fd, (uint32_t)host_ifindex);
	close(fd);
}

struct ports_seen {
	uint32_t n;
	uint32_t port[BPFBR_MAX_PORTS];
};

static int collect(uint32_t port, void *data)
{
	struct ports_seen *s = data;

	if (s->n < BPFBR_MAX_PORTS)
		s->port[s->n++] = port;
	return 0;
}

static bool seen(const struct ports_seen *s, uint32_t port)
{
	for (uint32_t i = 0; i < s->n; i++)
		if (s->port[i] == port)
			return true;
	return false;
}

static const struct attachment *att_on(const struct netstate *state, uint32_t port)
{
	for (uint32_t i = 0; i < state->n_att; i++)
		if ((uint32_t)state->att[i].host_ifindex == port)
			return &state->att[i];
	return NULL;
}

int net_follow_sync(struct netctx *c, const struct netstate *state,
		    void (*gone)(uint32_t port, void *arg), void *arg)
{
	struct ports_seen *s;
	char dir[PATH_MAX];
	int fd, err;

	err = pin_net_dir(&c->p, state->name, dir, sizeof(dir));
	if (err)
		return err;
	fd = follow_ifaces_open(dir);
	if (fd == -ENOENT)
		return 0;
	if (fd < 0)
		return fd;
	s = calloc(1, sizeof(*s));
	err = s ? follow_ifaces_each(fd, collect, s) : -ENOMEM;
	for (uint32_t i = 0; !err && i < s->n; i++) {
		if (att_on(state, s->port[i]))
			continue;
		follow_iface_del(fd, s->port[i]);
		if (gone)
			gone(s->port[i], arg);
	}
	close(fd);
	for (uint32_t i = 0; !err && i < state->n_att; i++) {
		const struct attachment *a = &state->att[i];
		int e;

		/* Registered already, or gone with its namespace (as net_port_gone says). */
		if (seen(s, (uint32_t)a->host_ifindex) || a->host_ifindex <= 0 ||
		    !link_ours(&c->nl, a->host_ifname, state->name, a->host_ifindex))
			continue;
		e = net_follow_add(c, state, a, -1);
		if (e)
			pr_warn("cannot register %s (%s) for MAC following on network %s: %s",
				a->host_ifname, a->id, state->name, strerror(-e));
	}
	free(s);
	return err;
}
