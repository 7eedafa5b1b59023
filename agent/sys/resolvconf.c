// SPDX-License-Identifier: GPL-2.0-only OR BSD-2-Clause
#include <errno.h>
#include <fcntl.h>
#include <stdio.h>
#include <string.h>
#include <unistd.h>
#include <sys/stat.h>

#include "resolvconf.h"

#define MARKER "# bpfbr: network "

bool resolvconf_wanted(const struct net_dns *dns)
{
	return dns->n_servers || dns->n_search || dns->n_options || dns->domain[0];
}

static int file_path(const char *netns_name, char *dir, char *file)
{
	if (!*netns_name || strchr(netns_name, '/') || !strcmp(netns_name, ".") ||
	    !strcmp(netns_name, ".."))
		return -EINVAL;
	if (snprintf(dir, PATH_MAX, "%s/%s", NETNS_ETC_DIR, netns_name) >= PATH_MAX ||
	    snprintf(file, PATH_MAX, "%s/resolv.conf", dir) >= PATH_MAX)
		return -ENAMETOOLONG;
	return 0;
}

/* 1 if path holds a file that network net wrote, 0 if not, -ENOENT if none. */
static int ours(const char *path, const char *net)
{
	char want[128], line[128];
	FILE *f = fopen(path, "re");
	int ret;

	if (!f)
		return -errno;
	snprintf(want, sizeof(want), MARKER "%s\n", net);
	ret = fgets(line, sizeof(line), f) && !strcmp(line, want);
	fclose(f);
	return ret;
}

static int write_all(FILE *f, const char *net, const struct net_dns *dns)
{
	fprintf(f, MARKER "%s\n", net);
	for (uint32_t i = 0; i < dns->n_servers; i++)
		fprintf(f, "nameserver %s\n", dns->servers[i]);
	if (dns->domain[0])
		fprintf(f, "domain %s\n", dns->domain);
	if (dns->n_search) {
		fputs("search", f);
		for (uint32_t i = 0; i < dns->n_search; i++)
			fprintf(f, " %s", dns->search[i]);
		fputc('\n', f);
	}
	if (dns->n_options) {
		fputs("options", f);
		for (uint32_t i = 0; i < dns->n_options; i++)
			fprintf(f, " %s", dns->options[i]);
		fputc('\n', f);
	}
	return fflush(f) || ferror(f) ? -EIO : 0;
}

int resolvconf_write(const char *netns_name, const char *net, const struct net_dns *dns)
{
	char dir[PATH_MAX], path[PATH_MAX], tmp[PATH_MAX + 8];
	FILE *f;
	int fd, err;

	err = file_path(netns_name, dir, path);
	if (err)
		return err;
	err = ours(path, net);
	if (err == 0)
		return -EEXIST;
	if (err < 0 && err != -ENOENT)
		return err;
	if (mkdir(NETNS_ETC_DIR, 0755) && errno != EEXIST)
		return -errno;
	if (mkdir(dir, 0755) && errno != EEXIST)
		return -errno;
	snprintf(tmp, sizeof(tmp), "%s.bpfbr", path);
	fd = open(tmp, O_WRONLY | O_CREAT | O_TRUNC | O_CLOEXEC, 0644);
	if (fd < 0)
		return -errno;
	f = fdopen(fd, "w");
	if (!f) {
		err = -errno;
		close(fd);
		goto undo_tmp;
	}
	err = write_all(f, net, dns);
	if (!err && fsync(fileno(f)))
		err = -errno;
	fclose(f);
	if (!err && rename(tmp, path))
		err = -errno;
	if (!err)
		return 0;
undo_tmp:
	unlink(tmp);
	return err;
}

int resolvconf_remove(const char *netns_name, const char *net)
{
	char dir[PATH_MAX], path[PATH_MAX];
	int err = file_path(netns_name, dir, path);

	if (err)
		return err;
	err = ours(path, net);
	if (err <= 0)
		return err == -ENOENT ? 0 : err;
	if (unlink(path))
		return -errno;
	rmdir(dir); /* kept when the user put other files there */
	return 0;
}
