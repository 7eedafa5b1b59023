/* SPDX-License-Identifier: GPL-2.0-only OR BSD-2-Clause */
/* Network namespaces: create and remove them as `ip netns` does, open, enter. */
#ifndef BPFBR_NETNS_H
#define BPFBR_NETNS_H

#include <limits.h>
#include <stdbool.h>
#include <stdint.h>
#include <sys/types.h>

/* A NETNS argument is a name under /run/netns, or a path when it contains '/'. */
int netns_path(const char *spec, char *buf, size_t size);
/* Opens a network namespace file; -ENOENT if missing, -EINVAL if not a netns. */
int netns_open(const char *path);
/* Identity of the namespace behind fd (its nsfs inode). */
int netns_id(int fd, uint64_t *id);
/* The namespace's cookie (SO_NETNS_COOKIE: never reused while the machine
 * runs, unlike the inode); fd -1: the calling thread's namespace. */
int netns_cookie(int fd, uint64_t *cookie);
/* Some process is in the namespace of that identity (and cookie, unless 0:
 * inodes are reused), or it is bind-mounted in this mount namespace. When in
 * doubt: true. */
bool netns_alive(uint64_t id, uint64_t cookie);
/*
 * `ip netns add NAME`: -EEXIST if the name is taken. Made where the whole
 * system sees it, also from a mount namespace of `ip netns exec`'s kind
 * (mntns.h); -EXDEV if bpfbr runs in such a copy and cannot reach the
 * system's.
 */
int netns_create(const char *name);
/* `ip netns del NAME`, where netns_create makes them. */
int netns_delete(const char *name);
/* The namespace name when path is NETNS_RUN_DIR/NAME, else NULL. */
const char *netns_name_of(const char *path);

/* Switches the calling thread into fd's namespace; *saved gets the way back. */
int netns_enter(int fd, int *saved);
/* Returns to the saved namespace and closes it. */
int netns_leave(int saved);

#endif
