// SPDX-License-Identifier: GPL-2.0-only OR BSD-2-Clause
/*
 * What the egress program must leave alone: multicast from a container (as
 * the CNI bridge plugin's rule, which excludes 224.0.0.0/4), IPv4 from a
 * source that is neither an endpoint nor the uplink's address, and what is
 * not IPv4. Byte for byte, nothing counted, no flow made.
 */
#include <string.h>

#include "harness.h"
#include "nat_expect.h"
#include "nat_fixture.h"

TEST(nat_egress_untouched)
{
	static const uint8_t mdns_mac[6] = { 0x01, 0x00, 0x5e, 0x00, 0x00, 0xfb },
			     ssdp_mac[6] = { 0x01, 0x00, 0x5e, 0x7f, 0xff, 0xfa },
			     igmp_mac[6] = { 0x01, 0x00, 0x5e, 0x00, 0x00, 0x16 };
	/* IGMPv3 membership report joining 239.1.2.3 (RFC 3376), its checksum included */
	static const uint8_t igmp[16] = {
		0x22, 0, 0xec, 0xf8, 0, 0, 0, 1, 4, 0, 0, 0, 239, 1, 2, 3
	};
	struct nat_run r;
	struct frame f;
	struct nfx fx;
	struct pkt p;

	if (!nfx_setup(&fx, NULL))
		return;
#define UNTOUCHED(what)                          \
	do {                                     \
		pkt_frame(&f, &p);               \
		if (nfx_out(&fx, &f, &r))        \
			nexp_pass(&r, &f, what); \
	} while (0)
	nfx_sent(&p, CT1, PROTO_UDP, 5353, ip4(224, 0, 0, 251), 5353);
	memcpy(p.dst_mac, mdns_mac, 6);
	p.ttl = 255;
	UNTOUCHED("mDNS to 224.0.0.251");
	nfx_sent(&p, CT1, PROTO_UDP, 40000, ip4(239, 255, 255, 250), 1900);
	memcpy(p.dst_mac, ssdp_mac, 6);
	p.ttl = 4;
	UNTOUCHED("SSDP to 239.255.255.250");
	nfx_sent(&p, CT1, 2 /* IGMP */, 0, ip4(224, 0, 0, 22), 0);
	memcpy(p.dst_mac, igmp_mac, 6);
	p.ttl = 1;
	p.tos = 0xc0;
	p.optlen = 4;
	p.opts[0] = 0x94; /* router alert */
	p.opts[1] = 4;
	memcpy(p.payload, igmp, sizeof(igmp));
	p.len = sizeof(igmp);
	UNTOUCHED("IGMPv3 report to 224.0.0.22 (a protocol masquerade would refuse)");
	nfx_sent(&p, CT1, PROTO_UDP, 40000, ip4(239, 1, 2, 3), 5004);
	UNTOUCHED("UDP to a multicast group with a unicast MAC");
	nfx_sent(&p, CT1, PROTO_UDP, 40000, server_addr(), 53);
	p.saddr = ip4(10, 40, 0, 99);
	UNTOUCHED("from an address that is no endpoint");
	p.saddr = ip4(192, 0, 2, 7);
	UNTOUCHED("forwarded by the node for another network");
#undef UNTOUCHED
	frame_arp_request(&f, uplink_mac, uplink_addr(), next_hop());
	if (nfx_out(&fx, &f, &r))
		nexp_pass(&r, &f, "ARP request from the node");
	nfx_expect_table(&fx, 0, (uint32_t[NFX_DEVS]){ 0 }, "no flow made");
	nfx_teardown(&fx);
}

/*
 * A container's packet whose transport header is cut short cannot be
 * translated; it must not leave with the container's own address either
 * (the issue: a container's traffic leaves with the uplink's address as
 * source). Dropped, counted as TRUNCATED.
 */
TEST(nat_egress_truncated_not_leaked)
{
	static const struct {
		const char *name;
		uint8_t proto;
		size_t keep; /* bytes of transport header left */
	} cases[] = {
		{ "TCP header cut to 12 bytes", PROTO_TCP, 12 },
		{ "UDP header cut to 4 bytes", PROTO_UDP, 4 },
		{ "ICMP echo header cut to 4 bytes", PROTO_ICMP, 4 },
	};
	struct nat_run r;
	struct frame f;
	struct nfx fx;
	struct pkt p;
	int err;

	if (!nfx_setup(&fx, NULL))
		return;
	for (size_t i = 0; i < sizeof(cases) / sizeof(cases[0]); i++) {
		uint16_t tot = (uint16_t)(20 + cases[i].keep);

		nfx_sent(&p, CT1, cases[i].proto, 40000, server_addr(), 443);
		pkt_frame(&f, &p);
		f.len = ETH_HDR_LEN + tot;
		f.data[ETH_HDR_LEN + 2] = (uint8_t)(tot >> 8);
		f.data[ETH_HDR_LEN + 3] = (uint8_t)tot;
		pkt_fix_ip_csum(f.data + ETH_HDR_LEN);
		err = nat_dp_run(&fx.dp, fx.dp.out_fd, fx.env.dev[UPLINK].ifindex, &f, &r);
		if (err == -EINVAL) {
			test_skip("this kernel's BPF_PROG_TEST_RUN refuses a frame this short");
			break;
		}
		if (ASSERT_OK(err, "BPF_PROG_TEST_RUN"))
			nexp_drop(&r, BPFBR_DROP_TRUNCATED, cases[i].name);
	}
	nfx_expect_table(&fx, 0, (uint32_t[NFX_DEVS]){ 0 }, "no flow made");
	nfx_teardown(&fx);
}
