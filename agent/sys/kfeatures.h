/* SPDX-License-Identifier: GPL-2.0-only OR BSD-2-Clause */
/*
 * The kernel features bpfbr uses where it finds them (sys layer), each
 * found by using it, never from the kernel's version string: TCX links,
 * native XDP on veth, netkit devices, the kernel's BTF, and tracing
 * programs (MAC following). The devices are made in a namespace of a child process that
 * ends with it, so nothing of the node is touched and nothing stays.
 */
#ifndef BPFBR_KFEATURES_H
#define BPFBR_KFEATURES_H

#include <jansson.h>

/* An array of {"name", "found", "what", "why" when not found}; NULL on ENOMEM. */
json_t *kfeatures_probe(void);

#endif
