/* SPDX-License-Identifier: GPL-2.0-only OR BSD-2-Clause */
/*
 * (lib) A pcapng writer (the IETF draft's Section Header, Interface
 * Description and Enhanced Packet blocks): Ethernet interfaces, nanosecond
 * timestamps, each packet with a comment. tcpdump and Wireshark read it.
 * Each packet is flushed as it is written, so a writer that is killed
 * leaves a file that ends after a whole block.
 */
#ifndef BPFBR_PCAPNG_H
#define BPFBR_PCAPNG_H

#include <stdint.h>
#include <stdio.h>

#define PCAPNG_MAX_IFACES 64

struct pcapng {
	FILE *f;
	uint32_t n_ifaces;
	uint32_t ifindex[PCAPNG_MAX_IFACES]; /* interface id -> the ifindex it describes */
};

/* Creates path (0600, truncated) and writes the section header. 0 or -errno. */
int pcapng_open(struct pcapng *w, const char *path);
/*
 * Writes one packet: the first cap_len bytes of a len-byte frame seen on
 * ifindex (named ifname) at time_ns since the epoch, with a comment (may be
 * NULL). An interface is described the first time it is seen.
 */
int pcapng_packet(struct pcapng *w, uint32_t ifindex, const char *ifname, uint64_t time_ns,
		  const uint8_t *data, uint32_t cap_len, uint32_t len, const char *comment);
/* 0 or -errno: whether everything reached the file. */
int pcapng_close(struct pcapng *w);

#endif
