// SPDX-License-Identifier: GPL-2.0-only OR BSD-2-Clause
#include <errno.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <sys/stat.h>

#include "paths.h"

int path_join(char *buf, size_t size, const char *dir, const char *name)
{
	size_t dlen = strlen(dir);
	int n;

	while (dlen > 1 && dir[dlen - 1] == '/')
		dlen--;
	n = snprintf(buf, size, "%.*s/%s", (int)dlen, dir, name);
	if (n < 0 || (size_t)n >= size)
		return -ENAMETOOLONG;
	if (dlen == 1 && dir[0] == '/')
		memmove(buf, buf + 1, strlen(buf)); /* "/" + "/x" -> "/x" */
	return 0;
}

int paths_init(struct paths *p, const char *root)
{
	int err;

	if (!root)
		root = getenv("BPFBR_ROOT");
	if (!root || !*root)
		root = "/";
	if (strlen(root) >= sizeof(p->root))
		return -ENAMETOOLONG;
	strcpy(p->root, root);
	err = path_join(p->bpffs, sizeof(p->bpffs), root, "sys/fs/bpf");
	if (!err)
		err = path_join(p->pins, sizeof(p->pins), p->bpffs, "bpfbr");
	if (!err)
		err = path_join(p->state, sizeof(p->state), root, "var/lib/bpfbr");
	if (!err)
		err = path_join(p->run, sizeof(p->run), root, "run/bpfbr");
	return err;
}

int mkdir_p(const char *path, unsigned int mode)
{
	char buf[PATH_MAX];
	size_t len = strlen(path);

	if (len >= sizeof(buf))
		return -ENAMETOOLONG;
	memcpy(buf, path, len + 1);
	for (char *s = buf + 1; *s; s++) {
		if (*s != '/')
			continue;
		*s = '\0';
		if (mkdir(buf, mode) && errno != EEXIST)
			return -errno;
		*s = '/';
	}
	if (mkdir(buf, mode) && errno != EEXIST)
		return -errno;
	return 0;
}
