// SPDX-License-Identifier: GPL-2.0-only OR BSD-2-Clause
#include <errno.h>
#include <stdarg.h>
#include <stdio.h>
#include <string.h>

#include "cni_err.h"

/* Length of the valid UTF-8 sequence at s, or 0. */
static size_t utf8_len(const unsigned char *s)
{
	size_t n = *s < 0x80	     ? 1
		   : (*s >> 5) == 6  ? 2
		   : (*s >> 4) == 14 ? 3
		   : (*s >> 3) == 30 ? 4
				     : 0;

	for (size_t i = 1; i < n; i++)
		if ((s[i] & 0xc0) != 0x80)
			return 0;
	return n;
}

/* JSON strings must be UTF-8 (as jansson checks it): bytes from names and
 * paths that are not become '?'. */
static void make_utf8(char *s)
{
	while (*s) {
		size_t n = utf8_len((unsigned char *)s);
		json_t *c = n > 1 ? json_stringn(s, n) : NULL;

		if (!n || (n > 1 && !c)) {
			*s++ = '?';
			continue;
		}
		json_decref(c);
		s += n;
	}
}

void cni_err_note(struct cni_err *e, const char *text)
{
	size_t len = strlen(e->details);

	if (!e->msg[0]) {
		snprintf(e->msg, sizeof(e->msg), "%s", text);
		make_utf8(e->msg);
		return;
	}
	if (!strcmp(e->msg, text))
		return;
	snprintf(e->details + len, sizeof(e->details) - len, "%s%s", len ? "; " : "", text);
	make_utf8(e->details + len);
}

int cni_fail(struct cni_err *e, int code, const char *fmt, ...)
{
	char text[CNI_MSG_LEN];
	va_list ap;

	va_start(ap, fmt);
	vsnprintf(text, sizeof(text), fmt, ap);
	va_end(ap);
	if (!e->code)
		e->code = code;
	cni_err_note(e, text);
	return -EINVAL;
}

void cni_err_finish(struct cni_err *e, int code, int err)
{
	if (!e->code)
		e->code = code;
	if (!e->msg[0])
		snprintf(e->msg, sizeof(e->msg), "%s", strerror(err < 0 ? -err : err));
}

json_t *cni_err_json(const struct cni_err *e, const char *version)
{
	json_t *v =
		json_pack("{s:s, s:i, s:s}", "cniVersion", version, "code", e->code, "msg", e->msg);

	if (v && e->details[0] && json_object_set_new(v, "details", json_string(e->details))) {
		json_decref(v);
		return NULL;
	}
	return v;
}
