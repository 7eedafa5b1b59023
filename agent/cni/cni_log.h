/* SPDX-License-Identifier: GPL-2.0-only OR BSD-2-Clause */
/*
 * The call log (config key "logFile", as Multus and Whereabouts name it): a
 * runtime's calls as the plugin saw them, one JSON line per invocation,
 * appended to the file the config names. It records what the runtime sent
 * (the CNI_* variables as set, the network, the version) and how the call
 * ended (code 0, or the error's code and message), so what a runtime did can
 * be read afterwards without wrapping the plugin. Only a call whose stdin
 * names a logFile is logged: libcni's VERSION sends just {"cniVersion"}.
 */
#ifndef BPFBR_CNI_LOG_H
#define BPFBR_CNI_LOG_H

#include <stddef.h>
#include <time.h>
#include <jansson.h>

#include "cni_err.h"

/* The config's "logFile" if it is an absolute path, else NULL. */
const char *cni_log_file(json_t *conf);
/* One line for this invocation: stdin as read (raw, len; may be NULL), when it
 * started, and e when it failed (NULL: it succeeded). A log that cannot be
 * written is reported on stderr and changes nothing else. */
void cni_log_call(const char *raw, size_t len, const struct timespec *start,
		  const struct cni_err *e);
/* The line itself (for tests): NULL when there is nothing to log. */
json_t *cni_log_line(json_t *conf, const struct timespec *start, const struct timespec *end,
		     const struct cni_err *e);

#endif
