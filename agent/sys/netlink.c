// SPDX-License-Identifier: GPL-2.0-only OR BSD-2-Clause
#include <errno.h>
#include <stdio.h>
#include <string.h>
#include <time.h>
#include <arpa/inet.h>
#include <linux/if_link.h>
#include <linux/netlink.h>
#include <linux/rtnetlink.h>
#include <linux/veth.h>
#include <libmnl/libmnl.h>

#include "netlink.h"

#ifndef NETLINK_EXT_ACK
#define NETLINK_EXT_ACK 11
#endif
#ifndef NETLINK_CAP_ACK
#define NETLINK_CAP_ACK 10
#endif

int nl_open(struct nl *nl)
{
	int one = 1;
	int err;

	memset(nl, 0, sizeof(*nl));
	nl->sock = mnl_socket_open(NETLINK_ROUTE);
	if (!nl->sock)
		return -errno;
	/* The kernel's own reason for a refusal, and no echo of our request. */
	mnl_socket_setsockopt(nl->sock, NETLINK_EXT_ACK, &one, sizeof(one));
	mnl_socket_setsockopt(nl->sock, NETLINK_CAP_ACK, &one, sizeof(one));
	if (mnl_socket_bind(nl->sock, 0, MNL_SOCKET_AUTOPID) < 0) {
		err = -errno;
		mnl_socket_close(nl->sock);
		nl->sock = NULL;
		return err;
	}
	nl->portid = mnl_socket_get_portid(nl->sock);
	nl->seq = (unsigned int)time(NULL);
	return 0;
}

void nl_close(struct nl *nl)
{
	if (nl->sock)
		mnl_socket_close(nl->sock);
	nl->sock = NULL;
}

/* NLMSG_ERROR: an ACK (error 0) ends the exchange; a refusal keeps its extack text. */
static int cb_error(const struct nlmsghdr *nlh, void *data)
{
	const struct nlmsgerr *e = mnl_nlmsg_get_payload(nlh);
	struct nl *nl = data;
	const struct nlattr *a;
	unsigned int off;

	if (nlh->nlmsg_len < mnl_nlmsg_size(sizeof(*e))) {
		errno = EBADMSG;
		return MNL_CB_ERROR;
	}
	if (e->error == 0)
		return MNL_CB_STOP;
	off = sizeof(*e);
	if (!(nlh->nlmsg_flags & NLM_F_CAPPED))
		off += e->msg.nlmsg_len - sizeof(e->msg);
	if (nlh->nlmsg_flags & NLM_F_ACK_TLVS) {
		mnl_attr_for_each (a, nlh, off) {
			if (mnl_attr_get_type(a) == NLMSGERR_ATTR_MSG &&
			    mnl_attr_validate(a, MNL_TYPE_NUL_STRING) == 0)
				snprintf(nl->err_msg, sizeof(nl->err_msg), "%s",
					 mnl_attr_get_str(a));
		}
	}
	errno = -e->error;
	return MNL_CB_ERROR;
}

struct talk {
	struct nl *nl;
	mnl_cb_t cb;
	void *data;
};

static int cb_data(const struct nlmsghdr *nlh, void *data)
{
	struct talk *t = data;

	return t->cb ? t->cb(nlh, t->data) : MNL_CB_OK;
}

static int cb_ctl(const struct nlmsghdr *nlh, void *data)
{
	struct talk *t = data;

	if (nlh->nlmsg_type == NLMSG_ERROR)
		return cb_error(nlh, t->nl);
	if (nlh->nlmsg_type == NLMSG_DONE)
		return MNL_CB_STOP;
	return MNL_CB_OK;
}

