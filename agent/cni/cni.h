/* SPDX-License-Identifier: GPL-2.0-only OR BSD-2-Clause */
/*
 * bpfbr as a CNI plugin: invoked by a runtime with CNI_COMMAND and the
 * other CNI_* variables set, the network config on stdin, no arguments.
 * Prints the result (ADD, VERSION) or a CNI error as JSON on stdout.
 */
#ifndef BPFBR_CNI_H
#define BPFBR_CNI_H

#include <stdbool.h>

/* How main tells a runtime's call from a command line. */
bool cni_invoked(int argc);
/* Runs one CNI command; returns the process exit status. */
int cni_main(void);

#endif
