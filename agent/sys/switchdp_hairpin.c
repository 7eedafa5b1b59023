// SPDX-License-Identifier: GPL-2.0-only OR BSD-2-Clause
#include <errno.h>
#include <stdbool.h>
#include <stdlib.h>
#include <bpf/bpf.h>

#include "bpfbr/netcfg.h"
#include "switchdp_hairpin.h"

int switchdp_hairpin_add(const struct switchdp *dp, const struct bpfbr_pub_key *k,
			 const struct bpfbr_hairpin_target *t)
{
	if (dp->hairpin_ports < 0)
		return 0;
	return bpf_map_update_elem(dp->hairpin_ports, k, t, BPF_ANY) ? -errno : 0;
}

int switchdp_hairpin_get(const struct switchdp *dp, const struct bpfbr_pub_key *k,
			 struct bpfbr_hairpin_target *t)
{
	if (dp->hairpin_ports < 0)
		return -ENOENT;
	return bpf_map_lookup_elem(dp->hairpin_ports, k, t) ? -errno : 0;
}

/* Whether the entry at key of the map fd (a hairpin table) belongs to the port. */
typedef bool (*hairpin_match)(int fd, const void *key, uint32_t ifindex, uint16_t slot);

static bool port_match(int fd, const void *key, uint32_t ifindex, uint16_t slot)
{
	struct bpfbr_hairpin_target t;

	(void)slot;
	return !bpf_map_lookup_elem(fd, key, &t) && t.ifindex == ifindex;
}

static bool flow_match(int fd, const void *key, uint32_t ifindex, uint16_t slot)
{
	struct bpfbr_hairpin_flow v;

	(void)ifindex;
	return !bpf_map_lookup_elem(fd, key, &v) && v.slot == slot;
}

/* Keys (of key_size bytes, at most 16) first, then the deletes: a delete would upset the walk. */
static int del_matching(int fd, size_t key_size, hairpin_match match, uint32_t ifindex,
			uint16_t slot)
{
	unsigned char cur[16] = { 0 }, next[16] = { 0 }, *keys = NULL, *more, *prev = NULL;
	size_t n = 0, cap = 0;
	int err = 0;

	if (fd < 0)
		return 0;
	while (!bpf_map_get_next_key(fd, prev, next)) {
		__builtin_memcpy(cur, next, sizeof(cur));
		prev = cur;
		if (!match(fd, cur, ifindex, slot))
			continue;
		if (n == cap) {
			cap = cap ? 2 * cap : 64;
			more = realloc(keys, cap * key_size);
			if (!more) {
				err = -ENOMEM;
				break;
			}
			keys = more;
		}
		__builtin_memcpy(keys + n++ * key_size, cur, key_size);
	}
	for (size_t i = 0; i < n; i++)
		if (bpf_map_delete_elem(fd, keys + i * key_size) && errno != ENOENT && !err)
			err = -errno;
	free(keys);
	return err;
}

int switchdp_hairpin_del_port(const struct switchdp *dp, uint32_t ifindex, uint16_t slot)
{
	int err = del_matching(dp->hairpin_ports, sizeof(struct bpfbr_pub_key), port_match, ifindex,
			       slot);

	return del_matching(dp->hairpin_flows, sizeof(struct bpfbr_conn_key), flow_match, ifindex,
			    slot)
		       ?: err;
}