/* Sends one request and runs cb over every reply until the ACK, DONE or an error. */
int nl_talk(struct nl *nl, struct nlmsghdr *nlh, mnl_cb_t cb, void *data)
{
	char buf[32768]; /* large enough for a dump batch */
	mnl_cb_t ctl[NLMSG_MIN_TYPE];
	struct talk t = { nl, cb, data };
	int ret;

	for (int i = 0; i < NLMSG_MIN_TYPE; i++)
		ctl[i] = cb_ctl;
	nl->err_msg[0] = '\0';
	nlh->nlmsg_seq = ++nl->seq;
	/* NLM_F_EXCL shares a bit with NLM_F_DUMP: only both bits mean a dump. */
	if ((nlh->nlmsg_flags & NLM_F_DUMP) != NLM_F_DUMP)
		nlh->nlmsg_flags |= NLM_F_ACK;
	if (mnl_socket_sendto(nl->sock, nlh, nlh->nlmsg_len) < 0)
		return -errno;
	do {
		ret = (int)mnl_socket_recvfrom(nl->sock, buf, sizeof(buf));
		if (ret < 0)
			return -errno;
		ret = mnl_cb_run2(buf, ret, nlh->nlmsg_seq, nl->portid, cb_data, &t, ctl,
				  NLMSG_MIN_TYPE);
	} while (ret > MNL_CB_STOP);
	return ret < 0 ? -errno : 0;
}

static struct nlmsghdr *put_link_hdr(char *buf, int type, int flags, int ifindex)
{
	struct nlmsghdr *nlh = mnl_nlmsg_put_header(buf);
	struct ifinfomsg *ifm;

	nlh->nlmsg_type = type;
	nlh->nlmsg_flags = NLM_F_REQUEST | flags;
	ifm = mnl_nlmsg_put_extra_header(nlh, sizeof(*ifm));
	ifm->ifi_family = AF_UNSPEC;
	ifm->ifi_index = ifindex;
	return nlh;
}

static int parse_linkinfo(const struct nlattr *nest, struct nl_link *l)
{
	const struct nlattr *a;

	mnl_attr_for_each_nested (a, nest) {
		if (mnl_attr_get_type(a) == IFLA_INFO_KIND &&
		    mnl_attr_validate(a, MNL_TYPE_STRING) == 0)
			snprintf(l->kind, sizeof(l->kind), "%.*s", (int)mnl_attr_get_payload_len(a),
				 mnl_attr_get_str(a));
	}
	return 0;
}

static int parse_link(const struct nlmsghdr *nlh, struct nl_link *l)
{
	const struct ifinfomsg *ifm = mnl_nlmsg_get_payload(nlh);
	const struct nlattr *a;

	memset(l, 0, sizeof(*l));
	l->ifindex = ifm->ifi_index;
	l->flags = ifm->ifi_flags;
	mnl_attr_for_each (a, nlh, sizeof(*ifm)) {
		switch (mnl_attr_get_type(a)) {
		case IFLA_IFNAME:
			if (mnl_attr_validate(a, MNL_TYPE_NUL_STRING) == 0)
				snprintf(l->name, sizeof(l->name), "%s", mnl_attr_get_str(a));
			break;
		case IFLA_IFALIAS:
			if (mnl_attr_validate(a, MNL_TYPE_NUL_STRING) == 0)
				snprintf(l->alias, sizeof(l->alias), "%s", mnl_attr_get_str(a));
			break;
		case IFLA_ADDRESS:
			if (mnl_attr_get_payload_len(a) == 6)
				memcpy(l->mac, mnl_attr_get_payload(a), 6);
			break;
		case IFLA_MTU:
			if (mnl_attr_validate(a, MNL_TYPE_U32) == 0)
				l->mtu = mnl_attr_get_u32(a);
			break;
		case IFLA_LINK:
			if (mnl_attr_validate(a, MNL_TYPE_U32) == 0)
				l->peer_ifindex = (int)mnl_attr_get_u32(a);
			break;
		case IFLA_LINKINFO:
			parse_linkinfo(a, l);
			break;
		}
	}
	return 0;
}

static int cb_link_one(const struct nlmsghdr *nlh, void *data)
{
	parse_link(nlh, data);
	return MNL_CB_OK;
}

int nl_link_get(struct nl *nl, const char *name, int ifindex, struct nl_link *out)
{
	char buf[MNL_SOCKET_BUFFER_SIZE];
	struct nlmsghdr *nlh = put_link_hdr(buf, RTM_GETLINK, 0, ifindex);
	int err;

	if (name)
		mnl_attr_put_strz(nlh, IFLA_IFNAME, name);
	out->ifindex = 0;
	err = nl_talk(nl, nlh, cb_link_one, out);
	if (!err && out->ifindex == 0)
		err = -ENODEV;
	return err;
}

