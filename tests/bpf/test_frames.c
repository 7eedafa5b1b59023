// SPDX-License-Identifier: GPL-2.0-only OR BSD-2-Clause
/* The frame builders themselves: the switch tests are only as real as their frames. */
#include <arpa/inet.h>
#include <string.h>

#include "frames.h"
#include "harness.h"

TEST(frames_checksums)
{
	/* A known IPv4 header (checksum 0xb861 at offset 10). */
	static const uint8_t known[20] = { 0x45, 0x00, 0x00, 0x73, 0x00, 0x00, 0x40,
					   0x00, 0x40, 0x11, 0xb8, 0x61, 0xc0, 0xa8,
					   0x00, 0x01, 0xc0, 0xa8, 0x00, 0xc7 };
	static const uint8_t a[6] = { 2, 0, 0, 0, 0, 1 }, b[6] = { 2, 0, 0, 0, 0, 2 };
	uint8_t hdr[20], pseudo[12];
	const uint8_t *ip, *l4;
	struct frame f;
	uint32_t sum = 0;
	size_t l4len;

	memcpy(hdr, known, sizeof(hdr));
	hdr[10] = hdr[11] = 0;
	ASSERT_EQ(inet_csum(hdr, sizeof(hdr), 0), htons(0xb861), "checksum of a known header");
	ASSERT_EQ(inet_csum(known, sizeof(known), 0), 0, "a correct header sums to zero");

	frame_icmp_echo(&f, a, b, ip4(10, 40, 0, 2), ip4(10, 40, 0, 3), 7);
	ip = f.data + ETH_HDR_LEN;
	ASSERT_EQ(f.len, 98, "ping's frame size");
	ASSERT_EQ(inet_csum(ip, IPV4_HDR_LEN, 0), 0, "ICMP frame: IPv4 header checksum");
	ASSERT_EQ(inet_csum(ip + IPV4_HDR_LEN, f.len - ETH_HDR_LEN - IPV4_HDR_LEN, 0), 0,
		  "ICMP frame: ICMP checksum");

	frame_udp(&f, a, b, ip4(10, 40, 0, 2), ip4(10, 40, 0, 3), 1234, 53, "hello", 5);
	ip = f.data + ETH_HDR_LEN;
	l4 = ip + IPV4_HDR_LEN;
	l4len = f.len - ETH_HDR_LEN - IPV4_HDR_LEN;
	ASSERT_EQ(inet_csum(ip, IPV4_HDR_LEN, 0), 0, "UDP frame: IPv4 header checksum");
	memcpy(pseudo, ip + 12, 8);
	pseudo[8] = 0;
	pseudo[9] = 17;
	pseudo[10] = (uint8_t)(l4len >> 8);
	pseudo[11] = (uint8_t)l4len;
	for (size_t i = 0; i < sizeof(pseudo); i += 2)
		sum += (uint32_t)pseudo[i] << 8 | pseudo[i + 1];
	ASSERT_EQ(inet_csum(l4, l4len, sum), 0, "UDP frame: checksum with the pseudo header");

	frame_arp_request(&f, a, ip4(10, 40, 0, 2), ip4(10, 40, 0, 1));
	ASSERT_EQ(f.len, ETH_HDR_LEN + ARP_BODY_LEN, "ARP frame size");
	ASSERT_MEMEQ(f.data, mac_broadcast, 6, "ARP request is broadcast");
	ASSERT_MEMEQ(f.data + ETH_HDR_LEN + 8, a, 6, "ARP sender MAC");

	frame_vlan_push(&f, ETHERTYPE_8021Q, 100);
	ASSERT_EQ(f.len, ETH_HDR_LEN + VLAN_TAG_LEN + ARP_BODY_LEN, "tagged ARP frame size");
	ASSERT_EQ(f.data[12] << 8 | f.data[13], ETHERTYPE_8021Q, "tag protocol after the MACs");
	ASSERT_EQ(f.data[16] << 8 | f.data[17], ETHERTYPE_ARP, "inner ethertype after the tag");
}
