// SPDX-License-Identifier: GPL-2.0-only OR BSD-2-Clause
#define _GNU_SOURCE
#include <arpa/inet.h>
#include <errno.h>
#include <fcntl.h>
#include <poll.h>
#include <sched.h>
#include <stdio.h>
#include <string.h>
#include <sys/socket.h>
#include <time.h>
#include <unistd.h>
#include <bpf/bpf.h>
#include <bpf/libbpf.h>
#include <linux/bpf.h>
#include <linux/if_ether.h>
#include <linux/if_link.h>
#include <linux/if_packet.h>

#include "env.h"
#include "netlink.h"

/* Writes value to a sysctl of the current namespace; ENOENT (no IPv6) is not an error. */
static int sysctl_write(const char *path, const char *value)
{
	int fd = open(path, O_WRONLY | O_CLOEXEC), err = 0;

	if (fd < 0)
		return errno == ENOENT ? 0 : -errno;
	if (write(fd, value, strlen(value)) < 0)
		err = -errno;
	close(fd);
	return err;
}

static int packet_socket(uint32_t ifindex)
{
	struct sockaddr_ll sll = {
		.sll_family = AF_PACKET,
		.sll_protocol = htons(ETH_P_ALL),
		.sll_ifindex = (int)ifindex,
	};
	int fd, one = 1;

	fd = socket(AF_PACKET, SOCK_RAW | SOCK_CLOEXEC | SOCK_NONBLOCK, htons(ETH_P_ALL));
	if (fd < 0)
		return -errno;
	if (setsockopt(fd, SOL_PACKET, PACKET_AUXDATA, &one, sizeof(one)) < 0 ||
	    bind(fd, (struct sockaddr *)&sll, sizeof(sll)) < 0) {
		int err = -errno;

		close(fd);
		return err;
	}
	return fd;
}

static int dev_setup(struct env_dev *d, int i)
{
	struct veth_req req = { .name = d->name, .peer_name = d->peer_name, .peer_netns_fd = -1 };
	struct nl nl;
	int err;

	snprintf(d->name, sizeof(d->name), "bp%d", i);
	snprintf(d->peer_name, sizeof(d->peer_name), "be%d", i);
	err = nl_open(&nl);
	if (err)
		return err;
	err = nl_veth_create(&nl, &req);
	d->ifindex = if_nametoindex(d->name);
	d->peer_ifindex = if_nametoindex(d->peer_name);
	if (!err && (!d->ifindex || !d->peer_ifindex))
		err = -ENODEV;
	/*
	 * Endpoint first: when the port end comes up its peer is already up,
	 * so it gets its carrier and its transmit queue at once instead of
	 * when the link watcher runs (until then a clone sent out of it would
	 * be dropped).
	 */
	if (!err)
		err = nl_link_set_up(&nl, (int)d->peer_ifindex);
	if (!err)
		err = nl_link_set_up(&nl, (int)d->ifindex);
	nl_close(&nl);
	if (err)
		return err;
	d->sock = packet_socket(d->peer_ifindex);
	return d->sock < 0 ? d->sock : 0;
}

int env_setup(struct env *env, int ndevs)
{
	int err;

	memset(env, 0, sizeof(*env));
	env->home_netns = -1;
	for (int i = 0; i < ENV_MAX_DEVS; i++)
		env->dev[i].sock = -1;
	if (ndevs > ENV_MAX_DEVS)
		return -E2BIG;
	env->home_netns = open("/proc/self/ns/net", O_RDONLY | O_CLOEXEC);
	if (env->home_netns < 0)
		return -errno;
	if (unshare(CLONE_NEWNET) < 0) {
		err = -errno;
		close(env->home_netns);
		env->home_netns = -1;
		return err;
	}
	err = sysctl_write("/proc/sys/net/ipv6/conf/default/disable_ipv6", "1");
	if (!err)
		err = sysctl_write("/proc/sys/net/ipv6/conf/all/disable_ipv6", "1");
	for (int i = 0; !err && i < ndevs; i++) {
		err = dev_setup(&env->dev[i], i);
		env->ndevs = i + 1;
	}
	if (err)
		env_teardown(env);
	else
		env_drain(env);
	return err;
}

