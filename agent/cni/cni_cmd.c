// SPDX-License-Identifier: GPL-2.0-only OR BSD-2-Clause
/* What the CNI commands share: the delegate, the context, error codes. */
#include <errno.h>
#include <string.h>
#include <unistd.h>
#include <linux/rtnetlink.h>

#include "cni_cmd.h"
#include "netns.h"
#include "network.h"
#include "recover.h"

bool cni_delegated(const struct cni_req *r)
{
	return r->conf.ipam_type[0] != '\0';
}

struct cni_delegate cni_delegate_of(const struct cni_req *r)
{
	return (struct cni_delegate){ .type = r->conf.ipam_type,
				      .path = r->env.path,
				      .conf = r->raw,
				      .conf_len = r->raw_len,
				      .ver = r->conf.ver };
}

int cni_open(struct cni_req *r, struct netctx *c, bool lock, int code)
{
	/* A command that takes the lock first reconciles an interrupted one, as the CLI's do. */
	int err = lock ? netctx_open_for_change(c, r->conf.root)
		       : netctx_open(c, r->conf.root, false);

	return err ? cni_code(r, err, code) : 0;
}

int cni_code(struct cni_req *r, int err, int code)
{
	cni_err_finish(r->e, code, err);
	return err;
}

/* The namespace must be there (3) and be a container's network namespace (4). */
int cni_check_netns(struct cni_req *r)
{
	uint64_t cookie, mine;
	int fd = netns_open(r->env.netns);

	if (fd >= 0) {
		bool node =
			!netns_cookie(fd, &cookie) && !netns_cookie(-1, &mine) && cookie == mine;

		close(fd);
		if (node)
			return cni_fail(r->e, CNI_ERR_ENV,
					"CNI_NETNS %s is the node's own network namespace, where "
					"the plugin runs; pass the container's",
					r->env.netns);
		return 0;
	}
	if (fd == -ENOENT)
		return cni_fail(r->e, CNI_ERR_NO_CONTAINER, "network namespace %s does not exist",
				r->env.netns);
	if (fd == -EINVAL)
		return cni_fail(r->e, CNI_ERR_ENV, "CNI_NETNS %s is not a network namespace",
				r->env.netns);
	cni_fail(r->e, CNI_ERR_SYSTEM, "cannot open network namespace %s: %s", r->env.netns,
		 strerror(-fd));
	return fd;
}

struct default_route {
	int oif;
	uint32_t priority;
};

static int find_default(const struct nl_route *rt, void *data)
{
	struct default_route *d = data;

	if (rt->prefix == 0 && rt->oif > 0 && (!d->oif || rt->priority < d->priority)) {
		d->oif = rt->oif;
		d->priority = rt->priority;
	}
	return 0;
}

/* The uplink to masquerade through: the config's, or the default route's interface. */
int cni_uplink(struct cni_req *r, struct netctx *c, struct nl_link *up)
{
	struct default_route d = { 0 };
	int err;

	memset(up, 0, sizeof(*up));
	if (r->conf.uplink[0]) {
		if (nl_link_get(&c->nl, r->conf.uplink, 0, up))
			snprintf(up->name, sizeof(up->name), "%s", r->conf.uplink);
		return 0; /* net_create explains a missing uplink */
	}
	err = nl_route_dump(&c->nl, RTN_UNICAST, find_default, &d);
	if (!err && d.oif)
		err = nl_link_get(&c->nl, NULL, d.oif, up);
	if (err || !d.oif)
		return cni_fail(r->e, CNI_ERR_CONFIG,
				"\"ipMasq\" needs an uplink and the node has no default route to "
				"take it from; set \"uplink\" to the interface that leads out");
	return 0;
}
