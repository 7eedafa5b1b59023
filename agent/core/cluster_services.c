// SPDX-License-Identifier: GPL-2.0-only OR BSD-2-Clause
#include <errno.h>
#include <limits.h>
#include <string.h>

#include "bpfbr/services.h"
#include "cluster_services.h"
#include "cluster_store.h"
#include "log.h"
#include "pin_layout.h"
#include "state.h"
#include "switchdp_maps.h"

int cluster_services_set(const struct switchdp *dp, const struct cluster *cl)
{
	struct bpfbr_service_key keys[CLUSTER_SERVICES_MAX];
	uint32_t n = 0;

	for (uint32_t i = 0; cl->declared && i < cl->n_services; i++)
		keys[n++] = (struct bpfbr_service_key){ .prefixlen = cl->services[i].prefix,
							.addr = cl->services[i].addr };
	return switchdp_services_replace(dp, keys, n);
}

int cluster_services_fill(struct netctx *c, const struct switchdp *dp)
{
	struct cluster cl;
	int err = cluster_load(&c->p, &cl);

	if (!err)
		err = cluster_services_set(dp, &cl);
	cluster_free(&cl);
	return err;
}

struct nets {
	struct netctx *c;
	const struct cluster *cl;
	int err;
};

static int set_net(struct netstate *ns, void *arg)
{
	struct nets *a = arg;
	char dir[PATH_MAX];
	struct switchdp dp;
	int err;

	if (pin_net_dir(&a->c->p, ns->name, dir, sizeof(dir)) || switchdp_open(dir, &dp))
		return 0; /* gone: restore makes it again, and fills it */
	err = cluster_services_set(&dp, a->cl);
	switchdp_close(&dp);
	if (err) {
		pr_err("cannot write the cluster's service CIDRs into network %s's map: %s",
		       ns->name, strerror(-err));
		a->err = err;
	}
	return 0;
}

int cluster_services_sync(struct netctx *c, const struct cluster *cl)
{
	struct nets a = { c, cl, 0 };
	int err = state_foreach(&c->p, set_net, &a);

	return err ?: a.err;
}
