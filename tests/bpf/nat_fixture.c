// SPDX-License-Identifier: GPL-2.0-only OR BSD-2-Clause
#include <arpa/inet.h>
#include <errno.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>

#include <bpf/bpf.h>
#include <bpf/libbpf.h>
#include <linux/pkt_cls.h>

#include "harness.h"
#include "nat_fixture.h"
#include "uplink.skel.h"

const uint8_t uplink_mac[6] = { 0x02, 0xaa, 0, 0, 0, 0x01 };
const uint8_t next_hop_mac[6] = { 0x02, 0xaa, 0, 0, 0, 0xfe };
const uint8_t gw_mac[6] = { 0x02, 0xbb, 0x01, 0, 0, 0x01 };

uint32_t uplink_addr(void)
{
	return ip4(203, 0, 113, 1);
}

uint32_t next_hop(void)
{
	return ip4(203, 0, 113, 254);
}

uint32_t server_addr(void)
{
	return ip4(198, 51, 100, 2);
}

uint32_t far_router(void)
{
	return ip4(198, 51, 100, 1);
}

uint32_t ct_addr(int c)
{
	return ip4(10, 40, 0, (uint8_t)(c + 1));
}

static void ct_mac(uint8_t mac[6], int c)
{
	const uint8_t m[6] = { 0x02, 0xbb, 0x01, 0, 0, (uint8_t)(c + 1) };

	memcpy(mac, m, 6);
}

bool nfx_setup(struct nfx *fx, const struct nfx_opts *o)
{
	const struct nfx_opts defaults = {
		.nat_max = NFX_NAT_MAX,
		.port_lo = NFX_PORT_LO,
		.port_hi = NFX_PORT_HI,
		.share = NFX_SHARE,
	};
	int err;

	if (!o)
		o = &defaults;
	memset(fx, 0, sizeof(*fx));
	err = env_setup(&fx->env, NFX_DEVS);
	if (err == -EPERM) {
		test_skip("needs root (CAP_SYS_ADMIN and CAP_NET_ADMIN) for a network namespace");
		return false;
	}
	if (err == -EOPNOTSUPP) {
		test_skip("the kernel has no veth driver");
		return false;
	}
	if (!ASSERT_OK(err, "network namespace with veth pairs"))
		return false;
	fx->cfg = (struct bpfbr_uplink_cfg){
		.ifindex = fx->env.dev[UPLINK].ifindex,
		.addr = uplink_addr(),
		.nat_max = o->nat_max,
		.port_lo = o->port_lo,
		.port_hi = o->port_hi,
	};
	err = nat_dp_load(&fx->dp, &fx->cfg);
	if (err == -EPERM) {
		test_skip("needs root (CAP_BPF and CAP_NET_ADMIN) to load the program");
		goto env;
	}
	if (!ASSERT_OK(err, "load the uplink object and fill its table"))
		goto env;
	for (int c = CT1; c <= CT3; c++) {
		struct bpfbr_endpoint *ep = &fx->ep[c];

		ep->ifindex = fx->env.dev[c].ifindex;
		ep->max_flows = o->share;
		ep->net = 1;
		ct_mac(ep->mac, c);
		memcpy(ep->gw_mac, gw_mac, 6);
		err = nat_dp_endpoint_set(&fx->dp, ct_addr(c), ep);
		if (!err && bpf_map_update_elem(bpf_map__fd(fx->dp.skel->maps.nat_devmap),
						&ep->ifindex, &ep->ifindex, BPF_ANY))
			err = -errno;
		if (!ASSERT_OK(err, "add an endpoint (and its port to the XDP devmap)"))
			goto dp;
	}
	return true;
dp:
	nat_dp_unload(&fx->dp);
env:
	env_teardown(&fx->env);
	return false;
}

void nfx_teardown(struct nfx *fx)
{
	nat_dp_unload(&fx->dp);
	env_teardown(&fx->env);
}

