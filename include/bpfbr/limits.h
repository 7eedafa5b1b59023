/* SPDX-License-Identifier: GPL-2.0-only OR BSD-2-Clause */
/* Capacities of the per-network maps. The agent validates against them. */
#ifndef BPFBR_LIMITS_H
#define BPFBR_LIMITS_H

/* Ports of one network, the gateway port included (slot 0). */
#define BPFBR_MAX_PORTS 1024
/* Forwarding-table entries of one network: static (agent) and learned. */
#define BPFBR_FDB_MAX 16384
/* Learned entries: at most this many behind one port, and at most the table
 * less room for every port's static entry and a margin (quota.h). */
#define BPFBR_FDB_LEARN_PER_PORT 512
#define BPFBR_FDB_LEARN_MAX	 (BPFBR_FDB_MAX - 2 * BPFBR_MAX_PORTS)
/* Flows the node opened into containers (map "inbound_flows"): the table,
 * and at most this many into one container. */
#define BPFBR_INBOUND_MAX      65536
#define BPFBR_INBOUND_PER_PORT 1024
/* The bridge's default ageing time, in seconds. */
#define BPFBR_DEFAULT_AGEING_S 300

#endif
