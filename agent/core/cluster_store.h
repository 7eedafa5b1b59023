/* SPDX-License-Identifier: GPL-2.0-only OR BSD-2-Clause */
/*
 * Where the cluster declaration is kept (core layer): STATE/cluster.json,
 * strict JSON, written whole and atomically (one rename), so a command
 * killed while writing leaves the old declaration or the new one.
 */
#ifndef BPFBR_CLUSTER_STORE_H
#define BPFBR_CLUSTER_STORE_H

#include "cluster.h"
#include "paths.h"

/* The declaration; an empty one (not declared, no nodes) when there is none.
 * Says why on stderr when the file cannot be read or is not valid. */
int cluster_load(const struct paths *p, struct cluster *cl);
/* Checks cl as a whole (cluster_check, said on stderr) and writes it. */
int cluster_save(const struct paths *p, const struct cluster *cl);

#endif
