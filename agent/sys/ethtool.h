/* SPDX-License-Identifier: GPL-2.0-only OR BSD-2-Clause */
/* Device offload settings through the ethtool ioctl, in the calling thread's namespace. */
#ifndef BPFBR_ETHTOOL_H
#define BPFBR_ETHTOOL_H

#include <stdbool.h>

/*
 * What a veth needs to receive frames that XDP redirected to it: NAPI,
 * which GRO turns on. And, on a device whose stack sends TCP, no transmit
 * checksum offload: a partial checksum is never completed once the frame
 * has become an XDP frame.
 */
int ethtool_set_gro(const char *ifname, bool on);
int ethtool_set_tx_csum(const char *ifname, bool on);

#endif
