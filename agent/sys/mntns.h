/* SPDX-License-Identifier: GPL-2.0-only OR BSD-2-Clause */
/*
 * Where a namespace bind mount under /run/netns must be made so that the
 * whole system sees it. `ip netns exec` runs its command in a mount
 * namespace of its own whose mounts are slaves of the system's: a bind mount
 * made there never reaches the rest of the system (a file with nothing
 * behind it, "Invalid argument" to everybody else). bpfbr then makes and
 * removes its namespaces in the mount namespace that /run/netns receives
 * its mounts from.
 */
#ifndef BPFBR_MNTNS_H
#define BPFBR_MNTNS_H

/*
 * The mount namespace to make /run/netns mounts in: -1 for this process's
 * own (its mounts reach the system, or it is a world of its own), or an fd
 * of the system's to setns() into. -EXDEV when this process is a slave copy
 * and the namespace it copies cannot be found.
 */
int mntns_for_netns(const char *dir);

#endif
