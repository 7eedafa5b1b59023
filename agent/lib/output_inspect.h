/* SPDX-License-Identifier: GPL-2.0-only OR BSD-2-Clause */
/* `bpfbr net inspect` as text or JSON (lib layer). */
#ifndef BPFBR_OUTPUT_INSPECT_H
#define BPFBR_OUTPUT_INSPECT_H

#include <stdbool.h>
#include <jansson.h>

/* The networks report_inspect() described: JSON as is (an array), or for each
 * a block of "setting: value" lines, its containers and its pins. */
void print_inspect(json_t *nets, bool json);

#endif
