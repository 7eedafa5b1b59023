// SPDX-License-Identifier: GPL-2.0-only OR BSD-2-Clause
#include <arpa/inet.h>
#include <errno.h>
#include <fcntl.h>
#include <net/if_arp.h>
#include <net/route.h>
#include <stdarg.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <sys/ioctl.h>
#include <sys/socket.h>
#include <unistd.h>
#include <bpf/bpf.h>
#include <bpf/libbpf.h>
#include <linux/if_link.h>
#include <linux/pkt_cls.h>

#include "expect.h"
#include "frames6.h"
#include "fuzz_rules6.h"
#include "fuzz_world.h"
#include "harness.h"
#include "nat_csum6.h"
#include "nat_expect.h"
#include "port.skel.h"
#include "uplink.skel.h"

#define UPLINK_DEV   7
#define NAT_MAX	     256
#define NAT_SHARE    64
#define MAX_FAILURES 8
/* The table is reclaimed at an audit that finds it (nearly) full: until
 * then new flows meet its bounds, the shares (5 containers x 64 > 256) and
 * the table's size. */
#define SWEEP_AT (NAT_MAX - 8)

#define XDP_ABORTED_RC	0
#define XDP_DROP_RC	1
#define XDP_PASS_RC	2
#define XDP_REDIRECT_RC 4

static const char *const prog_names[FW_PROGS] = { "bpfbr_port_in", "bpfbr_port_xdp",
						  "bpfbr_uplink_out", "bpfbr_uplink_in",
						  "bpfbr_uplink_xdp" };

static const uint8_t uplink_mac[6] = { 0x02, 0xaa, 0, 0, 0, 0x01 };
static const uint8_t next_hop_mac[6] = { 0x02, 0xaa, 0, 0, 0, 0xfe };
/* The uplink's IPv6 (2001:db8:1::1), its next hop (::fe) and a remote. */
static const uint8_t uplink6[16] = { 0x20, 0x01, 0x0d, 0xb8, 0, 1, [15] = 1 };
static const uint8_t next_hop6[16] = { 0x20, 0x01, 0x0d, 0xb8, 0, 1, [15] = 0xfe };
static const uint8_t remote6[16] = { 0x20, 0x01, 0x0d, 0xb8, 1, 0, [15] = 2 };

/* --- reporting ------------------------------------------------------------------------ */

static void hexdump(const uint8_t *b, size_t n)
{
	for (size_t i = 0; i < n; i += 32) {
		fprintf(stderr, "    %04zx ", i);
		for (size_t j = i; j < n && j < i + 32; j++)
			fprintf(stderr, "%02x", b[j]);
		fputc('\n', stderr);
	}
}

/* One broken invariant: what, where, and the frame that broke it. */
static void __attribute__((format(printf, 5, 6)))
violation(struct fw *fw, int prog, uint32_t ifindex, const struct frame *f, const char *fmt, ...)
{
	char msg[200];
	va_list ap;

	va_start(ap, fmt);
	vsnprintf(msg, sizeof(msg), fmt, ap);
	va_end(ap);
	fw->failures++;
	if (!fw->why[0])
		snprintf(fw->why, sizeof(fw->why),
			 "%s on ifindex %u: %s (seed 0x%016llx, frame %llu)", prog_names[prog],
			 ifindex, msg, (unsigned long long)fw->seed, (unsigned long long)fw->index);
	test_fail(__FILE__, __LINE__,
		  "%s on ifindex %u: %s (seed 0x%016llx, frame %llu: %s, %zu bytes)",
		  prog_names[prog], ifindex, msg, (unsigned long long)fw->seed,
		  (unsigned long long)fw->index, fw->what, f->len);
	if (fw->failures <= 3)
		hexdump(f->data, f->len < 128 ? f->len : 128);
}

/* --- maps ------------------------------------------------------------------------------ */

/* Every counter of a per-CPU counters map in one system call, summed over the CPUs. */
static int counters_read(struct fw *fw, int fd, uint64_t out[BPFBR_COUNTER_MAX])
{
	uint32_t keys[BPFBR_COUNTER_MAX], count = BPFBR_COUNTER_MAX, next = 0;
	LIBBPF_OPTS(bpf_map_batch_opts, o);

	if (bpf_map_lookup_batch(fd, NULL, &next, keys, fw->scratch, &count, &o) && errno != ENOENT)
		return -errno;
	if (count != BPFBR_COUNTER_MAX)
		return -EIO;
	for (uint32_t i = 0; i < count; i++) {
		uint64_t sum = 0;

		for (int c = 0; c < fw->ncpus; c++)
			sum += fw->scratch[(size_t)i * (size_t)fw->ncpus + (size_t)c];
		out[keys[i]] = sum;
	}
	return 0;
}

static int uplink_flows(struct fw *fw, uint32_t *flows)
{
	struct bpfbr_uplink_cfg cfg;
	int err = nat_dp_config_get(&fw->dp, &cfg);

	if (!err)
		*flows = cfg.flows;
	return err;
}

/* --- the world's set-up -------------------------------------------------------------------- */

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

static int set_addr(int fd, const char *dev, uint32_t addr, uint32_t mask)
{
	struct sockaddr_in sin = { .sin_family = AF_INET, .sin_addr.s_addr = addr };
	struct ifreq ifr = { 0 };

	snprintf(ifr.ifr_name, sizeof(ifr.ifr_name), "%s", dev);
	memcpy(&ifr.ifr_addr, &sin, sizeof(sin));
	if (ioctl(fd, SIOCSIFADDR, &ifr) < 0)
		return -errno;
	sin.sin_addr.s_addr = mask;
	memcpy(&ifr.ifr_netmask, &sin, sizeof(sin));
	return ioctl(fd, SIOCSIFNETMASK, &ifr) < 0 ? -errno : 0;
}

/*
 * What the routing fast path looks up: net 1's gateway device (be0) holds
 * 10.40.0.1 and forwards; the uplink holds 203.0.113.1 with a default route
 * through 203.0.113.254, whose MAC is known.
 */
static int node_setup(struct fw *fw)
{
	const char *up = fw->env.dev[UPLINK_DEV].name, *gw = fw->env.dev[0].peer_name;
	struct sockaddr_in sin = { .sin_family = AF_INET };
	struct rtentry rt = { 0 };
	struct arpreq arp = { 0 };
	char path[128];
	int fd, err;

	fd = socket(AF_INET, SOCK_DGRAM | SOCK_CLOEXEC, 0);
	if (fd < 0)
		return -errno;
	err = set_addr(fd, gw, ip4(10, 40, 0, 1), ip4(255, 255, 255, 0));
	if (!err)
		err = set_addr(fd, up, ip4(203, 0, 113, 1), ip4(255, 255, 255, 0));
	if (!err) {
		sin.sin_addr.s_addr = ip4(203, 0, 113, 254);
		memcpy(&arp.arp_pa, &sin, sizeof(sin));
		arp.arp_ha.sa_family = ARPHRD_ETHER;
		memcpy(arp.arp_ha.sa_data, next_hop_mac, 6);
		arp.arp_flags = ATF_PERM | ATF_COM;
		snprintf(arp.arp_dev, sizeof(arp.arp_dev), "%s", up);
		if (ioctl(fd, SIOCSARP, &arp) < 0)
			err = -errno;
	}
	if (!err) {
		memcpy(&rt.rt_gateway, &sin, sizeof(sin));
		sin.sin_addr.s_addr = 0;
		memcpy(&rt.rt_dst, &sin, sizeof(sin));
		memcpy(&rt.rt_genmask, &sin, sizeof(sin));
		rt.rt_flags = RTF_UP | RTF_GATEWAY;
		rt.rt_dev = (char *)up;
		if (ioctl(fd, SIOCADDRT, &rt) < 0)
			err = -errno;
	}
	close(fd);
	snprintf(path, sizeof(path), "/proc/sys/net/ipv4/conf/%s/forwarding", gw);
	return err ?: write_file(path, "1");
}

/* struct in6_ifreq of <linux/ipv6.h>, which does not mix with glibc's headers. */
struct ifreq6 {
	struct in6_addr addr;
	uint32_t prefixlen;
	int ifindex;
};

/*
 * What the IPv6 route lookups see: the uplink holds 2001:db8:1::1/64 with a
 * default route through ::fe, and the node forwards IPv6.
 */
