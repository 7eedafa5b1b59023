// SPDX-License-Identifier: GPL-2.0-only OR BSD-2-Clause
#include <errno.h>
#include <stdlib.h>
#include <string.h>
#include <time.h>
#include <bpf/bpf.h>
#include <bpf/libbpf.h>

#include "switchdp_maps.h"
#include "switchdp_hairpin.h"
#include "lpm_set.h"
#include "parse.h"

static int map_update(int fd, const void *key, const void *value)
{
	return bpf_map_update_elem(fd, key, value, BPF_ANY) ? -errno : 0;
}

int switchdp_config_get(const struct switchdp *dp, struct bpfbr_netcfg *cfg)
{
	uint32_t zero = 0;

	return bpf_map_lookup_elem(dp->config, &zero, cfg) ? -errno : 0;
}

int switchdp_config_set(const struct switchdp *dp, const struct bpfbr_netcfg *cfg)
{
	uint32_t zero = 0;

	return map_update(dp->config, &zero, cfg);
}

int switchdp_services_replace(const struct switchdp *dp, const struct bpfbr_service_key *keys,
			      uint32_t n)
{
	BPFBR_STATIC_ASSERT(sizeof(*keys) == sizeof(struct lpm4_key), "service keys are lpm4 keys");
	if (dp->services < 0)
		return 0;
	return lpm4_set_replace(dp->services, (const struct lpm4_key *)keys, n, BPFBR_SERVICES_MAX);
}

static int percpu_zero(int fd, uint32_t key, size_t value_size)
{
	int ncpus = libbpf_num_possible_cpus();
	void *zeros;
	int err;

	if (ncpus < 0)
		return ncpus;
	/* Per-CPU values are copied in 8-byte-rounded slots, one per possible CPU. */
	zeros = calloc((size_t)ncpus, (value_size + 7) & ~(size_t)7);
	if (!zeros)
		return -ENOMEM;
	err = map_update(fd, &key, zeros);
	free(zeros);
	return err;
}

int switchdp_port_add(const struct switchdp *dp, const struct bpfbr_port *port)
{
	struct bpfbr_fdb_entry e = {
		.ifindex = port->ifindex,
		.slot = port->slot,
		.flags = BPFBR_FDB_STATIC,
		.port_kind = port->kind,
	};
	struct bpfbr_fdb_key k = {};
	uint32_t slot = port->slot, ifindex = port->ifindex;
	int err;

	memcpy(k.mac, port->mac, sizeof(k.mac));
	err = percpu_zero(dp->port_stats, slot, sizeof(struct bpfbr_port_stats));
	if (!err)
		err = map_update(dp->ports, &ifindex, port);
	if (!err)
		err = map_update(dp->fdb, &k, &e);
	if (!err)
		err = map_update(dp->devmap, &ifindex, &ifindex);
	if (!err)
		err = map_update(dp->flood, &slot, &ifindex);
	return err;
}

int switchdp_port_get(const struct switchdp *dp, uint32_t ifindex, struct bpfbr_port *port)
{
	return bpf_map_lookup_elem(dp->ports, &ifindex, port) ? -errno : 0;
}

int switchdp_port_next(const struct switchdp *dp, const uint32_t *prev, uint32_t *next)
{
	return bpf_map_get_next_key(dp->ports, prev, next) ? -errno : 0;
}

bool switchdp_mac_takeable(const struct switchdp *dp, const uint8_t mac[6], uint32_t ifindex)
{
	struct bpfbr_fdb_key k = {};
	struct bpfbr_fdb_entry e;

	if (!mac_is_unicast(mac))
		return false;
	memcpy(k.mac, mac, sizeof(k.mac));
	return bpf_map_lookup_elem(dp->fdb, &k, &e) || !(e.flags & BPFBR_FDB_STATIC) ||
	       e.ifindex == ifindex;
}

void switchdp_fdb_del_static(const struct switchdp *dp, const uint8_t mac[6], uint32_t ifindex)
{
	struct bpfbr_fdb_key k = {};
	struct bpfbr_fdb_entry e;

	memcpy(k.mac, mac, sizeof(k.mac));
	if (!bpf_map_lookup_elem(dp->fdb, &k, &e) && (e.flags & BPFBR_FDB_STATIC) &&
	    e.ifindex == ifindex)
		bpf_map_delete_elem(dp->fdb, &k);
}

/* The flows the node opened into the port in slot: its container is going.
 * Keys first, then the deletes (a delete would upset the walk). (The share
 * they held is counted again by the next reclaim pass that needs it.) */
static int inbound_del(const struct switchdp *dp, uint16_t slot)
{
	struct bpfbr_conn_key *keys = NULL, *more, cur, next, *prev = NULL;
	size_t n = 0, cap = 0;
	struct bpfbr_inbound v;
	int err = 0;

	if (dp->inbound < 0)
		return 0; /* pinned by an older build, until the upgrade */
	while (!bpf_map_get_next_key(dp->inbound, prev, &next)) {
		cur = next;
		prev = &cur;
		if (bpf_map_lookup_elem(dp->inbound, &cur, &v) || v.slot != slot)
			continue;
		if (n == cap) {
			cap = cap ? 2 * cap : 64;
			more = realloc(keys, cap * sizeof(*keys));
			if (!more) {
				err = -ENOMEM;
				break;
			}
			keys = more;
		}
		keys[n++] = cur;
	}
	for (size_t i = 0; i < n; i++)
		if (bpf_map_delete_elem(dp->inbound, &keys[i]) && errno != ENOENT && !err)
			err = -errno;
	free(keys);
	return err;
}

