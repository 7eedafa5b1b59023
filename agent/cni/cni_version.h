/* SPDX-License-Identifier: GPL-2.0-only OR BSD-2-Clause */
/* The CNI spec versions the plugin speaks, oldest first. */
#ifndef BPFBR_CNI_VERSION_H
#define BPFBR_CNI_VERSION_H

enum cni_ver {
	CNI_V030,
	CNI_V031,
	CNI_V040, /* CHECK, prevResult on DEL */
	CNI_V100, /* ips[].version dropped */
	CNI_V110, /* GC, STATUS; interface and route attributes */
	CNI_VER_COUNT,
};

#define CNI_VER_LATEST CNI_V110

const char *cni_ver_name(enum cni_ver v);
/* -EPROTONOSUPPORT for a version the plugin does not speak. */
int cni_ver_parse(const char *s, enum cni_ver *v);
/* "0.3.0, 0.3.1, …" for messages. */
const char *cni_ver_list(void);

#endif