static int node_setup6(struct fw *fw)
{
	const char *up = fw->env.dev[UPLINK_DEV].name;
	struct ifreq6 ifr = { .prefixlen = 64, .ifindex = (int)fw->env.dev[UPLINK_DEV].ifindex };
	struct in6_rtmsg rt = { .rtmsg_flags = RTF_UP | RTF_GATEWAY, .rtmsg_metric = 1 };
	char path[128];
	int fd, err = 0;

	/* The world has IPv6 off (env.c); the uplink and the gateway device get it
	 * back, without duplicate address detection, and forward. */
	for (int i = 0; i < 2 && !err; i++) {
		const char *dev = i ? fw->env.dev[0].peer_name : up;

		snprintf(path, sizeof(path), "/proc/sys/net/ipv6/conf/%s/accept_dad", dev);
		err = write_file(path, "0");
		snprintf(path, sizeof(path), "/proc/sys/net/ipv6/conf/%s/disable_ipv6", dev);
		err = err ?: write_file(path, "0");
		snprintf(path, sizeof(path), "/proc/sys/net/ipv6/conf/%s/forwarding", dev);
		err = err ?: write_file(path, "1");
	}
	if (err)
		return err;
	fd = socket(AF_INET6, SOCK_DGRAM | SOCK_CLOEXEC, 0);
	if (fd < 0)
		return -errno;
	memcpy(&ifr.addr, uplink6, 16);
	if (ioctl(fd, SIOCSIFADDR, &ifr) < 0)
		err = -errno;
	memcpy(&rt.rtmsg_gateway, next_hop6, 16);
	rt.rtmsg_ifindex = ifr.ifindex;
	if (!err && ioctl(fd, SIOCADDRT, &rt) < 0)
		err = -errno;
	close(fd);
	return err;
}

/* A do-nothing XDP program: attached to a device, it registers the receive queue
 * that BPF_PROG_TEST_RUN of an XDP program with that ingress device needs. */
static int null_xdp(void)
{
	struct bpf_insn insns[] = {
		{ .code = BPF_ALU64 | BPF_MOV | BPF_K, .dst_reg = BPF_REG_0, .imm = XDP_PASS_RC },
		{ .code = BPF_JMP | BPF_EXIT },
	};
	LIBBPF_OPTS(bpf_prog_load_opts, lo, .expected_attach_type = BPF_XDP);
	int fd = bpf_prog_load(BPF_PROG_TYPE_XDP, "fuzz_null", "Dual BSD/GPL", insns, 2, &lo);

	return fd < 0 ? -errno : fd;
}

/* fd00:40::<n>, net 1's IPv6 address n. */
static void net6_addr(uint8_t a[16], int n)
{
	memset(a, 0, 16);
	a[0] = 0xfd;
	a[3] = 0x40;
	a[15] = (uint8_t)n;
}

/* Net 1 is dual stack: fd00:40::/64, the gateway fd00:40::1, a container
 * in slot i fd00:40::<i + 1> and the link-local address of its MAC. */
static int net_setup6(struct fw_net *n, struct fz_pools *pools)
{
	int cfg6_fd = bpf_map__fd(n->sw.skel->maps.bpfbr_config6),
	    ports6_fd = bpf_map__fd(n->sw.skel->maps.bpfbr_ports6);
	uint32_t zero = 0;

	memset(&n->cfg6, 0, sizeof(n->cfg6));
	net6_addr(n->cfg6.subnet, 0);
	net6_addr(n->cfg6.gateway, 1);
	ll_of_mac(n->port[0].mac, n->cfg6.gateway_ll);
	n->cfg6.prefix = 64;
	if (bpf_map_update_elem(cfg6_fd, &zero, &n->cfg6, BPF_ANY))
		return -errno;
	n->has6 = true;
	fz_pools_add_ip6(pools, n->cfg6.gateway);
	fz_pools_add_ip6(pools, n->cfg6.gateway_ll);
	for (int i = 1; i < n->nports; i++) {
		struct bpfbr_port6 *p6 = &n->port6[i];

		net6_addr(p6->addr, i + 1);
		ll_of_mac(n->port[i].mac, p6->ll);
		if (bpf_map_update_elem(ports6_fd, &n->port[i].ifindex, p6, BPF_ANY))
			return -errno;
		fz_pools_add_ip6(pools, p6->addr);
		fz_pools_add_ip6(pools, p6->ll);
	}
	return 0;
}

static int net_setup(struct fw *fw, int k)
{
	struct fw_net *n = &fw->net[k];
	int dev0 = k == 0 ? 0 : 4, err;

	n->nports = k == 0 ? 4 : 3;
	err = sw_load(&n->sw);
	if (err)
		return err;
	n->xdp_fd = bpf_program__fd(n->sw.skel->progs.bpfbr_port_xdp);
	n->devmap_fd = bpf_map__fd(n->sw.skel->maps.bpfbr_devmap);
	n->cfg = (struct bpfbr_netcfg){
		.ageing_ns = 300ull * 1000000000ull,
		.subnet = ip4(10, (uint8_t)(40 + k), 0, 0),
		.netmask = ip4(255, 255, 255, 0),
		.gateway = ip4(10, (uint8_t)(40 + k), 0, 1),
		.flags = k == 0 ? BPFBR_NET_SPOOFCHK | BPFBR_NET_ROUTE_FAST : BPFBR_NET_HAIRPIN,
		.nslots = (uint32_t)n->nports,
		.gw_ifindex = fw->env.dev[dev0].peer_ifindex,
		.uplink_ifindex = k == 0 ? fw->env.dev[UPLINK_DEV].ifindex : 0,
	};
	err = sw_set_config(&n->sw, &n->cfg);
	for (int i = 0; !err && i < n->nports; i++) {
		struct bpfbr_port *p = &n->port[i];

		memset(p, 0, sizeof(*p));
		p->ifindex = fw->env.dev[dev0 + i].ifindex;
		p->slot = (uint16_t)i;
		p->kind = i ? BPFBR_PORT_CONTAINER : BPFBR_PORT_GATEWAY;
		p->mac[0] = 0x02;
		p->mac[1] = 0xbb;
		p->mac[2] = (uint8_t)(k + 1);
		p->mac[5] = (uint8_t)(i + 1);
		p->ipv4 = ip4(10, (uint8_t)(40 + k), 0, (uint8_t)(i + 1));
		err = sw_add_port(&n->sw, p);
		if (!err && bpf_map_update_elem(n->devmap_fd, &p->ifindex, &p->ifindex, BPF_ANY))
			err = -errno;
		fz_pools_add_mac(&fw->pools, p->mac);
		fz_pools_add_ip(&fw->pools, p->ipv4);
	}
	return err ?: k == 0 ? net_setup6(n, &fw->pools) : 0;
}

/* NAT66 from the uplink's IPv6 address; net 1's containers its IPv6 endpoints. */
static int uplink_setup6(struct fw *fw)
{
	int cfg6_fd = bpf_map__fd(fw->dp.skel->maps.nat_config6),
	    eps6_fd = bpf_map__fd(fw->dp.skel->maps.nat_endpoints6);
	const struct fw_net *n = &fw->net[0];
	uint32_t zero = 0;

	memcpy(fw->ucfg6.addr, uplink6, 16);
	if (bpf_map_update_elem(cfg6_fd, &zero, &fw->ucfg6, BPF_ANY))
		return -errno;
	for (int i = 0; i < fw->neps && fw->neps6 < FW_MAX_EPS; i++) {
		struct fw_ep6 *e = &fw->eps6[fw->neps6];

		if (fw->eps[i].ep.net != 1)
			continue;
		for (int j = 1; j < n->nports; j++)
			if (n->port[j].ipv4 == fw->eps[i].addr)
				memcpy(e->addr, n->port6[j].addr, 16);
		e->ep = fw->eps[i].ep;
		if (bpf_map_update_elem(eps6_fd, e->addr, &e->ep, BPF_ANY))
			return -errno;
		fw->neps6++;
	}
	fz_pools_add_ip6(&fw->pools, uplink6);
	fz_pools_add_ip6(&fw->pools, next_hop6);
	fz_pools_add_ip6(&fw->pools, remote6);
	memcpy(fw->pools.uplink6, uplink6, 16);
	return 0;
}

