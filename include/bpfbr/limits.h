/* SPDX-License-Identifier: GPL-2.0-only OR BSD-2-Clause */
/* Capacities of the per-network maps. The agent validates against them. */
#ifndef BPFBR_LIMITS_H
#define BPFBR_LIMITS_H

/* Ports of one network, the gateway port included (slot 0). */
#define BPFBR_MAX_PORTS 1024
/* Forwarding-table entries of one network: static (agent) and learned. */
#define BPFBR_FDB_MAX 16384
/* The bridge's default ageing time, in seconds. */
#define BPFBR_DEFAULT_AGEING_S 300

#endif
