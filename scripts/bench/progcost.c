// SPDX-License-Identifier: GPL-2.0-only OR BSD-2-Clause
/*
 * progcost: the per-packet cost of bpfbr's BPF programs, measured with
 * BPF_PROG_TEST_RUN, and how it changes with the size of the tables they
 * look up (issue 6: it should not).
 *
 *   progcost [--mode tc|xdp|all] [--quick] [--rounds N] [--repeat N] [--calls N]
 *            [--ports N,N,...] [--nat N,N,...]
 *
 * Runs in a network namespace of its own (unshare), with real veth devices
 * for the ingress and redirect-target ifindexes; everything it makes goes
 * away with it. The programs come from bpfbr's skeletons, loaded privately
 * (nothing pinned, nothing attached but a do-nothing XDP program on two of
 * its own devices) and their maps filled as the agent fills them. Only the
 * ports a frame comes from or goes to are real devices; the other ports get
 * synthetic ifindexes (they only fill the tables; their devmap entries point
 * at a real device, the only kind a devmap takes).
 *
 * Measured, each in --rounds rounds interleaved across the table sizes, the
 * result being the median over rounds:
 *   port_tc_<N>ports, port_xdp_<N>ports  bpfbr_port_in / bpfbr_port_xdp:
 *       known unicast from one container to another, N container ports (plus
 *       the gateway's) in the ports, fdb, flood and devmap tables.
 *   snat_tc_<S>, rnat_tc_<S>, rnat_xdp_<S>  bpfbr_uplink_out (masquerade of a
 *       packet of an existing TCP flow), bpfbr_uplink_in / bpfbr_uplink_xdp
 *       (reverse translation of its reply) with S live flows in a table sized
 *       to S (nat_max = S).
 * Each value is opts.duration of one test run with --repeat runs (ns per
 * run). The switch leaves the frame as it is, so a repeated run repeats the
 * same work. The masquerade rewrites it, and a repeated run would feed the
 * program its own output (a translated packet takes another path), so these
 * programs run behind a "restorer", a small program that copies the frame's
 * headers back and tail-calls them; the restorer's own cost, timed the same
 * way in front of a do-nothing program, is taken off (restorer_tc/_xdp).
 * Every case is checked before it is timed: the intended verdict, the frame
 * untouched or translated exactly as the flow says (and the same on every
 * repeated run), and after timing no drop or new flow in the counters.
 *
 * Also emitted, as info: <key>_single, the median of --calls test runs of
 * one run each on fresh copies, less that of a do-nothing program
 * (testrun_overhead_tc/_xdp). Each such run follows a system call and an skb
 * or xdp_buff set-up, so it pays for the caches they disturbed: an idea of a
 * packet arriving alone, not a figure of the program's own work. And
 * <group>_spread_pct: (largest - smallest) / smallest across the sizes.
 * Output: one line per value in the harness's emit format,
 * KEY<TAB>VALUE<TAB>UNIT<TAB>higher|lower|info. Progress goes to stderr.
 *
 * Not measured by a test run: the redirect itself (bpf_redirect_peer and
 * devmap redirects only record the target), so these are the programs'
 * costs, not the whole path's.
 */
#define _GNU_SOURCE
#include <arpa/inet.h>
#include <errno.h>
#include <fcntl.h>
#include <getopt.h>
#include <net/if.h>
#include <sched.h>
#include <stdarg.h>
#include <stdbool.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <sys/ioctl.h>
#include <sys/socket.h>
#include <time.h>
#include <unistd.h>
#include <bpf/bpf.h>
#include <bpf/libbpf.h>
#include <linux/if_link.h>

#include "bpfbr/fdb.h"
#include "bpfbr/limits.h"
#include "bpfbr/nat.h"
#include "bpfbr/netcfg.h"
#include "bpfbr/port.h"
#include "bpfbr/stats.h"
#include "bpfbr/trace.h" /* the skeleton's .bss */
#include "netlink.h" /* agent/sys: the veth pairs */
#include "port.skel.h"
#include "uplink.skel.h"

#define MAX_SIZES  8
#define MAX_ROUNDS 101
#define NAT_EPS	   4 /* containers the flows belong to */

#define TC_ACT_OK	0
#define TC_ACT_REDIRECT 7
#define XDP_PASS_RC	2
#define XDP_REDIRECT_RC 4

/* Synthetic ifindexes of ports that only fill the tables (never a target). */
#define FAKE_IFINDEX_BASE 100000

/* The kernel's "operation not supported" for a map without batch updates. */
#define ENOTSUPP 524

struct opts {
	bool tc, xdp;
	int rounds;
	unsigned int repeat; /* runs per repeated test run */
	int calls;	     /* single-run test runs per case and round (the _single values) */
	int nports, nnat;
	unsigned int ports[MAX_SIZES];
	unsigned int nat[MAX_SIZES];
};

static void die(const char *fmt, ...)
{
	va_list ap;

	fputs("progcost: error: ", stderr);
	va_start(ap, fmt);
	vfprintf(stderr, fmt, ap);
	va_end(ap);
	fputc('\n', stderr);
	exit(1);
}

static void note(const char *fmt, ...)
{
	va_list ap;

	fputs("progcost: ", stderr);
	va_start(ap, fmt);
	vfprintf(stderr, fmt, ap);
	va_end(ap);
	fputc('\n', stderr);
}

static double now_s(void)
{
	struct timespec ts;

	clock_gettime(CLOCK_MONOTONIC, &ts);
	return (double)ts.tv_sec + (double)ts.tv_nsec / 1e9;
}

static int cmp_double(const void *a, const void *b)
{
	double x = *(const double *)a, y = *(const double *)b;

	return x < y ? -1 : x > y;
}

static double median(double *v, int n)
{
	qsort(v, (size_t)n, sizeof(*v), cmp_double);
	return n % 2 ? v[n / 2] : (v[n / 2 - 1] + v[n / 2]) / 2;
}

/* 1 -> "1", 1000 -> "1k", 1000000 -> "1M". */
static const char *size_label(unsigned int n, char *buf, size_t len)
{
	if (n >= 1000000 && n % 1000000 == 0)
		snprintf(buf, len, "%uM", n / 1000000);
	else if (n >= 1000 && n % 1000 == 0)
		snprintf(buf, len, "%uk", n / 1000);
	else
		snprintf(buf, len, "%u", n);
	return buf;
}

static void emit(const char *key, double value, const char *unit, const char *better)
{
	printf("%s\t%.1f\t%s\t%s\n", key, value, unit, better);
	fflush(stdout);
}

/* --- the namespace and its devices ---------------------------------------------- */

