/* SPDX-License-Identifier: GPL-2.0-only OR BSD-2-Clause */
/*
 * Published ports for the node's own processes (bpf/publish_sock.bpf.c): the
 * socket hooks of one uplink, loaded against its pinned published-port map
 * and attached to a cgroup; their links are pinned in the uplink's
 * directory, so that removing the uplink's pins detaches them.
 */
#ifndef BPFBR_PUBSOCK_H
#define BPFBR_PUBSOCK_H

#include <stdint.h>

#define PUBSOCK_PIN_CONNECT4 "link_node_connect4"
#define PUBSOCK_PIN_SENDMSG4 "link_node_sendmsg4"
#define PUBSOCK_PIN_RECVMSG4 "link_node_recvmsg4"
#define PUBSOCK_PIN_HAIRPIN  "hairpin_netns"

/*
 * Attaches the hooks to cgroup (a cgroup2 directory) for the node namespace
 * of cookie netns_cookie and the uplink's address addr (network order);
 * uplink_dir holds the uplink's pins. 0 or -errno, said in one line.
 */
int pubsock_attach(const char *uplink_dir, const char *cgroup, uint64_t netns_cookie,
		   uint32_t addr);

/* Hairpin for the container of address addr whose namespace has cookie
 * netns_cookie; nothing to do (0) when the uplink has no socket hooks. */
int pubsock_hairpin_add(const char *uplink_dir, uint64_t netns_cookie, uint32_t addr);
/* Forgets the container of address addr (0 when there is nothing). */
int pubsock_hairpin_del(const char *uplink_dir, uint32_t addr);

#endif
