/* SPDX-License-Identifier: GPL-2.0-only OR BSD-2-Clause */
/*
 * Strict JSON through jansson: duplicate keys rejected, errors that carry a
 * line and column, typed getters that say which key is wrong and why.
 * Every getter returns 0, -ENOENT (key absent; optional keys are allowed to
 * be), or -EINVAL with the reason written to err.
 */
#ifndef BPFBR_JSONUTIL_H
#define BPFBR_JSONUTIL_H

#include <stdbool.h>
#include <stddef.h>
#include <stdint.h>
#include <jansson.h>

#define JERR_LEN 256

/* Parses text; on failure err reads "line L, column C: what". */
json_t *json_parse_strict(const char *text, size_t len, char err[JERR_LEN]);
json_t *json_load_file_strict(const char *path, char err[JERR_LEN]);

int jget_str(json_t *obj, const char *key, char *buf, size_t size, char err[JERR_LEN]);
int jget_u32(json_t *obj, const char *key, uint32_t max, uint32_t *out, char err[JERR_LEN]);
int jget_u64(json_t *obj, const char *key, uint64_t *out, char err[JERR_LEN]);
int jget_bool(json_t *obj, const char *key, bool *out, char err[JERR_LEN]);
/* Fails on the first key of obj that is not in the NULL-terminated list. */
int jcheck_keys(json_t *obj, const char *const *known, char err[JERR_LEN]);

/* Writes v to path atomically (temp file, fsync, rename), mode 0600. */
int json_write_file_atomic(json_t *v, const char *path);

#endif