static int write_file(const char *path, const char *value)
{
	int fd = open(path, O_WRONLY | O_CLOEXEC), err = 0;

	if (fd < 0)
		return errno == ENOENT ? 0 : -errno;
	if (write(fd, value, strlen(value)) < 0)
		err = -errno;
	close(fd);
	return err;
}

/* A veth pair, both ends up; returns the ifindex of name (the port end). */
static uint32_t device(const char *name, const char *peer)
{
	struct veth_req req = { .name = name, .peer_name = peer, .peer_netns_fd = -1 };
	struct nl nl;
	int err = nl_open(&nl);

	if (!err)
		err = nl_veth_create(&nl, &req);
	if (!err)
		err = nl_link_set_up(&nl, (int)if_nametoindex(peer));
	if (!err)
		err = nl_link_set_up(&nl, (int)if_nametoindex(name));
	if (err)
		die("cannot create the veth pair %s/%s: %s", name, peer, strerror(-err));
	nl_close(&nl);
	return if_nametoindex(name);
}

/* Into a fresh network namespace: nothing made here outlives the process. */
static void private_netns(void)
{
	if (unshare(CLONE_NEWNET) < 0)
		die("cannot create a network namespace: %s (needs root)", strerror(errno));
	/* No IPv6 autoconfiguration traffic of the kernel's own on the devices. */
	write_file("/proc/sys/net/ipv6/conf/default/disable_ipv6", "1");
	write_file("/proc/sys/net/ipv6/conf/all/disable_ipv6", "1");
}

/* --- do-nothing programs (the timing's overhead, XDP receive queues) ------------ */

static int null_prog(enum bpf_prog_type type, int retval)
{
	struct bpf_insn insns[] = {
		{ .code = BPF_ALU64 | BPF_MOV | BPF_K, .dst_reg = BPF_REG_0, .imm = retval },
		{ .code = BPF_JMP | BPF_EXIT },
	};
	/* As libbpf loads bpfbr's XDP programs: a program array only takes
	 * programs with its owner's expected attach type. */
	LIBBPF_OPTS(bpf_prog_load_opts, lo,
		    .expected_attach_type = type == BPF_PROG_TYPE_XDP ? BPF_XDP : 0);
	int fd = bpf_prog_load(type, "progcost_null", "Dual BSD/GPL", insns, 2, &lo);

	if (fd < 0)
		die("cannot load a do-nothing program: %s", strerror(errno));
	return fd;
}

/*
 * BPF_PROG_TEST_RUN of an XDP program on a given ingress device needs that
 * device's receive queue registered for XDP, which a veth does once an XDP
 * program is attached (as bpfbr attaches its own in XDP mode).
 */
static void xdp_ready(uint32_t ifindex, int prog_fd)
{
	int err = bpf_xdp_attach((int)ifindex, prog_fd, XDP_FLAGS_DRV_MODE, NULL);

	if (err)
		die("cannot attach XDP to ifindex %u: %s", ifindex, strerror(-err));
}

/* --- frames ----------------------------------------------------------------------- */

struct frame {
	uint8_t data[256];
	uint32_t len;
};

static uint16_t csum_fold(uint32_t sum)
{
	while (sum >> 16)
		sum = (sum & 0xffff) + (sum >> 16);
	return (uint16_t)~sum;
}

static uint32_t csum_add(uint32_t sum, const void *p, size_t len)
{
	const uint8_t *b = p;

	for (size_t i = 0; i + 1 < len; i += 2)
		sum += (uint32_t)(b[i] << 8 | b[i + 1]);
	if (len & 1)
		sum += (uint32_t)b[len - 1] << 8;
	return sum;
}

/*
 * Ethernet + IPv4 (DF) + UDP or TCP (ACK|PSH, 20-byte header) + payload bytes,
 * checksums valid. Addresses and ports in network order.
 */
static void build_frame(struct frame *f, const uint8_t dst[6], const uint8_t src[6], uint8_t ttl,
			uint32_t saddr, uint32_t daddr, uint8_t proto, uint16_t sport,
			uint16_t dport, uint32_t payload)
{
	uint8_t *ip = f->data + 14, *l4 = ip + 20;
	uint32_t l4len = (proto == IPPROTO_TCP ? 20 : 8) + payload, sum;
	uint16_t v;

	memset(f, 0, sizeof(*f));
	memcpy(f->data, dst, 6);
	memcpy(f->data + 6, src, 6);
	f->data[12] = 0x08; /* IPv4 */
	ip[0] = 0x45;
	v = htons((uint16_t)(20 + l4len));
	memcpy(ip + 2, &v, 2);
	v = htons(0x1234);
	memcpy(ip + 4, &v, 2);
	ip[6] = 0x40; /* DF */
	ip[8] = ttl;
	ip[9] = proto;
	memcpy(ip + 12, &saddr, 4);
	memcpy(ip + 16, &daddr, 4);
	v = htons(csum_fold(csum_add(0, ip, 20)));
	memcpy(ip + 10, &v, 2);
	memcpy(l4, &sport, 2);
	memcpy(l4 + 2, &dport, 2);
	if (proto == IPPROTO_TCP) {
		uint32_t seq = htonl(0x6b8b4567), ack = htonl(0x327b23c6);

		memcpy(l4 + 4, &seq, 4);
		memcpy(l4 + 8, &ack, 4);
		l4[12] = 5 << 4;
		l4[13] = 0x18; /* ACK | PSH */
		v = htons(64240);
		memcpy(l4 + 14, &v, 2);
	} else {
		v = htons((uint16_t)l4len);
		memcpy(l4 + 4, &v, 2);
	}
	for (uint32_t i = 0; i < payload; i++)
		l4[l4len - payload + i] = (uint8_t)i;
	/* Pseudo-header, then the segment. */
	sum = csum_add(0, ip + 12, 8) + proto + l4len;
	v = htons(csum_fold(csum_add(sum, l4, l4len)));
	memcpy(l4 + (proto == IPPROTO_TCP ? 16 : 6), &v, 2);
	f->len = 14 + 20 + l4len;
}

/* --- test runs ---------------------------------------------------------------------- */

struct run {
	uint32_t retval;
	uint32_t duration; /* ns per run, as the kernel measured it */
	struct frame out;
};