int nl_link_index(struct nl *nl, const char *name)
{
	struct nl_link l;
	int err = nl_link_get(nl, name, 0, &l);

	return err ? err : l.ifindex;
}

struct link_dump {
	nl_link_cb cb;
	void *data;
	int err;
};

static int cb_link_dump(const struct nlmsghdr *nlh, void *data)
{
	struct link_dump *d = data;
	struct nl_link l;

	if (d->err)
		return MNL_CB_OK; /* drained: a dump stopped half-way would stay queued */
	parse_link(nlh, &l);
	d->err = d->cb(&l, d->data);
	return MNL_CB_OK;
}

int nl_link_dump(struct nl *nl, nl_link_cb cb, void *data)
{
	char buf[MNL_SOCKET_BUFFER_SIZE];
	struct nlmsghdr *nlh = put_link_hdr(buf, RTM_GETLINK, NLM_F_DUMP, 0);
	struct link_dump d = { cb, data, 0 };
	int err = nl_talk(nl, nlh, cb_link_dump, &d);

	return err ?: (d.err > 0 ? 0 : d.err);
}

void nl_put_peer(struct nlmsghdr *nlh, uint16_t type, const char *name, int netns_fd,
		 const uint8_t *mac, unsigned int mtu)
{
	struct nlattr *peer = mnl_attr_nest_start(nlh, type);
	struct ifinfomsg *pifm;

	/* The peer's attributes follow an ifinfomsg of its own. */
	pifm = mnl_nlmsg_get_payload_tail(nlh);
	memset(pifm, 0, sizeof(*pifm));
	nlh->nlmsg_len += MNL_ALIGN(sizeof(*pifm));
	mnl_attr_put_strz(nlh, IFLA_IFNAME, name);
	if (netns_fd >= 0)
		mnl_attr_put_u32(nlh, IFLA_NET_NS_FD, (uint32_t)netns_fd);
	if (mac)
		mnl_attr_put(nlh, IFLA_ADDRESS, 6, mac);
	if (mtu)
		mnl_attr_put_u32(nlh, IFLA_MTU, mtu);
	mnl_attr_nest_end(nlh, peer);
}

int nl_veth_create(struct nl *nl, const struct veth_req *req)
{
	char buf[MNL_SOCKET_BUFFER_SIZE];
	struct nlmsghdr *nlh = put_link_hdr(buf, RTM_NEWLINK, NLM_F_CREATE | NLM_F_EXCL, 0);
	struct nlattr *info, *data;

	mnl_attr_put_strz(nlh, IFLA_IFNAME, req->name);
	if (req->mac)
		mnl_attr_put(nlh, IFLA_ADDRESS, 6, req->mac);
	if (req->mtu)
		mnl_attr_put_u32(nlh, IFLA_MTU, req->mtu);
	info = mnl_attr_nest_start(nlh, IFLA_LINKINFO);
	mnl_attr_put_strz(nlh, IFLA_INFO_KIND, "veth");
	data = mnl_attr_nest_start(nlh, IFLA_INFO_DATA);
	nl_put_peer(nlh, VETH_INFO_PEER, req->peer_name, req->peer_netns_fd, req->peer_mac,
		    req->mtu);
	mnl_attr_nest_end(nlh, data);
	mnl_attr_nest_end(nlh, info);
	return nl_talk(nl, nlh, NULL, NULL);
}

int nl_link_set_up(struct nl *nl, int ifindex)
{
	char buf[MNL_SOCKET_BUFFER_SIZE];
	struct nlmsghdr *nlh = put_link_hdr(buf, RTM_NEWLINK, 0, ifindex);
	struct ifinfomsg *ifm = mnl_nlmsg_get_payload(nlh);

	ifm->ifi_change = IFF_UP;
	ifm->ifi_flags = IFF_UP;
	return nl_talk(nl, nlh, NULL, NULL);
}

