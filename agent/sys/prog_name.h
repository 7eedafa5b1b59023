/* SPDX-License-Identifier: GPL-2.0-only OR BSD-2-Clause */
/* A loaded program's whole name (sys layer): the kernel keeps 15 bytes of
 * it (bpfbr_uplink_ou), its BTF the function's full name (bpfbr_uplink_out). */
#ifndef BPFBR_PROG_NAME_H
#define BPFBR_PROG_NAME_H

#include <stddef.h>
#include <linux/bpf.h>

/* The program's info into *info, its whole name into buf (the kernel's
 * short one when it has no BTF). -errno if fd is no program. */
int prog_info_named(int fd, struct bpf_prog_info *info, char *buf, size_t size);

#endif
