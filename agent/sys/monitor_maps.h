/* SPDX-License-Identifier: GPL-2.0-only OR BSD-2-Clause */
/*
 * (sys) The fds of a datapath's monitor maps (include/bpfbr/monitor.h), as
 * the network's switch and an uplink's masquerade both pin them. -1 in a
 * datapath an older build pinned, until `bpfbr upgrade` adds them.
 */
#ifndef BPFBR_MONITOR_MAPS_H
#define BPFBR_MONITOR_MAPS_H

struct monitor_maps {
	int events;   /* ring buffer */
	int consumer; /* sockmap: the running monitor's socket */
	int config;
	int budget; /* per CPU */
};

#endif