static int test_run(int prog_fd, bool xdp, uint32_t ifindex, const struct frame *in,
		    unsigned int repeat, struct run *r)
{
	struct __sk_buff skb = { .ifindex = ifindex };
	struct xdp_md md = { .data_end = in->len, .ingress_ifindex = ifindex };
	LIBBPF_OPTS(bpf_test_run_opts, o, .data_in = in->data, .data_size_in = in->len,
		    .data_out = r->out.data, .data_size_out = sizeof(r->out.data),
		    .repeat = (int)repeat);

	if (xdp) {
		o.ctx_in = &md;
		o.ctx_size_in = sizeof(md);
	} else {
		o.ctx_in = &skb;
		o.ctx_size_in = sizeof(skb);
	}
	if (bpf_prog_test_run_opts(prog_fd, &o))
		return -errno;
	r->retval = o.retval;
	r->duration = o.duration;
	r->out.len = o.data_size_out;
	return 0;
}

/*
 * A case: one program on one frame. Timed twice each round:
 *  - repeated: one test run with --repeat runs, ns per run. A program that
 *    rewrites the frame is run through a restorer (below) that puts the
 *    frame's headers back before every run; the restorer's own cost, timed
 *    the same way around a do-nothing program, is taken off.
 *  - single: --calls test runs of one run each, on fresh copies of the
 *    frame, median, less the same median for a do-nothing program. Every run
 *    follows a system call and an skb or xdp_buff set-up, so it pays for
 *    whatever those evicted: closer to a packet that arrives alone.
 */
struct case_ {
	char key[48];
	char group[24]; /* the program and flavour, e.g. "rnat_xdp" */
	int prog_fd;	/* the program */
	int timed_fd;	/* what the repeated run runs: the program or its restorer */
	bool xdp, restored;
	bool control;	    /* a second copy of the smallest table: not a result */
	unsigned int ports; /* a switch case: the network's size it is timed at */
	uint32_t ifindex;
	uint32_t verdict; /* what the program must return on the frame */
	struct frame frame;
	double rep[MAX_ROUNDS];	   /* ns/pkt, repeated */
	double single[MAX_ROUNDS]; /* ns/pkt, single runs */
};

static double repeated(int fd, bool xdp, uint32_t ifindex, const struct frame *f,
		       unsigned int repeat, const char *what)
{
	struct run r;
	int err = test_run(fd, xdp, ifindex, f, repeat, &r);

	if (err)
		die("%s: test run failed: %s", what, strerror(-err));
	return r.duration;
}

static double single_median(int prog_fd, bool xdp, uint32_t ifindex, const struct frame *f,
			    int calls)
{
	double *v = calloc((size_t)calls, sizeof(*v)), m;
	struct run r;

	if (!v)
		die("out of memory");
	for (int i = 0; i < calls; i++) {
		int err = test_run(prog_fd, xdp, ifindex, f, 1, &r);

		if (err)
			die("test run failed: %s", strerror(-err));
		v[i] = r.duration;
	}
	m = median(v, calls);
	free(v);
	return m;
}

/* --- the restorer --------------------------------------------------------------------- */

/* Bytes put back before each run: Ethernet, IPv4 and TCP headers (all a translation changes). */
#define RESTORE_LEN 54

#define INSN(c, d, s, o, i) \
	((struct bpf_insn){ .code = (c), .dst_reg = (d), .src_reg = (s), .off = (o), .imm = (i) })
#define MOV_REG(d, s) INSN(BPF_ALU64 | BPF_MOV | BPF_X, d, s, 0, 0)
#define MOV_IMM(d, i) INSN(BPF_ALU64 | BPF_MOV | BPF_K, d, 0, 0, i)
#define CALL(f)	      INSN(BPF_JMP | BPF_CALL, 0, 0, 0, f)
#define MAP_FD(d, fd) \
	INSN(BPF_LD | BPF_DW | BPF_IMM, d, BPF_PSEUDO_MAP_FD, 0, fd), INSN(0, 0, 0, 0, 0)
#define JNE_IMM(d, i, o) INSN(BPF_JMP | BPF_JNE | BPF_K, d, 0, o, i)
#define JEQ_IMM(d, i, o) INSN(BPF_JMP | BPF_JEQ | BPF_K, d, 0, o, i)

static int map_create(enum bpf_map_type type, uint32_t vsz, const char *name)
{
	int fd = bpf_map_create(type, name, 4, vsz, 1, NULL);

	if (fd < 0)
		die("cannot create map %s: %s", name, strerror(errno));
	return fd;
}

/*
 * A program of the target's type that copies the frame's first RESTORE_LEN
 * bytes back from a map (bpf_skb_store_bytes / bpf_xdp_store_bytes), then
 * tail-calls the target: every run of a repeated test run starts from the
 * frame as given. If anything fails it returns TC_ACT_SHOT / XDP_ABORTED,
 * which no case expects.
 */
static int restorer(bool xdp, const struct frame *f, int target_fd)
{
	int hdr = map_create(BPF_MAP_TYPE_ARRAY, 64, "progcost_hdr");
	int jmp = map_create(BPF_MAP_TYPE_PROG_ARRAY, 4, "progcost_jmp");
	struct bpf_insn insns[] = {
		MOV_REG(BPF_REG_6, BPF_REG_1),
		INSN(BPF_ST | BPF_MEM | BPF_W, BPF_REG_10, 0, -4, 0),
		MAP_FD(BPF_REG_1, hdr),
		MOV_REG(BPF_REG_2, BPF_REG_10),
		INSN(BPF_ALU64 | BPF_ADD | BPF_K, BPF_REG_2, 0, 0, -4),
		CALL(BPF_FUNC_map_lookup_elem),
		JEQ_IMM(BPF_REG_0, 0, 12),
		MOV_REG(BPF_REG_1, BPF_REG_6),
		MOV_IMM(BPF_REG_2, 0),
		MOV_REG(BPF_REG_3, BPF_REG_0),
		MOV_IMM(BPF_REG_4, RESTORE_LEN),
		MOV_IMM(BPF_REG_5, 0),
		CALL(xdp ? BPF_FUNC_xdp_store_bytes : BPF_FUNC_skb_store_bytes),
		JNE_IMM(BPF_REG_0, 0, 5),
		MOV_REG(BPF_REG_1, BPF_REG_6),
		MAP_FD(BPF_REG_2, jmp),
		MOV_IMM(BPF_REG_3, 0),
		CALL(BPF_FUNC_tail_call),
		MOV_IMM(BPF_REG_0, xdp ? 0 /* XDP_ABORTED */ : 2 /* TC_ACT_SHOT */),
		INSN(BPF_JMP | BPF_EXIT, 0, 0, 0, 0),
	};
	static char log[65536];
	LIBBPF_OPTS(bpf_prog_load_opts, lo, .log_buf = log, .log_size = sizeof(log), .log_level = 1,
		    .expected_attach_type = xdp ? BPF_XDP : 0);
	uint8_t val[64] = {};
	uint32_t zero = 0;
	int fd;

	if (f->len < RESTORE_LEN)
		die("frame shorter than the restored headers");
	memcpy(val, f->data, RESTORE_LEN);
	if (bpf_map_update_elem(hdr, &zero, val, BPF_ANY))
		die("cannot set up the restorer: %s", strerror(errno));
	fd = bpf_prog_load(xdp ? BPF_PROG_TYPE_XDP : BPF_PROG_TYPE_SCHED_CLS, "progcost_rst",
			   "Dual BSD/GPL", insns, sizeof(insns) / sizeof(insns[0]), &lo);
	if (fd < 0)
		die("cannot load the restorer: %s\n%s", strerror(errno), log);
	if (bpf_map_update_elem(jmp, &zero, &target_fd, BPF_ANY))
		die("cannot put the program behind the restorer: %s", strerror(errno));
	/* The program holds its maps now; but a program array empties itself when
	 * its last file descriptor is closed, so jmp stays open until exit. */
	close(hdr);
	return fd;
}

