/* SPDX-License-Identifier: GPL-2.0-only OR BSD-2-Clause */
/*
 * The masquerade setup most NAT tests use, in a fresh network namespace:
 * device 0 (bp0) is the uplink, 203.0.113.1 (TEST-NET-3), whose next hop is
 * the router 203.0.113.254; devices 1..3 are the host ends of containers
 * 10.40.0.2, .3, .4 (network 1, gateway 10.40.0.1), each an endpoint of the
 * uplink's masquerade. The server they talk to is 198.51.100.2 (TEST-NET-2).
 * Frames are the ones that cross the uplink: what a container sent after the
 * node routed it (TTL 63, from the uplink's MAC to the next hop's), and what
 * comes back from the next hop.
 */
#ifndef BPFBR_TESTS_NAT_FIXTURE_H
#define BPFBR_TESTS_NAT_FIXTURE_H

#include <stdbool.h>
#include <stdint.h>

#include "env.h"
#include "nat_dp.h"
#include "nat_pkt.h"

/* Devices: the uplink, then the containers' ports. */
enum { UPLINK = 0, CT1 = 1, CT2 = 2, CT3 = 3, NFX_DEVS = 4 };

#define NFX_PORT_LO 61000 /* the agent's default: above the node's ephemeral ports */
#define NFX_PORT_HI 65535
#define NFX_NAT_MAX 64
#define NFX_SHARE   32
#define SENT_TTL    63 /* a container's 64, less the node's hop */
#define REPLY_TTL   52

extern const uint8_t uplink_mac[6], next_hop_mac[6], gw_mac[6];

uint32_t uplink_addr(void); /* 203.0.113.1 */
uint32_t next_hop(void);    /* 203.0.113.254 */
uint32_t server_addr(void); /* 198.51.100.2 */
uint32_t far_router(void);  /* 198.51.100.1, a router further on */
uint32_t ct_addr(int c);    /* 10.40.0.<c + 1> */

struct nfx_opts {
	uint32_t nat_max;
	uint16_t port_lo, port_hi;
	uint32_t share; /* each endpoint's max_flows */
};

struct nfx {
	struct env env;
	struct nat_dp dp;
	struct bpfbr_uplink_cfg cfg;
	struct bpfbr_endpoint ep[NFX_DEVS]; /* CT1..CT3 */
};

/*
 * Sets everything up (o NULL: nat_max 64, ports 61000-65535, share 32).
 * Returns true, or false after marking the test failed or skipped (not
 * root, no veth) and undoing what it did.
 */
bool nfx_setup(struct nfx *fx, const struct nfx_opts *o);
void nfx_teardown(struct nfx *fx);

/* Runs the egress (out) or ingress (in) program on the uplink; false
 * (test failed) if the run itself errs. */
bool nfx_out(struct nfx *fx, const struct frame *f, struct nat_run *r);
bool nfx_in(struct nfx *fx, const struct frame *f, struct nat_run *r);

/* Registers the uplink's receive queue for XDP runs (false: test failed). */
bool nfx_xdp(struct nfx *fx);
/* Runs bpfbr_uplink_xdp on f arriving on the uplink. */
bool nfx_in_xdp(struct nfx *fx, const struct frame *f, struct nat_run *r);

/*
 * Packets of a conversation, as pkt descriptions. For ICMP echo "port" is the
 * identifier (the remote "port" is 0 and dport carries the sequence).
 */
/* Container c sends to raddr (TCP: a SYN; UDP: 40 bytes; ICMP: ping's echo request). */
void nfx_sent(struct pkt *p, int c, uint8_t proto, uint16_t sport, uint32_t raddr, uint16_t dport);
/* Container c's packet p as masquerade sends it: from the uplink's address, port oport. */
void nfx_masqueraded(struct pkt *want, const struct pkt *p, uint16_t oport);
/* CT1's DNS query (UDP 40000 to the server's port 53) sent out through the
 * masquerade and passed; *want (when not NULL) as it left, its port kept.
 * False: the test failed. */
bool nfx_dns_flow(struct nfx *fx, struct pkt *sent, struct pkt *want);
/* The remote's reply to out, a packet that left the uplink (TCP: SYN-ACK to a SYN, else ACK). */
void nfx_reply(struct pkt *p, const struct pkt *out);
/* Reply p as masquerade delivers it into container c at its port iport: TTL - 1,
 * from c's gateway MAC to c's MAC. */
void nfx_delivered(const struct nfx *fx, struct pkt *want, const struct pkt *p, int c,
		   uint16_t iport);

/*
 * The flow of container c's inside tuple: nat_out and nat_in (outside port
 * oport) point at one live slot whose entry holds exactly these fields, the
 * container's port device, MACs and network. *slot (may be NULL) gets it.
 */
bool nfx_expect_flow(struct nfx *fx, int c, const struct pkt *sent, uint16_t oport, uint8_t state,
		     uint32_t *slot, const char *what);
/* No nat_out key for the inside tuple of sent. */
bool nfx_expect_no_flow(struct nfx *fx, const struct pkt *sent, const char *what);
/*
 * The table's books: nat_config and each endpoint count these flows
 * (ep_flows[c] for CT1..CT3; NULL: not checked), nat_out and nat_in hold as
 * many keys, and the free queue holds the other nat_max - flows slots, each
 * once, none of them live.
 */
bool nfx_expect_table(struct nfx *fx, uint32_t flows, const uint32_t *ep_flows, const char *what);

/* port is within the configured range. */
bool nfx_in_range(const struct nfx *fx, uint16_t port);

/* The outside port masquerade gave the flow of sent, or 0 after failing the test. */
uint16_t nfx_oport(struct nfx *fx, const struct pkt *sent);

#endif
