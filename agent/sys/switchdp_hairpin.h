/* SPDX-License-Identifier: GPL-2.0-only OR BSD-2-Clause */
/*
 * A network's hairpin tables (bpfbr/hairpin.h): its containers' published
 * ports, as the switch reaches them, and the flows it translated. Each
 * returns 0 or -errno; nothing to do (0) in a datapath an older build
 * pinned without them, until bpfbr upgrade.
 */
#ifndef BPFBR_SWITCHDP_HAIRPIN_H
#define BPFBR_SWITCHDP_HAIRPIN_H

#include <stdint.h>

#include "bpfbr/hairpin.h"
#include "bpfbr/publish.h"
#include "switchdp.h"

/* Pin names under PINS/NET/. */
#define PIN_HAIRPIN_PORTS "hairpin_ports"
#define PIN_HAIRPIN_FLOWS "hairpin_flows"

/* k (a host port of the node's address) -> t (a container port of the network). */
int switchdp_hairpin_add(const struct switchdp *dp, const struct bpfbr_pub_key *k,
			 const struct bpfbr_hairpin_target *t);
/* The target of k; -ENOENT when the switch has none (or no such table). */
int switchdp_hairpin_get(const struct switchdp *dp, const struct bpfbr_pub_key *k,
			 struct bpfbr_hairpin_target *t);
/* Every published port of the port ifindex, and every flow into its slot, removed. */
int switchdp_hairpin_del_port(const struct switchdp *dp, uint32_t ifindex, uint16_t slot);

#endif