/* --- the switch ------------------------------------------------------------------------ */

static const uint8_t gw_mac[6] = { 0x02, 0xbb, 0, 0, 0, 0x01 };

static void port_mac(uint8_t mac[6], unsigned int i)
{
	const uint8_t m[6] = {
		0x02, 0xbb, 0x01, (uint8_t)(i >> 16), (uint8_t)(i >> 8), (uint8_t)i
	};

	memcpy(mac, m, 6);
}

/* Container i's address in 10.40.0.0/16: 10.40.0.2, .3, ... */
static uint32_t port_ip(unsigned int i)
{
	return htonl((10u << 24 | 40u << 16) + 1 + i);
}

static void update(int fd, const void *key, const void *val, const char *what)
{
	if (bpf_map_update_elem(fd, key, val, BPF_ANY))
		die("cannot fill %s: %s", what, strerror(errno));
}

/*
 * One network, grown and shrunk between sizes: the same program and maps at
 * every size, so the sizes differ by their tables only (separately loaded
 * copies of a program can differ by several ns per packet from where their
 * JIT image and maps landed). Containers 1 and 2 are on the real devices src
 * and dst; the gateway and the others get synthetic ifindexes (they only fill
 * the tables) whose devmap entries point at dst.
 */
struct sw {
	struct port_bpf *skel;
	struct bpfbr_netcfg cfg;
	uint32_t src, dst;
	unsigned int nports; /* container ports now */
};

static uint32_t sw_ifindex(const struct sw *sw, unsigned int i)
{
	return i == 1 ? sw->src : i == 2 ? sw->dst : FAKE_IFINDEX_BASE + i;
}

static void sw_mac(uint8_t mac[6], unsigned int i)
{
	if (i)
		port_mac(mac, i);
	else
		memcpy(mac, gw_mac, 6);
}

/*
 * Adds port i (slot i; slot 0 is the gateway) as switchdp_port_add() does:
 * ports, static fdb entry, devmap, flood list. Its per-CPU stats start zeroed.
 */
static void sw_port_add(struct sw *sw, unsigned int i)
{
	uint32_t ifindex = sw_ifindex(sw, i), slot = i;
	uint32_t target = i == 1 || i == 2 ? ifindex : sw->dst;
	struct bpfbr_port p = {
		.ifindex = ifindex,
		.slot = (uint16_t)i,
		.kind = i ? BPFBR_PORT_CONTAINER : BPFBR_PORT_GATEWAY,
		.ipv4 = i ? port_ip(i) : htonl(10u << 24 | 40u << 16 | 1),
	};
	struct bpfbr_fdb_entry e = { .ifindex = ifindex,
				     .slot = (uint16_t)i,
				     .flags = BPFBR_FDB_STATIC,
				     .port_kind = p.kind };
	struct bpfbr_fdb_key k = {};

	sw_mac(p.mac, i);
	memcpy(k.mac, p.mac, 6);
	update(bpf_map__fd(sw->skel->maps.bpfbr_ports), &ifindex, &p, "ports");
	update(bpf_map__fd(sw->skel->maps.bpfbr_fdb), &k, &e, "fdb");
	update(bpf_map__fd(sw->skel->maps.bpfbr_devmap), &ifindex, &target, "devmap");
	update(bpf_map__fd(sw->skel->maps.bpfbr_flood), &slot, &ifindex, "flood");
}

/* Removes port i as switchdp_port_del() does. */
static void sw_port_del(struct sw *sw, unsigned int i)
{
	uint32_t ifindex = sw_ifindex(sw, i), slot = i, none = 0;
	struct bpfbr_fdb_key k = {};

	sw_mac(k.mac, i);
	update(bpf_map__fd(sw->skel->maps.bpfbr_flood), &slot, &none, "flood");
	if (bpf_map_delete_elem(bpf_map__fd(sw->skel->maps.bpfbr_ports), &ifindex) ||
	    bpf_map_delete_elem(bpf_map__fd(sw->skel->maps.bpfbr_devmap), &ifindex) ||
	    bpf_map_delete_elem(bpf_map__fd(sw->skel->maps.bpfbr_fdb), &k))
		die("cannot remove port %u: %s", i, strerror(errno));
}

/* To nports container ports (plus the gateway), the config's slot count with them. */
static void sw_resize(struct sw *sw, unsigned int nports)
{
	uint32_t zero = 0;

	for (unsigned int i = sw->nports + 1; i <= nports; i++)
		sw_port_add(sw, i);
	for (unsigned int i = sw->nports; i > nports; i--)
		sw_port_del(sw, i);
	sw->nports = nports;
	sw->cfg.nslots = nports + 1;
	update(bpf_map__fd(sw->skel->maps.bpfbr_config), &zero, &sw->cfg, "config");
}

/* Configured as `net create --uplink … --masquerade` configures a network
 * (anti-spoofing on, routing fast path on), with the gateway and nports
 * container ports. */
static void sw_load(struct sw *sw, unsigned int nports, uint32_t src, uint32_t dst)
{
	*sw = (struct sw){
		.cfg = {
			.ageing_ns = BPFBR_DEFAULT_AGEING_S * 1000000000ull,
			.subnet = htonl(10u << 24 | 40u << 16),
			.netmask = htonl(0xffff0000u),
			.gateway = htonl(10u << 24 | 40u << 16 | 1),
			.flags = BPFBR_NET_SPOOFCHK | BPFBR_NET_ROUTE_FAST,
			.gw_ifindex = FAKE_IFINDEX_BASE - 1,
			.uplink_ifindex = FAKE_IFINDEX_BASE - 2,
		},
		.src = src,
		.dst = dst,
	};
	sw->skel = port_bpf__open_and_load();
	if (!sw->skel)
		die("cannot load the switch object: %s", strerror(errno));
	sw_port_add(sw, 0);
	sw_resize(sw, nports);
}

