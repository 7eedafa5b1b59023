/* SPDX-License-Identifier: GPL-2.0-only OR BSD-2-Clause */
/*
 * A published port as a user writes it, Docker's syntax:
 * [HOSTIP:]HOSTPORT[-END]:CONTAINERPORT[-END][/tcp|/udp]. Parsing, the
 * text back, and whether two of them claim the same host port.
 */
#ifndef BPFBR_PUBLISH_SPEC_H
#define BPFBR_PUBLISH_SPEC_H

#include <stdbool.h>
#include <stddef.h>
#include <stdint.h>

/* Published ranges one attachment may hold. */
#define PUBLISH_MAX 16
/* "255.255.255.255:65535-65535:65535-65535/tcp" and its NUL. */
#define PUBLISH_STR_LEN 48
#define PUBLISH_WHY_LEN 96

struct publish {
	uint32_t host_ip;   /* network order; 0: the node's address (the uplink's) */
	uint16_t host_port; /* first host port (host order) */
	uint16_t port;	    /* first container port (host order) */
	uint16_t count;	    /* ports in the range: 1 for one port */
	uint8_t proto;	    /* IPPROTO_TCP or IPPROTO_UDP */
};

/* Parses s into *out; -EINVAL with why (a phrase naming the part that is
 * wrong and the fix) otherwise. */
int publish_parse(const char *s, struct publish *out, char why[PUBLISH_WHY_LEN]);
/* "8080:80/tcp", "198.51.100.1:8080-8081:80-81/udp". */
const char *publish_str(const struct publish *p, char buf[PUBLISH_STR_LEN]);
/* "tcp", "udp". */
const char *publish_proto_name(uint8_t proto);
/* a and b publish a host port in common (same protocol, overlapping host ranges). */
bool publish_overlap(const struct publish *a, const struct publish *b);

#endif
