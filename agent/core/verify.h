/* SPDX-License-Identifier: GPL-2.0-only OR BSD-2-Clause */
/*
 * Is an attachment still what bpfbr made? Read-only: the container's
 * interface, address and routes, the node's end of the veth, its port,
 * static forwarding entry and hook in the pinned datapath, and with
 * masquerade the uplink's endpoint. The first difference comes back as
 * data, in words that name no command's flag or config key: CNI CHECK and
 * `bpfbr status` each word it for their users.
 */
#ifndef BPFBR_VERIFY_H
#define BPFBR_VERIFY_H

#include <stdbool.h>
#include <stdint.h>

#include "model.h"
#include "netctx.h"

/* What differs first, in the order they are checked. */
enum verify_what {
	VERIFY_OK = 0,
	VERIFY_NETNS_GONE,	 /* the container's namespace cannot be opened */
	VERIFY_NETNS_UNREADABLE, /* it cannot be entered or asked */
	VERIFY_IFACE_MISSING,
	VERIFY_MAC_EXPECTED, /* the interface's MAC is not the caller's (mac) */
	VERIFY_MAC_PORT,     /* nor the one its port in the switch has */
	VERIFY_NOT_PEER,     /* no longer the veth of the node's end */
	VERIFY_IFACE_DOWN,
	VERIFY_MTU_ABOVE,    /* above the network's */
	VERIFY_MTU_EXPECTED, /* not the caller's (mtu) */
	VERIFY_ADDR_MISSING,
	VERIFY_ADDR_DIFFERS,
	VERIFY_ROUTE_MISSING,
	VERIFY_NODE_END_MISSING,
	VERIFY_NODE_END_DOWN,
	VERIFY_GW_DEV_MISSING,
	VERIFY_DATAPATH_MISSING,
	VERIFY_PORT_MISSING,
	VERIFY_FDB_MISSING,
	VERIFY_HOOK_MISSING,
	VERIFY_UPLINK_MISSING,
	VERIFY_ENDPOINT_MISSING,
	VERIFY_ENDPOINT_MAC,
};

/* What the caller's own records add to the state's (CNI: prevResult). */
struct verify_expect {
	const char *netns; /* where the container is (NULL: the attachment's) */
	const char *mac;   /* its interface's MAC as text, any case (NULL: not checked) */
	uint32_t mtu;	   /* its interface's MTU (0: any up to the network's) */
	/* Routes bpfbr made in the container (gateway 0: any). */
	const struct route4 *routes;
	uint32_t n_routes;
};

#define VERIFY_WHY_LEN 512

struct verify_result {
	enum verify_what what;
	int err;	       /* -errno behind VERIFY_NETNS_* */
	char mac[MAC_STR_LEN]; /* the container interface's MAC and MTU, once found */
	uint32_t mtu;
	char why[VERIFY_WHY_LEN]; /* one line, "" when VERIFY_OK */
};

/* True when a is as made; otherwise res says what differs first (x: NULL,
 * or more to check). */
bool net_verify(struct netctx *c, const struct netstate *state, const struct attachment *a,
		const struct verify_expect *x, struct verify_result *res);

#endif
