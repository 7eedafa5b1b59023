/* SPDX-License-Identifier: GPL-2.0-only OR BSD-2-Clause */
/*
 * (lib) The first bytes of a packet a monitor event carries, summarised:
 * MACs, VLAN tags, ARP, IPv4 (addresses, protocol, ports, TCP flags, ICMP
 * type) or IPv6 addresses. What was not captured is left out.
 */
#ifndef BPFBR_MONITOR_PKT_H
#define BPFBR_MONITOR_PKT_H

#include <stdbool.h>
#include <stddef.h>
#include <stdint.h>
#include <jansson.h>

#define MON_PKT_VLANS 4

struct mon_pkt {
	uint8_t dst[6], src[6];
	bool has_eth;
	uint16_t ethertype; /* after the tags */
	int n_vlans;
	uint16_t vlan[MON_PKT_VLANS];
	bool arp;
	uint16_t arp_op;
	uint32_t arp_spa, arp_tpa; /* network order */
	bool ipv4;
	uint32_t saddr, daddr; /* network order */
	uint8_t proto, ttl;
	bool later_fragment;
	bool has_ports;
	uint16_t sport, dport;
	bool has_tcp_flags;
	uint8_t tcp_flags;
	bool has_icmp;
	uint8_t icmp_type, icmp_code;
	bool ipv6;
	uint8_t saddr6[16], daddr6[16];
	uint8_t proto6;
};

void mon_pkt_parse(const uint8_t *d, size_t n, struct mon_pkt *p);
/* Sets the summary's fields in o (src_mac, dst_mac, vlan, ethertype, src, dst,
 * proto, sport, dport, tcp_flags, icmp_type, icmp_code, arp_op). */
void mon_pkt_json(const struct mon_pkt *p, json_t *o);
/* One line: "02:..:01 > 02:..:02 IPv4 10.0.0.2:40000 > 10.0.0.3:80 TCP [S]". */
void mon_pkt_text(const struct mon_pkt *p, char *buf, size_t size);
/* Whether the packet is from or to addr (IPv4 or ARP; network order). */
bool mon_pkt_has_addr(const struct mon_pkt *p, uint32_t addr);

#endif