/* Known unicast, container 1 -> container 2: 60-byte UDP frame (64 on the wire). */
static void sw_frame(struct frame *f)
{
	uint8_t a[6], b[6];

	port_mac(a, 1);
	port_mac(b, 2);
	build_frame(f, b, a, 64, port_ip(1), port_ip(2), IPPROTO_UDP, htons(4000), htons(4001), 18);
}

/* --- the masquerade ---------------------------------------------------------------------- */

static const uint8_t uplink_mac[6] = { 0x02, 0xaa, 0, 0, 0, 0x01 };
static const uint8_t next_hop_mac[6] = { 0x02, 0xaa, 0, 0, 0, 0xfe };

#define UPLINK_ADDR htonl(203u << 24 | 113u << 8 | 1) /* 203.0.113.1 */
#define REMOTE_PORT htons(443)

/*
 * Flow i: container i % NAT_EPS, remote 198.18.x.y (one address per 60 000
 * flows), port 1024 + i % 60 000 on both sides (kept), TCP, established.
 */
static uint32_t flow_raddr(unsigned int i)
{
	return htonl((198u << 24 | 18u << 16) + 1 + i / 60000);
}

static uint16_t flow_port(unsigned int i)
{
	return htons((uint16_t)(1024 + i % 60000));
}

static uint32_t ep_addr(unsigned int c)
{
	return port_ip(1 + c);
}

struct nat_inst {
	struct uplink_bpf *skel;
	unsigned int size;
	unsigned int probe; /* the flow the packets belong to */
};

/* Fills a map in batches (one syscall per batch), or element by element. */
static void fill_batch(int fd, const void *keys, const void *vals, uint32_t n, size_t ksz,
		       size_t vsz, const char *what)
{
	const uint32_t chunk = 65536;

	for (uint32_t done = 0; done < n;) {
		uint32_t cnt = n - done < chunk ? n - done : chunk;
		const char *k = (const char *)keys + done * ksz;
		const char *v = (const char *)vals + done * vsz;

		if (bpf_map_update_batch(fd, k, v, &cnt, NULL)) {
			if (errno != EINVAL && errno != ENOTSUPP && errno != EOPNOTSUPP)
				die("cannot fill %s: %s", what, strerror(errno));
			for (uint32_t i = 0; i < n - done; i++)
				update(fd, k + i * ksz, v + i * vsz, what);
			return;
		}
		done += cnt;
	}
}

/*
 * An uplink's masquerade instance with size slots, all of them live flows,
 * as uplinkdp.c sizes and fills one and as flow_create() writes flows: the
 * flow in its slot, nat_out (inside key -> slot), nat_in (outside key ->
 * slot), the counts in the config and endpoints; the free queue stays empty
 * (every slot is in use). The containers' ports are real devices (eps).
 */
static void nat_load(struct nat_inst *n, unsigned int size, uint32_t uplink,
		     const uint32_t eps[NAT_EPS])
{
	struct bpfbr_uplink_cfg cfg = {
		.ifindex = uplink,
		.addr = UPLINK_ADDR,
		.nat_max = size,
		.port_lo = 61000,
		.port_hi = 65535,
		.flows = size,
	};
	struct bpf_map *sized[6];
	struct bpfbr_nat_key *ik, *ok;
	struct bpfbr_flow *fl;
	uint32_t *slots, zero = 0;
	uint64_t now;
	double t0 = now_s();
	struct timespec ts;

	n->size = size;
	n->probe = size / 2;
	n->skel = uplink_bpf__open();
	if (!n->skel)
		die("cannot open the uplink object: %s", strerror(errno));
	sized[0] = n->skel->maps.nat_flows;
	sized[1] = n->skel->maps.nat_free;
	sized[2] = n->skel->maps.nat_out;
	sized[3] = n->skel->maps.nat_in;
	sized[4] = n->skel->maps.nat_flow_seq;
	sized[5] = n->skel->maps.nat_flow_stats;
	for (int i = 0; i < 6; i++)
		if (bpf_map__set_max_entries(sized[i], size))
			die("cannot size the masquerade table");
	if (uplink_bpf__load(n->skel))
		die("cannot load the uplink object with %u slots: %s", size, strerror(errno));
	update(bpf_map__fd(n->skel->maps.nat_config), &zero, &cfg, "nat_config");
	for (unsigned int c = 0; c < NAT_EPS; c++) {
		struct bpfbr_endpoint ep = {
			.ifindex = eps[c],
			.max_flows = size,
			.flows = size / NAT_EPS + (c < size % NAT_EPS),
			.net = 1,
		};
		uint32_t addr = ep_addr(c);

		port_mac(ep.mac, 1 + c);
		memcpy(ep.gw_mac, gw_mac, 6);
		update(bpf_map__fd(n->skel->maps.nat_endpoints), &addr, &ep, "nat_endpoints");
		update(bpf_map__fd(n->skel->maps.nat_devmap), &eps[c], &eps[c], "nat_devmap");
	}

	clock_gettime(CLOCK_MONOTONIC, &ts);
	now = (uint64_t)ts.tv_sec * 1000000000ull + (uint64_t)ts.tv_nsec;
	slots = calloc(size, sizeof(*slots));
	fl = calloc(size, sizeof(*fl));
	ik = calloc(size, sizeof(*ik));
	ok = calloc(size, sizeof(*ok));
	if (!slots || !fl || !ik || !ok)
		die("out of memory");
	for (unsigned int i = 0; i < size; i++) {
		unsigned int c = i % NAT_EPS;

		slots[i] = i;
		fl[i] = (struct bpfbr_flow){
			.in_use = 1,
			.ifindex = eps[c],
			.iaddr = ep_addr(c),
			.raddr = flow_raddr(i),
			.iport = flow_port(i),
			.rport = REMOTE_PORT,
			.oport = flow_port(i),
			.proto = IPPROTO_TCP,
			.state = BPFBR_FLOW_ESTABLISHED,
			.net = 1,
			.created_ns = now,
			.seen_ns = now,
		};
		port_mac(fl[i].mac, 1 + c);
		memcpy(fl[i].gw_mac, gw_mac, 6);
		ik[i] = (struct bpfbr_nat_key){ .addr = fl[i].iaddr,
						.raddr = fl[i].raddr,
						.port = fl[i].iport,
						.rport = fl[i].rport,
						.proto = IPPROTO_TCP };
		ok[i] = (struct bpfbr_nat_key){ .addr = fl[i].raddr,
						.port = fl[i].rport,
						.rport = fl[i].oport,
						.proto = IPPROTO_TCP };
	}
	fill_batch(bpf_map__fd(n->skel->maps.nat_flows), slots, fl, size, sizeof(*slots),
		   sizeof(*fl), "nat_flows");
	fill_batch(bpf_map__fd(n->skel->maps.nat_out), ik, slots, size, sizeof(*ik), sizeof(*slots),
		   "nat_out");
	fill_batch(bpf_map__fd(n->skel->maps.nat_in), ok, slots, size, sizeof(*ok), sizeof(*slots),
		   "nat_in");
	free(slots);
	free(fl);
	free(ik);
	free(ok);
	note("masquerade table of %u flows loaded and filled in %.1f s", size, now_s() - t0);
}