/* Every container of both networks is an endpoint of the uplink. */
static int uplink_setup(struct fw *fw)
{
	int err;

	fw->ucfg = (struct bpfbr_uplink_cfg){
		.ifindex = fw->env.dev[UPLINK_DEV].ifindex,
		.addr = ip4(203, 0, 113, 1),
		.nat_max = NAT_MAX,
		.port_lo = 61000,
		.port_hi = 65535,
	};
	err = nat_dp_load(&fw->dp, &fw->ucfg);
	if (err)
		return err;
	fw->uxdp_fd = bpf_program__fd(fw->dp.skel->progs.bpfbr_uplink_xdp);
	fw->udevmap_fd = bpf_map__fd(fw->dp.skel->maps.nat_devmap);
	for (int k = 0; k < FW_NETS; k++) {
		struct fw_net *n = &fw->net[k];

		for (int i = 1; i < n->nports && fw->neps < FW_MAX_EPS; i++) {
			struct fw_ep *e = &fw->eps[fw->neps++];

			e->addr = n->port[i].ipv4;
			e->ep = (struct bpfbr_endpoint){ .ifindex = n->port[i].ifindex,
							 .max_flows = NAT_SHARE,
							 .net = (uint16_t)(k + 1) };
			memcpy(e->ep.mac, n->port[i].mac, 6);
			memcpy(e->ep.gw_mac, n->port[0].mac, 6);
			err = nat_dp_endpoint_set(&fw->dp, e->addr, &e->ep);
			if (!err && bpf_map_update_elem(fw->udevmap_fd, &e->ep.ifindex,
							&e->ep.ifindex, BPF_ANY))
				err = -errno;
			if (err)
				return err;
		}
	}
	err = uplink_setup6(fw);
	if (err)
		return err;
	fz_pools_add_ip(&fw->pools, fw->ucfg.addr);
	fz_pools_add_ip(&fw->pools, ip4(198, 51, 100, 2));
	fz_pools_add_ip(&fw->pools, ip4(203, 0, 113, 254));
	fz_pools_add_mac(&fw->pools, uplink_mac);
	fw->pools.uplink_addr = fw->ucfg.addr;
	memcpy(fw->pools.uplink_mac, uplink_mac, 6);
	memcpy(fw->pools.next_hop_mac, next_hop_mac, 6);
	return 0;
}

bool fw_setup(struct fw *fw)
{
	int err;

	memset(fw, 0, sizeof(*fw));
	fw->null_xdp_fd = -1;
	err = env_setup(&fw->env, ENV_MAX_DEVS);
	if (err == -EPERM) {
		test_skip("needs root (CAP_SYS_ADMIN and CAP_NET_ADMIN) for a network namespace");
		fw->skipped = true;
		return false;
	}
	if (!ASSERT_OK(err, "network namespace with 8 veth pairs"))
		return false;
	/* Nothing here reads what the endpoints receive: their packet sockets would
	 * only take a copy of every flooded frame. */
	for (int i = 0; i < ENV_MAX_DEVS; i++) {
		close(fw->env.dev[i].sock);
		fw->env.dev[i].sock = -1;
	}
	fw->ncpus = libbpf_num_possible_cpus();
	fw->scratch = calloc((size_t)BPFBR_COUNTER_MAX * (size_t)(fw->ncpus > 0 ? fw->ncpus : 1),
			     sizeof(uint64_t));
	if (!ASSERT_TRUE(fw->ncpus > 0 && fw->scratch, "per-CPU scratch space"))
		goto env;
	err = node_setup(fw);
	if (!ASSERT_OK(err, "addresses, route and neighbour for the fast path"))
		goto env;
	err = node_setup6(fw);
	if (!ASSERT_OK(err, "the uplink's IPv6 address and default route"))
		goto env;
	fw->null_xdp_fd = null_xdp();
	if (!ASSERT_TRUE(fw->null_xdp_fd >= 0, "load a do-nothing XDP program"))
		goto env;
	for (int i = 0; i < ENV_MAX_DEVS; i++) {
		err = bpf_xdp_attach((int)fw->env.dev[i].ifindex, fw->null_xdp_fd,
				     XDP_FLAGS_DRV_MODE, NULL);
		if (!ASSERT_OK(err, "attach XDP to a port (registers its receive queue)"))
			goto env;
	}
	for (int k = 0; k < FW_NETS; k++) {
		err = net_setup(fw, k);
		if (err == -EPERM) {
			test_skip("needs root (CAP_BPF and CAP_NET_ADMIN) to load the programs");
			fw->skipped = true;
			goto sw;
		}
		if (!ASSERT_OK(err, "load and fill a network's switch"))
			goto sw;
	}
	if (!ASSERT_OK(uplink_setup(fw), "load and fill the uplink's masquerade"))
		goto sw;
	for (int k = 0; k < FW_NETS; k++)
		fw->net[k].ctr.fd = fw->net[k].sw.counters_fd;
	fw->nctr.fd = fw->dp.counters_fd;
	if (ASSERT_OK(uplink_flows(fw, &fw->flows), "read the uplink's flow count"))
		return true;
	nat_dp_unload(&fw->dp);
sw:
	for (int k = 0; k < FW_NETS; k++)
		sw_unload(&fw->net[k].sw);
env:
	if (fw->null_xdp_fd >= 0)
		close(fw->null_xdp_fd);
	free(fw->scratch);
	env_teardown(&fw->env);
	return false;
}

void fw_teardown(struct fw *fw)
{
	nat_dp_unload(&fw->dp);
	for (int k = 0; k < FW_NETS; k++)
		sw_unload(&fw->net[k].sw);
	close(fw->null_xdp_fd);
	free(fw->scratch);
	env_teardown(&fw->env); /* the namespace goes, with its devices and their XDP */
}

/* --- what a frame is, in the eyes of the rules it must obey ------------------------------------ */

static bool mac_multicast(const uint8_t *m)
{
	return m[0] & 1;
}

static uint16_t get16(const uint8_t *b)
{
	return (uint16_t)(b[0] << 8 | b[1]);
}

static bool is_vlan(uint16_t type)
{
	return type == ETHERTYPE_8021Q || type == ETHERTYPE_8021AD;
}

/* What a container (slot of n) may send under anti-spoofing: untagged, from
 * its own MAC, its own IPv4 source, ARP as itself (or a zero-sender probe),
 * IPv6 as fuzz_rules6.h says on a dual-stack network. */
static bool admissible(const struct fw_net *n, int slot, const struct frame *f)
{
	const struct bpfbr_port *p = &n->port[slot];
	const uint8_t *d = f->data, *l3 = d + ETH_HDR_LEN;
	size_t l3len = f->len - ETH_HDR_LEN;
	uint16_t type = get16(d + 12);

	if (is_vlan(type) || memcmp(d + 6, p->mac, 6))
		return false;
	if (!p->ipv4)
		return true;
	if (type == ETHERTYPE_ARP) {
		uint32_t spa;

		if (l3len < ARP_BODY_LEN || get16(l3) != 1 || get16(l3 + 2) != ETHERTYPE_IPV4 ||
		    l3[4] != 6 || l3[5] != 4 || memcmp(l3 + 8, d + 6, 6))
			return false;
		memcpy(&spa, l3 + 14, 4);
		return spa == p->ipv4 || (spa == 0 && get16(l3 + 6) == ARP_OP_REQUEST);
	}
	if (type == ETHERTYPE_IPV4)
		return l3len >= IPV4_HDR_LEN && (l3[0] >> 4) == 4 && (l3[0] & 0xf) >= 5 &&
		       !memcmp(l3 + 12, &p->ipv4, 4);
	if (type == ETHERTYPE_IPV6 && n->has6)
		return fz6_admissible(p->mac, &n->port6[slot], f);
	return true;
}

/* Offset of the IPv4 header after at most two tags, as the programs parse, or 0. */
static size_t ipv4_at(const struct frame *f)
{
	size_t off = ETH_HDR_LEN;
	uint16_t type = f->len >= ETH_HDR_LEN ? get16(f->data + 12) : 0;

	for (int i = 0; i < 2 && is_vlan(type); i++) {
		if (off + 4 > f->len)
			return 0;
		type = get16(f->data + off + 2);
		off += VLAN_TAG_LEN;
	}
	if (type != ETHERTYPE_IPV4 || off + IPV4_HDR_LEN > f->len)
		return 0;
	if ((f->data[off] >> 4) != 4 || (f->data[off] & 0xf) < 5)
		return 0;
	return off;
}

/*
 * What a container may give the node (bpf/lib/guard.h, written again): no
 * VLAN-tagged frame, no IPv6; and in a broadcast or multicast frame IPv4 only
 * for a broadcast or multicast address (unless the node is open). Returns the
 * drop reason of the node's copy, or 0. flooded: the frame is flooded (the
 * node's copy of a unicast for another host is harmless).
 */
