/* SPDX-License-Identifier: GPL-2.0-only OR BSD-2-Clause */
/*
 * (cli) `bpfbr status -j`'s reports of one or more networks as the
 * Prometheus text exposition format (version 0.0.4): every counter and fill
 * level, under bpfbr_ names, counters ending in _total. An uplink shared by
 * several networks is written once. The values are the report's, so they
 * equal what status prints from the same reading.
 */
#ifndef BPFBR_METRICS_H
#define BPFBR_METRICS_H

#include <stdio.h>
#include <jansson.h>

/* nets: an array of report_status() objects. 0, or -EIO when out fails. */
int metrics_write(json_t *nets, FILE *out);

#endif
