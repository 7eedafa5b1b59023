/* SPDX-License-Identifier: GPL-2.0-only OR BSD-2-Clause */
/*
 * The network configuration a runtime passes on stdin, and CNI_ARGS, parsed
 * and checked without touching the system: every key is known (the bridge
 * plugin's names where they mean the same thing), typed, and refused with
 * the spec's code and a message naming the key when it is wrong.
 */
#ifndef BPFBR_CNI_CONF_H
#define BPFBR_CNI_CONF_H

#include <limits.h>
#include <net/if.h>
#include <stdbool.h>
#include <stdint.h>
#include <jansson.h>

#include "cni_err.h"
#include "cni_version.h"
#include "model.h"
#include "parse.h"
#include "parse6.h"

#define CNI_MAX_ROUTES 16
#define CNI_TYPE_LEN   64
#define CNI_CONF_MAX   (1 << 20) /* bytes of config read from stdin */

struct cni_conf {
	json_t *json; /* the whole document; the borrowed pointers below live in it */
	enum cni_ver ver;
	char type[CNI_TYPE_LEN];
	char name[NETNAME_MAX];
	char root[PATH_MAX];	      /* where pins, state and lock live ("/") */
	char ipam_type[CNI_TYPE_LEN]; /* "": bpfbr's own IPAM */

	/* The network; with a delegated IPAM, subnet and gateway come from its result. */
	struct cidr subnet;
	uint32_t gateway;		 /* 0: the subnet's first host */
	uint32_t range_start, range_end; /* 0: every host of the subnet */
	uint32_t mtu;			 /* 0: not given */
	bool masquerade;
	char uplink[IF_NAMESIZE];	   /* "": the interface of the node's default route */
	char node_cgroup[NODE_CGROUP_LEN]; /* "nodeCgroup" (the CLI's --node-cgroup); "": none */
	bool hairpin;
	bool spoofchk;
	enum datapath_mode datapath;	       /* "datapath" (the CLI's --mode) */
	enum port_device device;	       /* "device": "auto" (default), "veth", "netkit" */
	char gateway_allow[GATEWAY_ALLOW_LEN]; /* "gatewayAllow" joined by commas */
	struct net_dns dns; /* for the network state (what fits in resolv.conf) */
	json_t *dns_json;   /* for results, as given (borrowed; NULL: none) */

	/* IPv6 of a dual-stack network ("ranges", cni_conf6.h); prefix 0: none. */
	struct cidr6 subnet6;
	uint8_t gateway6[16]; /* zero: the subnet's first host */
	bool default_route6;  /* a route to ::/0, or isDefaultGateway */

	/* Routes inside the container (own IPAM; a delegate returns its own). */
	bool default_route; /* isDefaultGateway */
	struct route4 routes[CNI_MAX_ROUTES];
	uint32_t n_routes;

	/* This container. */
	uint32_t ip;	 /* requested address; 0: any */
	int ip_from;	 /* which source set ip: 0 none, 1 CNI_ARGS, 2 args, 3 runtimeConfig */
	uint8_t ip6[16]; /* requested IPv6 address; zero: any */
	int ip6_from;	 /* as ip_from */
	uint8_t mac[6];
	int mac_from; /* which source set mac: 0 none, 1 CNI_ARGS, 2 args, 3 runtimeConfig */
	struct publish pub[PUBLISH_MAX]; /* runtimeConfig.portMappings (cni_ports.h) */
	uint32_t n_pub;
	bool pub_given; /* runtimeConfig held portMappings (CHECK compares them) */
	json_t *prev;	/* prevResult (borrowed) or NULL */
	json_t *valid;	/* GC: the runtime's valid attachments (borrowed) or NULL */
};

/*
 * 0, or -EINVAL with e filled; c is to be freed with cni_conf_free either
 * way. strict (ADD): every key known and right. Otherwise (DEL, CHECK, GC,
 * STATUS: a config edit or a rollback must never block a teardown) only
 * what the command needs must be right (cniVersion, name, type, root, ipam,
 * prevResult, the valid attachments); anything else wrong is a warning on
 * stderr.
 */
int cni_conf_parse(const char *text, size_t len, bool strict, struct cni_conf *c,
		   struct cni_err *e);
/* CNI_ARGS ("K=V;K=V"): IP, MAC, IgnoreUnknown; other keys need IgnoreUnknown.
 * IP is ignored when the config asks for addresses (args.cni.ips or
 * runtimeConfig.ips), as the conventions want. */
int cni_args_parse(const char *args, struct cni_conf *c, struct cni_err *e);
void cni_conf_free(struct cni_conf *c);

#endif
