// SPDX-License-Identifier: GPL-2.0-only OR BSD-2-Clause
#define _GNU_SOURCE
#include <ctype.h>
#include <dirent.h>
#include <errno.h>
#include <fcntl.h>
#include <limits.h>
#include <stdbool.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <unistd.h>
#include <sys/stat.h>

#include "mntns.h"

/* Propagation of the mount that covers a directory. */
struct prop {
	size_t len; /* of the mount point; 0: none found */
	unsigned long shared, master;
};

/* mountinfo escapes ' ', '\t', '\n' and '\\' as \ooo. */
static void unescape(char *s)
{
	char *d = s;

	for (; *s; s++, d++) {
		if (s[0] == '\\' && isdigit((unsigned char)s[1]) && isdigit((unsigned char)s[2]) &&
		    isdigit((unsigned char)s[3])) {
			*d = (char)((s[1] - '0') * 64 + (s[2] - '0') * 8 + (s[3] - '0'));
			s += 3;
		} else {
			*d = *s;
		}
	}
	*d = '\0';
}

static bool covers(const char *mnt, const char *dir)
{
	size_t n = strlen(mnt);

	if (!strcmp(mnt, "/"))
		return true;
	return !strncmp(mnt, dir, n) && (dir[n] == '\0' || dir[n] == '/');
}

/* The last (topmost) of the longest mount points covering dir in pid's mountinfo. */
static int covering_mount(const char *pid, const char *dir, struct prop *p)
{
	char path[64], line[4096], mnt[PATH_MAX];
	FILE *f;

	snprintf(path, sizeof(path), "/proc/%s/mountinfo", pid);
	f = fopen(path, "re");
	if (!f)
		return -errno;
	memset(p, 0, sizeof(*p));
	while (fgets(line, sizeof(line), f)) {
		char *save = NULL, *tok;
		struct prop q = { 0 };
		int field = 0;

		for (tok = strtok_r(line, " \n", &save); tok; tok = strtok_r(NULL, " \n", &save)) {
			field++;
			if (field == 5) {
				snprintf(mnt, sizeof(mnt), "%s", tok);
				unescape(mnt);
			} else if (field > 6 && !strcmp(tok, "-")) {
				break;
			} else if (field > 6) {
				sscanf(tok, "shared:%lu", &q.shared);
				sscanf(tok, "master:%lu", &q.master);
			}
		}
		if (field < 6 || !covers(mnt, dir) || strlen(mnt) < p->len)
			continue;
		q.len = strlen(mnt);
		*p = q;
	}
	fclose(f);
	return p->len ? 0 : -ENOENT;
}

static int same_mntns(int fd)
{
	struct stat a, b;

	return !fstat(fd, &a) && !stat("/proc/self/ns/mnt", &b) && a.st_ino == b.st_ino &&
	       a.st_dev == b.st_dev;
}

/* A process whose copy of dir is the shared original of ours: its mount namespace. */
static int find_master(const char *dir, unsigned long group)
{
	struct dirent *de;
	struct prop p;
	DIR *d = opendir("/proc");
	int fd = -EXDEV;
	char path[300];

	if (!d)
		return -errno;
	while (fd < 0 && (de = readdir(d))) {
		if (!isdigit((unsigned char)de->d_name[0]) || covering_mount(de->d_name, dir, &p) ||
		    p.shared != group)
			continue;
		snprintf(path, sizeof(path), "/proc/%s/ns/mnt", de->d_name);
		fd = open(path, O_RDONLY | O_CLOEXEC);
		if (fd >= 0 && same_mntns(fd)) {
			close(fd);
			fd = -EXDEV;
		} else if (fd < 0) {
			fd = -EXDEV;
		}
	}
	closedir(d);
	return fd;
}

int mntns_for_netns(const char *dir)
{
	struct prop p;

	/* No master: what is mounted here reaches everybody who shares this
	 * mount (or this is a world of its own, on purpose). A slave's own
	 * mounts never reach its master, shared among its peers or not. */
	if (covering_mount("self", dir, &p) || !p.master)
		return -1;
	return find_master(dir, p.master);
}
