/* SPDX-License-Identifier: GPL-2.0-only OR BSD-2-Clause */
/* Reading and writing one network's tables: config, ports, fdb, counters. */
#ifndef BPFBR_SWITCHDP_MAPS_H
#define BPFBR_SWITCHDP_MAPS_H

#include <stdbool.h>
#include <stdint.h>

#include "bpfbr/fdb.h"
#include "bpfbr/netcfg.h"
#include "bpfbr/port.h"
#include "bpfbr/services.h"
#include "bpfbr/stats.h"
#include "switchdp.h"

int switchdp_config_get(const struct switchdp *dp, struct bpfbr_netcfg *cfg);
int switchdp_config_set(const struct switchdp *dp, const struct bpfbr_netcfg *cfg);
/* Makes cluster_services hold exactly keys[0..n) (bpfbr/services.h); a
 * datapath of a build without the map is left as it is. */
int switchdp_services_replace(const struct switchdp *dp, const struct bpfbr_service_key *keys,
			      uint32_t n);

/* Makes port a member: counters zeroed, its MAC static in the fdb, then floodable. */
int switchdp_port_add(const struct switchdp *dp, const struct bpfbr_port *port);
/* Removes the port and every fdb entry that points at it; its flood slot
 * only while the slot still holds it. */
int switchdp_port_del(const struct switchdp *dp, uint32_t ifindex, uint16_t slot);
int switchdp_port_get(const struct switchdp *dp, uint32_t ifindex, struct bpfbr_port *port);
/* The port after prev in the ports map (NULL: the first); -ENOENT after the
 * last. A walk that deletes a port starts again from NULL. */
int switchdp_port_next(const struct switchdp *dp, const uint32_t *prev, uint32_t *next);
/* A container on port ifindex may have mac (as bpf/follow.bpf.c decides):
 * unicast, and no other port's own (static) MAC. */
bool switchdp_mac_takeable(const struct switchdp *dp, const uint8_t mac[6], uint32_t ifindex);
/* Removes mac's fdb entry if it is port ifindex's static one. */
void switchdp_fdb_del_static(const struct switchdp *dp, const uint8_t mac[6], uint32_t ifindex);

typedef int (*switchdp_fdb_cb)(const struct bpfbr_fdb_key *key, const struct bpfbr_fdb_entry *e,
			       void *data);
int switchdp_fdb_each(const struct switchdp *dp, switchdp_fdb_cb cb, void *data);
/* Number of entries of a hash map (fill level). */
int switchdp_map_count(int map_fd, uint32_t *count);
/* What status shows of a map: its id, and its fill level out of max_entries
 * (a hash map's entries, the flood list's ports, an array's size: always
 * full). Zeros for what cannot be read. */
struct switchdp_map_desc {
	uint32_t id;
	uint32_t entries;
	uint32_t max_entries;
};
void switchdp_map_describe(int map_fd, bool flood, struct switchdp_map_desc *d);

/* Sums of the per-CPU counters of a "counters" map (a network's or an uplink's). */
int counters_read(int map_fd, uint64_t out[BPFBR_COUNTER_MAX]);
int switchdp_port_stats_read(const struct switchdp *dp, uint16_t slot,
			     struct bpfbr_port_stats *out);

/* Monotonic "now" on the clock of bpf_ktime_get_ns(). */
uint64_t switchdp_now_ns(void);

#endif
