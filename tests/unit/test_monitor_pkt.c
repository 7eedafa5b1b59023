// SPDX-License-Identifier: GPL-2.0-only OR BSD-2-Clause
/*
 * What `bpfbr monitor` makes of an event's captured bytes (agent/lib/
 * monitor_pkt.c), and the pcapng file it writes (agent/lib/pcapng.c): a
 * tagged TCP SYN summarised field by field, every cut of it read within its
 * bounds (under AddressSanitizer), and a file whose blocks chain up.
 */
#include <arpa/inet.h>
#include <stdio.h>
#include <stdlib.h>
#include <unistd.h>

#include "harness.h"
#include "monitor_pkt.h"
#include "pcapng.h"

/* 02:00:00:00:00:01 > 02:00:00:00:00:02, VLAN 100, IPv4 10.40.0.2:40000 >
 * 10.40.0.1:22 TCP SYN, no payload. */
static const uint8_t syn[] = {
	0x02, 0x00, 0x00, 0x00, 0x00, 0x02, 0x02, 0x00, 0x00, 0x00, 0x00, 0x01, 0x81, 0x00, 0x00,
	0x64, 0x08, 0x00, 0x45, 0x00, 0x00, 0x28, 0x00, 0x01, 0x40, 0x00, 0x40, 0x06, 0x00, 0x00,
	0x0a, 0x28, 0x00, 0x02, 0x0a, 0x28, 0x00, 0x01, 0x9c, 0x40, 0x00, 0x16, 0x00, 0x00, 0x00,
	0x01, 0x00, 0x00, 0x00, 0x00, 0x50, 0x02, 0x72, 0x10, 0x00, 0x00, 0x00, 0x00,
};

TEST(monitor_pkt_summarises_a_tagged_syn)
{
	struct mon_pkt p;
	char line[256];
	json_t *o = json_object();

	mon_pkt_parse(syn, sizeof(syn), &p);
	ASSERT_TRUE(p.has_eth, "Ethernet");
	ASSERT_EQ(p.n_vlans, 1, "one tag");
	ASSERT_EQ(p.vlan[0], 100, "VLAN 100");
	ASSERT_EQ(p.ethertype, 0x0800, "IPv4 inside");
	ASSERT_TRUE(p.ipv4, "IPv4");
	ASSERT_EQ(p.saddr, htonl(0x0a280002), "source");
	ASSERT_EQ(p.daddr, htonl(0x0a280001), "destination");
	ASSERT_EQ(p.proto, 6, "TCP");
	ASSERT_TRUE(p.has_ports && p.sport == 40000 && p.dport == 22, "ports");
	ASSERT_TRUE(p.has_tcp_flags && p.tcp_flags == 0x02, "SYN");
	ASSERT_TRUE(mon_pkt_has_addr(&p, htonl(0x0a280001)), "--ip matches the destination");
	ASSERT_FALSE(mon_pkt_has_addr(&p, htonl(0x0a280003)), "and not another address");
	mon_pkt_text(&p, line, sizeof(line));
	ASSERT_STREQ(line,
		     "02:00:00:00:00:01 > 02:00:00:00:00:02 vlan 100 IPv4 10.40.0.2:40000 > "
		     "10.40.0.1:22 tcp [S]",
		     "the line");
	mon_pkt_json(&p, o);
	ASSERT_STREQ(json_string_value(json_object_get(o, "tcp_flags")), "S", "JSON flags");
	ASSERT_STREQ(json_string_value(json_object_get(o, "proto")), "tcp", "JSON proto");
	ASSERT_EQ(json_integer_value(json_object_get(o, "dport")), 22, "JSON dport");
	json_decref(o);
}

/* Every prefix of the frame: parsed within its bounds, the summary keeps what
 * was captured and leaves out what was not. */
TEST(monitor_pkt_reads_within_what_was_captured)
{
	char line[256];

	for (size_t n = 0; n <= sizeof(syn); n++) {
		uint8_t *cut = malloc(n ? n : 1); /* exactly n bytes: ASan sees a read past them */
		struct mon_pkt p;

		memcpy(cut, syn, n);
		mon_pkt_parse(cut, n, &p);
		mon_pkt_text(&p, line, sizeof(line));
		ASSERT_EQ(p.has_eth, n >= 14, "Ethernet only when captured");
		ASSERT_EQ(p.has_ports, n >= 18 + 20 + 4, "ports only when captured");
		ASSERT_EQ(p.has_tcp_flags, n >= 18 + 20 + 14, "flags only when captured");
		free(cut);
	}
}

static uint32_t u32_at(const uint8_t *b)
{
	uint32_t v;

	memcpy(&v, b, 4);
	return v;
}

TEST(pcapng_blocks_chain_up)
{
	char path[] = "/tmp/bpfbr-pcapng-XXXXXX";
	uint8_t buf[4096];
	struct pcapng w;
	size_t n, off = 0;
	int fd = mkstemp(path), blocks[7] = { 0 };
	FILE *f;

	if (!ASSERT_TRUE(fd >= 0, "a temporary file"))
		return;
	close(fd);
	if (!ASSERT_OK(pcapng_open(&w, path), "open"))
		goto out;
	ASSERT_OK(pcapng_packet(&w, 7, "veth0", 1000000001ull, syn, sizeof(syn), 60, "dropped"),
		  "a packet");
	ASSERT_OK(pcapng_packet(&w, 7, "veth0", 1000000002ull, syn, 14, 60, NULL),
		  "a packet, 14 bytes captured, no comment");
	ASSERT_OK(pcapng_packet(&w, 9, "up0", 1000000003ull, syn, sizeof(syn), 60, "x"),
		  "a packet of another interface");
	ASSERT_OK(pcapng_close(&w), "close");
	f = fopen(path, "rb");
	if (!ASSERT_TRUE(f != NULL, "read back"))
		goto out;
	n = fread(buf, 1, sizeof(buf), f);
	fclose(f);
	/* Each block: type, total length, ..., the same total length again. */
	while (off + 12 <= n) {
		uint32_t type = u32_at(buf + off), len = u32_at(buf + off + 4);

		if (!ASSERT_TRUE(len >= 12 && len % 4 == 0 && off + len <= n, "a whole block"))
			goto out;
		ASSERT_EQ(u32_at(buf + off + len - 4), len, "its length at both ends");
		if (type == 0x0A0D0D0A)
			blocks[0]++;
		else if (type <= 6)
			blocks[type]++;
		off += len;
	}
	ASSERT_EQ(off, n, "nothing after the last block");
	ASSERT_EQ(blocks[0], 1, "one section header");
	ASSERT_EQ(blocks[1], 2, "an interface description per interface");
	ASSERT_EQ(blocks[6], 3, "an enhanced packet block per packet");
out:
	unlink(path);
}
