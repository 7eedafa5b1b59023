/* SPDX-License-Identifier: GPL-2.0-only OR BSD-2-Clause */
/*
 * rtnetlink through libmnl: links, addresses, routes. A socket talks to the
 * network namespace it was opened in. Functions return 0 or -errno; on a
 * kernel refusal nl->err_msg holds the kernel's own explanation (extack).
 */
#ifndef BPFBR_NETLINK_H
#define BPFBR_NETLINK_H

#include <net/if.h>
#include <stdbool.h>
#include <stdint.h>

struct mnl_socket;

struct nl {
	struct mnl_socket *sock;
	unsigned int portid;
	unsigned int seq;
	char err_msg[256];
};

struct nl_link {
	int ifindex;
	char name[IF_NAMESIZE];
	char kind[16]; /* "veth", "bridge", ... or "" */
	char alias[128];
	uint8_t mac[6];
	unsigned int mtu;
	unsigned int flags; /* IFF_* */
	int peer_ifindex;   /* IFLA_LINK: a veth's peer (in its own namespace) */
};

struct veth_req {
	const char *name;   /* node-side end */
	const uint8_t *mac; /* its MAC; NULL: kernel-chosen */
	const char *peer_name;
	int peer_netns_fd;	 /* -1: the peer stays in the socket's namespace */
	const uint8_t *peer_mac; /* NULL: kernel-chosen */
	unsigned int mtu;	 /* both ends */
};

struct nlmsghdr;
/* Sends the request nlh and reads the answers, each through cb (NULL: an
 * acknowledgement is all there is); for the netlink files of other objects. */
int nl_talk(struct nl *nl, struct nlmsghdr *nlh, int (*cb)(const struct nlmsghdr *nlh, void *data),
	    void *data);

int nl_open(struct nl *nl);
void nl_close(struct nl *nl);

int nl_link_get(struct nl *nl, const char *name, int ifindex, struct nl_link *out);
int nl_link_index(struct nl *nl, const char *name);
/* Dump callbacks return 0 to go on, > 0 to stop (the dump returns 0), < 0 to
 * fail with that error; the rest of the dump is read either way. */
typedef int (*nl_link_cb)(const struct nl_link *link, void *data);
int nl_link_dump(struct nl *nl, nl_link_cb cb, void *data);

int nl_veth_create(struct nl *nl, const struct veth_req *req);
/*
 * A pair's peer in nlh's IFLA_INFO_DATA, as attribute type (VETH_INFO_PEER,
 * netkit's peer info): an ifinfomsg of its own, then the peer's name, its
 * namespace (netns_fd; -1: the socket's), MAC (NULL: kernel-chosen) and MTU
 * (0: the default). Shared by every kind of pair.
 */
void nl_put_peer(struct nlmsghdr *nlh, uint16_t type, const char *name, int netns_fd,
		 const uint8_t *mac, unsigned int mtu);
int nl_link_set_up(struct nl *nl, int ifindex);
int nl_link_set_alias(struct nl *nl, int ifindex, const char *alias);
int nl_link_del(struct nl *nl, int ifindex);

/* with_brd: also set the broadcast address (what `ip addr add … brd +` does). */
int nl_addr_add(struct nl *nl, int ifindex, uint32_t addr, uint8_t prefix, bool with_brd);
struct nl_addr {
	int ifindex;
	uint32_t addr; /* network order */
	uint8_t prefix;
};
typedef int (*nl_addr_cb)(const struct nl_addr *addr, void *data);
/* Every IPv4 address of the socket's namespace. */
int nl_addr_dump(struct nl *nl, nl_addr_cb cb, void *data);
/* First IPv4 address on ifindex, -EADDRNOTAVAIL if none. */
int nl_addr_first(struct nl *nl, int ifindex, uint32_t *addr, uint8_t *prefix);
int nl_route_add_default(struct nl *nl, int ifindex, uint32_t gateway);
/* A route to dst/prefix via gateway (0: directly on the link) through ifindex. */
int nl_route_add(struct nl *nl, int ifindex, uint32_t dst, uint8_t prefix, uint32_t gateway);

struct nl_route {
	uint32_t dst; /* network order */
	uint8_t prefix;
	uint32_t gateway; /* 0: none */
	int oif;
	uint32_t prefsrc; /* 0: none */
	uint32_t priority;
	uint8_t type;	  /* RTN_UNICAST, RTN_UNREACHABLE, ... */
	uint8_t protocol; /* RTPROT_KERNEL, RTPROT_BOOT, ... */
};
typedef int (*nl_route_cb)(const struct nl_route *route, void *data);
/* Every IPv4 route of the main table of that type (RTN_UNSPEC: of any type).
 * A callback returns 0 to go on, > 0 to stop (0 returned), < 0 to fail. */
int nl_route_dump(struct nl *nl, uint8_t type, nl_route_cb cb, void *data);

#endif
