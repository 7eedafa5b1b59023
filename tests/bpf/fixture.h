/* SPDX-License-Identifier: GPL-2.0-only OR BSD-2-Clause */
/*
 * The network most tests use, built the way the agent builds one: subnet
 * 10.40.0.0/24, the gateway port in slot 0 (10.40.0.1) on device 0 and
 * container ports in slots 1.. (10.40.0.2, .3, ...) on devices 1.., each with
 * a static fdb entry for its MAC, in a fresh network namespace.
 */
#ifndef BPFBR_TESTS_FIXTURE_H
#define BPFBR_TESTS_FIXTURE_H

#include <stdbool.h>
#include <stdint.h>

#include "env.h"
#include "nat_pkt.h"
#include "sw.h"

/* Slots (and device numbers) of the standard network. */
enum { GW = 0, C1 = 1, C2 = 2, C3 = 3 };

#define AGEING_NS (300ull * 1000000000ull) /* the bridge's default */

struct fx {
	struct env env;
	struct sw sw;
	struct bpfbr_netcfg cfg;
	struct bpfbr_port port[ENV_MAX_DEVS];
	int nports;
};

/*
 * Sets up ndevs devices, the first nports of them ports of the network with
 * the given flags (enum bpfbr_net_flags); the others exist but are no port.
 * Returns true, or false after marking the test failed or skipped (not
 * root, no veth) and tearing down what it set up.
 */
bool fx_setup(struct fx *fx, int ndevs, int nports, uint32_t flags);
void fx_teardown(struct fx *fx);

/* Fills *p as port number n of network net (1, 2, ...) on device ifindex:
 * MAC 02:bb:<net>:00:00:<n+1>, address 10.40.0.<n+1> (10.41... for net 2). */
void fx_port_init(struct bpfbr_port *p, int net, int n, uint32_t ifindex, uint8_t kind);

/* A MAC no port owns: 02:cc:00:00:00:<n>. */
void fx_stranger_mac(uint8_t mac[6], uint8_t n);

/* The node's SYN from its port 22 to port slot c's port 40000, as the
 * gateway port receives it: *p and its frame *f. */
void fx_node_syn(const struct fx *fx, int c, struct pkt *p, struct frame *f);

/* Runs the program on f arriving on port slot `in`; false (test failed) if the run errs. */
bool fx_run(struct fx *fx, int in, const struct frame *f, struct sw_run *r);

/*
 * Registers the receive queue of every port device for XDP test runs (a
 * do-nothing XDP program attached to each; they go with the namespace).
 */
bool fx_xdp(struct fx *fx);
/* Runs the XDP flavour on f arriving on port slot `in`. */
bool fx_run_xdp(struct fx *fx, int in, const struct frame *f, struct sw_run *r);

/* Writes cfg to the config map after a test changed it. */
bool fx_config(struct fx *fx);
/* Writes port[i] again after a test changed it (its stats are zeroed). */
bool fx_port_update(struct fx *fx, int i);

#endif
