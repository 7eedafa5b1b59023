// SPDX-License-Identifier: GPL-2.0-only OR BSD-2-Clause
#include <arpa/inet.h>
#include <errno.h>
#include <fcntl.h>
#include <net/if.h>
#include <net/if_arp.h>
#include <net/route.h>
#include <netinet/in.h>
#include <stdio.h>
#include <string.h>
#include <sys/ioctl.h>
#include <sys/socket.h>
#include <unistd.h>
#include <linux/ethtool.h>
#include <linux/sockios.h>

#include "nat_node.h"

/* Bound on waiting for a frame the kernel is due to send. */
#define CAPTURE_TIMEOUT_MS 2000

static void sin_set(struct sockaddr *sa, uint32_t addr)
{
	struct sockaddr_in sin = { .sin_family = AF_INET, .sin_addr.s_addr = addr };

	memcpy(sa, &sin, sizeof(sin));
}

static int ioctl_ifreq(int fd, unsigned long req, struct ifreq *ifr)
{
	return ioctl(fd, req, ifr) < 0 ? -errno : 0;
}

static int write_file(const char *path, const char *value)
{
	int fd = open(path, O_WRONLY | O_CLOEXEC), err = 0;

	if (fd < 0)
		return -errno;
	if (write(fd, value, strlen(value)) < 0)
		err = -errno;
	close(fd);
	return err;
}

int nat_node_setup(struct nfx *fx)
{
	const char *dev = fx->env.dev[UPLINK].name;
	struct ethtool_value ev = { .cmd = ETHTOOL_STXCSUM, .data = 0 };
	struct rtentry rt = { 0 };
	struct arpreq arp = { 0 };
	struct ifreq ifr = { 0 };
	int fd, err;

	fd = socket(AF_INET, SOCK_DGRAM | SOCK_CLOEXEC, 0);
	if (fd < 0)
		return -errno;
	snprintf(ifr.ifr_name, sizeof(ifr.ifr_name), "%s", dev);
	ifr.ifr_hwaddr.sa_family = ARPHRD_ETHER;
	memcpy(ifr.ifr_hwaddr.sa_data, uplink_mac, 6);
	err = ioctl_ifreq(fd, SIOCSIFHWADDR, &ifr);
	if (!err) {
		sin_set(&ifr.ifr_addr, uplink_addr());
		err = ioctl_ifreq(fd, SIOCSIFADDR, &ifr);
	}
	if (!err) {
		sin_set(&ifr.ifr_netmask, ip4(255, 255, 255, 0));
		err = ioctl_ifreq(fd, SIOCSIFNETMASK, &ifr);
	}
	if (!err) {
		ifr.ifr_data = (void *)&ev;
		err = ioctl_ifreq(fd, SIOCETHTOOL, &ifr);
	}
	if (!err) {
		sin_set(&arp.arp_pa, next_hop());
		arp.arp_ha.sa_family = ARPHRD_ETHER;
		memcpy(arp.arp_ha.sa_data, next_hop_mac, 6);
		arp.arp_flags = ATF_PERM | ATF_COM;
		snprintf(arp.arp_dev, sizeof(arp.arp_dev), "%s", dev);
		if (ioctl(fd, SIOCSARP, &arp) < 0)
			err = -errno;
	}
	if (!err) {
		sin_set(&rt.rt_dst, 0);
		sin_set(&rt.rt_genmask, 0);
		sin_set(&rt.rt_gateway, next_hop());
		rt.rt_flags = RTF_UP | RTF_GATEWAY;
		rt.rt_dev = (char *)dev;
		if (ioctl(fd, SIOCADDRT, &rt) < 0)
			err = -errno;
	}
	close(fd);
	/* Ping sockets for root in this namespace (the default range allows no group). */
	return err ?: write_file("/proc/sys/net/ipv4/ping_group_range", "0 0");
}

static int node_socket(int type, uint16_t lport)
{
	struct sockaddr_in sin = {
		.sin_family = AF_INET,
		.sin_addr.s_addr = uplink_addr(),
		.sin_port = htons(lport),
	};
	int fd, one = 1;

	fd = socket(AF_INET, type | SOCK_CLOEXEC | SOCK_NONBLOCK, 0);
	if (fd < 0)
		return -errno;
	if (setsockopt(fd, SOL_SOCKET, SO_REUSEADDR, &one, sizeof(one)) < 0 ||
	    bind(fd, (struct sockaddr *)&sin, sizeof(sin)) < 0) {
		int err = -errno;

		close(fd);
		return err;
	}
	return fd;
}

static int node_connect(int fd, uint32_t raddr, uint16_t rport)
{
	struct sockaddr_in sin = {
		.sin_family = AF_INET,
		.sin_addr.s_addr = raddr,
		.sin_port = htons(rport),
	};

	if (connect(fd, (struct sockaddr *)&sin, sizeof(sin)) < 0 && errno != EINPROGRESS) {
		int err = -errno;

		close(fd);
		return err;
	}
	return fd;
}

int nat_node_udp(uint16_t lport, uint32_t raddr, uint16_t rport)
{
	int fd = node_socket(SOCK_DGRAM, lport);

	return fd < 0 || !rport ? fd : node_connect(fd, raddr, rport);
}

int nat_node_tcp_connect(uint16_t lport, uint32_t raddr, uint16_t rport)
{
	int fd = node_socket(SOCK_STREAM, lport);

	return fd < 0 ? fd : node_connect(fd, raddr, rport);
}

int nat_node_tcp_listen(uint16_t lport)
{
	int fd = node_socket(SOCK_STREAM, lport);

	if (fd >= 0 && listen(fd, 8) < 0) {
		int err = -errno;

		close(fd);
		return err;
	}
	return fd;
}

int nat_node_ping(uint32_t raddr, uint16_t seq)
{
	struct sockaddr_in sin = { .sin_family = AF_INET, .sin_addr.s_addr = raddr };
	uint8_t echo[8 + 56] = { ICMP_ECHO, 0 };
	int fd;

	echo[6] = (uint8_t)(seq >> 8);
	echo[7] = (uint8_t)seq;
	for (size_t i = 8; i < sizeof(echo); i++)
		echo[i] = (uint8_t)i;
	fd = socket(AF_INET, SOCK_DGRAM | SOCK_CLOEXEC, IPPROTO_ICMP);
	if (fd < 0)
		return -errno;
	/* The kernel sets the identifier (the socket's port) and the checksum. */
	if (sendto(fd, echo, sizeof(echo), 0, (struct sockaddr *)&sin, sizeof(sin)) < 0) {
		int err = -errno;

		close(fd);
		return err;
	}
	return fd;
}

int nat_node_capture(struct nfx *fx, uint8_t proto, uint32_t daddr, struct frame *f)
{
	for (;;) {
		int n = env_recv(&fx->env, UPLINK, f->data, sizeof(f->data), CAPTURE_TIMEOUT_MS);

		if (n < 0)
			return n;
		f->len = (size_t)n;
		if (f->len >= ETH_HDR_LEN + IPV4_HDR_LEN && f->data[12] == 0x08 &&
		    f->data[13] == 0x00 && f->data[ETH_HDR_LEN + 9] == proto &&
		    !memcmp(f->data + ETH_HDR_LEN + 16, &daddr, 4))
			return 0;
	}
}
