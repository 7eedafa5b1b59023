/* SPDX-License-Identifier: GPL-2.0-only OR BSD-2-Clause */
/* Reading and writing /proc/sys/net of the calling thread's network namespace. */
#ifndef BPFBR_SYSCTL_H
#define BPFBR_SYSCTL_H

#include <stddef.h>

/* key is relative to /proc/sys, e.g. "net/ipv6/conf/veth0/disable_ipv6". */
int sysctl_read(const char *key, char *buf, size_t size);
int sysctl_write(const char *key, const char *value);

#endif
