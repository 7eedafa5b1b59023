// SPDX-License-Identifier: GPL-2.0-only OR BSD-2-Clause
/*
 * CNI GC and STATUS. GC removes every attachment that CNI made on the
 * network and that the runtime no longer lists, with its address
 * reservation (attachments made with `bpfbr attach` are not the runtime's
 * and stay). STATUS says whether an ADD could work now (50 if not) and
 * whether the network's containers may have lost connectivity (51).
 */
#include <errno.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <arpa/inet.h>
#include <unistd.h>

#include "cni_cluster.h"
#include "cni_cmd.h"
#include "ipam.h"
#include "ipam6.h"
#include "log.h"
#include "network.h"
#include "net_restore.h"
#include "state.h"

static bool listed(json_t *valid, const struct attachment *a)
{
	json_t *v;
	size_t i;

	json_array_foreach (valid, i, v) {
		const char *id = json_string_value(json_object_get(v, "containerID"));
		const char *ifname = json_string_value(json_object_get(v, "ifname"));

		if (!strcmp(id, a->id) && !strcmp(ifname, a->ifname))
			return true;
	}
	return false;
}

/*
 * GC and STATUS came with 1.1.0: a delegate that does not speak it is
 * skipped for them (it would refuse this config). 1 if it does, 0 if not
 * (or there is none), -errno if it cannot be asked.
 */
static int delegate_speaks_110(struct cni_req *r)
{
	struct cni_delegate d = cni_delegate_of(r);
	int ret;

	if (!cni_delegated(r))
		return 0;
	ret = cni_ipam_speaks(&d, CNI_V110, r->e);
	if (!ret)
		pr_warn("IPAM plugin %s does not speak CNI 1.1.0, which has GC and STATUS; "
			"they are not passed on to it",
			d.type);
	return ret;
}

/* Passes cmd (GC, STATUS) on to the delegate if it knows it. */
static int forward(struct cni_req *r, const char *cmd, int speaks)
{
	struct cni_delegate d = cni_delegate_of(r);

	return speaks > 0 ? cni_ipam_run(&d, cmd, NULL, NULL, NULL, r->e) : 0;
}

/* The stale attachments, copied: detaching rewrites the state. */
static int stale_of(struct cni_req *r, struct netctx *c, struct attachment **stale, uint32_t *n)
{
	struct netstate state;
	int err = state_load(&c->p, r->conf.name, &state);

	*stale = NULL;
	*n = 0;
	if (err == -ENOENT)
		return 0;
	if (err)
		return cni_code(r, err, CNI_ERR_SYSTEM);
	*stale = calloc(state.n_att + 1, sizeof(**stale));
	if (!*stale) {
		netstate_free(&state);
		return cni_code(r, -ENOMEM, CNI_ERR_SYSTEM);
	}
	for (uint32_t i = 0; i < state.n_att; i++)
		if (state.att[i].cni && !listed(r->conf.valid, &state.att[i]))
			(*stale)[(*n)++] = state.att[i];
	netstate_free(&state);
	return 0;
}

int cni_gc(struct cni_req *r)
{
	struct cni_delegate d = cni_delegate_of(r);
	struct attachment *stale;
	uint32_t n, kept = 0;
	struct netctx c;
	int err, first = 0, speaks;

	if (!r->conf.valid)
		return cni_fail(r->e, CNI_ERR_CONFIG,
				"GC needs \"cni.dev/valid-attachments\", the attachments to keep");
	speaks = delegate_speaks_110(r);
	if (speaks < 0)
		first = speaks; /* noted; bpfbr's own part goes on */
	err = cni_open(r, &c, true, CNI_ERR_SYSTEM);
	if (err)
		return err;
	err = stale_of(r, &c, &stale, &n);
	for (uint32_t i = 0; !err && i < n; i++) {
		struct detach_sel sel = { .net = r->conf.name,
					  .id = stale[i].id,
					  .ifname = stale[i].ifname };
		int e2 = net_detach(&c, &sel, true);

		/* On: remove as much as possible, report every failure. */
		if (e2 && e2 != -ENOENT)
			first = first ?: cni_code(r, e2, CNI_ERR_SYSTEM);
		if (speaks > 0) {
			e2 = cni_ipam_run(&d, "DEL", stale[i].id, stale[i].ifname, NULL, r->e);
			first = first ?: e2;
		} else if (cni_delegated(r)) {
			kept++;
		}
	}
	free(stale);
	netctx_close(&c);
	if (kept && !speaks)
		first = first
				?: cni_fail(r->e, CNI_ERR_VERSION,
					    "IPAM plugin %s does not speak CNI 1.1.0: it keeps the "
					    "addresses of the %u container(s) GC removed; release "
					    "them with DEL and cniVersion 1.0.0",
					    d.type, kept);
	if (!err)
		err = first;
	return forward(r, "GC", speaks) ?: err;
}

