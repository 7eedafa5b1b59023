// SPDX-License-Identifier: GPL-2.0-only OR BSD-2-Clause
#include <errno.h>
#include <string.h>

#include "cni_version.h"

static const char *const names[CNI_VER_COUNT] = {
	[CNI_V030] = "0.3.0", [CNI_V031] = "0.3.1", [CNI_V040] = "0.4.0",
	[CNI_V100] = "1.0.0", [CNI_V110] = "1.1.0",
};

const char *cni_ver_name(enum cni_ver v)
{
	return names[v];
}

int cni_ver_parse(const char *s, enum cni_ver *v)
{
	for (int i = 0; i < CNI_VER_COUNT; i++)
		if (!strcmp(s, names[i])) {
			*v = (enum cni_ver)i;
			return 0;
		}
	return -EPROTONOSUPPORT;
}

const char *cni_ver_list(void)
{
	return "0.3.0, 0.3.1, 0.4.0, 1.0.0, 1.1.0";
}
