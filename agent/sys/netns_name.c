// SPDX-License-Identifier: GPL-2.0-only OR BSD-2-Clause
#include <dirent.h>
#include <stdio.h>
#include <sys/stat.h>

#include "netns.h"
#include "netns_name.h"
#include "paths.h"

const char *netns_describe(uint64_t id, char *buf, size_t size)
{
	char path[PATH_MAX];
	struct dirent *d;
	struct stat st;
	DIR *dh = opendir(NETNS_RUN_DIR);

	snprintf(buf, size, "inode %llu", (unsigned long long)id);
	if (!dh)
		return buf;
	while ((d = readdir(dh))) {
		if (d->d_name[0] == '.' || path_join(path, sizeof(path), NETNS_RUN_DIR, d->d_name))
			continue;
		if (!stat(path, &st) && st.st_ino == id) {
			snprintf(buf, size, "%s (inode %llu)", d->d_name, (unsigned long long)id);
			break;
		}
	}
	closedir(dh);
	return buf;
}
