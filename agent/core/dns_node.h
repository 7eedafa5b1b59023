/* SPDX-License-Identifier: GPL-2.0-only OR BSD-2-Clause */
/*
 * The resolver a container of the CLI gets (core layer), as Docker gives it
 * on its default bridge. With --dns, the network's. Without, the node's
 * ROOT/etc/resolv.conf, which `ip netns exec` shows as it is, unless its
 * nameservers are loopback addresses a container cannot reach
 * (systemd-resolved's 127.0.0.53): those are dropped, and when none is left
 * the upstream servers systemd-resolved uses (ROOT/run/systemd/resolve/
 * resolv.conf) stand in, else Google's public servers 8.8.8.8 and 8.8.4.4,
 * as Docker's fallback. --dns-search (or a domain) without --dns takes the
 * node's nameservers the same way.
 */
#ifndef BPFBR_DNS_NODE_H
#define BPFBR_DNS_NODE_H

#include "model.h"
#include "paths.h"

/* 1 with out filled when the container needs a resolv.conf of its own, 0
 * when the node's serves it as it is. */
int dns_for_container(const struct paths *p, const struct net_dns *net, struct net_dns *out);

#endif
