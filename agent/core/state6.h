/* SPDX-License-Identifier: GPL-2.0-only OR BSD-2-Clause */
/*
 * A network's IPv6 in its state file (layer: core): "subnet6", "gateway6"
 * and "last_ip6" of the network, "ip6" of an attachment. Every key is
 * optional, so files written before IPv6 (and IPv4-only networks) read as
 * networks without IPv6. Each returns 0 or -EINVAL with err filled.
 */
#ifndef BPFBR_STATE6_H
#define BPFBR_STATE6_H

#include <jansson.h>

#include "jsonutil.h"
#include "model.h"

/* Adds a's IPv6 to obj (taken: returned, or NULL after freeing it on failure). */
json_t *att6_to_json(const struct attachment *a, json_t *obj);
/* Adds the network's IPv6 to root: 0, or -ENOMEM. */
int net6_to_json(const struct netstate *state, json_t *root);
int att6_read(json_t *o, struct attachment *a, char err[JERR_LEN]);
int net6_read(json_t *o, struct netstate *state, char err[JERR_LEN]);
/* The whole consistent: the gateway and every address inside the subnet, no address twice. */
int net6_check(const struct netstate *state, char err[JERR_LEN]);

#endif
