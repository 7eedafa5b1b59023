/* SPDX-License-Identifier: GPL-2.0-only OR BSD-2-Clause */
/*
 * The CNI_* variables a runtime sets. Each command reads only those it uses
 * (the spec's table) and fails with code 4 naming every one of them that is
 * missing or invalid; the others are never read, so VERSION answers
 * whatever the environment holds. Nothing else in the environment is read
 * in CNI mode.
 */
#ifndef BPFBR_CNI_ENV_H
#define BPFBR_CNI_ENV_H

#include "cni_err.h"

enum cni_cmd { CNI_ADD, CNI_DEL, CNI_CHECK, CNI_GC, CNI_STATUS, CNI_VERSION };

struct cni_env {
	enum cni_cmd cmd;
	const char *command;
	/* NULL when not set, empty, or not used by the command. */
	const char *containerid;
	const char *netns;
	const char *ifname;
	const char *args;
	const char *path; /* CNI_PATH: where delegated plugins are looked up */
};

int cni_env_read(struct cni_env *env, struct cni_err *e);
/* The spec's container ID: an alphanumeric, then alphanumerics, '_', '.', '-'. */
bool cni_valid_containerid(const char *id);
/* CNI_NETNS: an absolute path. */
bool cni_valid_netns(const char *path);

#endif
