/* SPDX-License-Identifier: GPL-2.0-only OR BSD-2-Clause */
/*
 * (sys) A monitor's hold on one datapath's events (include/bpfbr/monitor.h):
 * its socket in the datapath's monitor_consumer slot, which the kernel
 * empties when the socket closes. So the datapath emits while this process
 * lives and stops the moment it exits, SIGKILL included; nothing is left
 * to clean up. One monitor per datapath at a time.
 */
#ifndef BPFBR_MONITOR_SESSION_H
#define BPFBR_MONITOR_SESSION_H

#include <stdint.h>

#include "monitor_maps.h"

struct monitor_session {
	struct monitor_maps m;
	int sock;			      /* ours, in the consumer slot; -1 when not taken */
	uint64_t limited_before, lost_before; /* the counts when the session began */
};

/* What the datapath counted of events, over every CPU. */
struct monitor_totals {
	uint64_t emitted, limited, lost;
};

/*
 * Opens the monitor maps pinned under dir, takes the consumer slot and
 * writes the event types, the rate (events a second per CPU, burst as many)
 * and the trace sample (one packet in sample).
 * -ENOENT: the datapath has no monitor maps (pinned by an older build);
 * -EBUSY: another monitor holds the slot. Says nothing: the caller names
 * the datapath.
 */
int monitor_session_start(struct monitor_session *s, const char *dir, uint32_t types, uint32_t rate,
			  uint32_t sample);
int monitor_totals(const struct monitor_session *s, struct monitor_totals *t);
/* Gives the slot back (the config zeroed) and closes the maps. */
void monitor_session_stop(struct monitor_session *s);

#endif
