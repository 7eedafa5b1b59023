// SPDX-License-Identifier: GPL-2.0-only OR BSD-2-Clause
#include <arpa/inet.h>
#include <stdio.h>
#include <string.h>

#include "monitor_pkt.h"
#include "parse.h"

#define ETH_P_IPV4   0x0800
#define ETH_P_ARPX   0x0806
#define ETH_P_IPV6X  0x86dd
#define ETH_P_8021QX 0x8100
#define ETH_P_8021AX 0x88a8

static uint16_t be16(const uint8_t *d)
{
	return (uint16_t)(d[0] << 8 | d[1]);
}

static uint32_t raw32(const uint8_t *d)
{
	uint32_t v;

	memcpy(&v, d, 4);
	return v;
}

static void pkt_l4(const uint8_t *d, size_t n, struct mon_pkt *p)
{
	if ((p->proto == IPPROTO_TCP || p->proto == IPPROTO_UDP) && n >= 4) {
		p->has_ports = true;
		p->sport = be16(d);
		p->dport = be16(d + 2);
		if (p->proto == IPPROTO_TCP && n >= 14) {
			p->has_tcp_flags = true;
			p->tcp_flags = d[13];
		}
	} else if (p->proto == IPPROTO_ICMP && n >= 2) {
		p->has_icmp = true;
		p->icmp_type = d[0];
		p->icmp_code = d[1];
	}
}

static void pkt_ipv4(const uint8_t *d, size_t n, struct mon_pkt *p)
{
	size_t ihl;

	if (n < 20 || d[0] >> 4 != 4)
		return;
	ihl = (size_t)(d[0] & 0xf) * 4;
	p->ipv4 = true;
	p->ttl = d[8];
	p->proto = d[9];
	p->saddr = raw32(d + 12);
	p->daddr = raw32(d + 16);
	p->later_fragment = (be16(d + 6) & 0x1fff) != 0;
	if (ihl >= 20 && n > ihl && !p->later_fragment)
		pkt_l4(d + ihl, n - ihl, p);
}

void mon_pkt_parse(const uint8_t *d, size_t n, struct mon_pkt *p)
{
	size_t off = 14;

	memset(p, 0, sizeof(*p));
	if (n < 14)
		return;
	p->has_eth = true;
	memcpy(p->dst, d, 6);
	memcpy(p->src, d + 6, 6);
	p->ethertype = be16(d + 12);
	while ((p->ethertype == ETH_P_8021QX || p->ethertype == ETH_P_8021AX) && n >= off + 4) {
		if (p->n_vlans < MON_PKT_VLANS)
			p->vlan[p->n_vlans++] = be16(d + off) & 0xfff;
		p->ethertype = be16(d + off + 2);
		off += 4;
	}
	d += off;
	n -= off;
	if (p->ethertype == ETH_P_IPV4) {
		pkt_ipv4(d, n, p);
	} else if (p->ethertype == ETH_P_ARPX && n >= 28) {
		p->arp = true;
		p->arp_op = be16(d + 6);
		p->arp_spa = raw32(d + 14);
		p->arp_tpa = raw32(d + 24);
	} else if (p->ethertype == ETH_P_IPV6X && n >= 40) {
		p->ipv6 = true;
		p->proto6 = d[6];
		memcpy(p->saddr6, d + 8, 16);
		memcpy(p->daddr6, d + 24, 16);
	}
}

static const char *proto_name(uint8_t proto)
{
	switch (proto) {
	case IPPROTO_TCP:
		return "tcp";
	case IPPROTO_UDP:
		return "udp";
	case IPPROTO_ICMP:
		return "icmp";
	}
	return NULL;
}

/* "SA", "F.", ...: tcpdump's letters, "." for ACK. */
static void tcp_flags_str(uint8_t fl, char buf[9])
{
	static const char letters[] = "FSRP.UEW";
	int n = 0;

	for (int i = 0; i < 8; i++)
		if (fl & (1u << i))
			buf[n++] = letters[i];
	buf[n] = '\0';
}

