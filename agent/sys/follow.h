/* SPDX-License-Identifier: GPL-2.0-only OR BSD-2-Clause */
/*
 * Following containers' MACs (bpf/follow.bpf.c): one tracing program per
 * network, loaded against the network's pinned maps (and its uplink's NAT
 * endpoints and flows when it masquerades), attached at the return of
 * eth_mac_addr through a link pinned beside them, so it works with no bpfbr
 * process. Its map names the containers' interfaces and their ports. A
 * kernel that cannot load or attach it (no BTF, no trampolines, or one that
 * refuses tracing programs) leaves the network without following: it works,
 * but a container whose MAC is changed after bpfbr set it is cut off.
 */
#ifndef BPFBR_FOLLOW_H
#define BPFBR_FOLLOW_H

#include <stdbool.h>
#include <stddef.h>
#include <stdint.h>

/* Pin names under PINS/NET/. */
#define PIN_FOLLOW_IFACES "container_ifaces"
#define PIN_FOLLOW_LINK	  "link_mac_follow"

/*
 * Loads the program against the maps pinned under dir (and uplink_dir, NULL
 * when the network does not masquerade), attaches it and pins its link. A
 * program attached already is replaced: the new link is pinned beside the
 * old one and moved over it, so no MAC change goes unseen; meanwhile both
 * run, and the second finds nothing left to do. On failure why says what
 * the kernel refused.
 */
int follow_start(const char *dir, const char *uplink_dir, char *why, size_t size);
/* Whether this kernel runs the program: loaded on maps of its own, attached
 * and dropped again (nothing stays); why says what it refused. */
int follow_probe(char *why, size_t size);
/* Moves the link an interrupted follow_start pinned beside the old one into
 * place; returns 1 if there was one. */
int follow_finish(const char *dir);

struct follow_info {
	uint32_t link_id;
	uint32_t prog_id;
	char why[160]; /* when not running */
};
/* The pinned link runs a program that uses the maps pinned now. */
bool follow_running(const char *dir, const char *uplink_dir, struct follow_info *info);

/* The network's table of container interfaces: an fd, or -ENOENT when the
 * network has none (it does not follow). */
int follow_ifaces_open(const char *dir);
/* The interface ifindex in the namespace of that cookie is port's; an entry
 * left for port by an interface that went is replaced. */
int follow_iface_add(int fd, uint64_t netns_cookie, uint32_t ifindex, uint32_t port);
/* Removes port's entries. */
int follow_iface_del(int fd, uint32_t port);
/* Calls cb with the port of every entry; stops at an error. */
int follow_ifaces_each(int fd, int (*cb)(uint32_t port, void *data), void *data);

#endif
