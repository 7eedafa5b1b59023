// SPDX-License-Identifier: GPL-2.0-only OR BSD-2-Clause
/*
 * A netkit pair as bpfbr makes it (nl_netkit_create, the agent's own
 * request) has no unguarded moment: until a program is linked on the peer,
 * whatever the container's end sends is dropped, and the sender is told
 * (ENOBUFS: netkit drops in the sender's own transmit, where a veth would
 * take the frame and lose it later, silently); the node's end passes. Once a
 * BPF_NETKIT_PEER link exists (here a program that passes all), the same
 * frame arrives. In a namespace of its own; skipped where the kernel makes
 * no netkit pairs.
 */
#define _GNU_SOURCE
#include <fcntl.h>
#include <net/if.h>
#include <poll.h>
#include <sched.h>
#include <unistd.h>
#include <arpa/inet.h>
#include <bpf/bpf.h>
#include <linux/if_ether.h>
#include <linux/if_packet.h>
#include <sys/socket.h>

#include "harness.h"
#include "netkit.h"

#define TEST_ETHERTYPE 0x88b5 /* local experimental: nothing else sends it */

static const uint8_t peer_mac[6] = { 0x02, 0xbb, 0x00, 0x00, 0x00, 0x01 };

/* A packet socket bound to ifindex, receiving every protocol. */
static int packet_socket(int ifindex)
{
	struct sockaddr_ll sll = { .sll_family = AF_PACKET,
				   .sll_protocol = htons(ETH_P_ALL),
				   .sll_ifindex = ifindex };
	int fd = socket(AF_PACKET, SOCK_RAW | SOCK_CLOEXEC, htons(ETH_P_ALL));

	if (fd >= 0 && bind(fd, (struct sockaddr *)&sll, sizeof(sll))) {
		close(fd);
		return -1;
	}
	return fd;
}

/* Sends one test frame from src out of fd: 0, or the send's -errno. */
static int send_frame(int fd, const uint8_t *src, uint8_t tag)
{
	uint8_t f[64] = { 0xff, 0xff, 0xff, 0xff, 0xff, 0xff };

	memcpy(f + 6, src, 6);
	f[12] = TEST_ETHERTYPE >> 8;
	f[13] = TEST_ETHERTYPE & 0xff;
	f[14] = tag;
	return send(fd, f, sizeof(f), 0) == sizeof(f) ? 0 : -errno;
}

/* Whether fd receives the test frame tag from src within 200 ms. */
static bool received(int fd, const uint8_t *src, uint8_t tag)
{
	struct pollfd p = { .fd = fd, .events = POLLIN };
	uint8_t f[128];

	while (poll(&p, 1, 200) == 1) {
		struct sockaddr_ll from;
		socklen_t len = sizeof(from);
		ssize_t n = recvfrom(fd, f, sizeof(f), 0, (struct sockaddr *)&from, &len);

		if (n < 15 || from.sll_pkttype == PACKET_OUTGOING)
			continue;
		if (!memcmp(f + 6, src, 6) && f[12] == TEST_ETHERTYPE >> 8 &&
		    f[13] == (TEST_ETHERTYPE & 0xff) && f[14] == tag)
			return true;
	}
	return false;
}

/* A program that passes everything: r0 = TC_ACT_OK (netkit's NETKIT_PASS); exit. */
static int pass_prog(void)
{
	const struct bpf_insn insns[] = {
		{ .code = BPF_ALU64 | BPF_MOV | BPF_K, .dst_reg = BPF_REG_0, .imm = 0 },
		{ .code = BPF_JMP | BPF_EXIT },
	};
	LIBBPF_OPTS(bpf_prog_load_opts, opts,
		    .expected_attach_type = (enum bpf_attach_type)BPF_NETKIT_PEER_VALUE);

	return bpf_prog_load(BPF_PROG_TYPE_SCHED_CLS, "nk_pass", "Dual BSD/GPL", insns, 2, &opts);
}

static void run(struct nl *nl)
{
	struct netkit_req req = {
		.name = "nkpol0", .peer_name = "nkpol1", .peer_netns_fd = -1, .peer_mac = peer_mac
	};
	int primary, peer, fd_primary = -1, fd_peer = -1, prog = -1, link = -1, err;
	uint8_t primary_mac[6] = { 0x02, 0xbb, 0, 0, 0, 0x02 };

	err = nl_netkit_create(nl, &req);
	if (err == -EOPNOTSUPP) {
		test_skip("this kernel makes no netkit pairs (Linux 6.7+ with CONFIG_NETKIT)");
		return;
	}
	if (!ASSERT_OK(err, "nl_netkit_create"))
		return;
	primary = (int)if_nametoindex(req.name);
	peer = (int)if_nametoindex(req.peer_name);
	if (!ASSERT_TRUE(primary > 0 && peer > 0, "the pair's ifindexes") ||
	    !ASSERT_OK(nl_link_set_up(nl, primary), "primary up") ||
	    !ASSERT_OK(nl_link_set_up(nl, peer), "peer up"))
		return;
	fd_primary = packet_socket(primary);
	fd_peer = packet_socket(peer);
	if (!ASSERT_TRUE(fd_primary >= 0 && fd_peer >= 0, "packet sockets"))
		goto out;
	/* The control: the node's end passes (policy pass), and both sockets work. */
	if (!ASSERT_OK(send_frame(fd_primary, primary_mac, 1), "send from the primary") ||
	    !ASSERT_TRUE(received(fd_peer, primary_mac, 1),
			 "the peer receives the primary's frame"))
		goto out;
	/* No program on the peer yet: the container's frame is dropped, and its send says so. */
	ASSERT_EQ(send_frame(fd_peer, peer_mac, 2), -ENOBUFS, "send from the peer without a link");
	ASSERT_FALSE(received(fd_primary, peer_mac, 2), "the primary receives the peer's frame");
	/* Linked: the same frame goes through. */
	prog = pass_prog();
	if (!ASSERT_TRUE(prog >= 0, "load a pass-all program"))
		goto out;
	link = bpf_link_create(prog, primary, (enum bpf_attach_type)BPF_NETKIT_PEER_VALUE, NULL);
	if (!ASSERT_TRUE(link >= 0, "BPF_NETKIT_PEER link"))
		goto out;
	ASSERT_OK(send_frame(fd_peer, peer_mac, 3), "send from the peer once linked");
	ASSERT_TRUE(received(fd_primary, peer_mac, 3),
		    "the primary receives the linked peer's frame");
out:
	if (link >= 0)
		close(link);
	if (prog >= 0)
		close(prog);
	if (fd_peer >= 0)
		close(fd_peer);
	if (fd_primary >= 0)
		close(fd_primary);
}

TEST(netkit_peer_drops_until_linked)
{
	int self = open("/proc/self/ns/net", O_RDONLY | O_CLOEXEC);
	struct nl nl;

	if (!ASSERT_TRUE(self >= 0, "open this namespace"))
		return;
	/* A namespace of its own: the pair goes with it. */
	if (!ASSERT_OK(unshare(CLONE_NEWNET) ? -errno : 0, "unshare a network namespace"))
		goto close_self;
	if (ASSERT_OK(nl_open(&nl), "netlink socket")) {
		run(&nl);
		nl_close(&nl);
	}
	ASSERT_OK(setns(self, CLONE_NEWNET) ? -errno : 0, "back to the test's namespace");
close_self:
	close(self);
}
