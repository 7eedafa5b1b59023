// SPDX-License-Identifier: GPL-2.0-only OR BSD-2-Clause
#include <errno.h>
#include <stdlib.h>
#include <string.h>
#include <bpf/bpf.h>

#include "lpm_set.h"

static bool wanted(const struct lpm4_key *keys, uint32_t n, const struct lpm4_key *k)
{
	for (uint32_t i = 0; i < n; i++)
		if (!memcmp(&keys[i], k, sizeof(*k)))
			return true;
	return false;
}

int lpm4_set_replace(int fd, const struct lpm4_key *keys, uint32_t n, uint32_t max)
{
	struct lpm4_key key, next, *stale = calloc(max ? max : 1, sizeof(*stale));
	uint32_t n_stale = 0;
	uint8_t one = 1;
	int err = 0;

	if (!stale)
		return -ENOMEM;
	/* Deleting while walking would restart the walk: the stale keys first. */
	for (void *prev = NULL; n_stale < max && !bpf_map_get_next_key(fd, prev, &next);
	     prev = &key) {
		key = next;
		if (!wanted(keys, n, &key))
			stale[n_stale++] = key;
	}
	for (uint32_t i = 0; i < n_stale; i++)
		bpf_map_delete_elem(fd, &stale[i]);
	for (uint32_t i = 0; i < n && !err; i++)
		if (bpf_map_update_elem(fd, &keys[i], &one, BPF_ANY))
			err = -errno;
	free(stale);
	return err;
}
