/* SPDX-License-Identifier: GPL-2.0-only OR BSD-2-Clause */
/*
 * One network's datapath: the switch program and its maps, loaded from the
 * skeleton and pinned with BTF under the network's bpffs directory, or
 * opened again from those pins by a later command.
 */
#ifndef BPFBR_DATAPATH_H
#define BPFBR_DATAPATH_H

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

struct dp {
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
	int subnets;
	int prog_port;
	int prog_port_xdp;
};

/* Loads a fresh datapath and pins it under dir (created, must not hold pins). */
int dp_load(const char *dir, struct dp *dp);
/* Opens the pinned datapath under dir. */
int dp_open(const char *dir, struct dp *dp);
/* Opens only the ports map pinned under dir, the other fds -1 (dp_close
 * closes it): for a reader of ports alone. Silent: -errno when it is not
 * there (no datapath after a reboot). */
int dp_open_ports(const char *dir, struct dp *dp);
/*
 * An upgrade: dp_stage loads this build's programs against the maps pinned
 * under dir (kept, with their contents) and pins them beside the old ones;
 * dp_commit moves them over the old pins (pins.h); dp_drop_staged undoes
 * dp_stage and returns how many staged pins it removed.
 */
int dp_stage(const char *dir);
int dp_commit(const char *dir);
int dp_drop_staged(const char *dir);
void dp_close(struct dp *dp);
/* Removes every pin under dir, links included, and dir itself. */
int dp_unpin(const char *dir);

#endif
