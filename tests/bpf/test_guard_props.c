// SPDX-License-Identifier: GPL-2.0-only OR BSD-2-Clause
/*
 * Properties of what a container may give the node, checked over whole
 * classes of input rather than by examples, so that the next hole of a
 * class the review found is found by the suite:
 *   - every TCP flag combination: no segment that opens a connection (SYN
 *     without ACK) reaches a denied service, whatever else it carries and
 *     whatever flow it claims; every segment past the SYN does;
 *   - fragments cut anywhere (tiny first fragments, later ones first,
 *     overlaps into the transport header, duplicates): nothing of a denied
 *     datagram reaches the node; an allowed one, in order, arrives whole;
 *   - VLAN stacks of any depth and TPID, over IPv4, IPv6 and ARP: no tagged
 *     frame reaches the gateway port, unicast or flooded, TC or XDP.
 * The random ones are seeded (BPFBR_PROP_SEED replays a failure; the seed is
 * printed) and check every frame they make.
 */
#include <arpa/inet.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <sys/random.h>
#include <linux/bpf.h>
#include <linux/pkt_cls.h>

#include "expect.h"
#include "fixture.h"
#include "fuzz_gen.h"
#include "harness.h"
#include "nat_pkt.h"

#define MAX_REPORTS 5

static uint64_t prop_seed(const char *test)
{
	const char *v = getenv("BPFBR_PROP_SEED");
	uint64_t seed;

	if (v && *v)
		seed = strtoull(v, NULL, 0);
	else if (getrandom(&seed, sizeof(seed), 0) != sizeof(seed))
		seed = 0x5eed;
	printf("  %s: seed 0x%016llx (BPFBR_PROP_SEED)\n", test, (unsigned long long)seed);
	fflush(stdout);
	return seed;
}

/* The TC run gave the frame to the gateway port (unicast or as a flood's copy). */
static bool tc_reached_node(const struct fx *fx, const struct sw_run *r)
{
	if (r->verdict != TC_ACT_REDIRECT)
		return false;
	for (uint32_t i = 0; i < r->trace.n && i < BPFBR_TRACE_MAX; i++)
		if (r->trace.ifindex[i] == fx->port[GW].ifindex)
			return true;
	return false;
}

/* The XDP run sent the frame towards the gateway port itself (a pass goes to TC). */
static bool xdp_reached_node(struct fx *fx, const struct frame *f, const struct sw_run *r)
{
	struct bpfbr_fdb_entry e;

	if (r->verdict != XDP_REDIRECT)
		return false;
	if (f->data[0] & 1)
		return true; /* a broadcast redirect: every port */
	return !sw_fdb_get(&fx->sw, f->data, &e) && e.ifindex == fx->port[GW].ifindex;
}

/* A TCP segment from container c's port 40000 to the gateway's dport. */
static void segment(struct fx *fx, struct frame *f, int c, uint16_t dport, uint8_t flags)
{
	struct pkt p = { .saddr = fx->port[c].ipv4,
			 .daddr = fx->port[GW].ipv4,
			 .proto = PROTO_TCP,
			 .ttl = 64,
			 .frag = IP_DF,
			 .sport = 40000,
			 .dport = dport,
			 .tcp_flags = flags };

	memcpy(p.dst_mac, fx->port[GW].mac, 6);
	memcpy(p.src_mac, fx->port[c].mac, 6);
	pkt_frame(f, &p);
}

TEST(prop_tcp_flags_to_node)
{
	const struct bpfbr_service allow = { .proto = PROTO_TCP, .port = htons(80) };
	int reports = 0;
	struct sw_run r;
	struct frame f;
	struct fx fx;

	if (!fx_setup(&fx, 3, 3, BPFBR_NET_SPOOFCHK))
		return;
	if (!fx_xdp(&fx))
		goto out;
	fx.cfg.n_allow = 1;
	fx.cfg.allow[0] = allow;
	if (!fx_config(&fx))
		goto out;
	for (int flow = 0; flow < 2; flow++) {
		if (flow) {
			/* The node connects from its port 22 to C1's 40000: its SYN, delivered. */
			struct pkt p;

			fx_node_syn(&fx, C1, &p, &f);
			if (!fx_run(&fx, GW, &f, &r) ||
			    !ASSERT_EQ(r.verdict, TC_ACT_REDIRECT, "the node's SYN"))
				goto out;
		}
		for (int allowed = 0; allowed < 2; allowed++) {
			for (int flags = 0; flags < 256 && reports < MAX_REPORTS; flags++) {
				bool opens = (flags & (TCP_SYN | TCP_ACK)) == TCP_SYN, reached;

				segment(&fx, &f, C1, allowed ? 80 : 22, (uint8_t)flags);
				if (!fx_run(&fx, C1, &f, &r))
					goto out;
				reached = tc_reached_node(&fx, &r);
				if (opens && !allowed && reached)
					reports += !test_fail(__FILE__, __LINE__,
							      "flags 0x%02x (a SYN without ACK) "
							      "reached a denied port (flow %d)",
							      flags, flow);
				if (!reached &&
				    (allowed || (!opens && ((flags & TCP_ACK) || flow))))
					reports += !test_fail(__FILE__, __LINE__,
							      "flags 0x%02x refused (allowed %d, "
							      "node's flow %d)",
							      flags, allowed, flow);
				if (!fx_run_xdp(&fx, C1, &f, &r))
					goto out;
				if (xdp_reached_node(&fx, &f, &r))
					reports += !test_fail(__FILE__, __LINE__,
							      "flags 0x%02x: XDP sent IPv4 for the "
							      "gateway on itself",
							      flags);
			}
		}
	}
out:
	fx_teardown(&fx);
}

