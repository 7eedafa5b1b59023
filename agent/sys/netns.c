// SPDX-License-Identifier: GPL-2.0-only OR BSD-2-Clause
#define _GNU_SOURCE
#include <dirent.h>
#include <errno.h>
#include <fcntl.h>
#include <sched.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <unistd.h>
#include <linux/magic.h>
#include <linux/nsfs.h>
#include <sys/ioctl.h>
#include <sys/mount.h>
#include <sys/socket.h>
#include <sys/stat.h>
#include <sys/statfs.h>
#include <sys/wait.h>

#include "mntns.h"
#include "netns.h"
#include "paths.h"

int netns_path(const char *spec, char *buf, size_t size)
{
	int n;

	if (!spec || !*spec)
		return -EINVAL;
	if (strchr(spec, '/'))
		n = snprintf(buf, size, "%s", spec);
	else if (!strcmp(spec, ".") || !strcmp(spec, ".."))
		return -EINVAL;
	else
		n = snprintf(buf, size, "%s/%s", NETNS_RUN_DIR, spec);
	return n < 0 || (size_t)n >= size ? -ENAMETOOLONG : 0;
}

const char *netns_name_of(const char *path)
{
	size_t len = strlen(NETNS_RUN_DIR);

	if (strncmp(path, NETNS_RUN_DIR "/", len + 1) || strchr(path + len + 1, '/'))
		return NULL;
	return path + len + 1;
}

int netns_open(const char *path)
{
	struct statfs sfs;
	int fd, err;

	fd = open(path, O_RDONLY | O_CLOEXEC);
	if (fd < 0)
		return -errno;
	if (fstatfs(fd, &sfs) || sfs.f_type != NSFS_MAGIC ||
	    ioctl(fd, NS_GET_NSTYPE) != CLONE_NEWNET) {
		err = -EINVAL;
		close(fd);
		return err;
	}
	return fd;
}

int netns_id(int fd, uint64_t *id)
{
	struct stat st;

	if (fstat(fd, &st))
		return -errno;
	*id = (uint64_t)st.st_ino;
	return 0;
}

/* /run/netns must be a shared mount point so that namespace bind mounts propagate. */
static int prepare_run_dir(void)
{
	if (mkdir(NETNS_RUN_DIR, 0755) && errno != EEXIST)
		return -errno;
	if (!mount("", NETNS_RUN_DIR, "none", MS_SHARED | MS_REC, NULL))
		return 0;
	if (errno != EINVAL)
		return -errno;
	/* Not a mount point yet: bind it onto itself, then share it. */
	if (mount(NETNS_RUN_DIR, NETNS_RUN_DIR, "none", MS_BIND | MS_REC, NULL))
		return -errno;
	if (mount("", NETNS_RUN_DIR, "none", MS_SHARED | MS_REC, NULL))
		return -errno;
	return 0;
}

/* Child side of netns_create: the file, a fresh namespace, the bind mount pinning it. */
static int create_at(const char *path)
{
	int fd, err = prepare_run_dir();

	if (err)
		return err;
	fd = open(path, O_RDONLY | O_CREAT | O_EXCL | O_CLOEXEC, 0444);
	if (fd < 0)
		return -errno;
	close(fd);
	if (unshare(CLONE_NEWNET) || mount("/proc/self/ns/net", path, "none", MS_BIND, NULL)) {
		err = -errno;
		unlink(path);
	}
	return err;
}

static int delete_at(const char *path)
{
	if (umount2(path, MNT_DETACH) && errno != EINVAL && errno != ENOENT)
		return -errno;
	if (unlink(path) && errno != ENOENT)
		return -errno;
	return 0;
}

/*
 * Runs fn(path) in a child, in the mount namespace whose /run/netns mounts
 * the whole system sees (mntns.h): the child joins it, this process stays
 * where it is. Returns fn's result.
 */