bool nfx_out(struct nfx *fx, const struct frame *f, struct nat_run *r)
{
	return ASSERT_OK(nat_dp_run(&fx->dp, fx->dp.out_fd, fx->env.dev[UPLINK].ifindex, f, r),
			 "BPF_PROG_TEST_RUN of bpfbr_uplink_out");
}

bool nfx_in(struct nfx *fx, const struct frame *f, struct nat_run *r)
{
	return ASSERT_OK(nat_dp_run(&fx->dp, fx->dp.in_fd, fx->env.dev[UPLINK].ifindex, f, r),
			 "BPF_PROG_TEST_RUN of bpfbr_uplink_in");
}

bool nfx_xdp(struct nfx *fx)
{
	return ASSERT_OK(env_xdp_rxq(&fx->env, UPLINK),
			 "attach XDP to the uplink (its receive queue)");
}

bool nfx_in_xdp(struct nfx *fx, const struct frame *f, struct nat_run *r)
{
	return ASSERT_OK(nat_dp_run_xdp(&fx->dp, fx->env.dev[UPLINK].ifindex, f, r),
			 "BPF_PROG_TEST_RUN of bpfbr_uplink_xdp");
}

void nfx_sent(struct pkt *p, int c, uint8_t proto, uint16_t sport, uint32_t raddr, uint16_t dport)
{
	static uint16_t id = 0x3e01;

	memset(p, 0, sizeof(*p));
	memcpy(p->dst_mac, next_hop_mac, 6);
	memcpy(p->src_mac, uplink_mac, 6);
	p->saddr = ct_addr(c);
	p->daddr = raddr;
	p->proto = proto;
	p->ttl = SENT_TTL;
	p->id = id++;
	p->frag = IP_DF;
	p->sport = sport;
	p->dport = dport;
	switch (proto) {
	case PROTO_TCP:
		p->tcp_flags = TCP_SYN;
		p->seq = 0x6b8b4567u + sport;
		break;
	case PROTO_UDP:
		p->frag = 0; /* as a DNS resolver sends: no DF */
		pkt_fill(p, 40, (uint8_t)sport);
		break;
	case PROTO_ICMP:
		p->icmp_type = ICMP_ECHO;
		pkt_fill(p, 56, 0x10);
		break;
	}
}

void nfx_masqueraded(struct pkt *want, const struct pkt *p, uint16_t oport)
{
	*want = *p;
	want->saddr = uplink_addr();
	want->sport = oport;
}

bool nfx_dns_flow(struct nfx *fx, struct pkt *sent, struct pkt *want)
{
	struct nat_run r;
	struct frame f;

	nfx_sent(sent, CT1, PROTO_UDP, 40000, server_addr(), 53);
	pkt_frame(&f, sent);
	if (!nfx_out(fx, &f, &r) || !ASSERT_EQ(r.verdict, TC_ACT_OK, "a flow"))
		return false;
	if (want)
		nfx_masqueraded(want, sent, 40000);
	return true;
}

void nfx_reply(struct pkt *p, const struct pkt *out)
{
	static uint16_t id = 0x7100;

	*p = *out;
	memcpy(p->dst_mac, out->src_mac, 6);
	memcpy(p->src_mac, out->dst_mac, 6);
	p->saddr = out->daddr;
	p->daddr = out->saddr;
	p->ttl = REPLY_TTL;
	p->id = id++;
	p->frag = IP_DF;
	switch (out->proto) {
	case PROTO_TCP:
		p->sport = out->dport;
		p->dport = out->sport;
		p->tcp_flags = (out->tcp_flags & TCP_SYN) ? TCP_SYN | TCP_ACK : TCP_ACK;
		p->seq = 0x327b23c6u;
		p->ack = out->seq + 1;
		p->len = 0;
		break;
	case PROTO_UDP:
		p->sport = out->dport;
		p->dport = out->sport;
		pkt_fill(p, 72, 0x80);
		break;
	case PROTO_ICMP:
		p->icmp_type = ICMP_ECHOREPLY; /* same identifier, sequence and data */
		break;
	}
}

