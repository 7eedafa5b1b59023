/* SPDX-License-Identifier: GPL-2.0-only OR BSD-2-Clause */
/*
 * Whether a socket of the node (the namespace the agent runs in) holds a
 * port: asked by binding a probe socket to it, so that the kernel's own
 * rules answer (a wildcard listener, [::] with IPv4-mapped addresses,
 * SO_REUSEPORT groups), with SO_REUSEADDR for TCP so that connections in
 * TIME_WAIT do not count. The probe is closed at once.
 */
#ifndef BPFBR_NODE_PORT_H
#define BPFBR_NODE_PORT_H

#include <stdint.h>

/* 1: addr:port (network order) of proto is held; 0: free; -errno: cannot tell. */
int node_port_held(uint32_t addr, uint8_t proto, uint16_t port);

#endif
