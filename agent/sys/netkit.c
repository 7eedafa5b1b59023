// SPDX-License-Identifier: GPL-2.0-only OR BSD-2-Clause
#define _GNU_SOURCE
#include <errno.h>
#include <sched.h>
#include <unistd.h>
#include <sys/wait.h>
#include <libmnl/libmnl.h>
#include <linux/if_link.h>
#include <linux/rtnetlink.h>

#include "netkit.h"

/* IFLA_NETKIT_* and their values (include/uapi/linux/if_link.h, 6.7+). */
enum {
	NETKIT_ATTR_PEER_INFO = 1,
	NETKIT_ATTR_POLICY = 3,
	NETKIT_ATTR_PEER_POLICY = 4,
	NETKIT_ATTR_MODE = 5,
};
#define NETKIT_POLICY_PASS 0
#define NETKIT_POLICY_DROP 2
#define NETKIT_MODE_L2	   0

int nl_netkit_create(struct nl *nl, const struct netkit_req *req)
{
	char buf[MNL_SOCKET_BUFFER_SIZE];
	struct nlmsghdr *nlh = mnl_nlmsg_put_header(buf);
	struct nlattr *info, *data;
	struct ifinfomsg *ifm;

	nlh->nlmsg_type = RTM_NEWLINK;
	nlh->nlmsg_flags = NLM_F_REQUEST | NLM_F_ACK | NLM_F_CREATE | NLM_F_EXCL;
	ifm = mnl_nlmsg_put_extra_header(nlh, sizeof(*ifm));
	ifm->ifi_family = AF_UNSPEC;
	mnl_attr_put_strz(nlh, IFLA_IFNAME, req->name);
	if (req->mtu)
		mnl_attr_put_u32(nlh, IFLA_MTU, req->mtu);
	info = mnl_attr_nest_start(nlh, IFLA_LINKINFO);
	mnl_attr_put_strz(nlh, IFLA_INFO_KIND, "netkit");
	data = mnl_attr_nest_start(nlh, IFLA_INFO_DATA);
	mnl_attr_put_u32(nlh, NETKIT_ATTR_MODE, NETKIT_MODE_L2);
	/* The node's own frames on the primary reach the container as on a
	 * veth; the container's wait for the switch program. */
	mnl_attr_put_u32(nlh, NETKIT_ATTR_POLICY, NETKIT_POLICY_PASS);
	mnl_attr_put_u32(nlh, NETKIT_ATTR_PEER_POLICY, NETKIT_POLICY_DROP);
	nl_put_peer(nlh, NETKIT_ATTR_PEER_INFO, req->peer_name, req->peer_netns_fd, req->peer_mac,
		    req->mtu);
	mnl_attr_nest_end(nlh, data);
	mnl_attr_nest_end(nlh, info);
	return nl_talk(nl, nlh, NULL, NULL);
}

int netkit_probe_here(void)
{
	struct netkit_req req = { .name = "probe-nk0",
				  .peer_name = "probe-nk1",
				  .peer_netns_fd = -1 };
	struct nl nl;
	int err;

	err = nl_open(&nl);
	if (err)
		return err;
	err = nl_netkit_create(&nl, &req);
	nl_close(&nl);
	return err;
}

int netkit_probe(void)
{
	int status;
	pid_t pid;

	pid = fork();
	if (pid < 0)
		return -errno;
	if (pid == 0)
		_exit(unshare(CLONE_NEWNET) ? errno : -netkit_probe_here());
	if (waitpid(pid, &status, 0) < 0)
		return -errno;
	if (!WIFEXITED(status))
		return -ECHILD;
	return -WEXITSTATUS(status);
}
