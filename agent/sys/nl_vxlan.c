// SPDX-License-Identifier: GPL-2.0-only OR BSD-2-Clause
#include <errno.h>
#include <string.h>
#include <arpa/inet.h>
#include <libmnl/libmnl.h>
#include <linux/if_link.h>
#include <linux/rtnetlink.h>
#include <net/if.h>

#include "nl_vxlan.h"

static struct nlmsghdr *link_msg(char *buf, uint16_t type, uint16_t flags, int ifindex)
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

static int no_ipv6_addr(struct nl *nl, int ifindex)
{
	char buf[MNL_SOCKET_BUFFER_SIZE];
	struct nlmsghdr *nlh = link_msg(buf, RTM_NEWLINK, 0, ifindex);
	struct nlattr *af = mnl_attr_nest_start(nlh, IFLA_AF_SPEC);
	struct nlattr *inet6 = mnl_attr_nest_start(nlh, AF_INET6);

	mnl_attr_put_u8(nlh, IFLA_INET6_ADDR_GEN_MODE, IN6_ADDR_GEN_MODE_NONE);
	mnl_attr_nest_end(nlh, inet6);
	mnl_attr_nest_end(nlh, af);
	return nl_talk(nl, nlh, NULL, NULL);
}

int nl_vxlan_create(struct nl *nl, const struct vxlan_req *req)
{
	char buf[MNL_SOCKET_BUFFER_SIZE];
	struct nlmsghdr *nlh = link_msg(buf, RTM_NEWLINK, NLM_F_CREATE | NLM_F_EXCL, 0);
	struct ifinfomsg *ifm = mnl_nlmsg_get_payload(nlh);
	struct nlattr *info, *data;
	int err, ifindex;

	ifm->ifi_flags = IFF_NOARP;
	ifm->ifi_change = IFF_NOARP;
	mnl_attr_put_strz(nlh, IFLA_IFNAME, req->name);
	if (req->mtu)
		mnl_attr_put_u32(nlh, IFLA_MTU, req->mtu);
	info = mnl_attr_nest_start(nlh, IFLA_LINKINFO);
	mnl_attr_put_strz(nlh, IFLA_INFO_KIND, "vxlan");
	data = mnl_attr_nest_start(nlh, IFLA_INFO_DATA);
	mnl_attr_put_u8(nlh, IFLA_VXLAN_COLLECT_METADATA, 1);
	mnl_attr_put_u16(nlh, IFLA_VXLAN_PORT, htons(req->port));
	mnl_attr_put_u8(nlh, IFLA_VXLAN_LEARNING, 0);
	if (req->link_ifindex > 0)
		mnl_attr_put_u32(nlh, IFLA_VXLAN_LINK, (uint32_t)req->link_ifindex);
	mnl_attr_nest_end(nlh, data);
	mnl_attr_nest_end(nlh, info);
	err = nl_talk(nl, nlh, NULL, NULL);
	if (err)
		return err;
	ifindex = nl_link_index(nl, req->name);
	if (ifindex < 0)
		return ifindex;
	/* No link-local address before it is up: it has nothing of its own to say. */
	err = no_ipv6_addr(nl, ifindex) ?: nl_link_set_up(nl, ifindex);
	if (err)
		nl_link_del(nl, ifindex); /* nothing half made */
	return err;
}

struct vxlan_parse {
	struct vxlan_info *info;
	int found;
};

static int cb_vxlan_data(const struct nlattr *a, void *data)
{
	struct vxlan_parse *v = data;

	switch (mnl_attr_get_type(a)) {
	case IFLA_VXLAN_COLLECT_METADATA:
		if (mnl_attr_get_payload_len(a) >= 1)
			v->info->collect_md = mnl_attr_get_u8(a);
		break;
	case IFLA_VXLAN_PORT:
		if (mnl_attr_get_payload_len(a) >= 2)
			v->info->port = ntohs(mnl_attr_get_u16(a));
		break;
	}
	return MNL_CB_OK;
}

static int cb_linkinfo(const struct nlattr *a, void *data)
{
	struct vxlan_parse *v = data;

	if (mnl_attr_get_type(a) == IFLA_INFO_KIND)
		v->found = !strcmp(mnl_attr_get_str(a), "vxlan");
	else if (mnl_attr_get_type(a) == IFLA_INFO_DATA && v->found)
		mnl_attr_parse_nested(a, cb_vxlan_data, v);
	return MNL_CB_OK;
}

static int cb_link_attr(const struct nlattr *a, void *data)
{
	if (mnl_attr_get_type(a) == IFLA_LINKINFO)
		mnl_attr_parse_nested(a, cb_linkinfo, data);
	return MNL_CB_OK;
}

static int cb_link(const struct nlmsghdr *nlh, void *data)
{
	mnl_attr_parse(nlh, sizeof(struct ifinfomsg), cb_link_attr, data);
	return MNL_CB_OK;
}

int nl_vxlan_get(struct nl *nl, int ifindex, struct vxlan_info *info)
{
	char buf[MNL_SOCKET_BUFFER_SIZE];
	struct nlmsghdr *nlh = link_msg(buf, RTM_GETLINK, 0, ifindex);
	struct vxlan_parse v = { .info = info };
	int err;

	memset(info, 0, sizeof(*info));
	err = nl_talk(nl, nlh, cb_link, &v);
	if (err)
		return err;
	return v.found ? 0 : -EMEDIUMTYPE;
}
