/* SPDX-License-Identifier: GPL-2.0-only OR BSD-2-Clause */
/*
 * One network's datapath: the switch program and its maps, loaded from the
 * skeleton and pinned with BTF under the network's bpffs directory, or
 * opened again from those pins by a later command.
 */
#ifndef BPFBR_SWITCHDP_H
#define BPFBR_SWITCHDP_H

#include "monitor_maps.h"

/* Pin names under PINS/NET/: each says what the object holds. */
#define PIN_CONFIG     "config"
#define PIN_PORTS      "ports"
#define PIN_FLOOD      "flood"
#define PIN_FDB	       "fdb"
#define PIN_COUNTERS   "counters"
#define PIN_PORT_STATS "port_stats"
#define PIN_PROG_PORT  "prog_port_in"
#define PIN_DEVMAP     "devmap"
#define PIN_INBOUND    "inbound_flows" /* "inbound" before, with a byte per flow */
#define PIN_NODE_FRAGS "node_frags"
#define PIN_QUOTAS     "quotas"
#define PIN_PROG_XDP   "prog_port_xdp"
#define PIN_CONFIG6    "config6"
#define PIN_PORTS6     "ports6"
#define PIN_INBOUND6   "inbound6_flows"
#define PIN_SERVICES   "cluster_services"

struct switchdp {
	int config;
	int ports;
	int flood;
	int fdb;
	int counters;
	int port_stats;
	int devmap;
	int inbound;
	int node_frags;
	int quotas;
	struct monitor_maps mon;
	int config6; /* -1 in a datapath an older build pinned (switchdp6.h) */
	int ports6;
	int inbound6;
	int services; /* -1 in a datapath an older build pinned */
	int subnets;
	int tunnel_nodes;    /* -1 in a datapath an older build pinned */
	int inbound_replies; /* (the same) */
	int hairpin_ports;   /* (the same; switchdp_hairpin.h) */
	int hairpin_flows;
	int node_stats; /* (the same; bpfbr/node_stats.h) */
	int prog_port;
	int prog_port_xdp;
};

/* Loads a fresh datapath and pins it under dir (created, must not hold pins). */
int switchdp_load(const char *dir, struct switchdp *dp);
/* Opens the pinned datapath under dir. */
int switchdp_open(const char *dir, struct switchdp *dp);
/* Opens only the ports map pinned under dir, the other fds -1 (switchdp_close
 * closes it): for a reader of ports alone. Silent: -errno when it is not
 * there (no datapath after a reboot). */
int switchdp_open_ports(const char *dir, struct switchdp *dp);
/*
 * An upgrade: switchdp_stage loads this build's programs against the maps pinned
 * under dir (kept, with their contents) and pins them beside the old ones;
 * switchdp_commit moves them over the old pins (pins.h); switchdp_drop_staged undoes
 * switchdp_stage and returns how many staged pins it removed.
 */
int switchdp_stage(const char *dir);
int switchdp_commit(const char *dir);
int switchdp_drop_staged(const char *dir);
void switchdp_close(struct switchdp *dp);
/* Removes every pin under dir, links included, and dir itself. */
int switchdp_unpin(const char *dir);

#endif
