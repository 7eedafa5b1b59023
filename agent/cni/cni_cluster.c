// SPDX-License-Identifier: GPL-2.0-only OR BSD-2-Clause
#include <errno.h>
#include <stdio.h>
#include <string.h>

#include "cluster.h"
#include "cluster_settle.h"
#include "cluster_store.h"
#include "cluster_tunnel.h"
#include "cni_cluster.h"

static bool inside(const struct cidr *outer, const struct cidr *inner)
{
	return inner->prefix >= outer->prefix && cidr_contains(outer, inner->addr);
}

int cni_cluster_check(struct cni_req *r, struct netctx *c, const struct cidr *subnet, uint32_t ip)
{
	char a[IP_STR_LEN], b[IP_STR_LEN];
	const struct cluster_node *self;
	struct cluster cl;
	int err;

	err = cluster_load(&c->p, &cl);
	if (err)
		return cni_code(r, err, CNI_ERR_SYSTEM);
	if (!cl.declared || !subnet->prefix || !cidr_overlaps(&cl.cidr, subnet)) {
		cluster_free(&cl);
		return 0;
	}
	self = cluster_self(&cl);
	if (!self)
		err = cni_fail(r->e, CNI_ERR_CONFIG,
			       "subnet %s/%u of network %s is in the cluster %s/%u, but this node "
			       "is not declared; declare it (bpfbr node add NAME --address IP "
			       "--pod-cidr CIDR, bpfbr cluster set --self NAME)",
			       ip_str(subnet->addr, a), subnet->prefix, r->conf.name,
			       ip_str(cl.cidr.addr, b), cl.cidr.prefix);
	else if (!inside(&self->pod_cidr, subnet))
		err = cni_fail(r->e, CNI_ERR_CONFIG,
			       "subnet %s/%u of network %s is not inside this node's (%s) pod CIDR "
			       "%s/%u; give the network that pod CIDR",
			       ip_str(subnet->addr, a), subnet->prefix, r->conf.name, self->name,
			       ip_str(self->pod_cidr.addr, b), self->pod_cidr.prefix);
	else if (ip && !cidr_contains(&self->pod_cidr, ip))
		err = cni_fail(r->e, CNI_ERR_ADDRESS,
			       "address %s is not in this node's (%s) pod CIDR %s/%u: pods of "
			       "other nodes are routed there; ask for an address inside it",
			       ip_str(ip, a), self->name, ip_str(self->pod_cidr.addr, b),
			       self->pod_cidr.prefix);
	cluster_free(&cl);
	return err ? -EINVAL : 0;
}

int cni_cluster_ready(struct cni_req *r, struct netctx *c, const struct cidr *subnet)
{
	const char *why = NULL;
	struct cluster cl;
	char buf[160];

	if (cluster_load(&c->p, &cl))
		return 0; /* (ADD says what is wrong with the declaration) */
	if (cl.declared && cl.mode == CLUSTER_VXLAN && subnet->prefix &&
	    cidr_overlaps(&cl.cidr, subnet))
		why = cluster_tunnel_unready(c, &cl, buf, sizeof(buf));
	cluster_free(&cl);
	if (!why)
		return 0;
	return cni_fail(r->e, CNI_ERR_NOT_AVAILABLE,
			"this node is not ready for pods of network %s: %s; bpfbr cluster sync "
			"makes it",
			r->conf.name, why);
}

int cni_cluster_settle(struct cni_req *r, struct netctx *c, const struct cidr *subnet)
{
	char why[160] = "";
	int err = cluster_settle(c, subnet, why, sizeof(why));

	if (err)
		return cni_fail(r->e, CNI_ERR_NOT_AVAILABLE,
				"the VXLAN tunnel of network %s cannot be made (%s): %s",
				r->conf.name, why, strerror(-err));
	return 0;
}