int switchdp_port_del(const struct switchdp *dp, uint32_t ifindex, uint16_t slot)
{
	struct bpfbr_fdb_key key, next, *prev = NULL;
	struct bpfbr_fdb_entry e;
	uint32_t zero = 0, s = slot, cur;
	int err = 0;

	/* Out of the flood list first, so no copy is sent to a port being removed;
	 * a slot that another port holds by now (its own left over by a killed
	 * command) stays as it is. */
	if (!bpf_map_lookup_elem(dp->flood, &s, &cur) && cur == ifindex)
		err = map_update(dp->flood, &s, &zero);
	if (bpf_map_delete_elem(dp->ports, &ifindex) && errno != ENOENT)
		err = -errno;
	if (bpf_map_delete_elem(dp->devmap, &ifindex) && errno != ENOENT)
		err = -errno;
	if (dp->ports6 >= 0 && bpf_map_delete_elem(dp->ports6, &ifindex) && errno != ENOENT)
		err = -errno;
	while (!bpf_map_get_next_key(dp->fdb, prev, &next)) {
		key = next;
		prev = &key;
		if (bpf_map_lookup_elem(dp->fdb, &key, &e) || e.ifindex != ifindex)
			continue;
		/* Deleting the current key restarts the walk from the beginning. */
		if (!bpf_map_delete_elem(dp->fdb, &key))
			prev = NULL;
	}
	return inbound_del(dp, slot) ?: switchdp_hairpin_del_port(dp, ifindex, slot) ?: err;
}

int switchdp_fdb_each(const struct switchdp *dp, switchdp_fdb_cb cb, void *data)
{
	struct bpfbr_fdb_key key, next, *prev = NULL;
	struct bpfbr_fdb_entry e;
	int err;

	while (!bpf_map_get_next_key(dp->fdb, prev, &next)) {
		key = next;
		prev = &key;
		if (bpf_map_lookup_elem(dp->fdb, &key, &e))
			continue; /* removed meanwhile */
		err = cb(&key, &e, data);
		if (err)
			return err;
	}
	return 0;
}

void switchdp_map_describe(int map_fd, bool flood, struct switchdp_map_desc *d)
{
	struct bpf_map_info info = {};
	uint32_t len = sizeof(info), count = 0;

	bpf_obj_get_info_by_fd(map_fd, &info, &len);
	if (info.type == BPF_MAP_TYPE_HASH) {
		switchdp_map_count(map_fd, &count);
	} else if (flood) {
		for (uint32_t k = 0; k < info.max_entries; k++) {
			uint32_t ifindex = 0;

			if (!bpf_map_lookup_elem(map_fd, &k, &ifindex) && ifindex)
				count++;
		}
	} else {
		count = info.max_entries;
	}
	*d = (struct switchdp_map_desc){ .id = info.id,
					 .entries = count,
					 .max_entries = info.max_entries };
}

int switchdp_map_count(int map_fd, uint32_t *count)
{
	uint8_t key[64], next[64];
	struct bpf_map_info info = {};
	uint32_t len = sizeof(info), n = 0;
	void *prev = NULL;

	if (bpf_obj_get_info_by_fd(map_fd, &info, &len))
		return -errno;
	if (info.key_size > sizeof(key))
		return -E2BIG;
	while (!bpf_map_get_next_key(map_fd, prev, next)) {
		memcpy(key, next, info.key_size);
		prev = key;
		n++;
	}
	*count = n;
	return 0;
}

static int percpu_sum(int fd, uint32_t key, uint64_t *out, size_t nwords)
{
	int ncpus = libbpf_num_possible_cpus();
	uint64_t *vals;
	int err = 0;

	if (ncpus < 0)
		return ncpus;
	vals = calloc((size_t)ncpus * nwords, sizeof(uint64_t));
	if (!vals)
		return -ENOMEM;
	if (bpf_map_lookup_elem(fd, &key, vals)) {
		err = -errno;
		goto out;
	}
	memset(out, 0, nwords * sizeof(uint64_t));
	for (int c = 0; c < ncpus; c++)
		for (size_t w = 0; w < nwords; w++)
			out[w] += vals[(size_t)c * nwords + w];
out:
	free(vals);
	return err;
}

int counters_read(int map_fd, uint64_t out[BPFBR_COUNTER_MAX])
{
	for (uint32_t i = 0; i < BPFBR_COUNTER_MAX; i++) {
		int err = percpu_sum(map_fd, i, &out[i], 1);

		if (err)
			return err;
	}
	return 0;
}

int switchdp_port_stats_read(const struct switchdp *dp, uint16_t slot, struct bpfbr_port_stats *out)
{
	return percpu_sum(dp->port_stats, slot, (uint64_t *)out, sizeof(*out) / sizeof(uint64_t));
}

uint64_t switchdp_now_ns(void)
{
	struct timespec ts;

	clock_gettime(CLOCK_MONOTONIC, &ts);
	return (uint64_t)ts.tv_sec * 1000000000ull + (uint64_t)ts.tv_nsec;
}