int nl_link_set_alias(struct nl *nl, int ifindex, const char *alias)
{
	char buf[MNL_SOCKET_BUFFER_SIZE];
	struct nlmsghdr *nlh = put_link_hdr(buf, RTM_NEWLINK, 0, ifindex);

	mnl_attr_put_strz(nlh, IFLA_IFALIAS, alias);
	return nl_talk(nl, nlh, NULL, NULL);
}

int nl_link_del(struct nl *nl, int ifindex)
{
	char buf[MNL_SOCKET_BUFFER_SIZE];
	struct nlmsghdr *nlh = put_link_hdr(buf, RTM_DELLINK, 0, ifindex);

	return nl_talk(nl, nlh, NULL, NULL);
}

int nl_addr_add(struct nl *nl, int ifindex, uint32_t addr, uint8_t prefix, bool with_brd)
{
	char buf[MNL_SOCKET_BUFFER_SIZE];
	struct nlmsghdr *nlh = mnl_nlmsg_put_header(buf);
	struct ifaddrmsg *ifa;

	nlh->nlmsg_type = RTM_NEWADDR;
	nlh->nlmsg_flags = NLM_F_REQUEST | NLM_F_CREATE | NLM_F_EXCL;
	ifa = mnl_nlmsg_put_extra_header(nlh, sizeof(*ifa));
	ifa->ifa_family = AF_INET;
	ifa->ifa_prefixlen = prefix;
	ifa->ifa_scope = RT_SCOPE_UNIVERSE;
	ifa->ifa_index = (unsigned int)ifindex;
	mnl_attr_put_u32(nlh, IFA_LOCAL, addr);
	mnl_attr_put_u32(nlh, IFA_ADDRESS, addr);
	if (with_brd && prefix < 31)
		mnl_attr_put_u32(nlh, IFA_BROADCAST,
				 addr | ~htonl(prefix ? ~0u << (32 - prefix) : 0));
	return nl_talk(nl, nlh, NULL, NULL);
}

struct addr_dump {
	nl_addr_cb cb;
	void *data;
	int err;
};

static int cb_addr(const struct nlmsghdr *nlh, void *data)
{
	const struct ifaddrmsg *ifa = mnl_nlmsg_get_payload(nlh);
	struct nl_addr addr = { .ifindex = (int)ifa->ifa_index, .prefix = ifa->ifa_prefixlen };
	struct addr_dump *d = data;
	const struct nlattr *a;
	bool found = false;

	if (d->err || ifa->ifa_family != AF_INET)
		return MNL_CB_OK;
	mnl_attr_for_each (a, nlh, sizeof(*ifa)) {
		if (mnl_attr_get_type(a) == IFA_LOCAL && mnl_attr_validate(a, MNL_TYPE_U32) == 0) {
			addr.addr = mnl_attr_get_u32(a);
			found = true;
		}
	}
	if (found)
		d->err = d->cb(&addr, d->data);
	return MNL_CB_OK;
}

int nl_addr_dump(struct nl *nl, nl_addr_cb cb, void *data)
{
	char buf[MNL_SOCKET_BUFFER_SIZE];
	struct nlmsghdr *nlh = mnl_nlmsg_put_header(buf);
	struct addr_dump d = { cb, data, 0 };
	struct ifaddrmsg *ifa;
	int err;

	nlh->nlmsg_type = RTM_GETADDR;
	nlh->nlmsg_flags = NLM_F_REQUEST | NLM_F_DUMP;
	ifa = mnl_nlmsg_put_extra_header(nlh, sizeof(*ifa));
	ifa->ifa_family = AF_INET;
	err = nl_talk(nl, nlh, cb_addr, &d);
	return err ?: (d.err > 0 ? 0 : d.err);
}

struct addr_first {
	int ifindex;
	struct nl_addr found;
};

static int first_of_link(const struct nl_addr *a, void *data)
{
	struct addr_first *f = data;

	if (a->ifindex != f->ifindex)
		return 0;
	f->found = *a;
	return 1; /* found: stop */
}

int nl_addr_first(struct nl *nl, int ifindex, uint32_t *addr, uint8_t *prefix)
{
	struct addr_first f = { .ifindex = ifindex };
	int err = nl_addr_dump(nl, first_of_link, &f);

	if (err)
		return err;
	if (!f.found.ifindex)
		return -EADDRNOTAVAIL;
	*addr = f.found.addr;
	*prefix = f.found.prefix;
	return 0;
}

