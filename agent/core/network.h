/* SPDX-License-Identifier: GPL-2.0-only OR BSD-2-Clause */
/*
 * Networks and their attachments, as transactions: each call either does
 * all of its work or undoes what it did, and reports one error line. The
 * CLI and the CNI plugin both go through here, so they share one state.
 */
#ifndef BPFBR_NETWORK_H
#define BPFBR_NETWORK_H

#include <stdbool.h>
#include <stdint.h>

#include "model.h"
#include "netctx.h"
#include "parse.h"
#include "uplink.h"

struct net_opts {
	const char *name;
	struct cidr subnet;
	uint32_t gateway;     /* 0: the subnet's first address */
	struct cidr6 subnet6; /* prefix 0: no IPv6 (network6.h) */
	uint8_t gateway6[16]; /* zero: the subnet's ::1 */
	uint32_t mtu;	      /* 0: 1500 */
	uint32_t ageing_s;    /* 0: the bridge's default, 300 */
	bool no_spoofchk;
	bool hairpin;
	bool gateway_brd;	     /* broadcast address on the gateway, as the CNI plugin sets */
	enum attach_mode mode;	     /* ATTACH_PROBE: TCX if the kernel has it */
	bool masquerade;	     /* translate to the uplink's address (needs up.ifname) */
	enum datapath_mode datapath; /* DATAPATH_XDP: XDP programs in front of the TC ones */
	enum port_device device;     /* DEVICE_AUTO: netkit where the kernel has it */
	struct uplink_opts up;
	uint32_t range_start; /* addresses containers get (0: every host of the subnet) */
	uint32_t range_end;
	const struct net_dns *dns; /* NULL: none */
	/* Node services containers may reach on the gateway (gwallow.h); NULL:
	 * none but DNS when a DNS server is the gateway. */
	const char *gateway_allow;
};

int net_create(struct netctx *c, const struct net_opts *o);
/*
 * IPv4 forwarding on the gateway device and the uplink of a masquerading
 * network (never globally): what the fast path leaves to the stack (TTL
 * expiry, too big) is routed, and so is what a port mapping's DNAT sends
 * in from the uplink, as the chapter's ip_forward=1 does for the node.
 */
int net_forwarding(const struct netstate *state);
struct bpfbr_netcfg;
/* The datapath's config map as the state describes the network. */
void net_config_fill(const struct netstate *state, struct bpfbr_netcfg *cfg, uint32_t nslots);
/* Refuses while containers are attached, unless force (then detaches them). */
int net_delete(struct netctx *c, const char *name, bool force);

struct attach_opts {
	const char *net;
	const char *netns;	 /* name under /run/netns or a path */
	const char *ifname;	 /* NULL: the first of eth0, eth1, … the namespace lacks */
	const char *id;		 /* owner (CNI container ID); NULL: the netns path */
	uint32_t ip;		 /* 0: allocate */
	uint8_t ip6[16];	 /* zero: allocate one when the network has IPv6 */
	const uint8_t *mac;	 /* NULL: random, locally administered */
	enum port_device device; /* DEVICE_AUTO: the network's */
	bool create_netns;
	bool cni;
	bool brd; /* set the broadcast address on the container's address */
	/* Routes inside the container: NULL gives a default route via the
	 * gateway; otherwise exactly these n_routes (which may be 0). */
	const struct route4 *routes;
	uint32_t n_routes;
	/* With routes NULL: a default route the namespace has already stays
	 * (no second one is added), as Docker does on a second network. */
	bool keep_default_route;
	/* Ports published to the container (port_publish.h). */
	const struct publish *pub;
	uint32_t n_pub;
	/* With routes given: the IPv6 default route via the gateway too (CNI's
	 * "::/0" or isDefaultGateway); with routes NULL it is always made. */
	bool default_route6;
};

int net_attach(struct netctx *c, const struct attach_opts *o, struct attachment *out);

/* Which attachment to remove: by namespace (CLI) or by owner id (CNI). */
struct detach_sel {
	const char *net;
	const char *netns; /* NULL when selecting by id */
	const char *id;
	const char *ifname; /* NULL: any */
};

/* -ENOENT (message printed unless quiet) when nothing matches. */
int net_detach(struct netctx *c, const struct detach_sel *s, bool quiet);

/*
 * Reconciling a change that the journal says was interrupted. An attach
 * that did not reach the state is undone (its port device, entries,
 * translations, and the namespace it made), one that did gets the
 * resolv.conf it was about to write; a detach that began is finished; a
 * network whose creation did not reach the state loses its gateway device.
 * device and netns are the journal's ("" when not recorded).
 */
int net_attach_undo(struct netctx *c, const char *net, const char *device, const char *netns);
int net_detach_finish(struct netctx *c, const char *net, const char *device);
int net_create_undo(struct netctx *c, const char *net, const char *device);

#endif