static int node_refuses(const struct fw_net *n, const struct frame *f, bool flooded)
{
	uint16_t type = get16(f->data + 12);
	size_t off = ETH_HDR_LEN;
	uint32_t daddr, bcast;

	if (flooded && !mac_multicast(f->data))
		return 0;
	if (is_vlan(type))
		return BPFBR_DROP_VLAN;
	if (type == ETHERTYPE_IPV6 && !n->has6)
		return BPFBR_DROP_NODE_IPV6;
	/* A dual-stack network's multicast IPv6 is the node's only for a group. */
	if (type == ETHERTYPE_IPV6)
		return !flooded || (n->cfg.flags & BPFBR_NET_NODE_OPEN) || off + 40 > f->len ||
				       f->data[off + 24] == 0xff
			       ? 0
			       : BPFBR_DROP_NODE_DENIED;
	if (!flooded || type != ETHERTYPE_IPV4 || (n->cfg.flags & BPFBR_NET_NODE_OPEN) ||
	    off + IPV4_HDR_LEN > f->len)
		return 0;
	memcpy(&daddr, f->data + off + 16, 4);
	bcast = n->cfg.subnet | ~n->cfg.netmask;
	if (daddr == 0xffffffff || (ntohl(daddr) >> 28) == 0xe || daddr == bcast)
		return 0;
	return BPFBR_DROP_NODE_DENIED;
}

/* The frame is for a MAC behind the gateway port: its own, or one it learned. */
static bool to_gateway(struct fw_net *n, const struct frame *f)
{
	struct bpfbr_fdb_entry e;

	return !mac_multicast(f->data) && !sw_fdb_get(&n->sw, f->data, &e) &&
	       e.ifindex == n->port[0].ifindex;
}

/*
 * What the routing fast path may send out of the uplink itself (route.h):
 * untagged IPv4 without options, from the network's subnet, whose first
 * fragment holds the whole transport header; IPv6 as fuzz_rules6.h says.
 */
static bool routable(const struct fw_net *n, const struct frame *f)
{
	const uint8_t *ip = f->data + ETH_HDR_LEN;
	size_t hl, l4min;
	uint32_t saddr;

	if (get16(f->data + 12) == ETHERTYPE_IPV6)
		return n->has6 && fz6_routable(&n->cfg6, f);
	if (get16(f->data + 12) != ETHERTYPE_IPV4 || f->len < ETH_HDR_LEN + IPV4_HDR_LEN)
		return false;
	hl = (size_t)(ip[0] & 0xf) * 4;
	memcpy(&saddr, ip + 12, 4);
	if (hl != IPV4_HDR_LEN || (saddr & n->cfg.netmask) != n->cfg.subnet)
		return false;
	l4min = ip[9] == IPPROTO_TCP ? 20 : ip[9] == IPPROTO_UDP || ip[9] == IPPROTO_ICMP ? 8 : 0;
	/* A first fragment (MF, offset 0) with less of the transport header. */
	if ((get16(ip + 6) & 0x3fff) == 0x2000 && f->len < ETH_HDR_LEN + hl + l4min)
		return false;
	return true;
}

static const struct fw_ep *endpoint(const struct fw *fw, uint32_t addr)
{
	for (int i = 0; i < fw->neps; i++)
		if (fw->eps[i].addr == addr)
			return &fw->eps[i];
	return NULL;
}

/* The network (0, 1) whose port device ifindex is, and its slot; -1 if none. */
static int port_of(const struct fw *fw, uint32_t ifindex, int *slot)
{
	for (int k = 0; k < FW_NETS; k++)
		for (int i = 0; i < fw->net[k].nports; i++)
			if (fw->net[k].port[i].ifindex == ifindex) {
				if (slot)
					*slot = i;
				return k;
			}
	return -1;
}

/* The slot of the port whose own (static) MAC mac is, other than `except`; -1 if none. */
static int owner_of(const struct fw_net *n, const uint8_t *mac, int except)
{
	for (int i = 0; i < n->nports; i++)
		if (i != except && !memcmp(n->port[i].mac, mac, 6))
			return i;
	return -1;
}

/* --- running ------------------------------------------------------------------------------ */

/*
 * Counters are read lazily: after a run whose check needs them (a drop, the
 * fast path), not after every run, since each read is a system call. The
 * delta then covers every run since the last read; as no run but a drop may
 * move a drop counter, a drop still shows exactly one (a clone that a flood
 * failed to send, redirect_failed, is the one exception, and is left out).
 * fw_audit() squares the totals: drop counters against drop verdicts.
 */
static int ctr_delta(struct fw *fw, struct fw_ctr *c, uint64_t delta[BPFBR_COUNTER_MAX])
{
	uint64_t now[BPFBR_COUNTER_MAX];
	int err = counters_read(fw, c->fd, now);

	if (err)
		return err;
	for (int i = 0; i < BPFBR_COUNTER_MAX; i++)
		delta[i] = now[i] - c->last[i];
	memcpy(c->last, now, sizeof(now));
	return 0;
}

/* The drop counters (redirect_failed aside) that moved, and the last of them. */
static uint64_t drops_moved(const uint64_t *delta, int *reason)
{
	uint64_t sum = 0;

	for (int i = BPFBR_DROP_NONE + 1; i < BPFBR_DROP_MAX; i++)
		if (delta[i] && i != BPFBR_DROP_REDIRECT) {
			sum += delta[i];
			*reason = i;
		}
	return sum;
}

/* Reads the counters after a drop: 0 and its one reason, or -1 (reported). */
static int drop_reason(struct fw *fw, struct fw_ctr *c, int prog, uint32_t ifindex,
		       const struct frame *f, uint64_t delta[BPFBR_COUNTER_MAX])
{
	int reason = 0;
	uint64_t n;

	if (!ASSERT_OK(ctr_delta(fw, c, delta), "read the counters")) {
		fw->failures++;
		return -1;
	}
	n = drops_moved(delta, &reason);
	c->drops++;
	if (n != 1) {
		violation(fw, prog, ifindex, f,
			  "a drop moved %llu drop counters (since the last read), not exactly one",
			  (unsigned long long)n);
		return -1;
	}
	fw->t.reasons[reason]++;
	return reason;
}

static bool spoof_reason(int r)
{
	return r == BPFBR_DROP_MAC_SPOOF || r == BPFBR_DROP_IP_SPOOF || r == BPFBR_DROP_ARP_SPOOF ||
	       r == BPFBR_DROP_VLAN || r == BPFBR_DROP_IPV6_SPOOF || r == BPFBR_DROP_NDP_SPOOF ||
	       r == BPFBR_DROP_RA_GUARD || r == BPFBR_DROP_DHCP6_SERVER;
}

/* f is untagged IPv6 that a container of dual-stack n sent to the gateway's
 * MAC, and the node must not have it. */
static bool node_keeps6(const struct fw_net *n, const struct frame *f)
{
	return n->has6 && get16(f->data + 12) == ETHERTYPE_IPV6 && !mac_multicast(f->data) &&
	       !fz6_node_may_have(&n->cfg, &n->cfg6, uplink6, f);
}

struct run {
	int verdict;
	struct frame out;
	struct redirect_trace trace;
};

/* One BPF_PROG_TEST_RUN: 0, 1 if the kernel would not take the frame, or -errno. */
static int run(struct fw *fw, int prog, int prog_fd, uint32_t ifindex, const struct frame *f,
	       struct run *r)
{
	bool xdp = prog == FW_PORT_XDP || prog == FW_UPLINK_XDP;
	struct __sk_buff skb = { .ifindex = ifindex };
	struct xdp_md md = { .data_end = (uint32_t)f->len, .ingress_ifindex = ifindex };
	LIBBPF_OPTS(bpf_test_run_opts, o, .data_in = f->data, .data_size_in = (uint32_t)f->len,
		    .data_out = r->out.data, .data_size_out = sizeof(r->out.data), .repeat = 1);

	o.ctx_in = xdp ? (void *)&md : (void *)&skb;
	o.ctx_size_in = xdp ? sizeof(md) : sizeof(skb);
	if (bpf_prog_test_run_opts(prog_fd, &o)) {
		/* Newer kernels (6.18 here) refuse an skb whose ethertype promises an
		 * IPv4 or IPv6 header the frame is too short for: such a frame cannot
		 * be fed to a TC program this way (XDP still gets it). */
		if (errno == EINVAL && !xdp &&
		    ((get16(f->data + 12) == ETHERTYPE_IPV4 && f->len < ETH_HDR_LEN + 20) ||
		     (get16(f->data + 12) == ETHERTYPE_IPV6 && f->len < ETH_HDR_LEN + 40))) {
			fw->t.refused++;
			return 1;
		}
		return -errno;
	}
	r->verdict = (int)o.retval;
	r->out.len = o.data_size_out;
	fw->t.runs[prog]++;
	fw->t.verdicts[prog][r->verdict >= 0 && r->verdict < 8 ? r->verdict : 0]++;
	return 0;
}

