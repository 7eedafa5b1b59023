// SPDX-License-Identifier: GPL-2.0-only OR BSD-2-Clause
#include <stdio.h>
#include <string.h>

#include "elide.h"

#define ELIDE_KEEP 48

const char *elide(const char *v, char *buf, size_t size)
{
	size_t len = strlen(v);

	if (len <= ELIDE_KEEP + 16 || size < ELIDE_KEEP + 32)
		snprintf(buf, size, "%s", v);
	else
		snprintf(buf, size, "%.*s…(%zu bytes)", ELIDE_KEEP, v, len);
	return buf;
}
