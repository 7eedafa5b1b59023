/* SPDX-License-Identifier: GPL-2.0-only OR BSD-2-Clause */
/*
 * The CNI_* variables a runtime sets, checked against what each command
 * needs (code 4 naming every variable that is missing or invalid). Nothing
 * else in the environment is read in CNI mode.
 */
#ifndef BPFBR_CNI_ENV_H
#define BPFBR_CNI_ENV_H

#include "cni_err.h"

enum cni_cmd { CNI_ADD, CNI_DEL, CNI_CHECK, CNI_GC, CNI_STATUS, CNI_VERSION };

struct cni_env {
	enum cni_cmd cmd;
	const char *command;
	const char *containerid; /* NULL when not set */
	const char *netns;	 /* NULL when not set or empty */
	const char *ifname;
	const char *args;
	const char *path; /* CNI_PATH: where delegated plugins are looked up */
};

int cni_env_read(struct cni_env *env, struct cni_err *e);
/* The spec's container ID: an alphanumeric, then alphanumerics, '_', '.', '-'. */
bool cni_valid_containerid(const char *id);

#endif
