/* SPDX-License-Identifier: GPL-2.0-only OR BSD-2-Clause */
/*
 * The IPv6 maps of a network's datapath (layer: sys): "config6" and
 * "ports6" (include/bpfbr/net6.h). A datapath an older build pinned has
 * neither until `bpfbr upgrade`: writing to it gives -EOPNOTSUPP.
 */
#ifndef BPFBR_SWITCHDP6_H
#define BPFBR_SWITCHDP6_H

#include <stdint.h>

#include "bpfbr/net6.h"
#include "switchdp.h"

int switchdp_config6_set(const struct switchdp *dp, const struct bpfbr_netcfg6 *cfg);
int switchdp_port6_set(const struct switchdp *dp, uint32_t ifindex, const struct bpfbr_port6 *p);

#endif
