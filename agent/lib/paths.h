/* SPDX-License-Identifier: GPL-2.0-only OR BSD-2-Clause */
/*
 * Every path bpfbr writes hangs off one root (default "/"), set with --root
 * or BPFBR_ROOT, so tests and demos never share state with an installation:
 *   ROOT/sys/fs/bpf/bpfbr/NET/   pinned maps, programs and links (bpffs)
 *   ROOT/var/lib/bpfbr/          network state and IP reservations
 *   ROOT/run/bpfbr/lock          the lock that serialises changes
 * Namespace files stay in /run/netns so that `ip netns` sees them.
 */
#ifndef BPFBR_PATHS_H
#define BPFBR_PATHS_H

#include <limits.h>

struct paths {
	char root[PATH_MAX];
	char bpffs[PATH_MAX]; /* the bpffs mount point: ROOT/sys/fs/bpf */
	char pins[PATH_MAX];  /* ROOT/sys/fs/bpf/bpfbr */
	char state[PATH_MAX]; /* ROOT/var/lib/bpfbr */
	char run[PATH_MAX];   /* ROOT/run/bpfbr */
};

#define NETNS_RUN_DIR "/run/netns"

/* Fills p from root (NULL: $BPFBR_ROOT, else "/"). -ENAMETOOLONG if it does not fit. */
int paths_init(struct paths *p, const char *root);
/* Builds "dir/name" into buf; -ENAMETOOLONG if it does not fit. */
int path_join(char *buf, size_t size, const char *dir, const char *name);
/* mkdir -p with mode for every created component. */
int mkdir_p(const char *path, unsigned int mode);

#endif