/* The rules every switch verdict obeys, TC and XDP alike. */
static void check_switch_common(struct fw *fw, int prog, int k, int slot, uint32_t ifindex,
				const struct frame *f, bool dropped, int reason)
{
	struct fw_net *n = &fw->net[k];
	bool container = slot > 0, spoofchk = n->cfg.flags & BPFBR_NET_SPOOFCHK;

	/* A tag is refused on the way to the node whatever spoofchk says. */
	bool node_vlan =
		container && to_gateway(n, f) && node_refuses(n, f, false) == BPFBR_DROP_VLAN;

	if (dropped && spoof_reason(reason) &&
	    (!container || !spoofchk || admissible(n, slot, f)) &&
	    !(reason == BPFBR_DROP_VLAN && node_vlan))
		violation(fw, prog, ifindex, f, "dropped as %s a frame anti-spoofing admits",
			  counter_label(reason));
	if (dropped && reason == BPFBR_DROP_NODE_IPV6 &&
	    !(container && to_gateway(n, f) && node_refuses(n, f, false) == reason))
		violation(fw, prog, ifindex, f,
			  "dropped as node_ipv6 a frame not IPv6 for the node");
	if (!dropped && container && spoofchk && !admissible(n, slot, f))
		violation(fw, prog, ifindex, f,
			  "a spoofed frame from container slot %d passed anti-spoofing", slot);
	if (!dropped && (mac_multicast(f->data + 6) || !memcmp(f->data + 6, "\0\0\0\0\0\0", 6)))
		violation(fw, prog, ifindex, f, "a frame from a multicast or zero MAC passed");
	if (!dropped && !mac_multicast(f->data + 6) && owner_of(n, f->data + 6, slot) >= 0)
		violation(fw, prog, ifindex, f,
			  "a frame with the MAC of slot %d passed learning on slot %d",
			  owner_of(n, f->data + 6, slot), slot);
}

static void check_port_tc(struct fw *fw, int k, uint32_t ifindex, const struct frame *f,
			  const struct run *r)
{
	struct fw_net *n = &fw->net[k];
	int slot = -1, reason, owner = port_of(fw, ifindex, &slot), refused;
	uint64_t delta[BPFBR_COUNTER_MAX];
	struct bpfbr_fdb_entry e;
	bool flooded;

	if (owner != k)
		slot = -1;
	if (r->verdict != TC_ACT_SHOT && r->verdict != TC_ACT_REDIRECT) {
		violation(fw, FW_PORT_TC, ifindex, f, "verdict %d", r->verdict);
		return;
	}
	if (r->verdict == TC_ACT_SHOT) {
		reason = drop_reason(fw, &n->ctr, FW_PORT_TC, ifindex, f, delta);
		if (reason < 0)
			return;
		if ((slot < 0) != (reason == BPFBR_DROP_NOT_A_PORT))
			violation(fw, FW_PORT_TC, ifindex, f, "dropped as %s from slot %d",
				  counter_label(reason), slot);
		if (r->trace.n)
			violation(fw, FW_PORT_TC, ifindex, f, "dropped after %u redirects",
				  r->trace.n);
		if (slot >= 0) {
			n->drops_due[slot]++;
			check_switch_common(fw, FW_PORT_TC, k, slot, ifindex, f, true, reason);
		}
		return;
	}
	if (slot < 0) {
		violation(fw, FW_PORT_TC, ifindex, f,
			  "forwarded a frame from a device not its port");
		return;
	}
	check_switch_common(fw, FW_PORT_TC, k, slot, ifindex, f, false, 0);
	if (r->trace.n == 0) {
		/* Only the routing fast path redirects untraced: out of the uplink. */
		if (!ASSERT_OK(ctr_delta(fw, &n->ctr, delta), "read the counters"))
			fw->failures++;
		else if (!(n->cfg.flags & BPFBR_NET_ROUTE_FAST) || slot == 0 ||
			 delta[BPFBR_EV_ROUTED] != 1 || drops_moved(delta, &reason))
			violation(fw, FW_PORT_TC, ifindex, f,
				  "redirected without a traced target or a route");
		else if (!routable(n, f))
			violation(fw, FW_PORT_TC, ifindex, f,
				  "routed a packet the fast path must leave to the stack");
		else
			fw->t.routed++, fw->t.routed6 += get16(f->data + 12) == ETHERTYPE_IPV6;
		return;
	}
	if (r->trace.n > (uint32_t)n->nports)
		violation(fw, FW_PORT_TC, ifindex, f, "%u redirects in a network of %d ports",
			  r->trace.n, n->nports);
	/* A container's flood: the node's copy left out, and counted, when it may not have it. */
	flooded = mac_multicast(f->data) || sw_fdb_get(&n->sw, f->data, &e);
	refused = slot > 0 ? node_refuses(n, f, flooded) : 0;
	if (refused && flooded) {
		if (!ASSERT_OK(ctr_delta(fw, &n->ctr, delta), "read the counters"))
			fw->failures++;
		else if (delta[refused] != 1 || drops_moved(delta, &reason) != 1)
			violation(fw, FW_PORT_TC, ifindex, f,
				  "flooded without the node's copy, and %s did not move by one",
				  counter_label(refused));
		n->ctr.drops++;
	}
	for (uint32_t i = 0; i < r->trace.n && i < BPFBR_TRACE_MAX; i++) {
		int tslot = -1, tk = port_of(fw, r->trace.ifindex[i], &tslot);

		if (tk != k)
			violation(fw, FW_PORT_TC, ifindex, f,
				  "redirected to ifindex %u, a port of %s", r->trace.ifindex[i],
				  tk < 0 ? "no network" : "the other network");
		else if (tslot == slot && !(n->cfg.flags & BPFBR_NET_HAIRPIN))
			violation(fw, FW_PORT_TC, ifindex, f, "sent back out of its own port");
		else if (r->trace.how[i] == BPFBR_TRACE_PEER &&
			 n->port[tslot].kind != BPFBR_PORT_CONTAINER)
			violation(fw, FW_PORT_TC, ifindex, f, "peer redirect into a gateway port");
		else if (tslot == 0 && refused)
			violation(fw, FW_PORT_TC, ifindex, f,
				  "a container gave the node a frame it may not have (%s)",
				  counter_label(refused));
		else if (tslot == 0 && slot > 0 && !flooded && node_keeps6(n, f))
			violation(fw, FW_PORT_TC, ifindex, f,
				  "a container gave the node IPv6 its guard keeps from it");
	}
}

/* f is IPv4 from the port of ifindex, which the datapath marked as having
 * served a flow the stack translated: XDP leaves it to TC, which looks it
 * up (bpf/lib/stack_reply.h). */
static bool stack_peer_ipv4(struct fw_net *n, uint32_t ifindex, const struct frame *f)
{
	struct bpfbr_port p;
	size_t off = 12;

	/* The ethertype behind any VLAN tags, as the switch parses it. */
	while (off + 6 <= f->len && ((f->data[off] == 0x81 && f->data[off + 1] == 0x00) ||
				     (f->data[off] == 0x88 && f->data[off + 1] == 0xa8)))
		off += 4;
	return off + 2 <= f->len && f->data[off] == 0x08 && f->data[off + 1] == 0x00 &&
	       !bpf_map_lookup_elem(n->sw.ports_fd, &ifindex, &p) &&
	       (p.flags & BPFBR_PORT_F_STACK_PEERS);
}

