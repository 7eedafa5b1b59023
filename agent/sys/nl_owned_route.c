// SPDX-License-Identifier: GPL-2.0-only OR BSD-2-Clause
#include <errno.h>
#include <string.h>
#include <arpa/inet.h>
#include <libmnl/libmnl.h>
#include <linux/rtnetlink.h>

#include "nl_owned_route.h"
#include "parse.h"

struct owned_dump {
	owned_route_cb cb;
	void *data;
};

static int cb_owned(const struct nl_route *r, void *data)
{
	const struct owned_dump *d = data;
	struct owned_route o = { .dst = r->dst,
				 .prefix = r->prefix,
				 .unreachable = r->type == RTN_UNREACHABLE,
				 .gateway = r->gateway,
				 .oif = r->oif,
				 .prefsrc = r->prefsrc };

	return r->protocol == RTPROT_BPFBR ? d->cb(&o, d->data) : 0;
}

int nl_owned_route_dump(struct nl *nl, owned_route_cb cb, void *data)
{
	struct owned_dump d = { cb, data };

	return nl_route_dump(nl, RTN_UNSPEC, cb_owned, &d);
}

static int route_msg(struct nl *nl, const struct owned_route *r, uint16_t type, uint16_t flags)
{
	char buf[MNL_SOCKET_BUFFER_SIZE];
	struct nlmsghdr *nlh = mnl_nlmsg_put_header(buf);
	struct rtmsg *rtm;

	nlh->nlmsg_type = type;
	nlh->nlmsg_flags = NLM_F_REQUEST | flags;
	rtm = mnl_nlmsg_put_extra_header(nlh, sizeof(*rtm));
	rtm->rtm_family = AF_INET;
	rtm->rtm_dst_len = r->prefix;
	rtm->rtm_table = RT_TABLE_MAIN;
	rtm->rtm_protocol = RTPROT_BPFBR;
	rtm->rtm_scope = r->unreachable || r->gateway ? RT_SCOPE_UNIVERSE : RT_SCOPE_LINK;
	rtm->rtm_type = r->unreachable ? RTN_UNREACHABLE : RTN_UNICAST;
	if (r->prefix)
		mnl_attr_put_u32(nlh, RTA_DST, r->dst);
	if (!r->unreachable) {
		if (r->gateway)
			mnl_attr_put_u32(nlh, RTA_GATEWAY, r->gateway);
		mnl_attr_put_u32(nlh, RTA_OIF, (uint32_t)r->oif);
		if (r->prefsrc)
			mnl_attr_put_u32(nlh, RTA_PREFSRC, r->prefsrc);
	}
	return nl_talk(nl, nlh, NULL, NULL);
}

int nl_owned_route_replace(struct nl *nl, const struct owned_route *r)
{
	return route_msg(nl, r, RTM_NEWROUTE, NLM_F_CREATE | NLM_F_REPLACE);
}

int nl_owned_route_del(struct nl *nl, const struct owned_route *r)
{
	return route_msg(nl, r, RTM_DELROUTE, 0);
}

bool owned_route_same(const struct owned_route *a, const struct owned_route *b)
{
	if (a->dst != b->dst || a->prefix != b->prefix || a->unreachable != b->unreachable)
		return false;
	return a->unreachable ||
	       (a->gateway == b->gateway && a->oif == b->oif && a->prefsrc == b->prefsrc);
}

struct onlink {
	uint32_t addr;
	int oif;
	int prefix;
};

static int cb_onlink(const struct nl_route *r, void *data)
{
	struct onlink *o = data;
	struct cidr c = { .addr = r->dst, .prefix = r->prefix };

	if (!r->gateway && r->oif > 0 && r->prefix > o->prefix && cidr_contains(&c, o->addr)) {
		o->prefix = r->prefix;
		o->oif = r->oif;
	}
	return 0;
}

int nl_onlink_dev(struct nl *nl, uint32_t addr, int *oif)
{
	struct onlink o = { .addr = addr }; /* a default route is no link */
	int err = nl_route_dump(nl, RTN_UNICAST, cb_onlink, &o);

	if (err)
		return err;
	if (!o.oif)
		return -ENETUNREACH;
	*oif = o.oif;
	return 0;
}