/* A packet of the probe flow as it leaves through the uplink (after the node's hop). */
static void nat_out_frame(const struct nat_inst *n, struct frame *f)
{
	unsigned int i = n->probe;

	build_frame(f, next_hop_mac, uplink_mac, 63, ep_addr(i % NAT_EPS), flow_raddr(i),
		    IPPROTO_TCP, flow_port(i), REMOTE_PORT, 64);
}

/* Its reply, arriving on the uplink. */
static void nat_in_frame(const struct nat_inst *n, struct frame *f)
{
	unsigned int i = n->probe;

	build_frame(f, uplink_mac, next_hop_mac, 52, flow_raddr(i), UPLINK_ADDR, IPPROTO_TCP,
		    REMOTE_PORT, flow_port(i), 64);
}

static uint64_t counter_sum(int fd, uint32_t first, uint32_t last)
{
	int ncpus = libbpf_num_possible_cpus();
	uint64_t *v, sum = 0;

	if (ncpus < 0)
		die("cannot count CPUs");
	v = calloc((size_t)ncpus, sizeof(*v));
	if (!v)
		die("out of memory");
	for (uint32_t k = first; k < last; k++) {
		if (bpf_map_lookup_elem(fd, &k, v))
			die("cannot read counters: %s", strerror(errno));
		for (int c = 0; c < ncpus; c++)
			sum += v[c];
	}
	free(v);
	return sum;
}

/* --- checks: each case does what it is meant to before it is timed --------------- */

static uint32_t get32(const struct frame *f, size_t off)
{
	uint32_t v;

	memcpy(&v, f->data + off, 4);
	return v;
}

static uint16_t get16(const struct frame *f, size_t off)
{
	uint16_t v;

	memcpy(&v, f->data + off, 2);
	return v;
}

static int first_diff(const struct frame *a, const struct frame *b)
{
	for (uint32_t i = 0; i < a->len && i < b->len; i++)
		if (a->data[i] != b->data[i])
			return (int)i;
	return a->len == b->len ? -1 : (int)(a->len < b->len ? a->len : b->len);
}

/*
 * The case does what it is meant to before it is timed: the intended verdict;
 * a frame left as it was (repeated as is), or one the restorer makes the
 * program translate the same way on every run. *out gets the program's output.
 */
static void check_case(const struct case_ *c, struct run *out)
{
	struct run r;
	int err = test_run(c->prog_fd, c->xdp, c->ifindex, &c->frame, 1, out);

	if (err)
		die("%s: test run failed: %s", c->key, strerror(-err));
	if (out->retval != c->verdict)
		die("%s: verdict %u, expected %u (the measured path is not the intended one)",
		    c->key, out->retval, c->verdict);
	if (!c->restored) {
		if (out->out.len != c->frame.len ||
		    memcmp(out->out.data, c->frame.data, c->frame.len))
			die("%s: the program changed the frame but is timed without the "
			    "restorer",
			    c->key);
		return;
	}
	err = test_run(c->timed_fd, c->xdp, c->ifindex, &c->frame, 3, &r);
	if (err)
		die("%s: test run through the restorer failed: %s", c->key, strerror(-err));
	if (r.retval != c->verdict || r.out.len != out->out.len ||
	    memcmp(r.out.data, out->out.data, r.out.len))
		die("%s: repeated through the restorer, the program did not do the same as "
		    "once (verdict %u, %u bytes out, first difference at %d)",
		    c->key, r.retval, r.out.len, first_diff(&r.out, &out->out));
}

/* The masquerade's output is the translation expected of the probe flow. */
static void check_nat_output(const struct case_ *c, const struct nat_inst *n, bool egress)
{
	unsigned int i = n->probe;
	struct run r;
	bool good;

	check_case(c, &r);
	/* Offsets: IPv4 TTL 22, source 26, destination 30; ports 34 and 36. */
	if (egress)
		good = get32(&r.out, 26) == UPLINK_ADDR && get16(&r.out, 34) == flow_port(i);
	else
		good = get32(&r.out, 30) == ep_addr(i % NAT_EPS) &&
		       get16(&r.out, 36) == flow_port(i) && r.out.data[22] == 51;
	if (!good)
		die("%s: the packet was not translated as the flow says", c->key);
}

/* --- main ---------------------------------------------------------------------------------- */

static int parse_sizes(const char *s, unsigned int *out, unsigned int max)
{
	char *copy = strdup(s), *tok, *save = NULL, *end;
	int n = 0;

	if (!copy)
		die("out of memory");
	for (tok = strtok_r(copy, ",", &save); tok; tok = strtok_r(NULL, ",", &save)) {
		unsigned long v = strtoul(tok, &end, 10);

		if (*end || !v || v > max || n == MAX_SIZES)
			die("bad size list '%s' (up to %d sizes, 1..%u)", s, MAX_SIZES, max);
		out[n++] = (unsigned int)v;
	}
	free(copy);
	return n;
}

static void usage(int rc)
{
	fprintf(rc ? stderr : stdout,
		"usage: progcost [--mode tc|xdp|all] [--quick] [--rounds N] [--repeat N] "
		"[--calls N]\n"
		"                [--ports N,N,...] [--nat N,N,...]\n"
		"Per-packet cost of bpfbr's BPF programs (BPF_PROG_TEST_RUN), in a private\n"
		"network namespace. Defaults: --mode all, --rounds 51, --repeat 20000, --calls "
		"1000,\n"
		"--ports 2,10,100,1000 (container ports), --nat 1,1000,100000,1000000 (flows);\n"
		"--quick: --rounds 31 --repeat 5000 --calls 200. Many short rounds: a burst of\n"
		"noise (another tenant, an interrupt) spoils a few rounds, not the median.\n");
	exit(rc);
}

