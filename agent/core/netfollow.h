/* SPDX-License-Identifier: GPL-2.0-only OR BSD-2-Clause */
/*
 * A network's MAC following (follow.h) as its state describes it: started
 * with the network, again by restore and upgrade, and each container's
 * interface registered when it is attached, forgotten when it goes.
 */
#ifndef BPFBR_NETFOLLOW_H
#define BPFBR_NETFOLLOW_H

#include <stdbool.h>
#include <stdint.h>

#include "follow.h"
#include "model.h"
#include "netctx.h"

/*
 * (Re)starts the network's MAC-following program and registers its live
 * containers. A kernel that refuses the program is no error: one warning
 * says what the network lacks. *running says whether it runs now.
 */
int net_follow_start(struct netctx *c, const struct netstate *state, bool *running);
/* It runs, with the maps pinned now; info->why says why not (explain: with
 * no link, the kernel's reason as follow_probe finds it). */
bool net_follow_running(struct netctx *c, const struct netstate *state, struct follow_info *info,
			bool explain);
/* Registers a's interface (its namespace open at netns_fd, or -1: opened
 * from a->netns); nothing to do when the network does not follow. */
int net_follow_add(struct netctx *c, const struct netstate *state, const struct attachment *a,
		   int netns_fd);
/* Forgets the interface of the port on host_ifindex. */
void net_follow_del(struct netctx *c, const struct netstate *state, int host_ifindex);
/* The MAC a's interface has now (-ESTALE: its namespace path names another
 * namespace, -ENODEV: the interface there is not its port's peer). */
int net_container_mac(const struct attachment *a, uint8_t mac[6]);
/* The table as the state says: entries of ports it does not know go (gone()
 * hears of each), live containers without one get theirs. */
int net_follow_sync(struct netctx *c, const struct netstate *state,
		    void (*gone)(uint32_t port, void *arg), void *arg);

#endif
