/* SPDX-License-Identifier: GPL-2.0-only OR BSD-2-Clause */
/*
 * A container's published ports on its network's uplink (layer: core):
 * checked against the uplink's address, the other containers' published
 * ports and the node's own sockets, then written to the uplink's datapath,
 * all or none. They go with the container's masquerade endpoint
 * (uplink_endpoint_del), so that a detach, a failed attach and a CNI DEL
 * leave none behind.
 */
#ifndef BPFBR_PORT_PUBLISH_H
#define BPFBR_PORT_PUBLISH_H

#include <jansson.h>

#include "model.h"
#include "netctx.h"

/* Publishes a->pub[0..n_pub) to a; refused with one line naming the holder
 * (or what is wrong) and the fix. state is a's network, without a. Every
 * container of a masquerading network (ports or not) is registered for
 * hairpin when the uplink has the node's socket hooks (pubsock.h). */
int port_publish(struct netctx *c, const struct netstate *state, const struct attachment *a);
/* Writes a's published ports (and its hairpin registration) to a datapath
 * made again (restore): the state's word, without the checks (they passed
 * when it was recorded). */
int port_publish_restore(struct netctx *c, const struct netstate *state,
			 const struct attachment *a);

#define PUBLISH_VERIFY_LEN 128
/* 0 when the uplink's map publishes every port of a to a; -ENOENT with why. */
int port_publish_verify(struct netctx *c, const struct netstate *state, const struct attachment *a,
			char why[PUBLISH_VERIFY_LEN]);

/*
 * The published ports of the network's containers, one JSON object per host
 * port ({network, netns, container, ip, port, proto, host_ip, host_port,
 * in_datapath}) appended to out; host_ip is the uplink's address when the
 * user gave none, and in_datapath says whether the uplink's map holds the
 * port for the container.
 */
int port_publish_report(struct netctx *c, const struct netstate *state, json_t *out);

#endif