static void parse_args(int argc, char **argv, struct opts *o)
{
	static const struct option lo[] = { { "mode", required_argument, NULL, 'm' },
					    { "quick", no_argument, NULL, 'q' },
					    { "rounds", required_argument, NULL, 'r' },
					    { "repeat", required_argument, NULL, 'n' },
					    { "calls", required_argument, NULL, 'c' },
					    { "ports", required_argument, NULL, 'p' },
					    { "nat", required_argument, NULL, 'N' },
					    { "help", no_argument, NULL, 'h' },
					    {} };
	int rounds = 0, calls = 0, opt;
	unsigned int repeat = 0;
	bool quick = false;

	*o = (struct opts){ .tc = true, .xdp = true };
	o->nports = parse_sizes("2,10,100,1000", o->ports, BPFBR_MAX_PORTS - 1);
	o->nnat = parse_sizes("1,1000,100000,1000000", o->nat, BPFBR_NAT_FLOWS_MAX);
	while ((opt = getopt_long(argc, argv, "m:qr:n:c:p:N:h", lo, NULL)) != -1) {
		switch (opt) {
		case 'm':
			o->tc = !strcmp(optarg, "tc") || !strcmp(optarg, "all");
			o->xdp = !strcmp(optarg, "xdp") || !strcmp(optarg, "all");
			if (!o->tc && !o->xdp)
				usage(2);
			break;
		case 'q':
			quick = true;
			break;
		case 'r':
			rounds = atoi(optarg);
			break;
		case 'n':
			repeat = (unsigned int)strtoul(optarg, NULL, 10);
			break;
		case 'c':
			calls = atoi(optarg);
			break;
		case 'p':
			o->nports = parse_sizes(optarg, o->ports, BPFBR_MAX_PORTS - 1);
			break;
		case 'N':
			o->nnat = parse_sizes(optarg, o->nat, BPFBR_NAT_FLOWS_MAX);
			break;
		case 'h':
			usage(0);
			break;
		default:
			usage(2);
		}
	}
	if (optind != argc)
		usage(2);
	o->rounds = rounds ?: (quick ? 31 : 51);
	o->repeat = repeat ?: (quick ? 5000 : 20000);
	o->calls = calls ?: (quick ? 200 : 1000);
	for (int i = 0; i < o->nports; i++)
		if (o->ports[i] < 2)
			die("--ports: a network needs 2 container ports for a frame to go between");
	if (o->rounds < 1 || o->rounds > MAX_ROUNDS || o->calls < 1 || o->calls > 1000000 ||
	    o->repeat < 1 || o->repeat > 100000000)
		die("--rounds 1..%d, --calls 1..1000000, --repeat 1..100000000", MAX_ROUNDS);
}

/* Two switch cases per size, three masquerade cases per size and for the control. */
#define MAX_CASES (5 * MAX_SIZES + 3)

/* restore: time the repeated runs through a restorer (the program rewrites the frame). */
static struct case_ *add_case(struct case_ *cases, int *n, const char *group, const char *size,
			      struct bpf_program *prog, uint32_t ifindex, uint32_t verdict,
			      bool restore)
{
	struct case_ *c = &cases[(*n)++];

	snprintf(c->key, sizeof(c->key), "%s_%s", group, size);
	snprintf(c->group, sizeof(c->group), "%s", group);
	c->prog_fd = bpf_program__fd(prog);
	c->xdp = bpf_program__type(prog) == BPF_PROG_TYPE_XDP;
	c->ifindex = ifindex;
	c->verdict = verdict;
	c->restored = restore;
	c->timed_fd = c->prog_fd;
	return c;
}

/* The masquerade cases of one instance (a table size). */
static void nat_cases(struct case_ *cases, int *n, const struct opts *o, struct nat_inst *nat,
		      uint32_t uplink, bool control)
{
	struct bpf_program *progs[3] = { nat->skel->progs.bpfbr_uplink_out,
					 nat->skel->progs.bpfbr_uplink_in,
					 nat->skel->progs.bpfbr_uplink_xdp };
	static const char *const groups[3] = { "snat_tc", "rnat_tc", "rnat_xdp" };
	static const uint32_t verdicts[3] = { TC_ACT_OK, TC_ACT_REDIRECT, XDP_REDIRECT_RC };
	char label[24];

	size_label(nat->size, label, sizeof(label));
	if (control)
		strcat(label, "_control");
	for (int i = 0; i < 3; i++) {
		struct case_ *c;

		if (!(i == 2 ? o->xdp : o->tc))
			continue;
		c = add_case(cases, n, groups[i], label, progs[i], uplink, verdicts[i], true);
		c->control = control;
		if (i == 0)
			nat_out_frame(nat, &c->frame);
		else
			nat_in_frame(nat, &c->frame);
		c->timed_fd = restorer(c->xdp, &c->frame, c->prog_fd);
		check_nat_output(c, nat, i == 0);
	}
}

/* Emits the median over rounds of v; returns it. */
static double emit_median(const char *key, const char *suffix, const double *v, int n,
			  const char *unit, const char *better)
{
	double tmp[MAX_ROUNDS], m;
	char k[80];

	memcpy(tmp, v, (size_t)n * sizeof(*v));
	m = median(tmp, n);
	snprintf(k, sizeof(k), "%s%s", key, suffix);
	if (unit)
		emit(k, m, unit, better);
	return m;
}

static int cmp_uint(const void *a, const void *b)
{
	unsigned int x = *(const unsigned int *)a, y = *(const unsigned int *)b;

	return x < y ? -1 : x > y;
}

