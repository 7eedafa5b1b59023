/* SPDX-License-Identifier: GPL-2.0-only OR BSD-2-Clause */
/*
 * An attachment's published ports in its state file (layer: core):
 * "publish": ["8080:80/tcp", …] as the user wrote them (publish.h), absent
 * when there are none (and in files written before them).
 */
#ifndef BPFBR_STATE_PUBLISH_H
#define BPFBR_STATE_PUBLISH_H

#include <jansson.h>

#include "jsonutil.h"
#include "model.h"

/* Adds a's published ports to obj (taken: returned, or NULL after freeing it on failure). */
json_t *att_publish_to_json(const struct attachment *a, json_t *obj);
/* 0, or -EINVAL with err filled. */
int att_publish_read(json_t *o, struct attachment *a, char err[JERR_LEN]);
/* The network's "node_cgroup" (absent when none): 0, or -ENOMEM. */
int net_publish_to_json(const struct netstate *state, json_t *root);
/* 0, or -EINVAL with err filled. */
int net_publish_read(json_t *o, struct netstate *state, char err[JERR_LEN]);

#endif
