// SPDX-License-Identifier: GPL-2.0-only OR BSD-2-Clause
/*
 * Published ports from the node itself: a node process that connects (TCP,
 * connected UDP) or sends (unconnected UDP) to a published port of the
 * uplink's address, or of 127.0.0.1, is sent to the container's address and
 * port instead, at the socket, before any packet exists (cgroup sock_addr
 * hooks). Its packets then go to the container as any of the node's do, and
 * come back the same way: nothing to translate on the wire, no hairpin
 * through the uplink. (The uplink's TC programs never see such packets:
 * they do not leave through it, and a route to 127.0.0.1 never would.)
 *
 * One copy per uplink, against the uplink's published-port map, attached to
 * the cgroup given at `net create --node-cgroup`; it acts only in the node's
 * network namespace (its cookie) and, for hairpin, in the namespaces of the
 * uplink's containers (pub_hairpin_ns): a container connecting to the
 * node's address and a published port (another container's, or its own)
 * connects to the container itself, which sees its real address, when its
 * processes live in that cgroup (all of them, with the cgroup2 root).
 */
#include "lib/common.h"

#include "bpfbr/publish.h"

char LICENSE[] SEC("license") = "Dual BSD/GPL";

#define IPPROTO_TCP 6
#define IPPROTO_UDP 17
#define LOOPBACK    0x7f000001

/* Set by the agent before load. */
const volatile __u64 node_netns_cookie = 0;
const volatile __u32 uplink_addr = 0; /* network order */

/* The uplink's (reused from its pin, PINS/uplinks/IFNAME/published). */
struct {
	__uint(type, BPF_MAP_TYPE_HASH);
	__uint(max_entries, BPFBR_PUBLISHED_MAX);
	__uint(map_flags, BPF_F_NO_PREALLOC);
	__type(key, struct bpfbr_pub_key);
	__type(value, struct bpfbr_pub_target);
} nat_published SEC(".maps");

/*
 * Hairpin: the containers of the uplink's networks whose own connections to
 * the uplink's address and a published port go straight to the published
 * container (as the node's do), by their network namespace's cookie -> their
 * address. Pinned as PINS/uplinks/IFNAME/hairpin_netns; the agent adds a
 * container at attach and removes it with its endpoint.
 */
struct {
	__uint(type, BPF_MAP_TYPE_HASH);
	__uint(max_entries, 65536);
	__uint(map_flags, BPF_F_NO_PREALLOC);
	__type(key, __u64);
	__type(value, __u32);
} pub_hairpin_ns SEC(".maps");

/* What a UDP socket of the node sent to a published port, for its answers. */
struct sent_to {
	__u32 host_addr; /* the address and port it asked for */
	__u16 host_port;
	__u16 port; /* the container's port */
	__u32 addr; /* and address */
};

struct {
	__uint(type, BPF_MAP_TYPE_SK_STORAGE);
	__uint(map_flags, BPF_F_NO_PREALLOC);
	__type(key, int);
	__type(value, struct sent_to);
} pub_sent_to SEC(".maps");

/* The destination of ctx to a published port goes to the container; a UDP
 * socket remembers where it asked (recvmsg4). Always 1 (allow). */
static __always_inline int to_container(struct bpf_sock_addr *ctx, __u8 proto)
{
	struct bpfbr_pub_key k = { .addr = uplink_addr, .proto = proto };
	__u64 cookie = bpf_get_netns_cookie(ctx);
	struct bpfbr_pub_target *t;
	__u32 daddr = ctx->user_ip4;
	bool node = cookie == node_netns_cookie;

	/* The node (its address or its loopback), or a container of the
	 * uplink's networks (the uplink's address; its own 127.0.0.1 is its own). */
	if (!node && !bpf_map_lookup_elem(&pub_hairpin_ns, &cookie))
		return 1;
	if (daddr != uplink_addr && !(node && daddr == bpf_htonl(LOOPBACK)))
		return 1;
	k.port = (__u16)ctx->user_port;
	t = bpf_map_lookup_elem(&nat_published, &k);
	if (!t)
		return 1;
	if (proto == IPPROTO_UDP && ctx->sk) {
		struct sent_to *st =
			bpf_sk_storage_get(&pub_sent_to, ctx->sk, 0, BPF_SK_STORAGE_GET_F_CREATE);

		if (st)
			*st = (struct sent_to){ .host_addr = daddr,
						.host_port = (__u16)ctx->user_port,
						.port = t->port,
						.addr = t->addr };
	}
	ctx->user_ip4 = t->addr;
	ctx->user_port = t->port;
	return 1;
}

SEC("cgroup/connect4")
int bpfbr_pub_connect4(struct bpf_sock_addr *ctx)
{
	if (ctx->protocol != IPPROTO_TCP && ctx->protocol != IPPROTO_UDP)
		return 1;
	return to_container(ctx, (__u8)ctx->protocol);
}

SEC("cgroup/sendmsg4")
int bpfbr_pub_sendmsg4(struct bpf_sock_addr *ctx)
{
	return to_container(ctx, IPPROTO_UDP);
}

/* An answer from the container to a UDP socket that asked the published
 * port: it reads as coming from where it asked. */
SEC("cgroup/recvmsg4")
int bpfbr_pub_recvmsg4(struct bpf_sock_addr *ctx)
{
	struct sent_to *st;

	if (!ctx->sk)
		return 1;
	st = bpf_sk_storage_get(&pub_sent_to, ctx->sk, 0, 0);
	if (st && ctx->user_ip4 == st->addr && (__u16)ctx->user_port == st->port) {
		ctx->user_ip4 = st->host_addr;
		ctx->user_port = st->host_port;
	}
	return 1;
}
