// SPDX-License-Identifier: GPL-2.0-only OR BSD-2-Clause
#include <errno.h>
#include <stdbool.h>
#include <stdlib.h>
#include <bpf/bpf.h>

#include "uplinkdp_publish.h"

int uplinkdp_publish_add(const struct uplinkdp *u, const struct bpfbr_pub_key *k,
			 const struct bpfbr_pub_target *t, struct bpfbr_pub_target *held)
{
	int err;

	if (u->published < 0)
		return -EOPNOTSUPP;
	if (!bpf_map_update_elem(u->published, k, t, BPF_NOEXIST))
		return 0;
	err = -errno;
	if (err == -EEXIST && bpf_map_lookup_elem(u->published, k, held))
		return -errno == -ENOENT ? uplinkdp_publish_add(u, k, t, held) : -errno;
	return err;
}

int uplinkdp_publish_get(const struct uplinkdp *u, const struct bpfbr_pub_key *k,
			 struct bpfbr_pub_target *t)
{
	if (u->published < 0)
		return -ENOENT;
	return bpf_map_lookup_elem(u->published, k, t) ? -errno : 0;
}

int uplinkdp_publish_del_target(const struct uplinkdp *u, uint32_t addr, uint32_t *n)
{
	struct bpfbr_pub_key *keys, k, cur;
	struct bpfbr_pub_target t;
	bool first = true;
	uint32_t found = 0;
	int err = 0;

	*n = 0;
	if (u->published < 0)
		return 0; /* a datapath without the map has none */
	keys = calloc(BPFBR_PUBLISHED_MAX, sizeof(*keys));
	if (!keys)
		return -ENOMEM;
	/* Collected first: deleting during the walk would restart it. */
	while (found < BPFBR_PUBLISHED_MAX &&
	       !bpf_map_get_next_key(u->published, first ? NULL : &cur, &k)) {
		if (!bpf_map_lookup_elem(u->published, &k, &t) && t.addr == addr)
			keys[found++] = k;
		cur = k;
		first = false;
	}
	for (uint32_t i = 0; i < found; i++) {
		if (bpf_map_delete_elem(u->published, &keys[i]) && errno != ENOENT)
			err = -errno;
		else
			(*n)++;
	}
	free(keys);
	return err;
}
