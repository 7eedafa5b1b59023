// SPDX-License-Identifier: GPL-2.0-only OR BSD-2-Clause
#include <arpa/inet.h>
#include <errno.h>
#include <stdbool.h>
#include <string.h>
#include <libmnl/libmnl.h>
#include <linux/if_addr.h>
#include <linux/rtnetlink.h>

#include "netlink6.h"

int nl_addr6_add(struct nl *nl, int ifindex, const uint8_t addr[16], uint8_t prefix)
{
	char buf[MNL_SOCKET_BUFFER_SIZE];
	struct nlmsghdr *nlh = mnl_nlmsg_put_header(buf);
	struct ifaddrmsg *ifa;

	nlh->nlmsg_type = RTM_NEWADDR;
	nlh->nlmsg_flags = NLM_F_REQUEST | NLM_F_CREATE | NLM_F_EXCL;
	ifa = mnl_nlmsg_put_extra_header(nlh, sizeof(*ifa));
	ifa->ifa_family = AF_INET6;
	ifa->ifa_prefixlen = prefix;
	ifa->ifa_scope = RT_SCOPE_UNIVERSE;
	ifa->ifa_flags = IFA_F_NODAD;
	ifa->ifa_index = (unsigned int)ifindex;
	mnl_attr_put(nlh, IFA_LOCAL, 16, addr);
	mnl_attr_put(nlh, IFA_ADDRESS, 16, addr);
	mnl_attr_put_u32(nlh, IFA_FLAGS, IFA_F_NODAD);
	return nl_talk(nl, nlh, NULL, NULL);
}

int nl_route6_add_default(struct nl *nl, int ifindex, const uint8_t gateway[16])
{
	char buf[MNL_SOCKET_BUFFER_SIZE];
	struct nlmsghdr *nlh = mnl_nlmsg_put_header(buf);
	struct rtmsg *rtm;

	nlh->nlmsg_type = RTM_NEWROUTE;
	nlh->nlmsg_flags = NLM_F_REQUEST | NLM_F_CREATE | NLM_F_EXCL;
	rtm = mnl_nlmsg_put_extra_header(nlh, sizeof(*rtm));
	rtm->rtm_family = AF_INET6;
	rtm->rtm_dst_len = 0;
	rtm->rtm_table = RT_TABLE_MAIN;
	rtm->rtm_protocol = RTPROT_BOOT;
	rtm->rtm_scope = RT_SCOPE_UNIVERSE;
	rtm->rtm_type = RTN_UNICAST;
	mnl_attr_put(nlh, RTA_GATEWAY, 16, gateway);
	mnl_attr_put_u32(nlh, RTA_OIF, (uint32_t)ifindex);
	return nl_talk(nl, nlh, NULL, NULL);
}

struct addr6_first {
	int ifindex;
	uint8_t *addr;
	const uint8_t *want; /* NULL: the first global address; else this one */
	bool found;
};

static int cb_addr6(const struct nlmsghdr *nlh, void *data)
{
	const struct ifaddrmsg *ifa = mnl_nlmsg_get_payload(nlh);
	struct addr6_first *f = data;
	const struct nlattr *a;

	if (f->found || ifa->ifa_family != AF_INET6 || (int)ifa->ifa_index != f->ifindex ||
	    ifa->ifa_scope != RT_SCOPE_UNIVERSE || (ifa->ifa_flags & IFA_F_TENTATIVE))
		return MNL_CB_OK;
	mnl_attr_for_each (a, nlh, sizeof(*ifa)) {
		if (mnl_attr_get_type(a) != IFA_ADDRESS || mnl_attr_get_payload_len(a) != 16)
			continue;
		if (f->want && memcmp(f->want, mnl_attr_get_payload(a), 16))
			continue;
		memcpy(f->addr, mnl_attr_get_payload(a), 16);
		f->found = true;
	}
	return MNL_CB_OK;
}

static int addr6_find(struct nl *nl, int ifindex, uint8_t addr[16], const uint8_t *want)
{
	char buf[MNL_SOCKET_BUFFER_SIZE];
	struct nlmsghdr *nlh = mnl_nlmsg_put_header(buf);
	struct addr6_first f = { .ifindex = ifindex, .addr = addr, .want = want };
	struct ifaddrmsg *ifa;
	int err;

	nlh->nlmsg_type = RTM_GETADDR;
	nlh->nlmsg_flags = NLM_F_REQUEST | NLM_F_DUMP;
	ifa = mnl_nlmsg_put_extra_header(nlh, sizeof(*ifa));
	ifa->ifa_family = AF_INET6;
	err = nl_talk(nl, nlh, cb_addr6, &f);
	if (err)
		return err;
	return f.found ? 0 : -EADDRNOTAVAIL;
}

int nl_addr6_first_global(struct nl *nl, int ifindex, uint8_t addr[16])
{
	return addr6_find(nl, ifindex, addr, NULL);
}

int nl_addr6_has(struct nl *nl, int ifindex, const uint8_t addr[16])
{
	uint8_t found[16];

	return addr6_find(nl, ifindex, found, addr);
}

struct route6_dump {
	nl_route6_cb cb;
	void *data;
	int err;
};

static int cb_route6(const struct nlmsghdr *nlh, void *data)
{
	const struct rtmsg *rtm = mnl_nlmsg_get_payload(nlh);
	struct route6_dump *d = data;
	struct nl_route6 r = { .prefix = rtm->rtm_dst_len };
	uint32_t table = rtm->rtm_table;
	const struct nlattr *a;

	if (d->err || rtm->rtm_family != AF_INET6 || rtm->rtm_type != RTN_UNICAST)
		return MNL_CB_OK;
	mnl_attr_for_each (a, nlh, sizeof(*rtm)) {
		switch (mnl_attr_get_type(a)) {
		case RTA_DST:
			if (mnl_attr_get_payload_len(a) == 16)
				memcpy(r.dst, mnl_attr_get_payload(a), 16);
			break;
		case RTA_GATEWAY:
			if (mnl_attr_get_payload_len(a) == 16)
				memcpy(r.gateway, mnl_attr_get_payload(a), 16);
			break;
		case RTA_OIF:
			if (!mnl_attr_validate(a, MNL_TYPE_U32))
				r.oif = (int)mnl_attr_get_u32(a);
			break;
		case RTA_TABLE:
			if (!mnl_attr_validate(a, MNL_TYPE_U32))
				table = mnl_attr_get_u32(a);
			break;
		}
	}
	if (table == RT_TABLE_MAIN)
		d->err = d->cb(&r, d->data);
	return MNL_CB_OK;
}

int nl_route6_dump(struct nl *nl, nl_route6_cb cb, void *data)
{
	char buf[MNL_SOCKET_BUFFER_SIZE];
	struct nlmsghdr *nlh = mnl_nlmsg_put_header(buf);
	struct route6_dump d = { cb, data, 0 };
	struct rtmsg *rtm;
	int err;

	nlh->nlmsg_type = RTM_GETROUTE;
	nlh->nlmsg_flags = NLM_F_REQUEST | NLM_F_DUMP;
	rtm = mnl_nlmsg_put_extra_header(nlh, sizeof(*rtm));
	rtm->rtm_family = AF_INET6;
	err = nl_talk(nl, nlh, cb_route6, &d);
	return err ?: (d.err > 0 ? 0 : d.err);
}
