/* SPDX-License-Identifier: GPL-2.0-only OR BSD-2-Clause */
/*
 * runtimeConfig.portMappings, the "portMappings" capability's argument
 * (podman -p, Kubernetes hostPort): [{hostPort, containerPort, protocol,
 * hostIP}], one port each, as published ports (publish.h); consecutive ones
 * (a range the runtime spelled out) joined into one range.
 */
#ifndef BPFBR_CNI_PORTS_H
#define BPFBR_CNI_PORTS_H

#include <stdint.h>
#include <jansson.h>

#include "cni_err.h"
#include "publish.h"

/* 0, or the CNI error code with e filled. */
int cni_port_mappings(json_t *v, struct publish pub[PUBLISH_MAX], uint32_t *n, struct cni_err *e);

#endif
