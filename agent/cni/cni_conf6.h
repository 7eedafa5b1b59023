/* SPDX-License-Identifier: GPL-2.0-only OR BSD-2-Clause */
/*
 * The dual-stack parts of a network configuration (cni_conf.h): "ranges" in
 * host-local's format (an array of range sets, one per family, each one
 * range here), an IPv6 route ("::/0"), and an IPv6 address a runtime asks
 * for (runtimeConfig.ips, args.cni.ips, CNI_ARGS IP).
 */
#ifndef BPFBR_CNI_CONF6_H
#define BPFBR_CNI_CONF6_H

#include <jansson.h>

#include "cni_conf.h"

/* "ranges": fills c's IPv4 subnet, gateway and range and its IPv6 subnet and gateway. */
int cni_conf6_ranges(struct cni_conf *c, json_t *v, struct cni_err *e);
/* Route r (at key) whose "dst" is IPv6: only "::/0", via the IPv6 gateway. */
int cni_conf6_route(struct cni_conf *c, json_t *r, const char *key, struct cni_err *e);
/* An IPv6 address (s, "ADDR" or "ADDR/N") asked for by from, with priority prio. */
int cni_conf6_request_ip(struct cni_conf *c, const char *s, const char *from, int prio,
			 struct cni_err *e);

#endif
