/* SPDX-License-Identifier: GPL-2.0-only OR BSD-2-Clause */
/*
 * A container's published ports in its network's switch (layer: core), so
 * that the network's containers reach them on the node's address through
 * the switch (hairpin, bpf/lib/hairpin.h), written beside the uplink's map
 * and removed with the container's port (switchdp_port_del).
 */
#ifndef BPFBR_PORT_HAIRPIN_H
#define BPFBR_PORT_HAIRPIN_H

#include "model.h"
#include "netctx.h"

/* a's published ports on the node's address addr (network order). */
int port_hairpin_write(struct netctx *c, const struct netstate *state, const struct attachment *a,
		       uint32_t addr);

#endif