int main(int argc, char **argv)
{
	double ovh[2][MAX_ROUNDS], rst[2][MAX_ROUNDS], med[MAX_CASES], t0;
	struct nat_inst nat[MAX_SIZES + 1] = {};
	uint32_t src, dst, uplink, eps[NAT_EPS];
	int ncases = 0, null_fd[2], rst_fd[2];
	struct case_ *cases, *c;
	struct frame probe;
	char label[24];
	struct opts o;
	struct sw sw;

	parse_args(argc, argv, &o);
	qsort(o.ports, (size_t)o.nports, sizeof(o.ports[0]), cmp_uint);
	qsort(o.nat, (size_t)o.nnat, sizeof(o.nat[0]), cmp_uint);
	setvbuf(stdout, NULL, _IOLBF, 0);
	private_netns();
	src = device("pc1", "ce1");
	dst = device("pc2", "ce2");
	uplink = device("up0", "ext0");
	for (int i = 0; i < NAT_EPS; i++) {
		char a[IF_NAMESIZE], b[IF_NAMESIZE];

		snprintf(a, sizeof(a), "pn%d", i);
		snprintf(b, sizeof(b), "cn%d", i);
		eps[i] = device(a, b);
	}
	/* Do-nothing programs, [0] TC and [1] XDP, bare and behind a restorer. */
	build_frame(&probe, next_hop_mac, uplink_mac, 63, ep_addr(0), flow_raddr(0), IPPROTO_TCP,
		    flow_port(0), REMOTE_PORT, 64);
	null_fd[0] = null_prog(BPF_PROG_TYPE_SCHED_CLS, TC_ACT_OK);
	null_fd[1] = null_prog(BPF_PROG_TYPE_XDP, XDP_PASS_RC);
	rst_fd[0] = restorer(false, &probe, null_fd[0]);
	rst_fd[1] = restorer(true, &probe, null_fd[1]);
	xdp_ready(src, null_fd[1]);
	xdp_ready(uplink, null_fd[1]);

	cases = calloc(MAX_CASES, sizeof(*cases));
	if (!cases)
		die("out of memory");
	/* The switch: one network resized to each size in turn (checked then). */
	sw_load(&sw, o.ports[0], src, dst);
	for (int s = 0; s < o.nports; s++) {
		snprintf(label, sizeof(label), "%uports", o.ports[s]);
		for (int x = 0; x < 2; x++) {
			if (!(x ? o.xdp : o.tc))
				continue;
			c = add_case(cases, &ncases, x ? "port_xdp" : "port_tc", label,
				     x ? sw.skel->progs.bpfbr_port_xdp
				       : sw.skel->progs.bpfbr_port_in,
				     src, x ? XDP_REDIRECT_RC : TC_ACT_REDIRECT, false);
			c->ports = o.ports[s];
			sw_frame(&c->frame);
		}
	}
	/*
	 * The masquerade: a table per size (its size is fixed at load). The
	 * control is a second table of the smallest size: how far apart two
	 * loaded copies of the same thing are, against which the sizes' spread
	 * can be judged.
	 */
	for (int s = 0; s <= o.nnat && o.nnat; s++) {
		nat_load(&nat[s], o.nat[s < o.nnat ? s : 0], uplink, eps);
		nat_cases(cases, &ncases, &o, &nat[s], uplink, s == o.nnat);
	}

	/* Rounds: every case once per round, so drift hits all sizes alike. */
	t0 = now_s();
	for (int r = 0; r < o.rounds; r++) {
		for (int x = 0; x < 2; x++) {
			ovh[x][r] = single_median(null_fd[x], x, uplink, &probe, o.calls);
			rst[x][r] = repeated(rst_fd[x], x, uplink, &probe, o.repeat, "restorer");
		}
		for (int s = 0; s <= o.nports; s++) {
			/* Each size in turn, then back to the smallest. */
			sw_resize(&sw, o.ports[s < o.nports ? s : 0]);
			for (int i = 0; i < ncases && s < o.nports; i++) {
				c = &cases[i];
				if (c->ports != o.ports[s])
					continue;
				if (!r)
					check_case(c, &(struct run){});
				c->rep[r] = repeated(c->timed_fd, c->xdp, c->ifindex, &c->frame,
						     o.repeat, c->key);
				c->single[r] = single_median(c->prog_fd, c->xdp, c->ifindex,
							     &c->frame, o.calls) -
					       ovh[c->xdp][r];
			}
		}
		for (int i = 0; i < ncases; i++) {
			c = &cases[i];
			if (c->ports)
				continue;
			c->rep[r] = repeated(c->timed_fd, c->xdp, c->ifindex, &c->frame, o.repeat,
					     c->key) -
				    rst[c->xdp][r];
			c->single[r] =
				single_median(c->prog_fd, c->xdp, c->ifindex, &c->frame, o.calls) -
				ovh[c->xdp][r];
		}
	}
	note("%d cases x %d rounds measured in %.1f s", ncases, o.rounds, now_s() - t0);

	/* Nothing was dropped or created on the way (the path was the intended one). */
	if (counter_sum(bpf_map__fd(sw.skel->maps.bpfbr_counters), 1, BPFBR_DROP_MAX))
		die("the switch counted drops while measured");
	for (int s = 0; s <= o.nnat && o.nnat; s++)
		if (counter_sum(bpf_map__fd(nat[s].skel->maps.nat_counters), 1, BPFBR_DROP_MAX) ||
		    counter_sum(bpf_map__fd(nat[s].skel->maps.nat_counters), BPFBR_EV_NAT_NEW,
				BPFBR_EV_NAT_NEW + 1))
			die("the masquerade dropped or created flows while measured");

	for (int i = 0; i < ncases; i++)
		med[i] = emit_median(cases[i].key, "", cases[i].rep, o.rounds,
				     cases[i].control ? NULL : "ns/pkt", "lower");
	for (int i = 0; i < ncases; i++)
		if (!cases[i].control)
			emit_median(cases[i].key, "_single", cases[i].single, o.rounds, "ns/pkt",
				    "info");
	for (int x = 0; x < 2; x++) {
		if (!(x ? o.xdp : o.tc))
			continue;
		emit_median(x ? "testrun_overhead_xdp" : "testrun_overhead_tc", "", ovh[x],
			    o.rounds, "ns", "info");
		emit_median(x ? "restorer_xdp" : "restorer_tc", "", rst[x], o.rounds, "ns/pkt",
			    "info");
	}
	/* Flatness: how far apart the sizes of one program are, in % of the
	 * smallest; and for the masquerade, how far apart two copies of the
	 * smallest table are. */
	for (int i = 0; i < ncases; i++) {
		double lo = med[i], hi = med[i], ctl = -1;
		bool first = true;
		char key[64];

		for (int j = 0; j < i && first; j++)
			first = strcmp(cases[j].group, cases[i].group) != 0;
		if (!first || cases[i].control)
			continue;
		for (int j = i + 1; j < ncases; j++) {
			if (strcmp(cases[j].group, cases[i].group))
				continue;
			if (cases[j].control) {
				ctl = med[j];
				continue;
			}
			lo = med[j] < lo ? med[j] : lo;
			hi = med[j] > hi ? med[j] : hi;
		}
		snprintf(key, sizeof(key), "%s_spread_pct", cases[i].group);
		emit(key, lo > 0 ? (hi - lo) / lo * 100 : 0, "%", "info");
		if (ctl < 0 || med[i] <= 0)
			continue;
		snprintf(key, sizeof(key), "%s_control_pct", cases[i].group);
		emit(key, (ctl > med[i] ? ctl - med[i] : med[i] - ctl) / med[i] * 100, "%", "info");
	}

	port_bpf__destroy(sw.skel);
	for (int s = 0; s <= o.nnat && o.nnat; s++)
		uplink_bpf__destroy(nat[s].skel);
	free(cases);
	return 0;
}
