/* SPDX-License-Identifier: GPL-2.0-only OR BSD-2-Clause */
/*
 * Removing a container's port, whatever ends it: an attach that fails
 * (what it had made so far), a detach (what the state records), and the
 * reconcile of an attach that was interrupted before its state was saved
 * (what the kernel and the datapath still hold). All run port_remove;
 * steps says which parts there are.
 */
#ifndef BPFBR_PORT_REMOVE_H
#define BPFBR_PORT_REMOVE_H

#include <stdbool.h>

#include "model.h"
#include "netctx.h"

/* The parts of a port, in the order they go (the reverse of attach's). */
enum port_step {
	PORT_ENDPOINT = 1u << 0,    /* its masquerade endpoint on the uplink (a->ip) */
	PORT_XDP = 1u << 1,	    /* its XDP program (an XDP network's link pin) */
	PORT_HOOK = 1u << 2,	    /* the switch program on its ingress (link pin or filter) */
	PORT_FOLLOW = 1u << 3,	    /* its registration for MAC following */
	PORT_ENTRY = 1u << 4,	    /* its datapath entry, fdb entries and flood slot (a->slot) */
	PORT_DEVICE = 1u << 5,	    /* its veth pair, while still ours (see port_remove) */
	PORT_RESOLV_CONF = 1u << 6, /* the resolv.conf an attach wrote for its named namespace */
	PORT_NETNS = 1u << 7, /* its named namespace, that bpfbr made and nothing else holds */
};
/* What a port in the state has in the kernel and the datapath. */
#define PORT_PLUGGED (PORT_ENDPOINT | PORT_XDP | PORT_HOOK | PORT_FOLLOW | PORT_ENTRY | PORT_DEVICE)

/*
 * Removes the parts of a's port that steps names; state is the network's state
 * without a. What is gone already is no error. The device goes only while
 * it is ours: named a->host_ifname, with index a->host_ifindex or the
 * network's alias (gone with its namespace, its name may be another's now).
 * Every step is tried, whatever the others did; returns the last failure
 * (-errno), 0 if none: a part gone already is none, but a device not found.
 */
int port_remove(struct netctx *c, const struct netstate *state, const struct attachment *a,
		unsigned int steps);

/*
 * The port of an attach that never reached the state (it was killed): its
 * device, with the entry, hooks and endpoint that point at it. Without the
 * journal's word for it (journaled), a device is taken for ours only with
 * the network's alias.
 */
void port_remove_unrecorded(struct netctx *c, const struct netstate *state, const char *device,
			    bool journaled);

#endif