/* A piece of a datagram: [off, off + len) of what follows its IPv4 header. */
struct piece {
	uint16_t off, len;
	bool last; /* no fragment after it (MF clear) */
};

/* The fragment of the IPv4 packet in whole that carries piece pc. */
static void fragment_of(const struct frame *whole, const struct piece *pc, struct frame *out)
{
	const uint8_t *ip = whole->data + ETH_HDR_LEN;
	uint8_t h[20];
	uint16_t frag = (uint16_t)((pc->last ? 0 : IP_MF) | pc->off / 8);

	memcpy(h, ip, 20);
	h[2] = (uint8_t)((20 + pc->len) >> 8);
	h[3] = (uint8_t)(20 + pc->len);
	h[6] = (uint8_t)(frag >> 8);
	h[7] = (uint8_t)frag;
	pkt_fix_ip_csum(h);
	out->len = 0;
	frame_put(out, whole->data, ETH_HDR_LEN);
	frame_put(out, h, 20);
	frame_put(out, ip + 20 + pc->off, pc->len);
}

enum { DENIED_UDP, DENIED_SYN, ALLOWED_PING, KINDS };

TEST(prop_fragments_to_node)
{
	static const uint16_t l4min[KINDS] = { 8, 20, 8 };
	uint64_t seed = prop_seed("prop_fragments_to_node");
	struct fz_rng rng = { seed };
	int reports = 0, whole_ok = 0;
	struct frame whole, fr;
	struct sw_run r;
	struct fx fx;

	if (!fx_setup(&fx, 3, 3, BPFBR_NET_SPOOFCHK))
		return;
	for (uint32_t n = 0; n < 3000 && reports < MAX_REPORTS; n++) {
		int kind = (int)fz_below(&rng, KINDS), npieces = 0, first_at = -1;
		struct piece pcs[8] = { 0 };
		bool first_ok, order_ok = true, reached[8] = { 0 };
		uint16_t len;
		struct pkt p = { .saddr = fx.port[C1].ipv4,
				 .daddr = fx.port[GW].ipv4,
				 .ttl = 64,
				 .id = (uint16_t)n,
				 .sport = 40000,
				 .icmp_type = ICMP_ECHO };

		memcpy(p.dst_mac, fx.port[GW].mac, 6);
		memcpy(p.src_mac, fx.port[C1].mac, 6);
		p.proto = kind == DENIED_UDP   ? PROTO_UDP
			  : kind == DENIED_SYN ? PROTO_TCP
					       : PROTO_ICMP;
		p.dport = kind == DENIED_SYN ? 22 : 7000;
		p.tcp_flags = TCP_SYN;
		pkt_fill(&p, fz_below(&rng, 120), (uint8_t)n);
		pkt_frame(&whole, &p);
		len = (uint16_t)(whole.len - ETH_HDR_LEN - 20);
		/* Cut points at multiples of 8, from 8 on, then now and then an
		 * overlap inside the first 24 bytes and a duplicate. */
		for (uint16_t off = 0; off < len && npieces < 5;) {
			uint16_t step = (uint16_t)(8 * (1 + fz_below(&rng, 6)));

			if (off + step >= len || npieces == 4)
				step = (uint16_t)(len - off);
			pcs[npieces++] = (struct piece){ off, step, off + step >= len };
			off = (uint16_t)(off + step);
		}
		if (fz_chance(&rng, 20) && len > 24)
			pcs[npieces++] = (struct piece){ (uint16_t)(8 * (1 + fz_below(&rng, 2))),
							 16, false };
		if (fz_chance(&rng, 10)) {
			pcs[npieces] = pcs[fz_below(&rng, (uint32_t)npieces)];
			npieces++;
		}
		/* Shuffled, now and then. */
		for (int i = npieces - 1; i > 0 && fz_chance(&rng, 30); i--) {
			int j = (int)fz_below(&rng, (uint32_t)i + 1);
			struct piece t = pcs[i];

			pcs[i] = pcs[j];
			pcs[j] = t;
		}
		for (int i = 0; i < npieces; i++) {
			fragment_of(&whole, &pcs[i], &fr);
			if (!fx_run(&fx, C1, &fr, &r))
				goto out;
			reached[i] = tc_reached_node(&fx, &r);
			if (pcs[i].off == 0 && first_at < 0)
				first_at = i;
			if (pcs[i].off && pcs[i].off < l4min[kind] && reached[i])
				reports +=
					!test_fail(__FILE__, __LINE__,
						   "datagram %u: a fragment at offset %u, inside "
						   "the transport header, reached the node",
						   n, pcs[i].off);
			if (pcs[i].off && (first_at < 0 || !reached[first_at]) && reached[i])
				reports +=
					!test_fail(__FILE__, __LINE__,
						   "datagram %u: a later fragment reached the node "
						   "before its first did",
						   n);
			if (kind != ALLOWED_PING && reached[i])
				reports +=
					!test_fail(__FILE__, __LINE__,
						   "datagram %u (%s): a fragment reached the node",
						   n, kind == DENIED_UDP ? "denied UDP" : "a SYN");
		}
		/* An allowed datagram in fragments, the first one first with the whole
		 * header, the header never rewritten: every fragment arrives. */
		first_ok = npieces && pcs[0].off == 0 && !pcs[0].last && pcs[0].len >= l4min[kind];
		for (int i = 1; i < npieces; i++)
			order_ok &= pcs[i].off >= l4min[kind];
		if (kind == ALLOWED_PING && first_ok && order_ok) {
			for (int i = 0; i < npieces; i++)
				if (!reached[i]) {
					reports += !test_fail(
						__FILE__, __LINE__,
						"datagram %u: an allowed ping's fragment "
						"%d (offset %u) was refused",
						n, i, pcs[i].off);
					break;
				}
			whole_ok++;
		}
	}
	ASSERT_TRUE(whole_ok > 100, "enough allowed datagrams came in order to check them");
out:
	fx_teardown(&fx);
}

