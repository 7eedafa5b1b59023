/* SPDX-License-Identifier: GPL-2.0-only OR BSD-2-Clause */
/*
 * The CNI commands, over the same orchestration layer (network.h) and the
 * same state as the CLI. Each returns 0 or -errno with r->e filled with the
 * CNI code and message; only the entry (cni.c) prints.
 */
#ifndef BPFBR_CNI_CMD_H
#define BPFBR_CNI_CMD_H

#include <jansson.h>

#include "cni_conf.h"
#include "cni_env.h"
#include "cni_err.h"
#include "cni_ipam.h"
#include "netctx.h"

struct cni_req {
	struct cni_env env;
	struct cni_conf conf;
	const char *raw; /* the config as read, for a delegated IPAM plugin */
	size_t raw_len;
	struct cni_err *e;
};

/* ADD: *result gets the result in the latest version's shape. */
int cni_add(struct cni_req *r, json_t **result);
int cni_del(struct cni_req *r);
int cni_check(struct cni_req *r);
int cni_gc(struct cni_req *r);
int cni_status(struct cni_req *r);

/* Helpers the commands share. */
bool cni_delegated(const struct cni_req *r);
struct cni_delegate cni_delegate_of(const struct cni_req *r);
/* netctx_open under the config's root (never $BPFBR_ROOT); code on failure. With
 * the lock, an interrupted earlier command is reconciled first. */
int cni_open(struct cni_req *r, struct netctx *c, bool lock, int code);
/* CNI_NETNS must exist (else code 3) and be a network namespace (else 4). */
int cni_check_netns(struct cni_req *r);
/* The uplink to masquerade through: the config's "uplink", or the interface
 * of the node's default route (code 7 if there is none). */
int cni_uplink(struct cni_req *r, struct netctx *c, struct nl_link *up);
/* Sets code unless the failure already has one; returns err. */
int cni_code(struct cni_req *r, int err, int code);

#endif
