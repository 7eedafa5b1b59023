// SPDX-License-Identifier: GPL-2.0-only OR BSD-2-Clause
#include <stdarg.h>
#include <stdio.h>
#include <string.h>

#include <bpf/libbpf.h>

#include "log.h"

static enum log_level cur_level = LOG_WARN;
static void (*err_hook)(const char *msg);

void log_set_level(enum log_level level)
{
	cur_level = level;
}

enum log_level log_get_level(void)
{
	return cur_level;
}

void log_set_err_hook(void (*hook)(const char *msg))
{
	err_hook = hook;
}

static const char *const prefix[] = {
	[LOG_ERR] = "bpfbr: error: ",
	[LOG_WARN] = "bpfbr: warning: ",
	[LOG_INFO] = "bpfbr: ",
	[LOG_DEBUG] = "bpfbr: debug: ",
};

void log_msg(enum log_level level, const char *fmt, ...)
{
	char buf[1024];
	va_list ap;
	size_t len;

	if (level > cur_level)
		return;
	va_start(ap, fmt);
	vsnprintf(buf, sizeof(buf), fmt, ap);
	va_end(ap);
	len = strlen(buf);
	if (len && buf[len - 1] == '\n')
		buf[len - 1] = '\0';
	if (level == LOG_ERR && err_hook) {
		err_hook(buf);
		return;
	}
	fprintf(stderr, "%s%s\n", prefix[level], buf);
}

/* libbpf's own messages, one level down: its warnings are our debug output. */
static int libbpf_print(enum libbpf_print_level level, const char *fmt, va_list ap)
{
	(void)level;
	if (cur_level < LOG_DEBUG)
		return 0;
	return vfprintf(stderr, fmt, ap);
}

void log_bridge_libbpf(void)
{
	libbpf_set_print(libbpf_print);
}