static const uint16_t tpids[] = { ETHERTYPE_8021Q, ETHERTYPE_8021AD, 0x9100 };

TEST(prop_vlan_stacks_to_node)
{
	static const uint8_t mcast6[6] = { 0x33, 0x33, 0, 0, 0, 1 };
	static const uint8_t all_nodes[16] = { 0xff, 0x02, [15] = 1 };
	static const uint8_t ll[16] = { 0xfe, 0x80, [15] = 2 };
	const uint32_t flags[] = { 0, BPFBR_NET_SPOOFCHK };
	uint64_t seed = prop_seed("prop_vlan_stacks_to_node");
	struct fz_rng rng = { seed };
	int reports = 0;
	struct sw_run r;
	struct frame f;
	struct fx fx;

	for (size_t k = 0; k < sizeof(flags) / sizeof(flags[0]); k++) {
		if (!fx_setup(&fx, 3, 3, flags[k]))
			return;
		if (!fx_xdp(&fx))
			goto next;
		fx.cfg.n_allow = 1;
		fx.cfg.allow[0] = (struct bpfbr_service){ .proto = PROTO_UDP, .port = htons(7000) };
		if (!fx_config(&fx))
			goto next;
		for (uint32_t n = 0; n < 2000 && reports < MAX_REPORTS; n++) {
			uint32_t depth = 1 + fz_below(&rng, 6), inner = fz_below(&rng, 3);
			const uint8_t *dst = fz_chance(&rng, 50)   ? fx.port[GW].mac
					     : fz_chance(&rng, 50) ? mac_broadcast
								   : fx.port[C2].mac;
			bool tagged;

			if (inner == 0)
				frame_udp(&f, dst, fx.port[C1].mac, fx.port[C1].ipv4,
					  fx.port[GW].ipv4, 40000, 7000, "tag", 3);
			else if (inner == 1)
				frame_udp6(&f, dst == mac_broadcast ? mcast6 : dst, fx.port[C1].mac,
					   ll, dst == mac_broadcast ? all_nodes : ll, 40000, 7000,
					   "tag", 3);
			else
				frame_arp_request(&f, fx.port[C1].mac, fx.port[C1].ipv4,
						  fx.port[GW].ipv4);
			if (inner == 2)
				memcpy(f.data, dst, 6);
			for (uint32_t i = 0; i < depth; i++)
				frame_vlan_push(
					&f, tpids[fz_below(&rng, 3)],
					(uint16_t)(fz_chance(&rng, 50) ? 0 : fz_below(&rng, 4095)));
			/* Tagged as the kernel sees it: an 802.1Q or 802.1ad TPID outermost. */
			tagged = f.data[12] == 0x81 || (f.data[12] == 0x88 && f.data[13] == 0xa8);
			if (!fx_run(&fx, C1, &f, &r))
				goto next;
			if (tagged && tc_reached_node(&fx, &r))
				reports +=
					!test_fail(__FILE__, __LINE__,
						   "frame %u (%u tags, flags %#x): a tagged frame "
						   "reached the node (TC)",
						   n, depth, flags[k]);
			if (!fx_run_xdp(&fx, C1, &f, &r))
				goto next;
			if (tagged && xdp_reached_node(&fx, &f, &r))
				reports +=
					!test_fail(__FILE__, __LINE__,
						   "frame %u (%u tags, flags %#x): a tagged frame "
						   "reached the node (XDP)",
						   n, depth, flags[k]);
		}
	next:
		fx_teardown(&fx);
	}
}