void mon_pkt_json(const struct mon_pkt *p, json_t *o)
{
	char a[INET6_ADDRSTRLEN], b[INET6_ADDRSTRLEN], fl[9];
	const char *pn;

	if (!p->has_eth)
		return;
	json_object_set_new(o, "src_mac", json_string(mac_str(p->src, a)));
	json_object_set_new(o, "dst_mac", json_string(mac_str(p->dst, b)));
	if (p->n_vlans) {
		json_t *v = json_array();

		for (int i = 0; i < p->n_vlans; i++)
			json_array_append_new(v, json_integer(p->vlan[i]));
		json_object_set_new(o, "vlan", v);
	}
	snprintf(a, sizeof(a), "0x%04x", p->ethertype);
	json_object_set_new(o, "ethertype", json_string(a));
	if (p->arp) {
		json_object_set_new(o, "arp_op", json_integer(p->arp_op));
		json_object_set_new(o, "src", json_string(ip_str(p->arp_spa, a)));
		json_object_set_new(o, "dst", json_string(ip_str(p->arp_tpa, b)));
	} else if (p->ipv4 || p->ipv6) {
		if (p->ipv4) {
			ip_str(p->saddr, a);
			ip_str(p->daddr, b);
		} else {
			inet_ntop(AF_INET6, p->saddr6, a, sizeof(a));
			inet_ntop(AF_INET6, p->daddr6, b, sizeof(b));
		}
		json_object_set_new(o, "src", json_string(a));
		json_object_set_new(o, "dst", json_string(b));
		pn = proto_name(p->ipv4 ? p->proto : p->proto6);
		json_object_set_new(o, "proto",
				    pn ? json_string(pn)
				       : json_integer(p->ipv4 ? p->proto : p->proto6));
	}
	if (p->has_ports) {
		json_object_set_new(o, "sport", json_integer(p->sport));
		json_object_set_new(o, "dport", json_integer(p->dport));
	}
	if (p->has_tcp_flags) {
		tcp_flags_str(p->tcp_flags, fl);
		json_object_set_new(o, "tcp_flags", json_string(fl));
	}
	if (p->has_icmp) {
		json_object_set_new(o, "icmp_type", json_integer(p->icmp_type));
		json_object_set_new(o, "icmp_code", json_integer(p->icmp_code));
	}
}

void mon_pkt_text(const struct mon_pkt *p, char *buf, size_t size)
{
	char sm[MAC_STR_LEN], dm[MAC_STR_LEN], a[INET6_ADDRSTRLEN], b[INET6_ADDRSTRLEN], fl[9];
	size_t n = 0;

#define PUT(...)                                                                  \
	do {                                                                      \
		int w_ = snprintf(buf + n, n < size ? size - n : 0, __VA_ARGS__); \
		n += w_ > 0 ? (size_t)w_ : 0;                                     \
	} while (0)
	buf[0] = '\0';
	if (!p->has_eth) {
		PUT("(no Ethernet header captured)");
		return;
	}
	PUT("%s > %s", mac_str(p->src, sm), mac_str(p->dst, dm));
	for (int i = 0; i < p->n_vlans; i++)
		PUT(" vlan %u", p->vlan[i]);
	if (p->arp) {
		PUT(" ARP %s %s > %s",
		    p->arp_op == 1   ? "request"
		    : p->arp_op == 2 ? "reply"
				     : "op",
		    ip_str(p->arp_spa, a), ip_str(p->arp_tpa, b));
	} else if (p->ipv4) {
		const char *pn = proto_name(p->proto);

		PUT(" IPv4 %s", ip_str(p->saddr, a));
		if (p->has_ports)
			PUT(":%u", p->sport);
		PUT(" > %s", ip_str(p->daddr, b));
		if (p->has_ports)
			PUT(":%u", p->dport);
		if (pn)
			PUT(" %s", pn);
		else
			PUT(" proto %u", p->proto);
		if (p->has_tcp_flags) {
			tcp_flags_str(p->tcp_flags, fl);
			PUT(" [%s]", fl);
		}
		if (p->has_icmp)
			PUT(" type %u code %u", p->icmp_type, p->icmp_code);
		if (p->later_fragment)
			PUT(" (later fragment)");
	} else if (p->ipv6) {
		PUT(" IPv6 %s > %s", inet_ntop(AF_INET6, p->saddr6, a, sizeof(a)),
		    inet_ntop(AF_INET6, p->daddr6, b, sizeof(b)));
	} else {
		PUT(" ethertype 0x%04x", p->ethertype);
	}
#undef PUT
}

bool mon_pkt_has_addr(const struct mon_pkt *p, uint32_t addr)
{
	if (p->ipv4)
		return p->saddr == addr || p->daddr == addr;
	if (p->arp)
		return p->arp_spa == addr || p->arp_tpa == addr;
	return false;
}