void nfx_delivered(const struct nfx *fx, struct pkt *want, const struct pkt *p, int c,
		   uint16_t iport)
{
	*want = *p;
	memcpy(want->dst_mac, fx->ep[c].mac, 6);
	memcpy(want->src_mac, fx->ep[c].gw_mac, 6);
	want->daddr = ct_addr(c);
	want->ttl = (uint8_t)(p->ttl - 1);
	if (p->proto == PROTO_ICMP)
		want->sport = iport;
	else
		want->dport = iport;
}

/* The inside key of a packet a container sent. */
static struct bpfbr_nat_key inside_key(const struct pkt *sent)
{
	if (sent->proto == PROTO_ICMP)
		return nat_key_in(PROTO_ICMP, sent->saddr, sent->sport, sent->daddr, 0);
	return nat_key_in(sent->proto, sent->saddr, sent->sport, sent->daddr, sent->dport);
}

static uint16_t remote_port(const struct pkt *sent)
{
	return sent->proto == PROTO_ICMP ? 0 : sent->dport;
}

bool nfx_in_range(const struct nfx *fx, uint16_t port)
{
	return port >= fx->cfg.port_lo && port <= fx->cfg.port_hi;
}

uint16_t nfx_oport(struct nfx *fx, const struct pkt *sent)
{
	struct bpfbr_nat_key k = inside_key(sent);
	struct bpfbr_flow fl;
	uint32_t slot;

	if (!ASSERT_OK(nat_dp_slot(fx->dp.nat_out_fd, &k, &slot), "nat_out key") ||
	    !ASSERT_OK(nat_dp_flow_get(&fx->dp, slot, &fl), "flow entry"))
		return 0;
	return ntohs(fl.oport);
}

