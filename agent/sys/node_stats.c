// SPDX-License-Identifier: GPL-2.0-only OR BSD-2-Clause
#include <errno.h>
#include <stdlib.h>
#include <string.h>
#include <bpf/bpf.h>
#include <bpf/libbpf.h>

#include "node_stats.h"

int node_stats_open(const char *pin)
{
	int fd = bpf_obj_get(pin);

	return fd < 0 ? -errno : fd;
}

/* Room for one slot's per-CPU values; *ncpu gets their number. NULL: -errno in *err. */
static struct bpfbr_node_stats *per_cpu_alloc(int *ncpu, int *err)
{
	struct bpfbr_node_stats *v;

	*ncpu = libbpf_num_possible_cpus();
	if (*ncpu <= 0) {
		*err = *ncpu ?: -EINVAL;
		return NULL;
	}
	v = calloc(*ncpu, sizeof(*v));
	*err = v ? 0 : -ENOMEM;
	return v;
}

int node_stats_get(int fd, uint32_t slot, struct bpfbr_node_stats *out)
{
	struct bpfbr_node_stats *v;
	int ncpu, err;

	memset(out, 0, sizeof(*out));
	v = per_cpu_alloc(&ncpu, &err);
	if (!v)
		return err;
	if (bpf_map_lookup_elem(fd, &slot, v))
		err = -errno;
	for (int i = 0; !err && i < ncpu; i++) {
		out->tx_packets += v[i].tx_packets;
		out->tx_bytes += v[i].tx_bytes;
		out->rx_packets += v[i].rx_packets;
		out->rx_bytes += v[i].rx_bytes;
		out->refused += v[i].refused;
		out->too_big += v[i].too_big;
	}
	free(v);
	return err;
}

static bool counted(const struct bpfbr_node_stats *v, int ncpu)
{
	static const struct bpfbr_node_stats zero;

	for (int i = 0; i < ncpu; i++)
		if (memcmp(&v[i], &zero, sizeof(zero)))
			return true;
	return false;
}

int node_stats_clear_unused(int fd, const bool *used)
{
	struct bpfbr_node_stats *v;
	int ncpu, err;

	v = per_cpu_alloc(&ncpu, &err);
	for (uint32_t slot = 1; v && !err && slot < BPFBR_NODE_STATS_MAX; slot++) {
		if (used[slot])
			continue;
		if (bpf_map_lookup_elem(fd, &slot, v)) {
			err = -errno;
		} else if (counted(v, ncpu)) {
			memset(v, 0, ncpu * sizeof(*v));
			if (bpf_map_update_elem(fd, &slot, v, BPF_ANY))
				err = -errno;
		}
	}
	free(v);
	return err;
}
