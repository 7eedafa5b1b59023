/* SPDX-License-Identifier: GPL-2.0-only OR BSD-2-Clause */
/* What `bpfbr net inspect` reports of a network (core layer). */
#ifndef BPFBR_REPORT_INSPECT_H
#define BPFBR_REPORT_INSPECT_H

#include <jansson.h>

#include "model.h"
#include "netctx.h"

/* Every setting of ns, its containers with their addresses, and its pins
 * (the network's directory, walked, and its uplink's); NULL on ENOMEM. */
json_t *report_inspect(struct netctx *c, const struct netstate *ns);

#endif
