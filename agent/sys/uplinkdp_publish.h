/* SPDX-License-Identifier: GPL-2.0-only OR BSD-2-Clause */
/*
 * The published ports of an uplink's masquerade datapath (map "published",
 * bpfbr/publish.h), one host port per entry. Each returns 0 or -errno;
 * -EOPNOTSUPP when the datapath was pinned by a build without the map.
 */
#ifndef BPFBR_UPLINKDP_PUBLISH_H
#define BPFBR_UPLINKDP_PUBLISH_H

#include "bpfbr/publish.h"
#include "uplinkdp.h"

/* Adds k -> t; -EEXIST when k is published already (*held gets its target). */
int uplinkdp_publish_add(const struct uplinkdp *u, const struct bpfbr_pub_key *k,
			 const struct bpfbr_pub_target *t, struct bpfbr_pub_target *held);
/* The target of k; -ENOENT when it is not published. */
int uplinkdp_publish_get(const struct uplinkdp *u, const struct bpfbr_pub_key *k,
			 struct bpfbr_pub_target *t);
/* Removes every entry whose target is container address addr; *n gets how many. */
int uplinkdp_publish_del_target(const struct uplinkdp *u, uint32_t addr, uint32_t *n);

#endif
