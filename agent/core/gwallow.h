/* SPDX-License-Identifier: GPL-2.0-only OR BSD-2-Clause */
/*
 * The node services containers may reach on their gateway address:
 * "all" (as on a bridge), or a list such as "udp/53,tcp/53,tcp/8080"
 * (PROTO alone: every port). ICMP and replies to connections the node
 * opened always pass; everything else of the node is out of reach.
 */
#ifndef BPFBR_GWALLOW_H
#define BPFBR_GWALLOW_H

#include <stdbool.h>

#include "bpfbr/netcfg.h"
#include "model.h"

struct gwallow {
	bool all;
	__u32 n;
	struct bpfbr_service svc[BPFBR_GATEWAY_ALLOW_MAX];
};

/* 0, or -EINVAL with what is wrong written to why. */
int gwallow_parse(const char *s, struct gwallow *g, char *why, size_t size);
/* Adds proto/port (host order) unless present; -ENOSPC when the list is full. */
int gwallow_add(struct gwallow *g, __u8 proto, __u16 port);
/* Writes g back as a list ("" when empty). */
void gwallow_format(const struct gwallow *g, char *buf, size_t size);
/*
 * The list a network keeps (into out): user's (NULL: none), plus DNS
 * (udp/53, tcp/53) when one of dns's servers is the gateway. 0, or -EINVAL
 * with what is wrong written to why.
 */
int gwallow_network(const char *user, uint32_t gateway, const struct net_dns *dns, char *out,
		    size_t size, char *why, size_t why_size);

#endif
