/* SPDX-License-Identifier: GPL-2.0-only OR BSD-2-Clause */
/*
 * CNI results: built, checked and converted between spec versions. Inside
 * the plugin a result always has the latest version's shape; results that
 * come in (prevResult, an IPAM plugin's output) are brought to it by
 * cni_result_import and those that go out are converted by
 * cni_result_export. Keys bpfbr does not know are passed through, as a
 * chain needs.
 *   0.3.0-0.4.0  ips[].version ("4" or "6") is required
 *   1.0.0        ips[].version is gone
 *   1.1.0        interfaces[].mtu, socketPath, pciID; routes[].mtu, advmss,
 *                priority, table, scope
 */
#ifndef BPFBR_CNI_RESULT_H
#define BPFBR_CNI_RESULT_H

#include <stdint.h>
#include <jansson.h>

#include "cni_conf.h"
#include "cni_err.h"
#include "cni_version.h"

/* {"interfaces": [], "ips": [], "routes": [], "dns": {}} */
json_t *cni_result_new(void);
/* Checks res, a result of version ver (its own "cniVersion" wins), and
 * converts it in place; what names it in messages ("prevResult"). */
int cni_result_import(json_t *res, enum cni_ver ver, const char *what, struct cni_err *e);
/* A new result in the shape of ver; empty "interfaces" and "routes" are left out. */
json_t *cni_result_export(json_t *res, enum cni_ver ver);

/* Each returns the new entry's index, or -ENOMEM. */
int cni_result_add_iface(json_t *res, const char *name, const uint8_t mac[6], uint32_t mtu,
			 const char *sandbox);
int cni_result_add_ip(json_t *res, uint32_t ip, uint8_t prefix, uint32_t gateway, int iface);
/* gateway 0: no "gw" (the container's gateway is meant). */
/* An IPv6 address ip/prefix via gateway on interface index iface. */
int cni_result_add_ip6(json_t *res, const uint8_t ip[16], uint8_t prefix, const uint8_t gateway[16],
		       int iface);
/* The IPv6 default route, ::/0 via gateway. */
int cni_result_add_route6_default(json_t *res, const uint8_t gateway[16]);
int cni_result_add_route(json_t *res, uint32_t dst, uint8_t prefix, uint32_t gateway);
/* Appends the interfaces, ips and routes of from to res (indexes shifted). */
int cni_result_append(json_t *res, json_t *from);

/* What an IPAM plugin gave: one IPv4 address, its gateway, routes and DNS. */
struct cni_lease {
	uint32_t ip;
	uint8_t prefix;
	uint32_t gateway; /* 0: none given */
	struct route4 routes[CNI_MAX_ROUTES];
	uint32_t n_routes;
	json_t *dns; /* borrowed from the result; NULL: none */
};

int cni_result_lease(json_t *res, struct cni_lease *l, struct cni_err *e);
/* Index of the interface name in sandbox, or -ENOENT. */
int cni_result_find_iface(json_t *res, const char *name, const char *sandbox);

#endif
