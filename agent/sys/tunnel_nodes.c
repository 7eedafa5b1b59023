// SPDX-License-Identifier: GPL-2.0-only OR BSD-2-Clause
#include <errno.h>
#include <string.h>
#include <bpf/bpf.h>

#include "node_stats.h"
#include "tunnel_nodes.h"

static const struct tunnel_entry *wanted(const struct tunnel_entry *want, uint32_t n,
					 const struct bpfbr_tunnel_key *k)
{
	for (uint32_t i = 0; i < n; i++)
		if (!memcmp(&want[i].key, k, sizeof(*k)))
			return &want[i];
	return NULL;
}

int tunnel_nodes_open(const char *pin)
{
	int fd = bpf_obj_get(pin);

	return fd < 0 ? -errno : fd;
}

int tunnel_nodes_read(int fd, struct tunnel_entry *out, uint32_t max, uint32_t *n)
{
	struct bpfbr_tunnel_key key, next;

	*n = 0;
	for (void *prev = NULL; *n < max && !bpf_map_get_next_key(fd, prev, &next); prev = &key) {
		key = next;
		if (bpf_map_lookup_elem(fd, &key, &out[*n].node))
			continue; /* gone meanwhile */
		out[*n].key = key;
		(*n)++;
	}
	return 0;
}

/* The first slot used[] does not mark, marked; 0 when none is left. */
static uint16_t slot_take(bool *used)
{
	for (uint32_t slot = 1; slot < BPFBR_NODE_STATS_MAX; slot++)
		if (!used[slot]) {
			used[slot] = true;
			return slot;
		}
	return 0;
}

int tunnel_nodes_replace(int fd, int stats_fd, struct tunnel_entry *want, uint32_t n,
			 uint32_t *changed)
{
	static struct tunnel_entry have[BPFBR_TUNNEL_NODES_MAX];
	static bool used[BPFBR_NODE_STATS_MAX];
	uint32_t n_have;
	int err;

	*changed = 0;
	tunnel_nodes_read(fd, have, BPFBR_TUNNEL_NODES_MAX, &n_have);
	for (uint32_t i = 0; i < n_have; i++) {
		if (wanted(want, n, &have[i].key))
			continue;
		if (bpf_map_delete_elem(fd, &have[i].key) && errno != ENOENT)
			return -errno;
		(*changed)++;
	}
	/* A node kept keeps its slot (and counters); the others' are zeroed
	 * before a new node gets one. */
	memset(used, 0, sizeof(used));
	for (uint32_t i = 0; i < n; i++) {
		const struct tunnel_entry *h = wanted(have, n_have, &want[i].key);
		uint16_t slot = h ? h->node.slot : 0;

		want[i].node.slot = slot < BPFBR_NODE_STATS_MAX && !used[slot] ? slot : 0;
		used[want[i].node.slot] = true;
	}
	used[0] = true;
	if (stats_fd >= 0) {
		err = node_stats_clear_unused(stats_fd, used);
		if (err)
			return err;
	}
	for (uint32_t i = 0; i < n; i++) {
		const struct tunnel_entry *h = wanted(have, n_have, &want[i].key);

		if (!want[i].node.slot)
			want[i].node.slot = slot_take(used);
		if (h && !memcmp(&h->node, &want[i].node, sizeof(h->node)))
			continue;
		if (bpf_map_update_elem(fd, &want[i].key, &want[i].node, BPF_ANY))
			return -errno;
		(*changed)++;
	}
	return 0;
}