static int in_system_mntns(int (*fn)(const char *path), const char *path)
{
	int mnt = mntns_for_netns(NETNS_RUN_DIR), status, err;
	pid_t pid;

	if (mnt < -1)
		return mnt;
	pid = fork();
	if (pid < 0) {
		err = -errno;
		goto out;
	}
	if (pid == 0) {
		if (mnt >= 0 && setns(mnt, CLONE_NEWNS))
			_exit(errno & 0xff);
		_exit(-fn(path) & 0xff);
	}
	if (waitpid(pid, &status, 0) < 0)
		err = -errno;
	else
		err = WIFEXITED(status) ? -WEXITSTATUS(status) : -EINTR;
out:
	if (mnt >= 0)
		close(mnt);
	return err;
}

int netns_create(const char *name)
{
	char path[PATH_MAX];
	int err, fd;

	err = netns_path(name, path, sizeof(path));
	if (err)
		return err;
	if (strchr(name, '/'))
		return -EINVAL;
	err = in_system_mntns(create_at, path);
	if (err)
		return err;
	/* Made elsewhere, it must reach this mount namespace too. */
	fd = netns_open(path);
	if (fd >= 0) {
		close(fd);
		return 0;
	}
	in_system_mntns(delete_at, path);
	return -EXDEV;
}

int netns_delete(const char *name)
{
	char path[PATH_MAX];
	int err = netns_path(name, path, sizeof(path));

	return err ?: in_system_mntns(delete_at, path);
}

#ifndef SO_NETNS_COOKIE
#define SO_NETNS_COOKIE 71
#endif

int netns_cookie(int fd, uint64_t *cookie)
{
	socklen_t len = sizeof(*cookie);
	int saved = -1, sock, err = 0;

	if (fd >= 0 && (err = netns_enter(fd, &saved)))
		return err;
	sock = socket(AF_INET, SOCK_DGRAM | SOCK_CLOEXEC, 0);
	if (sock < 0 || getsockopt(sock, SOL_SOCKET, SO_NETNS_COOKIE, cookie, &len))
		err = -errno;
	if (sock >= 0)
		close(sock);
	if (saved >= 0)
		netns_leave(saved);
	return err;
}

/* The namespace behind path has identity id and, when cookie is not 0, that cookie. */
static bool is_it(const char *path, uint64_t id, uint64_t cookie)
{
	uint64_t c = 0;
	struct stat st;
	bool same;
	int fd;

	if (stat(path, &st) || (uint64_t)st.st_ino != id)
		return false;
	if (!cookie)
		return true;
	fd = netns_open(path);
	if (fd < 0)
		return false;
	same = netns_cookie(fd, &c) || c == cookie; /* cannot tell: assume it is */
	close(fd);
	return same;
}

/* The bind mounts of a namespace of that identity in this mount namespace. */
static bool mounted(uint64_t id, uint64_t cookie)
{
	char line[4096], want[48], mnt[PATH_MAX];
	bool found = false;
	FILE *f = fopen("/proc/self/mountinfo", "re");

	if (!f)
		return true; /* cannot tell: assume it lives */
	snprintf(want, sizeof(want), " net:[%llu] ", (unsigned long long)id);
	while (!found && fgets(line, sizeof(line), f))
		found = strstr(line, want) && sscanf(line, "%*s %*s %*s %*s %4095s", mnt) == 1 &&
			is_it(mnt, id, cookie);
	fclose(f);
	return found;
}

bool netns_alive(uint64_t id, uint64_t cookie)
{
	struct dirent *de;
	char path[300];
	bool found;
	DIR *d;

	if (mounted(id, cookie))
		return true;
	d = opendir("/proc");
	if (!d)
		return true;
	found = false;
	while (!found && (de = readdir(d))) {
		if (de->d_name[0] < '0' || de->d_name[0] > '9')
			continue;
		snprintf(path, sizeof(path), "/proc/%s/ns/net", de->d_name);
		found = is_it(path, id, cookie);
	}
	closedir(d);
	return found;
}

int netns_enter(int fd, int *saved)
{
	int cur = open("/proc/thread-self/ns/net", O_RDONLY | O_CLOEXEC);
	int err;

	if (cur < 0)
		return -errno;
	if (setns(fd, CLONE_NEWNET)) {
		err = -errno;
		close(cur);
		return err;
	}
	*saved = cur;
	return 0;
}

int netns_leave(int saved)
{
	int err = 0;

	if (setns(saved, CLONE_NEWNET))
		err = -errno;
	close(saved);
	return err;
}
