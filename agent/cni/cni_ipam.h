/* SPDX-License-Identifier: GPL-2.0-only OR BSD-2-Clause */
/*
 * Delegation to an IPAM plugin ("ipam": {"type": …}), as the spec has it:
 * the executable is looked up in CNI_PATH, gets the whole network config on
 * stdin and the same CNI_* variables, its stderr is ours, and its stdout is
 * a result or a CNI error, which is passed on with its code.
 */
#ifndef BPFBR_CNI_IPAM_H
#define BPFBR_CNI_IPAM_H

#include <stdbool.h>
#include <stddef.h>
#include <jansson.h>

#include "cni_err.h"
#include "cni_version.h"

struct cni_delegate {
	const char *type; /* ipam.type */
	const char *path; /* CNI_PATH */
	const char *conf; /* the network config as the runtime passed it */
	size_t conf_len;
	enum cni_ver ver;
};

/*
 * Runs the plugin with CNI_COMMAND=cmd; id and ifname, when not NULL,
 * replace CNI_CONTAINERID and CNI_IFNAME (GC releases containers the
 * runtime no longer names). *result, when not NULL, gets what it printed:
 * for ADD the result, checked and imported.
 */
int cni_ipam_run(const struct cni_delegate *d, const char *cmd, const char *id, const char *ifname,
		 json_t **result, struct cni_err *e);
/* 1 if the plugin lists ver among its VERSION's supportedVersions, 0 if
 * not, -errno if it cannot be asked (e filled). */
int cni_ipam_speaks(const struct cni_delegate *d, enum cni_ver ver, struct cni_err *e);

#endif
