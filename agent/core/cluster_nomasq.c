// SPDX-License-Identifier: GPL-2.0-only OR BSD-2-Clause
#include <errno.h>
#include <stdlib.h>
#include <string.h>

#include "bpfbr/nomasq.h"
#include "cluster_nomasq.h"
#include "cluster_store.h"
#include "log.h"
#include "state.h"
#include "uplink.h"

struct want {
	struct bpfbr_nomasq_key *keys;
	uint32_t n;
};

static void want_add(struct want *w, uint32_t addr, uint8_t prefix)
{
	w->keys[w->n++] = (struct bpfbr_nomasq_key){ .prefixlen = prefix, .addr = addr };
}

static int wanted(const struct cluster *cl, struct want *w)
{
	w->n = 0;
	w->keys = calloc(1 + cl->n_nodes + cl->n_nomasq, sizeof(*w->keys));
	if (!w->keys)
		return -ENOMEM;
	if (!cl->declared)
		return 0;
	want_add(w, cl->cidr.addr, cl->cidr.prefix);
	for (uint32_t i = 0; cl->mode == CLUSTER_DIRECT && i < cl->n_nodes; i++)
		want_add(w, cl->nodes[i].addr, 32);
	for (uint32_t i = 0; i < cl->n_nomasq; i++)
		want_add(w, cl->nomasq[i].addr, cl->nomasq[i].prefix);
	return 0;
}

int cluster_nomasq_set(const struct uplinkdp *u, const struct cluster *cl)
{
	struct want w;
	int err = wanted(cl, &w);

	if (!err)
		err = uplinkdp_nomasq_replace(u, w.keys, w.n);
	free(w.keys);
	return err;
}

int cluster_nomasq_fill(struct netctx *c, const struct uplinkdp *u)
{
	struct cluster cl;
	int err = cluster_load(&c->p, &cl);

	if (!err)
		err = cluster_nomasq_set(u, &cl);
	cluster_free(&cl);
	return err;
}

struct uplinks {
	struct netctx *c;
	const struct cluster *cl;
	int err;
};

static int set_uplink(struct netstate *ns, void *arg)
{
	struct uplinks *a = arg;
	struct uplinkdp u;
	int err;

	if (!ns->masquerade || uplink_dp_open(a->c, ns->uplink, &u))
		return 0; /* gone: restore makes it again, and fills it */
	err = cluster_nomasq_set(&u, a->cl);
	uplinkdp_close(&u);
	if (err) {
		pr_err("cannot write the cluster's destinations into uplink %s's nomasq map: %s",
		       ns->uplink, strerror(-err));
		a->err = err;
	}
	return 0;
}

int cluster_nomasq_sync(struct netctx *c, const struct cluster *cl)
{
	struct uplinks a = { c, cl, 0 };
	int err = state_foreach(&c->p, set_uplink, &a);

	return err ?: a.err;
}
