/* SPDX-License-Identifier: GPL-2.0-only OR BSD-2-Clause */
/*
 * /etc/netns/NAME/resolv.conf: the file `ip netns exec NAME` shows to a
 * process as /etc/resolv.conf. bpfbr marks the files it writes with a first
 * line naming the network, and only ever replaces or removes such a file.
 */
#ifndef BPFBR_RESOLVCONF_H
#define BPFBR_RESOLVCONF_H

#include "model.h"

#define NETNS_ETC_DIR "/etc/netns"

/* True when dns holds anything worth writing. */
bool resolvconf_wanted(const struct net_dns *dns);
/* -EEXIST when the namespace has a resolv.conf that bpfbr did not write. */
int resolvconf_write(const char *netns_name, const char *net, const struct net_dns *dns);
/* Removes the file if network net wrote it, and the directory if then empty. */
int resolvconf_remove(const char *netns_name, const char *net);

#endif