static void check_port_xdp(struct fw *fw, int k, uint32_t ifindex, const struct frame *f,
			   const struct run *r)
{
	struct fw_net *n = &fw->net[k];
	int slot = -1, reason, owner = port_of(fw, ifindex, &slot), tslot = -1, tk;
	uint64_t delta[BPFBR_COUNTER_MAX];
	struct bpfbr_fdb_entry e;

	if (owner != k)
		slot = -1;
	if (slot < 0) {
		/* Not a port of this network: left to the stack, no drop counted. */
		if (r->verdict != XDP_PASS_RC)
			violation(fw, FW_PORT_XDP, ifindex, f,
				  "verdict %d for a device not its port", r->verdict);
		else if (!ASSERT_OK(ctr_delta(fw, &n->ctr, delta), "read the counters"))
			fw->failures++;
		else if (drops_moved(delta, &reason))
			violation(fw, FW_PORT_XDP, ifindex, f, "passed, and %s moved",
				  counter_label(reason));
		return;
	}
	switch (r->verdict) {
	case XDP_DROP_RC:
		reason = drop_reason(fw, &n->ctr, FW_PORT_XDP, ifindex, f, delta);
		if (reason < 0)
			return;
		n->drops_due[slot]++;
		check_switch_common(fw, FW_PORT_XDP, k, slot, ifindex, f, true, reason);
		return;
	case XDP_PASS_RC:
	case XDP_REDIRECT_RC:
		break;
	default:
		violation(fw, FW_PORT_XDP, ifindex, f, "verdict %d", r->verdict);
		return;
	}
	check_switch_common(fw, FW_PORT_XDP, k, slot, ifindex, f, false, 0);
	/* Where the devmap redirect went: the forwarding entry of the destination
	 * (floods are a broadcast over this network's own devmap). */
	if (mac_multicast(f->data) || sw_fdb_get(&n->sw, f->data, &e)) {
		/* A flood goes to TC exactly when the node may not have its copy. */
		if ((r->verdict == XDP_PASS_RC) != (slot > 0 && node_refuses(n, f, true) != 0))
			violation(fw, FW_PORT_XDP, ifindex, f, "%s a flood the node %s have",
				  r->verdict == XDP_PASS_RC ? "passed" : "broadcast",
				  r->verdict == XDP_PASS_RC ? "may" : "may not");
		return;
	}
	tk = port_of(fw, e.ifindex, &tslot);
	if (tk != k)
		violation(fw, FW_PORT_XDP, ifindex, f, "sent to ifindex %u, a port of %s",
			  e.ifindex, tk < 0 ? "no network" : "the other network");
	else if (r->verdict == XDP_PASS_RC && n->port[tslot].kind != BPFBR_PORT_GATEWAY &&
		 !stack_peer_ipv4(n, ifindex, f))
		violation(fw, FW_PORT_XDP, ifindex, f, "passed a frame for a container port");
	else if (tslot == 0 && slot > 0 && node_refuses(n, f, false))
		violation(fw, FW_PORT_XDP, ifindex, f,
			  "a container gave the node a frame it may not have (%s)",
			  counter_label(node_refuses(n, f, false)));
	else if (r->verdict == XDP_REDIRECT_RC && tslot == slot &&
		 !(n->cfg.flags & BPFBR_NET_HAIRPIN))
		violation(fw, FW_PORT_XDP, ifindex, f, "sent back out of its own port");
}

/* --- NAT66 ------------------------------------------------------------------------------ */

static const struct fw_ep6 *endpoint6(const struct fw *fw, const uint8_t *addr)
{
	for (int i = 0; i < fw->neps6; i++)
		if (!memcmp(fw->eps6[i].addr, addr, 16))
			return &fw->eps6[i];
	return NULL;
}

/* Offset of the IPv6 header of an untagged frame, or 0. */
static size_t ipv6_at(const struct frame *f)
{
	return f->len >= ETH_HDR_LEN + 40 && get16(f->data + 12) == ETHERTYPE_IPV6 &&
			       (f->data[ETH_HDR_LEN] >> 4) == 6
		       ? ETH_HDR_LEN
		       : 0;
}

/* The first checksum of the untagged IPv4 or IPv6 frame that is wrong, or
 * NULL when every one that can be recomputed is right. */
static const struct nat_csum_item *csum_wrong(const struct frame *f, struct nat_csum_report *rep)
{
	if (ipv4_at(f) == ETH_HDR_LEN)
		nat_csum_frame(f->data, f->len, rep);
	else
		nat_csum_frame6(f->data, f->len, rep);
	for (int i = 0; i < rep->n; i++)
		if (rep->item[i].stored != rep->item[i].computed)
			return &rep->item[i];
	return NULL;
}

static bool csum_ok(const struct frame *f)
{
	struct nat_csum_report rep;

	return !csum_wrong(f, &rep);
}

/* out, made of in, has a wrong checksum that in did not have: say which. */
static void csum_broken(struct fw *fw, int prog, const struct frame *in, const struct frame *out,
			const char *what)
{
	struct nat_csum_report rep;
	const struct nat_csum_item *bad;

	if ((!ipv6_at(in) && ipv4_at(in) != ETH_HDR_LEN) || !csum_ok(in))
		return;
	bad = csum_wrong(out, &rep);
	if (bad)
		violation(fw, prog, fw->ucfg.ifindex, in,
			  "%s: its %s is 0x%04x, not 0x%04x (it came right)", what, bad->what,
			  bad->stored, bad->computed);
}

/* The outside tuple of the NAT66 translation that the uplink just created. */
static void learn_tuple6(struct fw *fw, const struct frame *in, const struct frame *out)
{
	struct fz6_pkt pi, po;
	struct fz_tuple6 t = { 0 };

	if (!fz6_parse(in, ETH_HDR_LEN, &pi) || !fz6_parse(out, ETH_HDR_LEN, &po) || !po.has_l4)
		return;
	t.proto = po.proto;
	memcpy(t.raddr, po.daddr, 16);
	memcpy(t.iaddr, pi.saddr, 16);
	if (po.proto == 58) {
		memcpy(&t.oport, out->data + po.l4 + 4, 2);
		memcpy(&t.iport, in->data + pi.l4 + 4, 2);
	} else {
		memcpy(&t.oport, out->data + po.l4, 2);
		memcpy(&t.iport, in->data + pi.l4, 2);
		memcpy(&t.rport, out->data + po.l4 + 2, 2);
	}
	fz_pools_add_tuple6(&fw->pools, &t);
}

/* What uplink_out let out over IPv6: never a container's address, and what
 * it translated with its checksums as right as they came. */
static void check_out6(struct fw *fw, const struct frame *in, const struct run *r, bool created)
{
	size_t off = ipv6_at(&r->out);
	const uint8_t *saddr, *daddr;

	if (!off || !ipv6_at(in))
		return;
	saddr = r->out.data + off + 8;
	daddr = r->out.data + off + 24;
	if (endpoint6(fw, saddr) && daddr[0] != 0xff)
		violation(fw, FW_UPLINK_OUT, fw->ucfg.ifindex, in,
			  "a container's IPv6 address left untranslated");
	if (!endpoint6(fw, in->data + off + 8) || memcmp(saddr, uplink6, 16))
		return;
	csum_broken(fw, FW_UPLINK_OUT, in, &r->out, "a packet NAT66 sent out");
	if (created) {
		fw->t.flows6_created++;
		learn_tuple6(fw, in, &r->out);
	}
}

/* An IPv6 frame the uplink delivers into a container: for one of its IPv6
 * endpoints, from its gateway, its checksums as right as they came. */
static void check_delivery6(struct fw *fw, int prog, const struct frame *in, const struct run *r)
{
	const struct fw_ep6 *e = endpoint6(fw, r->out.data + ETH_HDR_LEN + 24);

	if (!e)
		violation(fw, prog, fw->ucfg.ifindex, in,
			  "delivered IPv6 to an address that is no endpoint");
	else if (memcmp(r->out.data, e->ep.mac, 6) || memcmp(r->out.data + 6, e->ep.gw_mac, 6))
		violation(fw, prog, fw->ucfg.ifindex, in,
			  "delivered IPv6 with the MACs of another port");
	else
		csum_broken(fw, prog, in, &r->out, "a NAT66 reply delivered");
	fw->t.replies6_delivered++;
}

/* A frame the uplink delivers into a container: for one endpoint, from its gateway. */
static void check_delivery(struct fw *fw, int prog, const struct frame *in, const struct run *r)
{
	size_t off = ipv4_at(&r->out);
	const struct fw_ep *e;
	uint32_t daddr;

	if (!off && ipv6_at(&r->out)) {
		check_delivery6(fw, prog, in, r);
		return;
	}
	if (!off) {
		violation(fw, prog, fw->ucfg.ifindex, in,
			  "delivered a frame that is neither IPv4 nor IPv6");
		return;
	}
	memcpy(&daddr, r->out.data + off + 16, 4);
	e = endpoint(fw, daddr);
	if (!e)
		violation(fw, prog, fw->ucfg.ifindex, in, "delivered to %s, not an endpoint",
			  inet_ntoa((struct in_addr){ daddr }));
	else if (memcmp(r->out.data, e->ep.mac, 6) || memcmp(r->out.data + 6, e->ep.gw_mac, 6))
		violation(fw, prog, fw->ucfg.ifindex, in,
			  "delivered to %s with the MACs of another port",
			  inet_ntoa((struct in_addr){ daddr }));
	else
		csum_broken(fw, prog, in, &r->out, "a reply delivered");
	fw->t.replies_delivered++;
}

