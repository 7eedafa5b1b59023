// SPDX-License-Identifier: GPL-2.0-only OR BSD-2-Clause
#include <errno.h>
#include <stdio.h>
#include <string.h>
#include <unistd.h>

#include "datapath.h"
#include "log.h"
#include "upgrade.h"
#include "uplink.h"
#include "uplinkdp.h"

static int switched(json_t *done, const char *what, const char *where, int err)
{
	if (err)
		pr_err("cannot switch %s on %s to the new program: %s", what, where,
		       strerror(-err));
	else
		json_array_append_new(done, json_pack("{s:s, s:s}", "hook", what, "device", where));
	return err;
}

/* A port's hooks: the TC one, and the XDP one in XDP mode. */
static int switch_port(struct netctx *c, const struct netstate *ns, const struct dp *dp,
		       const char *ifname, int ifindex, json_t *done)
{
	char pin[PATH_MAX];
	int err;

	err = port_link_pin(c, ns->name, ifname, pin, sizeof(pin));
	if (!err)
		err = switched(done, "tc ingress", ifname,
			       replace_hook(dp->prog_port, ifindex, HOOK_INGRESS, pin, ns->mode));
	if (!err && ns->xdp) {
		err = port_xdp_pin(c, ns->name, ifname, pin, sizeof(pin));
		if (!err)
			err = switched(done, "xdp", ifname, replace_link(dp->prog_port_xdp, pin));
	}
	return err;
}

static int upgrade_net(struct netctx *c, const char *name, json_t *done)
{
	char dir[PATH_MAX];
	struct netstate ns;
	struct dp dp;
	int err;

	err = netctx_load(c, name, &ns);
	if (err)
		return err;
	err = net_pin_dir(c, name, dir, sizeof(dir));
	if (!err)
		err = dp_open(dir, &dp);
	if (err)
		goto out;
	err = dp_reload(dir, &dp);
	if (!err)
		err = switch_port(c, &ns, &dp, ns.gw_port, ns.gw_port_ifindex, done);
	for (uint32_t i = 0; !err && i < ns.n_att; i++)
		err = switch_port(c, &ns, &dp, ns.att[i].host_ifname, ns.att[i].host_ifindex, done);
	dp_close(&dp);
out:
	netstate_free(&ns);
	return err;
}

static int upgrade_uplink(struct netctx *c, const char *ifname, json_t *done)
{
	char dir[PATH_MAX], links[PATH_MAX], pin[PATH_MAX];
	enum attach_mode mode;
	struct updp u;
	int ifindex = 0, err;

	err = uplink_pin_dir(c, ifname, dir, sizeof(dir));
	if (!err)
		err = path_join(links, sizeof(links), dir, "links");
	if (!err)
		err = updp_open(dir, &u);
	if (err)
		return err;
	err = updp_reload(dir, &u);
	if (!err) {
		ifindex = nl_link_index(&c->nl, ifname);
		err = ifindex < 0 ? ifindex : path_join(pin, sizeof(pin), links, "egress");
	}
	if (!err) {
		mode = access(pin, F_OK) ? ATTACH_TC : ATTACH_TCX;
		err = switched(done, "tc egress", ifname,
			       replace_hook(u.prog_out, ifindex, HOOK_EGRESS, pin, mode));
	}
	if (!err && !(err = path_join(pin, sizeof(pin), links, "ingress")))
		err = switched(done, "tc ingress", ifname,
			       replace_hook(u.prog_in, ifindex, HOOK_INGRESS, pin, mode));
	if (!err && !(err = path_join(pin, sizeof(pin), links, "xdp")) && !access(pin, F_OK))
		err = switched(done, "xdp", ifname, replace_link(u.prog_xdp, pin));
	updp_close(&u);
	return err;
}

int upgrade(struct netctx *c, const char *net, json_t *done)
{
	char uplinks[64][IF_NAMESIZE];
	int n_up = 0, n, err = 0;
	char **names;

	err = state_list(&c->p, &names, &n);
	if (err)
		return err;
	for (int i = 0; i < n && !err; i++) {
		struct netstate ns;
		bool seen = false;

		if (net && strcmp(net, names[i]))
			continue;
		err = upgrade_net(c, names[i], done);
		if (err || state_load(&c->p, names[i], &ns))
			continue;
		for (int j = 0; j < n_up && ns.masquerade; j++)
			seen |= !strcmp(uplinks[j], ns.uplink);
		if (ns.masquerade && !seen && n_up < 64)
			snprintf(uplinks[n_up++], IF_NAMESIZE, "%s", ns.uplink);
		netstate_free(&ns);
	}
	state_names_free(names, n);
	if (!err && net && !json_array_size(done)) {
		pr_err("network %s does not exist; see: bpfbr net list", net);
		return -ENOENT;
	}
	for (int j = 0; j < n_up && !err; j++)
		err = upgrade_uplink(c, uplinks[j], done);
	return err;
}
