/* SPDX-License-Identifier: GPL-2.0-only OR BSD-2-Clause */
/*
 * (cli) A monitor event as people and programs read it: the network, the
 * port with its container, what happened and why, and the packet summary
 * (monitor_pkt.h); one JSON object, or one line of text made from it.
 */
#ifndef BPFBR_MONITOR_RENDER_H
#define BPFBR_MONITOR_RENDER_H

#include <stddef.h>
#include <stdint.h>
#include <jansson.h>

#include "bpfbr/monitor.h"
#include "model.h"
#include "monitor_pkt.h"

/*
 * The event's JSON: time (RFC 3339 UTC, microseconds; real_ns the event's
 * time since the epoch), network, type, reason, verdict, hook, ifindex,
 * port, container and container_id when the port is a container's, len,
 * captured, and the packet's fields. ns: the network whose port the event
 * names (NULL: an uplink's event of no monitored network); uplink: the
 * uplink's name for its events, else NULL.
 */
json_t *monitor_event_json(const struct bpfbr_mon_event *ev, uint64_t real_ns,
			   const struct netstate *ns, const char *uplink, const struct mon_pkt *p);
/* The same as one line of text (no newline). */
void monitor_event_text(json_t *o, const struct mon_pkt *p, char *buf, size_t size);
/* The port a network's event came in on: its attachment, or NULL. */
const struct attachment *monitor_event_att(const struct netstate *ns, uint32_t ifindex);

#endif
