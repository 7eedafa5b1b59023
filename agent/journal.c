// SPDX-License-Identifier: GPL-2.0-only OR BSD-2-Clause
#include <errno.h>
#include <fcntl.h>
#include <stdio.h>
#include <string.h>
#include <unistd.h>

#include "journal.h"
#include "parse.h"

static int journal_path(const struct paths *p, char *buf, size_t size)
{
	return path_join(buf, size, p->state, "journal");
}

int journal_begin(const struct paths *p, const char *op, const char *net, bool *owner)
{
	char path[PATH_MAX], line[NETNAME_MAX + 32];
	int fd, err = 0, n;

	*owner = false;
	err = mkdir_p(p->state, 0700);
	if (!err)
		err = journal_path(p, path, sizeof(path));
	if (err)
		return err;
	n = snprintf(line, sizeof(line), "%s %s\n", op, net);
	fd = open(path, O_WRONLY | O_CREAT | O_EXCL | O_CLOEXEC, 0600);
	if (fd < 0)
		return errno == EEXIST ? 0 : -errno;
	*owner = true;
	/* No fsync: the record is for a command killed on a running machine; after
	 * a crash of the machine itself the datapath is gone and everything is
	 * reconciled anyway. */
	if (write(fd, line, (size_t)n) != n)
		err = -EIO;
	close(fd);
	return err;
}

void journal_end(const struct paths *p, bool owner)
{
	char path[PATH_MAX];

	if (owner && !journal_path(p, path, sizeof(path)))
		unlink(path);
}

bool journal_pending(const struct paths *p, char op[32], char *net, size_t size)
{
	char path[PATH_MAX], name[NETNAME_MAX];
	FILE *f;
	bool pending;

	if (journal_path(p, path, sizeof(path)))
		return false;
	f = fopen(path, "re");
	if (!f)
		return false;
	/* Unreadable or damaged: reconcile everything. */
	pending = true;
	if (fscanf(f, "%31s %63s", op, name) == 2 && (valid_netname(name) || !strcmp(name, "*"))) {
		snprintf(net, size, "%s", name);
	} else {
		strcpy(op, "?");
		snprintf(net, size, "%s", JOURNAL_NET_ALL);
	}
	fclose(f);
	return pending;
}