/* The outside tuple of a translation that the uplink just created, for replies. */
static void learn_tuple(struct fw *fw, const struct frame *in, const struct frame *out)
{
	size_t off = ipv4_at(out), l4;
	struct fz_tuple t = { 0 };

	if (!off)
		return;
	l4 = off + (out->data[off] & 0xf) * 4u;
	if (l4 + 8 > out->len)
		return;
	t.proto = out->data[off + 9];
	memcpy(&t.raddr, out->data + off + 16, 4);
	memcpy(&t.iaddr, in->data + off + 12, 4);
	if (t.proto == IPPROTO_ICMP) {
		memcpy(&t.oport, out->data + l4 + 4, 2);
		memcpy(&t.iport, in->data + l4 + 4, 2);
	} else {
		memcpy(&t.oport, out->data + l4, 2);
		memcpy(&t.iport, in->data + l4, 2);
		memcpy(&t.rport, out->data + l4 + 2, 2);
	}
	fz_pools_add_tuple(&fw->pools, &t);
}

static bool read_flows(struct fw *fw, uint32_t *flows)
{
	if (ASSERT_OK(uplink_flows(fw, flows), "read the uplink's flow count"))
		return true;
	fw->failures++;
	return false;
}

static void check_uplink_out(struct fw *fw, const struct frame *f, const struct run *r)
{
	uint32_t ifindex = fw->ucfg.ifindex, before = fw->flows, saddr, daddr;
	uint64_t delta[BPFBR_COUNTER_MAX];
	size_t off;
	int reason;

	if (!read_flows(fw, &fw->flows))
		return;
	if (r->verdict != TC_ACT_OK && r->verdict != TC_ACT_SHOT) {
		violation(fw, FW_UPLINK_OUT, ifindex, f, "verdict %d", r->verdict);
		return;
	}
	if (r->verdict == TC_ACT_SHOT) {
		reason = drop_reason(fw, &fw->nctr, FW_UPLINK_OUT, ifindex, f, delta);
		if (fw->flows != before)
			violation(fw, FW_UPLINK_OUT, ifindex, f,
				  "dropped as %s, and the table went from %u to %u flows",
				  reason > 0 ? counter_label(reason) : "?", before, fw->flows);
		return;
	}
	if (fw->flows != before && fw->flows != before + 1)
		violation(fw, FW_UPLINK_OUT, ifindex, f, "one packet took the table from %u to %u",
			  before, fw->flows);
	off = ipv4_at(&r->out);
	if (off) {
		memcpy(&saddr, r->out.data + off + 12, 4);
		memcpy(&daddr, r->out.data + off + 16, 4);
		if (endpoint(fw, saddr) && (ntohl(daddr) >> 28) != 0xe)
			violation(fw, FW_UPLINK_OUT, ifindex, f,
				  "a container's address %s left untranslated",
				  inet_ntoa((struct in_addr){ saddr }));
		if (saddr == fw->ucfg.addr && off == ETH_HDR_LEN &&
		    endpoint(fw, *(const uint32_t *)(f->data + off + 12)))
			csum_broken(fw, FW_UPLINK_OUT, f, &r->out, "a packet masquerade sent out");
	}
	check_out6(fw, f, r, fw->flows == before + 1);
	if (fw->flows == before + 1) {
		fw->t.flows_created++;
		learn_tuple(fw, f, &r->out);
	}
}

static void check_uplink_in(struct fw *fw, int prog, const struct frame *f, const struct run *r)
{
	uint64_t delta[BPFBR_COUNTER_MAX];
	uint32_t ifindex = fw->ucfg.ifindex;
	bool xdp = prog == FW_UPLINK_XDP;

	if (xdp ? r->verdict != XDP_PASS_RC && r->verdict != XDP_REDIRECT_RC
		: r->verdict != TC_ACT_OK && r->verdict != TC_ACT_SHOT &&
			    r->verdict != TC_ACT_REDIRECT) {
		violation(fw, prog, ifindex, f, "verdict %d", r->verdict);
		return;
	}
	if (!xdp && r->verdict == TC_ACT_SHOT)
		drop_reason(fw, &fw->nctr, prog, ifindex, f, delta);
	if (r->verdict == (xdp ? XDP_REDIRECT_RC : TC_ACT_REDIRECT))
		check_delivery(fw, prog, f, r);
}

bool fw_frame(struct fw *fw, uint64_t seed, uint64_t index)
{
	struct fz_rng rng = { seed ^ ~index };
	struct fz_sender s = { 0 };
	uint32_t ifindex, flows;
	struct fw_net *n;
	struct frame f;
	struct run r;
	int k, slot, err;

	/* Which network's switch, and which of its devices the frame arrives on:
	 * mostly a port of that network, now and then one that is not. */
	fz_next(&rng);
	k = (int)fz_below(&rng, FW_NETS);
	n = &fw->net[k];
	slot = (int)fz_below(&rng, (uint32_t)n->nports);
	ifindex = n->port[slot].ifindex;
	memcpy(s.mac, n->port[slot].mac, 6);
	s.ip = n->port[slot].ipv4;
	if (n->has6)
		memcpy(s.ip6, slot ? n->port6[slot].addr : n->cfg6.gateway, 16);
	if (fz_chance(&rng, 4))
		ifindex = fz_chance(&rng, 50) ? fw->ucfg.ifindex
					      : fw->net[1 - k].port[fz_below(&rng, 3)].ifindex;
	fw->seed = seed;
	fw->index = index;
	fz_frame(seed, index, &fw->pools, &s, &f, fw->what, sizeof(fw->what));
	fw->t.frames++;

	n->sw.skel->bss->trace.n = 0;
	err = run(fw, FW_PORT_TC, n->sw.prog_fd, ifindex, &f, &r);
	if (err < 0 && !ASSERT_OK(err, "BPF_PROG_TEST_RUN of bpfbr_port_in"))
		return false;
	r.trace = n->sw.skel->bss->trace;
	if (!err)
		check_port_tc(fw, k, ifindex, &f, &r);

	err = run(fw, FW_PORT_XDP, n->xdp_fd, ifindex, &f, &r);
	if (!ASSERT_OK(err, "BPF_PROG_TEST_RUN of bpfbr_port_xdp"))
		return false;
	check_port_xdp(fw, k, ifindex, &f, &r);

	err = run(fw, FW_UPLINK_OUT, fw->dp.out_fd, fw->ucfg.ifindex, &f, &r);
	if (err < 0 && !ASSERT_OK(err, "BPF_PROG_TEST_RUN of bpfbr_uplink_out"))
		return false;
	if (!err)
		check_uplink_out(fw, &f, &r);

	err = run(fw, FW_UPLINK_IN, fw->dp.in_fd, fw->ucfg.ifindex, &f, &r);
	if (err < 0 && !ASSERT_OK(err, "BPF_PROG_TEST_RUN of bpfbr_uplink_in"))
		return false;
	if (!err)
		check_uplink_in(fw, FW_UPLINK_IN, &f, &r);

	err = run(fw, FW_UPLINK_XDP, fw->uxdp_fd, fw->ucfg.ifindex, &f, &r);
	if (!ASSERT_OK(err, "BPF_PROG_TEST_RUN of bpfbr_uplink_xdp"))
		return false;
	check_uplink_in(fw, FW_UPLINK_XDP, &f, &r);

	/* The way in never creates a translation. */
	if (read_flows(fw, &flows) && flows != fw->flows)
		violation(fw, FW_UPLINK_IN, fw->ucfg.ifindex, &f,
			  "uplink_in or uplink_xdp took the table from %u to %u flows", fw->flows,
			  flows);
	fw->flows = flows;
	return fw->failures < MAX_FAILURES;
}

/* --- audits --------------------------------------------------------------------------------- */

static void audit_switch(struct fw *fw, int k)
{
	struct fw_net *n = &fw->net[k];
	uint32_t key, next, *prev = NULL, nkeys = 0;

	for (int i = 0; i < n->nports; i++) {
		const struct bpfbr_port *p = &n->port[i];
		struct bpfbr_port_stats st;
		struct bpfbr_fdb_entry e;

		if (!ASSERT_OK(sw_fdb_get(&n->sw, p->mac, &e),
			       "a port's static forwarding entry") ||
		    !ASSERT_TRUE(e.ifindex == p->ifindex && e.slot == p->slot &&
					 (e.flags & BPFBR_FDB_STATIC) && e.port_kind == p->kind,
				 "a port's static forwarding entry never moves"))
			fw->failures++;
		if (!ASSERT_OK(sw_port_stats(&n->sw, p->slot, &st), "a port's counters"))
			continue;
		if (!ASSERT_EQ(st.drops - n->drops_seen[i], n->drops_due[i],
			       "a port's drop counter moved once per drop"))
			fw->failures++;
		n->drops_seen[i] = st.drops;
		n->drops_due[i] = 0;
	}
	/* The devmap XDP redirects through holds this network's ports and no other. */
	while (!bpf_map_get_next_key(n->devmap_fd, prev, &next)) {
		int tk = port_of(fw, next, NULL);

		if (!ASSERT_EQ(tk, k, "a devmap holds only its own network's ports"))
			fw->failures++;
		nkeys++;
		key = next;
		prev = &key;
	}
	if (!ASSERT_EQ(nkeys, n->nports, "a devmap holds every port of its network"))
		fw->failures++;
}