bool nfx_expect_flow(struct nfx *fx, int c, const struct pkt *sent, uint16_t oport, uint8_t state,
		     uint32_t *slot_out, const char *what)
{
	struct bpfbr_nat_key k = inside_key(sent), ok;
	const struct bpfbr_endpoint *ep = &fx->ep[c];
	uint32_t slot, in_slot;
	struct bpfbr_flow fl;
	char m[200];
	bool good = true;

	snprintf(m, sizeof(m), "%s: nat_out has the inside tuple", what);
	if (!ASSERT_OK(nat_dp_slot(fx->dp.nat_out_fd, &k, &slot), m))
		return false;
	snprintf(m, sizeof(m), "%s: slot within the table", what);
	if (!ASSERT_TRUE(slot < fx->dp.nat_max, m))
		return false;
	ok = nat_key_out(sent->proto, sent->daddr, remote_port(sent), oport);
	snprintf(m, sizeof(m), "%s: nat_in has the outside tuple (port %u)", what, oport);
	if (ASSERT_OK(nat_dp_slot(fx->dp.nat_in_fd, &ok, &in_slot), m)) {
		snprintf(m, sizeof(m), "%s: nat_in and nat_out point at one slot", what);
		good &= ASSERT_EQ(in_slot, slot, m);
	} else {
		good = false;
	}
	snprintf(m, sizeof(m), "%s: flow entry", what);
	if (!ASSERT_OK(nat_dp_flow_get(&fx->dp, slot, &fl), m))
		return false;
#define FIELD(f, v)                                                 \
	do {                                                        \
		snprintf(m, sizeof(m), "%s: flow field " #f, what); \
		good &= ASSERT_EQ(fl.f, v, m);                      \
	} while (0)
	FIELD(in_use, 1);
	FIELD(ifindex, ep->ifindex);
	FIELD(iaddr, ct_addr(c));
	FIELD(raddr, sent->daddr);
	FIELD(iport, k.port);
	FIELD(rport, k.rport);
	FIELD(oport, htons(oport));
	FIELD(proto, sent->proto);
	FIELD(state, state);
	FIELD(net, ep->net);
	FIELD(flags, 0);
#undef FIELD
	snprintf(m, sizeof(m), "%s: flow holds the container's MAC", what);
	good &= ASSERT_MEMEQ(fl.mac, ep->mac, 6, m);
	snprintf(m, sizeof(m), "%s: flow holds the gateway's MAC", what);
	good &= ASSERT_MEMEQ(fl.gw_mac, ep->gw_mac, 6, m);
	snprintf(m, sizeof(m), "%s: created before last seen, both set", what);
	good &= ASSERT_TRUE(fl.created_ns && fl.created_ns <= fl.seen_ns, m);
	if (slot_out)
		*slot_out = slot;
	return good;
}

bool nfx_expect_no_flow(struct nfx *fx, const struct pkt *sent, const char *what)
{
	struct bpfbr_nat_key k = inside_key(sent);
	uint32_t slot;
	char m[200];

	snprintf(m, sizeof(m), "%s: no nat_out key for the inside tuple", what);
	return ASSERT_EQ(nat_dp_slot(fx->dp.nat_out_fd, &k, &slot), -ENOENT, m);
}

bool nfx_expect_table(struct nfx *fx, uint32_t flows, const uint32_t *ep_flows, const char *what)
{
	uint32_t nmax = fx->dp.nat_max, n, *slots;
	struct bpfbr_uplink_cfg cfg;
	struct bpfbr_endpoint ep;
	struct bpfbr_flow fl;
	uint8_t *seen;
	char m[200];
	bool good = true;

	snprintf(m, sizeof(m), "%s: read nat_config", what);
	if (!ASSERT_OK(nat_dp_config_get(&fx->dp, &cfg), m))
		return false;
	snprintf(m, sizeof(m), "%s: nat_config counts the flows", what);
	good &= ASSERT_EQ(cfg.flows, flows, m);
	for (int c = CT1; ep_flows && c <= CT3; c++) {
		snprintf(m, sizeof(m), "%s: endpoint %d", what, c);
		if (!ASSERT_OK(nat_dp_endpoint_get(&fx->dp, ct_addr(c), &ep), m))
			return false;
		snprintf(m, sizeof(m), "%s: endpoint 10.40.0.%d counts its flows", what, c + 1);
		good &= ASSERT_EQ(ep.flows, ep_flows[c], m);
	}
	snprintf(m, sizeof(m), "%s: keys in nat_out", what);
	good &= ASSERT_OK(nat_dp_keys(fx->dp.nat_out_fd, &n), m) && ASSERT_EQ(n, flows, m);
	snprintf(m, sizeof(m), "%s: keys in nat_in", what);
	good &= ASSERT_OK(nat_dp_keys(fx->dp.nat_in_fd, &n), m) && ASSERT_EQ(n, flows, m);

	slots = calloc(nmax, sizeof(*slots));
	seen = calloc(nmax, 1);
	if (!ASSERT_TRUE(slots && seen, "memory"))
		goto out;
	snprintf(m, sizeof(m), "%s: read the free queue", what);
	if (!ASSERT_OK(nat_dp_free_slots(&fx->dp, slots, nmax, &n), m)) {
		good = false;
		goto out;
	}
	snprintf(m, sizeof(m), "%s: free slots = nat_max - flows", what);
	good &= ASSERT_EQ(n, nmax - flows, m);
	for (uint32_t i = 0; i < n && i < nmax; i++) {
		snprintf(m, sizeof(m), "%s: free slot %u is in the table and queued once", what,
			 slots[i]);
		if (!ASSERT_TRUE(slots[i] < nmax && !seen[slots[i]], m)) {
			good = false;
			continue;
		}
		seen[slots[i]] = 1;
		snprintf(m, sizeof(m), "%s: free slot %u is not live", what, slots[i]);
		good &= ASSERT_OK(nat_dp_flow_get(&fx->dp, slots[i], &fl), m) &&
			ASSERT_EQ(fl.in_use, 0, m);
	}
	/* And every slot not queued is live: none is lost. */
	for (uint32_t s = 0; s < nmax; s++) {
		if (seen[s])
			continue;
		snprintf(m, sizeof(m), "%s: slot %u, not queued, holds a live flow", what, s);
		good &= ASSERT_OK(nat_dp_flow_get(&fx->dp, s, &fl), m) &&
			ASSERT_EQ(fl.in_use, 1, m);
	}
out:
	free(slots);
	free(seen);
	return good;
}
