// SPDX-License-Identifier: GPL-2.0-only OR BSD-2-Clause
#include <errno.h>
#include <fcntl.h>
#include <stdio.h>
#include <string.h>
#include <unistd.h>

#include "sysctl.h"

static int sysctl_open(const char *key, int flags)
{
	char path[256];
	int n = snprintf(path, sizeof(path), "/proc/sys/%s", key);

	if (n < 0 || (size_t)n >= sizeof(path))
		return -ENAMETOOLONG;
	n = open(path, flags | O_CLOEXEC);
	return n < 0 ? -errno : n;
}

int sysctl_read(const char *key, char *buf, size_t size)
{
	int fd = sysctl_open(key, O_RDONLY);
	ssize_t n;

	if (fd < 0)
		return fd;
	n = read(fd, buf, size - 1);
	close(fd);
	if (n < 0)
		return -errno;
	while (n > 0 && (buf[n - 1] == '\n' || buf[n - 1] == ' '))
		n--;
	buf[n] = '\0';
	return 0;
}

int sysctl_write(const char *key, const char *value)
{
	int fd = sysctl_open(key, O_WRONLY);
	size_t len = strlen(value);
	ssize_t n;

	if (fd < 0)
		return fd;
	n = write(fd, value, len);
	close(fd);
	if (n < 0)
		return -errno;
	return (size_t)n == len ? 0 : -EIO;
}