/* A live IPv6 flow in slot s: its inside key points at it, and it delivers
 * to its own endpoint (counted in per_ep6) unless it is the node's. */
static void audit_flow6(struct fw *fw, uint32_t s, const struct bpfbr_flow *fl, uint32_t *per_ep6)
{
	struct bpfbr_nat6_key k = { .port = fl->iport, .rport = fl->rport, .proto = fl->proto };
	struct bpfbr_flow6 a;
	uint32_t got;

	if (!ASSERT_OK(bpf_map_lookup_elem(bpf_map__fd(fw->dp.skel->maps.nat_flows6), &s, &a),
		       "an IPv6 flow's addresses"))
		return;
	memcpy(k.addr, a.iaddr, 16);
	memcpy(k.raddr, a.raddr, 16);
	if (!ASSERT_OK(bpf_map_lookup_elem(bpf_map__fd(fw->dp.skel->maps.nat_out6), &k, &got),
		       "a live IPv6 flow's inside key") ||
	    !ASSERT_EQ(got, s, "the inside key points at its IPv6 flow"))
		fw->failures++;
	if (fl->flags & BPFBR_FLOW_HOST)
		return;
	for (int i = 0; i < fw->neps6; i++) {
		const struct bpfbr_endpoint *ep = &fw->eps6[i].ep;

		if (memcmp(fw->eps6[i].addr, a.iaddr, 16))
			continue;
		per_ep6[i]++;
		if (!ASSERT_TRUE(fl->ifindex == ep->ifindex && fl->net == ep->net &&
					 !memcmp(fl->mac, ep->mac, 6) &&
					 !memcmp(fl->gw_mac, ep->gw_mac, 6),
				 "an IPv6 flow delivers to its own endpoint's port"))
			fw->failures++;
	}
}

static void audit_table(struct fw *fw)
{
	uint32_t nat_max = fw->ucfg.nat_max, live = 0, host = 0, n_out, n_in, nfree, live6 = 0;
	uint32_t per_ep[FW_MAX_EPS] = { 0 }, per_ep6[FW_MAX_EPS] = { 0 }, *slots;

	slots = calloc(nat_max, sizeof(*slots));
	if (!ASSERT_TRUE(slots != NULL, "memory"))
		return;
	for (uint32_t s = 0; s < nat_max; s++) {
		struct bpfbr_flow fl;
		struct bpfbr_nat_key k = { 0 };
		uint32_t got;

		if (!ASSERT_OK(nat_dp_flow_get(&fw->dp, s, &fl), "a flow slot") || !fl.in_use)
			continue;
		live++;
		if (fl.flags & BPFBR_FLOW_IPV6) {
			live6++;
			audit_flow6(fw, s, &fl, per_ep6);
			continue;
		}
		k.addr = fl.iaddr;
		k.raddr = fl.raddr;
		k.port = fl.iport;
		k.rport = fl.rport;
		k.proto = fl.proto;
		if (!ASSERT_OK(nat_dp_slot(fw->dp.nat_out_fd, &k, &got),
			       "a live flow's inside key") ||
		    !ASSERT_EQ(got, s, "the inside key points at its flow"))
			fw->failures++;
		if (fl.flags & BPFBR_FLOW_HOST) {
			host++;
			continue;
		}
		for (int i = 0; i < fw->neps; i++) {
			const struct bpfbr_endpoint *ep = &fw->eps[i].ep;

			if (fw->eps[i].addr != fl.iaddr)
				continue;
			per_ep[i]++;
			/* What a reply's redirect uses: this endpoint's port, network and MACs. */
			if (!ASSERT_TRUE(fl.ifindex == ep->ifindex && fl.net == ep->net &&
						 !memcmp(fl.mac, ep->mac, 6) &&
						 !memcmp(fl.gw_mac, ep->gw_mac, 6),
					 "a flow delivers to its own endpoint's port"))
				fw->failures++;
		}
	}
	for (int i = 0; i < fw->neps; i++) {
		struct bpfbr_endpoint ep;

		if (ASSERT_OK(nat_dp_endpoint_get(&fw->dp, fw->eps[i].addr, &ep), "an endpoint") &&
		    !ASSERT_EQ(ep.flows, per_ep[i], "an endpoint counts its flows"))
			fw->failures++;
		if (!ASSERT_TRUE(per_ep[i] <= NAT_SHARE, "no endpoint holds more than its share"))
			fw->failures++;
	}
	for (int i = 0; i < fw->neps6; i++) {
		struct bpfbr_endpoint ep;

		if (ASSERT_OK(bpf_map_lookup_elem(bpf_map__fd(fw->dp.skel->maps.nat_endpoints6),
						  fw->eps6[i].addr, &ep),
			      "an IPv6 endpoint") &&
		    !ASSERT_EQ(ep.flows, per_ep6[i], "an IPv6 endpoint counts its flows"))
			fw->failures++;
		if (!ASSERT_TRUE(per_ep6[i] <= NAT_SHARE,
				 "no IPv6 endpoint holds more than its share"))
			fw->failures++;
	}
	if (!ASSERT_EQ(live, fw->flows, "nat_config counts the live flows") ||
	    !ASSERT_OK(nat_dp_keys(fw->dp.nat_out_fd, &n_out), "count nat_out") ||
	    !ASSERT_EQ(n_out, live - live6, "one nat_out key per live IPv4 flow") ||
	    !ASSERT_OK(nat_dp_keys(fw->dp.nat_in_fd, &n_in), "count nat_in") ||
	    !ASSERT_EQ(n_in, live - live6, "one nat_in key per live IPv4 flow") ||
	    !ASSERT_OK(nat_dp_keys(bpf_map__fd(fw->dp.skel->maps.nat_out6), &n_out),
		       "count nat_out6") ||
	    !ASSERT_EQ(n_out, live6, "one nat_out6 key per live IPv6 flow") ||
	    !ASSERT_OK(nat_dp_keys(bpf_map__fd(fw->dp.skel->maps.nat_in6), &n_in),
		       "count nat_in6") ||
	    !ASSERT_EQ(n_in, live6, "one nat_in6 key per live IPv6 flow") ||
	    !ASSERT_OK(nat_dp_free_slots(&fw->dp, slots, nat_max, &nfree), "read the free queue") ||
	    !ASSERT_EQ(nfree, nat_max - live, "every other slot is free"))
		fw->failures++;
	fw->t.audits++;
	(void)host;
	free(slots);
}

/* Every drop verdict so far moved one drop counter, and no other run moved one. */
static void audit_counters(struct fw *fw, struct fw_ctr *c, const char *what)
{
	int reason = 0;
	uint64_t total;

	if (!ASSERT_OK(counters_read(fw, c->fd, c->last), "read the counters")) {
		fw->failures++;
		return;
	}
	total = drops_moved(c->last, &reason);
	if (!ASSERT_EQ(total, c->drops, what))
		fw->failures++;
	fw->t.clone_failures += c->last[BPFBR_DROP_REDIRECT];
}

bool fw_audit(struct fw *fw)
{
	uint64_t delta[BPFBR_COUNTER_MAX];
	uint32_t reclaimed;

	for (int k = 0; k < FW_NETS; k++) {
		audit_switch(fw, k);
		audit_counters(fw, &fw->net[k].ctr,
			       "a switch's drop counters add up to its drop verdicts");
	}
	audit_counters(fw, &fw->nctr, "the uplink's drop counters add up to its drop verdicts");
	if (!ASSERT_EQ(fw->nctr.last[BPFBR_EV_NAT_NEW] - fw->nctr.last[BPFBR_EV_NAT_RECLAIMED],
		       fw->flows, "translations created less reclaimed are the live ones"))
		fw->failures++;
	audit_table(fw);
	if (fw->flows >= SWEEP_AT) {
		if (!ASSERT_OK(nat_dp_sweep(&fw->dp, BPFBR_SWEEP_ALL, 0, &reclaimed, delta),
			       "reclaim the table") ||
		    !ASSERT_EQ(reclaimed, fw->flows, "every flow reclaimed") ||
		    !ASSERT_OK(uplink_flows(fw, &fw->flows), "flow count") ||
		    !ASSERT_EQ(fw->flows, 0, "an empty table"))
			fw->failures++;
		fw->t.sweeps++;
	}
	return fw->failures < MAX_FAILURES;
}
