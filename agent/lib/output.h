/* SPDX-License-Identifier: GPL-2.0-only OR BSD-2-Clause */
/* Rendering reports: JSON as is with -j, else text for people. */
#ifndef BPFBR_OUTPUT_H
#define BPFBR_OUTPUT_H

#include <stdbool.h>
#include <jansson.h>

void print_json(json_t *v);
void print_net_list(json_t *nets, bool json);
void print_fdb(json_t *entries, bool json);
void print_status(json_t *nets, bool json);
void print_nat(json_t *flows, bool json);
void print_removed(json_t *removed, bool json);
void print_upgraded(json_t *done, bool json);

/* A changing command's result: the object o with -j, else the line fmt. Takes o. */
void print_result(json_t *o, bool json, const char *fmt, ...) __attribute__((format(printf, 3, 4)));

/* What a restore made again or forgot. */
void print_restored(json_t *done, bool json);

#endif
