/* SPDX-License-Identifier: GPL-2.0-only OR BSD-2-Clause */
/*
 * What bpfbr knows of a network, as values: the network, its containers'
 * attachments, its resolver settings, the routes a container gets, and the
 * modes its programs run in. No behaviour but the modes' names: state.h
 * keeps these on disk, the rest of the agent builds what they describe.
 */
#ifndef BPFBR_MODEL_H
#define BPFBR_MODEL_H

#include <limits.h>
#include <net/if.h>
#include <stdbool.h>
#include <stdint.h>

#include "parse.h"
#include "parse6.h"
#include "publish.h"

/* How a program is hooked to a device's TC ingress or egress. */
enum attach_mode {
	ATTACH_PROBE = 0, /* try TCX, fall back to legacy tc on a kernel without it */
	ATTACH_TCX = 1,
	ATTACH_TC = 2,
};

/* "tcx", "tc", "auto" (ATTACH_PROBE). */
const char *attach_mode_name(enum attach_mode mode);
/* "tcx", "tc", "auto" (ATTACH_PROBE); -EINVAL otherwise. */
int attach_mode_parse(const char *s, enum attach_mode *mode);

/* Which programs a network's ports run: TC alone, or XDP in front of TC. */
enum datapath_mode {
	DATAPATH_TC = 0,
	DATAPATH_XDP = 1,
};

/* "tc", "xdp": the CLI's --mode, CNI's and the state's "datapath". */
const char *datapath_mode_name(enum datapath_mode mode);
/* "tc", "xdp"; -EINVAL otherwise. */
int datapath_mode_parse(const char *s, enum datapath_mode *mode);

/* The device pair a network's containers get. */
enum port_device {
	DEVICE_AUTO = 0, /* netkit where the kernel makes it, else veth (never stored) */
	DEVICE_VETH = 1,
	DEVICE_NETKIT = 2, /* the switch runs in the container's own transmit path */
};

/* "auto", "veth", "netkit": the CLI's --device, CNI's and the state's "device". */
const char *port_device_name(enum port_device device);
/* "auto", "veth", "netkit"; -EINVAL otherwise. */
int port_device_parse(const char *s, enum port_device *device);

/* A device's hooks, as bpfbr names them to people and in its journal. */
#define HOOK_NAME_TC_INGRESS  "tc ingress"
#define HOOK_NAME_TC_EGRESS   "tc egress"
#define HOOK_NAME_XDP	      "xdp"
#define HOOK_NAME_NETKIT_PEER "netkit peer"

#define ATT_ID_MAX	  1024
#define GATEWAY_ALLOW_LEN 160
#define NODE_CGROUP_LEN	  256

struct attachment {
	char id[ATT_ID_MAX];	  /* owner: CNI container ID, or the netns path for the CLI */
	char ifname[IF_NAMESIZE]; /* inside the container */
	char netns[PATH_MAX];	  /* namespace file it was attached in */
	uint64_t netns_id;	  /* that namespace's nsfs inode */
	char host_ifname[IF_NAMESIZE];
	int host_ifindex;
	uint8_t mac[6];
	uint32_t ip;	 /* network order */
	uint8_t ip6[16]; /* zero: no IPv6 address */
	uint16_t slot;
	enum port_device device; /* DEVICE_AUTO: the network's */
	bool created_netns;	 /* bpfbr made the namespace, so detach removes it */
	bool cni;		 /* attached through the CNI plugin */
	uint32_t n_pub;		 /* its published ports (publish.h) */
	struct publish pub[PUBLISH_MAX];
};

/* Resolver settings of a network: what `bpfbr attach` writes to
 * /etc/netns/NETNS/resolv.conf. Sizes are resolv.conf's own limits. */
#define DNS_MAX_SERVERS 3
#define DNS_MAX_SEARCH	6
#define DNS_MAX_OPTIONS 8
#define DNS_NAME_LEN	254
#define DNS_SERVER_LEN	46 /* INET6_ADDRSTRLEN */
#define DNS_OPTION_LEN	64

struct net_dns {
	uint32_t n_servers, n_search, n_options;
	char servers[DNS_MAX_SERVERS][DNS_SERVER_LEN];
	char domain[DNS_NAME_LEN];
	char search[DNS_MAX_SEARCH][DNS_NAME_LEN];
	char options[DNS_MAX_OPTIONS][DNS_OPTION_LEN];
};

/* A route inside a container. */
struct route4 {
	uint32_t dst; /* network order */
	uint8_t prefix;
	uint32_t gateway; /* 0: the network's gateway */
};

struct netstate {
	char name[NETNAME_MAX];
	uint32_t index; /* picks the gateway device names: bpfbrN, bpfbrN-sw */
	struct cidr subnet;
	uint32_t gateway;
	uint32_t mtu;
	uint32_t ageing_s;
	bool spoofchk;
	bool hairpin;
	char gw_dev[IF_NAMESIZE];  /* node side, holds the gateway address */
	char gw_port[IF_NAMESIZE]; /* switch side: port in slot 0 */
	int gw_dev_ifindex;
	int gw_port_ifindex;
	uint8_t gw_mac[6];
	enum attach_mode mode;
	uint64_t node_netns_id;	    /* the namespace the network was created in */
	uint64_t node_netns_cookie; /* and its cookie (0: not recorded, older files) */
	char uplink[IF_NAMESIZE];   /* "" unless masquerading through an uplink */
	bool masquerade;
	enum datapath_mode datapath; /* DATAPATH_XDP: XDP programs in front of the TC ones */
	enum port_device device;     /* DEVICE_VETH or DEVICE_NETKIT, resolved at creation */
	/* Node services containers may reach on the gateway (gwallow.h syntax). */
	char gateway_allow[GATEWAY_ALLOW_LEN];
	uint32_t nat_share; /* flows one container may hold */
	/* The uplink's masquerade table as it was made (0: not recorded; a
	 * restore then makes it with the defaults). */
	uint32_t nat_max;
	uint16_t nat_port_lo, nat_port_hi;
	/* The uplink's IPv4 forwarding before bpfbr turned it on: 0, 1, or -1
	 * not recorded (older files: left on when the last network goes). */
	int uplink_fwd_before;
	uint32_t range_start; /* addresses containers get: range_start..range_end */
	uint32_t range_end;   /* (network order; 0: the subnet's first/last host) */
	uint32_t last_ip;     /* the address handed out last (0: none yet) */
	struct cidr6 subnet6; /* prefix 0: no IPv6 (state6.c keeps these) */
	uint8_t gateway6[16];
	uint8_t last_ip6[16]; /* the IPv6 address handed out last (zero: none yet) */
	struct net_dns dns;
	/* The cgroup whose processes reach published ports from the node
	 * (--node-cgroup, pubsock.h); "": none. */
	char node_cgroup[NODE_CGROUP_LEN];
	uint32_t n_att;
	struct attachment *att;
};

/* A zeroed attachment appended to state (NULL: out of memory). */
struct attachment *netstate_add_att(struct netstate *state);
void netstate_del_att(struct netstate *state, struct attachment *a);
void netstate_free(struct netstate *state);
/* The flood slots the switch walks: the gateway's (0) and up to the highest attachment's. */
uint32_t netstate_nslots(const struct netstate *state);

/* Whether the network has an IPv4 subnet (an IPv6-only one has none: subnet,
 * gateway and the attachments' ip are zero). */
static inline bool netstate_has_ipv4(const struct netstate *state)
{
	return state->subnet.prefix != 0;
}

#endif
