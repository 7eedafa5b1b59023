/* SPDX-License-Identifier: GPL-2.0-only OR BSD-2-Clause */
/*
 * A test's private network namespace with N veth pairs. Device i is the pair
 * "bp<i>" (the port: node-side end, what the switch program runs on) and
 * "be<i>" (the endpoint: the container's or the gateway's end). A packet
 * socket on every endpoint shows which copies a flood really transmitted:
 * bpf_clone_redirect() sends its clone out of the port device even under
 * BPF_PROG_TEST_RUN, and the veth hands it to the endpoint.
 *
 * One namespace per test rather than per binary: no copy, device or fdb
 * entry of one test can reach the next, a test that fails half-way leaves
 * nothing behind (the namespace goes with its devices), and any single test
 * runs alone the same way. It costs a few milliseconds a test.
 */
#ifndef BPFBR_TESTS_ENV_H
#define BPFBR_TESTS_ENV_H

#include <net/if.h>
#include <stddef.h>
#include <stdint.h>

#define ENV_MAX_DEVS 8

struct env_dev {
	char name[IF_NAMESIZE];	     /* port end */
	char peer_name[IF_NAMESIZE]; /* endpoint end */
	uint32_t ifindex;
	uint32_t peer_ifindex;
	int sock; /* AF_PACKET socket bound to the endpoint end */
};

struct env {
	int home_netns; /* the namespace to return to */
	int ndevs;
	struct env_dev dev[ENV_MAX_DEVS];
};

/*
 * Enters a new network namespace and creates ndevs veth pairs, all up, IPv6
 * off (so the kernel sends nothing of its own on them). Returns 0, or -errno
 * after undoing what it did; -EPERM means the caller lacks CAP_NET_ADMIN/
 * CAP_SYS_ADMIN.
 */
int env_setup(struct env *env, int ndevs);
/* Closes the sockets and returns to the original namespace, which frees the
 * test's one with its devices. Safe on a partly set up env. */
void env_teardown(struct env *env);

/*
 * Attaches a do-nothing XDP program to port i: BPF_PROG_TEST_RUN of an XDP
 * program with that ingress device needs its receive queue registered. It
 * goes with the namespace. 0 or -errno.
 */
int env_xdp_rxq(struct env *env, int i);

/* Discards whatever the endpoints have received so far. */
void env_drain(struct env *env);
/*
 * Receives the next frame that arrived at endpoint i (not one it sent),
 * waiting up to timeout_ms for it (0: only what is already queued). A VLAN
 * tag the receiving stack moved out of band is put back in place, so the
 * frame is the one on the wire. Returns its length, or -EAGAIN if none came.
 */
int env_recv(struct env *env, int i, uint8_t *buf, size_t size, int timeout_ms);

#endif
