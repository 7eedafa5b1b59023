/* SPDX-License-Identifier: GPL-2.0-only OR BSD-2-Clause */
/* One logger. Errors are one line on stderr that name the object and the fix. */
#ifndef BPFBR_LOG_H
#define BPFBR_LOG_H

enum log_level { LOG_ERR, LOG_WARN, LOG_INFO, LOG_DEBUG };

void log_set_level(enum log_level level);
enum log_level log_get_level(void);
void log_bridge_libbpf(void);
/* Where error lines go (stderr by default; the CNI plugin keeps the last one). */
void log_set_err_hook(void (*hook)(const char *msg));
void log_msg(enum log_level level, const char *fmt, ...) __attribute__((format(printf, 2, 3)));

#define pr_err(...)   log_msg(LOG_ERR, __VA_ARGS__)
#define pr_warn(...)  log_msg(LOG_WARN, __VA_ARGS__)
#define pr_info(...)  log_msg(LOG_INFO, __VA_ARGS__)
#define pr_debug(...) log_msg(LOG_DEBUG, __VA_ARGS__)

#endif