void env_teardown(struct env *env)
{
	for (int i = 0; i < ENV_MAX_DEVS; i++) {
		if (env->dev[i].sock >= 0)
			close(env->dev[i].sock);
		env->dev[i].sock = -1;
	}
	if (env->home_netns >= 0) {
		if (setns(env->home_netns, CLONE_NEWNET) < 0)
			perror("env: setns back to the original network namespace");
		close(env->home_netns);
	}
	env->home_netns = -1;
	env->ndevs = 0;
}

void env_drain(struct env *env)
{
	uint8_t buf[64];

	for (int i = 0; i < env->ndevs; i++)
		while (recv(env->dev[i].sock, buf, sizeof(buf), MSG_DONTWAIT | MSG_TRUNC) >= 0)
			;
}

/* Puts back at offset 12 the tag the receive path moved into the aux data. */
static size_t vlan_reinsert(uint8_t *buf, size_t len, size_t size,
			    const struct tpacket_auxdata *aux)
{
	uint16_t tpid = ETH_P_8021Q;

	if (!(aux->tp_status & TP_STATUS_VLAN_VALID) || len < 12 || len + 4 > size)
		return len;
	if (aux->tp_status & TP_STATUS_VLAN_TPID_VALID)
		tpid = aux->tp_vlan_tpid;
	memmove(buf + 16, buf + 12, len - 12);
	buf[12] = tpid >> 8;
	buf[13] = tpid & 0xff;
	buf[14] = aux->tp_vlan_tci >> 8;
	buf[15] = aux->tp_vlan_tci & 0xff;
	return len + 4;
}

int env_recv(struct env *env, int i, uint8_t *buf, size_t size, int timeout_ms)
{
	union {
		char buf[CMSG_SPACE(sizeof(struct tpacket_auxdata))];
		struct cmsghdr align;
	} control;
	struct pollfd pfd = { .fd = env->dev[i].sock, .events = POLLIN };
	struct sockaddr_ll from;
	struct iovec iov;
	struct msghdr msg;
	ssize_t n;

	for (;;) {
		struct tpacket_auxdata aux = {};

		iov = (struct iovec){ .iov_base = buf, .iov_len = size - 4 };
		msg = (struct msghdr){
			.msg_name = &from,
			.msg_namelen = sizeof(from),
			.msg_iov = &iov,
			.msg_iovlen = 1,
			.msg_control = control.buf,
			.msg_controllen = sizeof(control.buf),
		};
		n = recvmsg(pfd.fd, &msg, MSG_DONTWAIT);
		if (n < 0 && errno == EAGAIN && timeout_ms > 0) {
			/* Wait for the copy, not for time to pass: poll returns when it lands. */
			if (poll(&pfd, 1, timeout_ms) <= 0)
				return -EAGAIN;
			continue;
		}
		if (n < 0)
			return -errno;
		if (from.sll_pkttype == PACKET_OUTGOING)
			continue;
		for (struct cmsghdr *c = CMSG_FIRSTHDR(&msg); c; c = CMSG_NXTHDR(&msg, c))
			if (c->cmsg_level == SOL_PACKET && c->cmsg_type == PACKET_AUXDATA)
				memcpy(&aux, CMSG_DATA(c), sizeof(aux));
		return (int)vlan_reinsert(buf, (size_t)n, size, &aux);
	}
}

int env_xdp_rxq(struct env *env, int i)
{
	struct bpf_insn insns[] = {
		/* r0 = XDP_PASS; exit */
		{ .code = BPF_ALU64 | BPF_MOV | BPF_K, .dst_reg = BPF_REG_0, .imm = XDP_PASS },
		{ .code = BPF_JMP | BPF_EXIT },
	};
	LIBBPF_OPTS(bpf_prog_load_opts, lo, .expected_attach_type = BPF_XDP);
	int fd = bpf_prog_load(BPF_PROG_TYPE_XDP, "env_null", "Dual BSD/GPL", insns, 2, &lo), err;

	if (fd < 0)
		return -errno;
	err = bpf_xdp_attach((int)env->dev[i].ifindex, fd, XDP_FLAGS_DRV_MODE, NULL);
	close(fd);
	return err;
}
