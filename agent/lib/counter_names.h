/* SPDX-License-Identifier: GPL-2.0-only OR BSD-2-Clause */
/* Names of the datapath's drop reasons and events, as status prints them. */
#ifndef BPFBR_COUNTER_NAMES_H
#define BPFBR_COUNTER_NAMES_H

#include <stdbool.h>
#include <stdint.h>

/* NULL for an index that is neither. */
const char *counter_name(uint32_t index);
bool counter_is_drop(uint32_t index);
/* A drop reason or an event (the indexes between are unused). */
bool counter_is_named(uint32_t index);

#endif
