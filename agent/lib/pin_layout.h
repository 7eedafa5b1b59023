/* SPDX-License-Identifier: GPL-2.0-only OR BSD-2-Clause */
/*
 * The bpffs layout: the one file that knows where bpfbr pins what. It is an
 * ABI between builds (`bpfbr upgrade` reopens pins made by an older build),
 * so a path here never changes; tests/unit/test_pin_layout.c holds them.
 *   PINS/subnets                       every network's subnet (one map)
 *   PINS/tunnel_nodes                  a cluster's nodes (one map)
 *   PINS/cluster_node_stats            their counters (one map)
 *   PINS/NET/                          a network's datapath (switchdp.h)
 *   PINS/NET/links/IF                  a port's TC ingress link (TCX only)
 *   PINS/NET/links/IF_xdp              a port's XDP link (XDP mode)
 *   PINS/uplinks/IF/                   an uplink's masquerade datapath (uplinkdp.h)
 *   PINS/uplinks/IF/links/egress       its TC links (TCX only), and its XDP
 *   PINS/uplinks/IF/links/ingress      link (XDP mode, not on a veth)
 *   PINS/uplinks/IF/links/xdp
 *   PINS/uplinks/IF/links/tunnel_in    the hooks of the cluster's VXLAN device
 *   PINS/uplinks/IF/links/tunnel_out   (TCX only), which leaves through IF
 *   DIR/PIN_next                       a program or link staged by an upgrade
 * PINS is paths.pins (ROOT/sys/fs/bpf/bpfbr). Every function builds its path
 * into buf: 0, or -ENAMETOOLONG when it does not fit.
 */
#ifndef BPFBR_PIN_LAYOUT_H
#define BPFBR_PIN_LAYOUT_H

#include <stdbool.h>
#include <stddef.h>

#include "model.h"
#include "paths.h"

#define PIN_SUBNETS_NAME "subnets"
/* The subnets map as a network's datapath names it, from its directory. */
#define PIN_SUBNETS_FROM_NET  "../" PIN_SUBNETS_NAME
#define PIN_TUNNEL_NODES_NAME "tunnel_nodes"
/* The tunnel_nodes map as a network's datapath and an uplink's name it. */
#define PIN_TUNNEL_NODES_FROM_NET    "../" PIN_TUNNEL_NODES_NAME
#define PIN_TUNNEL_NODES_FROM_UPLINK "../../" PIN_TUNNEL_NODES_NAME
#define PIN_NODE_STATS_NAME	     "cluster_node_stats"
/* The per-node counters (bpfbr/node_stats.h) as a network's datapath and an uplink's name them. */
#define PIN_NODE_STATS_FROM_NET	   "../" PIN_NODE_STATS_NAME
#define PIN_NODE_STATS_FROM_UPLINK "../../" PIN_NODE_STATS_NAME
#define PIN_INBOUND_REPLIES_NAME   "inbound_replies"
/* The inbound_replies map (bpfbr/netcfg.h) as a network's datapath and an uplink's name it. */
#define PIN_INBOUND_REPLIES_FROM_NET	"../" PIN_INBOUND_REPLIES_NAME
#define PIN_INBOUND_REPLIES_FROM_UPLINK "../../" PIN_INBOUND_REPLIES_NAME
#define PIN_UPLINKS_NAME		"uplinks"
#define PIN_LINKS_NAME			"links"
/* The monitor's maps (include/bpfbr/monitor.h), under a network's directory
 * and an uplink's alike. */
#define PIN_MONITOR_EVENTS   "monitor_events"
#define PIN_MONITOR_CONSUMER "monitor_consumer"
#define PIN_MONITOR_CONFIG   "monitor_config"
#define PIN_MONITOR_BUDGET   "monitor_budget"
/* A staged pin is beside its pin (bpffs names cannot hold a dot). */
#define PIN_STAGED_SUFFIX "_next"

enum uplink_link {
	UPLINK_LINK_EGRESS,
	UPLINK_LINK_INGRESS,
	UPLINK_LINK_XDP,
	UPLINK_LINK_TUNNEL_IN,
	UPLINK_LINK_TUNNEL_OUT,
};

int pin_subnets(const struct paths *p, char *buf, size_t size);
int pin_tunnel_nodes(const struct paths *p, char *buf, size_t size);
/* PINS/cluster_node_stats. */
int pin_node_stats(const struct paths *p, char *buf, size_t size);
/* PINS/inbound_replies. */
int pin_inbound_replies(const struct paths *p, char *buf, size_t size);
int pin_net_dir(const struct paths *p, const char *net, char *buf, size_t size);
int pin_net_links_dir(const struct paths *p, const char *net, char *buf, size_t size);
int pin_port_link(const struct paths *p, const char *net, const char *ifname, char *buf,
		  size_t size);
int pin_port_xdp(const struct paths *p, const char *net, const char *ifname, char *buf,
		 size_t size);
/* The port a name under NET/links/ pins a link of (IF for IF and IF_xdp). */
int pin_link_port(const char *name, char *ifname, size_t size);
/* Whether a name under PINS is a network's directory (not uplinks/, subnets,
 * tunnel_nodes, cluster_node_stats, inbound_replies). */
bool pin_is_net_dir(const char *name);

int pin_uplinks_dir(const struct paths *p, char *buf, size_t size);
int pin_uplink_dir(const struct paths *p, const char *ifname, char *buf, size_t size);
int pin_uplink_links_dir(const struct paths *p, const char *ifname, char *buf, size_t size);
int pin_uplink_link(const struct paths *p, const char *ifname, enum uplink_link link, char *buf,
		    size_t size);

/* The staged pin of path: path PIN_STAGED_SUFFIX. */
int pin_staged(const char *path, char *buf, size_t size);

/* How a TC hook is attached, from its link pin: TCX links are pinned,
 * legacy filters are not. */
enum attach_mode pin_hook_mode(const char *link_pin);
/* Whether a link pin is there (an XDP link is pinned where XDP is attached). */
bool pin_present(const char *path);

#endif