int nl_route_add(struct nl *nl, int ifindex, uint32_t dst, uint8_t prefix, uint32_t gateway)
{
	char buf[MNL_SOCKET_BUFFER_SIZE];
	struct nlmsghdr *nlh = mnl_nlmsg_put_header(buf);
	struct rtmsg *rtm;

	nlh->nlmsg_type = RTM_NEWROUTE;
	nlh->nlmsg_flags = NLM_F_REQUEST | NLM_F_CREATE | NLM_F_EXCL;
	rtm = mnl_nlmsg_put_extra_header(nlh, sizeof(*rtm));
	rtm->rtm_family = AF_INET;
	rtm->rtm_dst_len = prefix;
	rtm->rtm_table = RT_TABLE_MAIN;
	rtm->rtm_protocol = RTPROT_BOOT; /* what `ip route add` records */
	rtm->rtm_scope = gateway ? RT_SCOPE_UNIVERSE : RT_SCOPE_LINK;
	rtm->rtm_type = RTN_UNICAST;
	if (prefix)
		mnl_attr_put_u32(nlh, RTA_DST, dst);
	if (gateway)
		mnl_attr_put_u32(nlh, RTA_GATEWAY, gateway);
	mnl_attr_put_u32(nlh, RTA_OIF, (uint32_t)ifindex);
	return nl_talk(nl, nlh, NULL, NULL);
}

int nl_route_add_default(struct nl *nl, int ifindex, uint32_t gateway)
{
	return nl_route_add(nl, ifindex, 0, 0, gateway);
}

struct route_dump {
	nl_route_cb cb;
	void *data;
	uint8_t type;
	int err;
};

static int cb_route(const struct nlmsghdr *nlh, void *data)
{
	const struct rtmsg *rtm = mnl_nlmsg_get_payload(nlh);
	struct route_dump *d = data;
	struct nl_route r = { .prefix = rtm->rtm_dst_len,
			      .type = rtm->rtm_type,
			      .protocol = rtm->rtm_protocol };
	uint32_t table = rtm->rtm_table;
	const struct nlattr *a;

	if (d->err || rtm->rtm_family != AF_INET || (d->type && rtm->rtm_type != d->type))
		return MNL_CB_OK;
	mnl_attr_for_each (a, nlh, sizeof(*rtm)) {
		if (mnl_attr_validate(a, MNL_TYPE_U32))
			continue;
		switch (mnl_attr_get_type(a)) {
		case RTA_DST:
			r.dst = mnl_attr_get_u32(a);
			break;
		case RTA_GATEWAY:
			r.gateway = mnl_attr_get_u32(a);
			break;
		case RTA_OIF:
			r.oif = (int)mnl_attr_get_u32(a);
			break;
		case RTA_PREFSRC:
			r.prefsrc = mnl_attr_get_u32(a);
			break;
		case RTA_PRIORITY:
			r.priority = mnl_attr_get_u32(a);
			break;
		case RTA_TABLE:
			table = mnl_attr_get_u32(a);
			break;
		}
	}
	if (table != RT_TABLE_MAIN)
		return MNL_CB_OK;
	d->err = d->cb(&r, d->data);
	return MNL_CB_OK;
}

int nl_route_dump(struct nl *nl, uint8_t type, nl_route_cb cb, void *data)
{
	char buf[MNL_SOCKET_BUFFER_SIZE];
	struct nlmsghdr *nlh = mnl_nlmsg_put_header(buf);
	struct route_dump d = { cb, data, type, 0 };
	struct rtmsg *rtm;
	int err;

	nlh->nlmsg_type = RTM_GETROUTE;
	nlh->nlmsg_flags = NLM_F_REQUEST | NLM_F_DUMP;
	rtm = mnl_nlmsg_put_extra_header(nlh, sizeof(*rtm));
	rtm->rtm_family = AF_INET;
	err = nl_talk(nl, nlh, cb_route, &d);
	return err ?: (d.err > 0 ? 0 : d.err);
}