/*
 * An existing network: restored if the kernel lost part of it (a reboot),
 * and with an address left for the next ADD.
 */
static int network_ready(struct cni_req *r, struct netctx *c, struct netstate *state)
{
	char ip[IP_STR_LEN], ip2[IP_STR_LEN], why[160];
	uint32_t addr, first, last;
	uint8_t addr6[16];
	json_t *done;
	int err;

	if (!netctx_owns(c, state))
		return cni_fail(r->e, CNI_ERR_NOT_AVAILABLE,
				"network %s belongs to another network namespace; run the plugin "
				"where it was created",
				state->name);
	if (!net_intact(c, state, why, sizeof(why))) {
		done = json_array();
		err = net_restore(c, state->name, done);
		json_decref(done);
		if (err)
			return cni_fail(r->e, CNI_ERR_LIMITED,
					"%s and cannot be restored; its containers are cut off: "
					"see bpfbr restore %s",
					why, state->name);
	}
	if (r->conf.ipam_type[0] || !ipam_pick(state, &addr))
		return 0;
	if (!netstate_has_ipv4(state))
		return ipam6_pick(state, addr6) ? cni_fail(r->e, CNI_ERR_NOT_AVAILABLE,
							   "network %s has no free IPv6 address "
							   "left; an ADD fails until a container "
							   "goes",
							   state->name)
						: 0;
	ipam_range(state, &first, &last);
	return cni_fail(r->e, CNI_ERR_NOT_AVAILABLE,
			"network %s has no free address left in %s-%s; an ADD fails until a "
			"container goes",
			state->name, ip_str(htonl(first), ip), ip_str(htonl(last), ip2));
}

int cni_status(struct cni_req *r)
{
	struct netstate state;
	struct nl_link l;
	struct netctx c;
	int err;

	/* Root, bpffs, netlink and the lock: what every ADD needs. */
	err = cni_open(r, &c, true, CNI_ERR_NOT_AVAILABLE);
	if (err)
		return err;
	/* The first ADD makes the state directory under the root. */
	if (access(c.p.state, W_OK) && (errno != ENOENT || access(c.p.root, W_OK)))
		err = -errno;
	if (err) {
		cni_fail(r->e, CNI_ERR_NOT_AVAILABLE, "the state directory %s is not writable: %s",
			 c.p.state, strerror(-err));
		goto out;
	}
	/* A pod network's node must be declared, with the network its pod CIDR. */
	if (!cni_delegated(r) && cni_cluster_check(r, &c, &r->conf.subnet, 0)) {
		r->e->code = CNI_ERR_NOT_AVAILABLE;
		err = -EINVAL;
		goto out;
	}
	err = state_load(&c.p, r->conf.name, &state);
	if (err == -ENOENT) {
		/* Made by the first ADD, which needs an uplink for ipMasq. */
		err = r->conf.masquerade ? cni_uplink(r, &c, &l) : 0;
		if (!err && r->conf.masquerade && !l.ifindex)
			err = cni_fail(r->e, CNI_ERR_NOT_AVAILABLE,
				       "uplink %s does not exist in this network namespace",
				       l.name);
		if (err)
			r->e->code = CNI_ERR_NOT_AVAILABLE;
		goto out;
	}
	if (err) {
		cni_code(r, err, CNI_ERR_LIMITED);
		goto out;
	}
	err = network_ready(r, &c, &state);
	if (!err && !cni_delegated(r))
		err = cni_cluster_ready(r, &c, &state.subnet);
	netstate_free(&state);
out:
	netctx_close(&c);
	if (!err) {
		err = delegate_speaks_110(r);
		if (err < 0)
			r->e->code = CNI_ERR_NOT_AVAILABLE;
		else
			err = forward(r, "STATUS", err);
	}
	return err;
}
