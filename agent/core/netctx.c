// SPDX-License-Identifier: GPL-2.0-only OR BSD-2-Clause
#include <errno.h>
#include <fcntl.h>
#include <stdio.h>
#include <string.h>
#include <unistd.h>
#include <linux/magic.h>
#include <sys/stat.h>
#include <sys/statfs.h>

#include "bpfbr/port.h"
#include "switchdp.h"
#include "switchdp_maps.h"
#include "log.h"
#include "netctx.h"
#include "netns_name.h"
#include "netns.h"
#include "pin_layout.h"
#include "state.h"
#include "wording.h"

static int check_bpffs(const char *dir)
{
	struct statfs sfs;

	if (statfs(dir, &sfs) || sfs.f_type != BPF_FS_MAGIC) {
		pr_err("bpffs not mounted at %s; run: mount -t bpf bpf %s", dir, dir);
		return -ENOENT;
	}
	return 0;
}

static int self_netns_id(uint64_t *id)
{
	int fd = open("/proc/thread-self/ns/net", O_RDONLY | O_CLOEXEC);
	int err;

	if (fd < 0)
		return -errno;
	err = netns_id(fd, id);
	close(fd);
	return err;
}

int netctx_open(struct netctx *c, const char *root, bool lock)
{
	int err;

	memset(c, 0, sizeof(*c));
	c->lock = -1;
	if (geteuid() != 0) {
		pr_err("bpfbr needs root (CAP_NET_ADMIN and CAP_BPF); run it as root or with sudo");
		return -EPERM;
	}
	err = paths_init(&c->p, root);
	if (err) {
		pr_err("root directory %s is too long", root ? root : "$BPFBR_ROOT");
		return err;
	}
	err = check_bpffs(c->p.bpffs);
	if (err)
		return err;
	err = self_netns_id(&c->node_netns_id);
	if (!err)
		err = netns_cookie(-1, &c->node_netns_cookie);
	if (err) {
		pr_err("cannot identify the current network namespace: %s", strerror(-err));
		return err;
	}
	err = nl_open(&c->nl);
	if (err) {
		pr_err("cannot open a netlink socket: %s", strerror(-err));
		return err;
	}
	if (lock) {
		c->lock = state_lock(&c->p);
		if (c->lock < 0) {
			err = c->lock;
			nl_close(&c->nl);
			return err;
		}
	}
	return 0;
}

void netctx_close(struct netctx *c)
{
	state_unlock(c->lock);
	c->lock = -1;
	nl_close(&c->nl);
}

bool netctx_owns(struct netctx *c, struct netstate *state)
{
	/* The cookie where it was recorded: inodes are reused, cookies are not. */
	if (state->node_netns_cookie ? state->node_netns_cookie == c->node_netns_cookie
				     : state->node_netns_id == c->node_netns_id) {
		state->node_netns_id = c->node_netns_id;
		state->node_netns_cookie = c->node_netns_cookie;
		return true;
	}
	if (netns_alive(state->node_netns_id, state->node_netns_cookie))
		return false;
	pr_debug("network %s was made in a namespace that is gone; it is this one's now",
		 state->name);
	state->node_netns_id = c->node_netns_id;
	state->node_netns_cookie = c->node_netns_cookie;
	return true;
}

int netctx_adopt_macs(const struct netctx *c, struct netstate *state)
{
	char dir[PATH_MAX], was[MAC_STR_LEN], is[MAC_STR_LEN];
	struct bpfbr_port port;
	struct switchdp dp;
	int n = 0;

	if (!state->n_att || pin_net_dir(&c->p, state->name, dir, sizeof(dir)))
		return 0;
	if (switchdp_open_ports(dir, &dp))
		return 0; /* no datapath (a reboot): the state's MACs stand */
	for (uint32_t i = 0; i < state->n_att; i++) {
		struct attachment *a = &state->att[i];
		uint32_t key = (uint32_t)a->host_ifindex;

		if (switchdp_port_get(&dp, key, &port) || port.kind != BPFBR_PORT_CONTAINER ||
		    port.slot != a->slot || port.ipv4 != a->ip || !memcmp(port.mac, a->mac, 6))
			continue;
		pr_debug("network %s: %s took MAC %s (was %s)", state->name, a->host_ifname,
			 mac_str(port.mac, is), mac_str(a->mac, was));
		memcpy(a->mac, port.mac, 6);
		n++;
	}
	switchdp_close(&dp);
	return n;
}

int netctx_load(struct netctx *c, const char *name, struct netstate *state)
{
	int err;

	if (!valid_netname(name)) {
		pr_err("network name \"%s\" is invalid; use 1-63 letters, digits, '_', '.', '-'",
		       name);
		return -EINVAL;
	}
	err = state_load(&c->p, name, state);
	if (err == -ENOENT) {
		char fix[128];

		pr_err("network %s does not exist; %s", name,
		       create_net_fix(name, fix, sizeof(fix)));
		return err;
	}
	if (err)
		return err;
	if (!netctx_owns(c, state)) {
		char who[NAME_MAX + 32];

		pr_err("network %s belongs to another network namespace, %s; %s", name,
		       netns_describe(state->node_netns_id, who, sizeof(who)), wording_run_there());
		netstate_free(state);
		return -EXDEV;
	}
	netctx_adopt_macs(c, state);
	return 0;
}

int netctx_foreach(struct netctx *c,
		   int (*fn)(struct netctx *c, const struct netstate *state, void *arg), void *arg)
{
	char **names;
	int n, err;

	err = state_list(&c->p, &names, &n);
	for (int i = 0; !err && i < n; i++) {
		struct netstate state;

		err = netctx_load(c, names[i], &state);
		if (!err) {
			err = fn(c, &state, arg);
			netstate_free(&state);
		}
	}
	state_names_free(names, n);
	return err;
}

int net_dp_open(const struct netctx *c, const char *name, struct switchdp *dp)
{
	char dir[PATH_MAX];
	int err = pin_net_dir(&c->p, name, dir, sizeof(dir));

	return err ?: switchdp_open(dir, dp);
}
