// SPDX-License-Identifier: GPL-2.0-only OR BSD-2-Clause
#include <stdio.h>

#include "cluster.h"
#include "cluster_settle.h"
#include "cluster_store.h"
#include "cluster_sync.h"
#include "cluster_tunnel.h"
#include "journal.h"

static int resync(struct journal *j, void *arg)
{
	json_t *changes = json_array();
	int err = cluster_sync(arg, changes);

	(void)j;
	json_decref(changes);
	return err;
}

int cluster_settle(struct netctx *c, const struct cidr *subnet, char *why, size_t size)
{
	const char *unready = NULL;
	struct cluster cl;

	if (cluster_load(&c->p, &cl))
		return 0; /* (the command that uses the declaration says what is wrong) */
	if (cl.declared && cl.mode == CLUSTER_VXLAN && subnet->prefix &&
	    cidr_overlaps(&cl.cidr, subnet))
		unready = cluster_tunnel_unready(c, &cl, why, size);
	cluster_free(&cl);
	if (!unready)
		return 0;
	if (unready != why)
		snprintf(why, size, "%s", unready);
	return journal_run(&c->p, JOURNAL_OP_CLUSTER, JOURNAL_NET_ALL, resync, c);
}
