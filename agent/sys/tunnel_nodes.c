// SPDX-License-Identifier: GPL-2.0-only OR BSD-2-Clause
#include <errno.h>
#include <string.h>
#include <bpf/bpf.h>

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

int tunnel_nodes_replace(int fd, const struct tunnel_entry *want, uint32_t n, uint32_t *changed)
{
	static struct tunnel_entry have[BPFBR_TUNNEL_NODES_MAX];
	uint32_t n_have;

	*changed = 0;
	tunnel_nodes_read(fd, have, BPFBR_TUNNEL_NODES_MAX, &n_have);
	for (uint32_t i = 0; i < n_have; i++) {
		if (wanted(want, n, &have[i].key))
			continue;
		if (bpf_map_delete_elem(fd, &have[i].key) && errno != ENOENT)
			return -errno;
		(*changed)++;
	}
	for (uint32_t i = 0; i < n; i++) {
		const struct tunnel_entry *h = wanted(have, n_have, &want[i].key);

		if (h && !memcmp(&h->node, &want[i].node, sizeof(h->node)))
			continue;
		if (bpf_map_update_elem(fd, &want[i].key, &want[i].node, BPF_ANY))
			return -errno;
		(*changed)++;
	}
	return 0;
}
