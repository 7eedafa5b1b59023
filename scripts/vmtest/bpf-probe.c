// SPDX-License-Identifier: GPL-2.0-only OR BSD-2-Clause
/*
 * bpf-probe: attach a trivial BPF program to a network device, for scripts/vmtest/smoke.sh.
 *
 *   bpf-probe tc  IFNAME   cls_bpf filter (direct action) on the device's clsact ingress hook
 *   bpf-probe xdp IFNAME   native (driver mode) XDP program
 *   bpf-probe tcx IFNAME   TCX ingress link (kernel >= 6.6), released again when we exit
 *
 * The programs only return "pass" (TC_ACT_OK, XDP_PASS), so traffic is unaffected; tc and XDP
 * attachments stay after exit, to be seen with `tc filter show` and `ip link show`.
 * Exit status: 0 attached, 3 the kernel does not support it (EINVAL/EOPNOTSUPP), 1 other error.
 * The programs are raw instructions so the probe needs no clang, only libbpf (1.1 on Debian 12).
 */
#include <errno.h>
#include <stdio.h>
#include <string.h>

#include <bpf/bpf.h>
#include <bpf/libbpf.h>
#include <linux/bpf.h>
#include <linux/if_link.h>
#include <linux/pkt_cls.h>
#include <net/if.h>

/* enum bpf_attach_type value from the 6.6 UAPI; Debian 12's headers (6.1) predate TCX. */
#define PROBE_TCX_INGRESS 46

enum { PROBE_OK = 0, PROBE_ERR = 1, PROBE_UNSUPPORTED = 3 };

static char verifier_log[4096];

/* Load "r0 = ret; exit" as a program of the given type; returns the fd or -errno. */
static int load_return(enum bpf_prog_type type, int ret)
{
	const struct bpf_insn insns[] = {
		{ .code = BPF_ALU64 | BPF_MOV | BPF_K, .dst_reg = BPF_REG_0, .imm = ret },
		{ .code = BPF_JMP | BPF_EXIT },
	};
	LIBBPF_OPTS(bpf_prog_load_opts, opts, .log_buf = verifier_log,
		    .log_size = sizeof(verifier_log));
	int fd = bpf_prog_load(type, "vmtest_probe", "GPL", insns, 2, &opts);

	if (fd < 0) {
		fd = -errno;
		fprintf(stderr, "bpf-probe: loading the program failed: %s\n%s", strerror(-fd),
			verifier_log);
	}
	return fd;
}

static int verdict(const char *what, const char *ifname, int err)
{
	if (!err) {
		printf("%s: attached to %s\n", what, ifname);
		return PROBE_OK;
	}
	fprintf(stderr, "bpf-probe: %s on %s failed: %s\n", what, ifname, strerror(-err));
	return err == -EINVAL || err == -EOPNOTSUPP ? PROBE_UNSUPPORTED : PROBE_ERR;
}

static int probe_tc(int ifindex, const char *ifname)
{
	LIBBPF_OPTS(bpf_tc_hook, hook, .ifindex = ifindex, .attach_point = BPF_TC_INGRESS);
	LIBBPF_OPTS(bpf_tc_opts, opts);
	int fd = load_return(BPF_PROG_TYPE_SCHED_CLS, TC_ACT_OK);
	int err;

	if (fd < 0)
		return verdict("tc", ifname, fd);
	err = bpf_tc_hook_create(&hook); /* the clsact qdisc; smoke.sh made it with tc already */
	if (err && err != -EEXIST)
		return verdict("tc (clsact qdisc)", ifname, err);
	opts.prog_fd = fd;
	return verdict("tc", ifname, bpf_tc_attach(&hook, &opts));
}

static int probe_xdp(int ifindex, const char *ifname)
{
	int fd = load_return(BPF_PROG_TYPE_XDP, XDP_PASS);

	if (fd < 0)
		return verdict("xdp", ifname, fd);
	return verdict("xdp", ifname, bpf_xdp_attach(ifindex, fd, XDP_FLAGS_DRV_MODE, NULL));
}

static int probe_tcx(int ifindex, const char *ifname)
{
	int fd = load_return(BPF_PROG_TYPE_SCHED_CLS, TC_ACT_OK);
	int link;

	if (fd < 0)
		return verdict("tcx", ifname, fd);
	/* libbpf 1.1 passes an attach type it does not know straight to BPF_LINK_CREATE. */
	link = bpf_link_create(fd, ifindex, (enum bpf_attach_type)PROBE_TCX_INGRESS, NULL);
	return verdict("tcx", ifname, link < 0 ? link : 0);
}

int main(int argc, char **argv)
{
	unsigned int ifindex;

	if (argc != 3) {
		fprintf(stderr, "usage: bpf-probe tc|xdp|tcx IFNAME\n");
		return PROBE_ERR;
	}
	ifindex = if_nametoindex(argv[2]);
	if (!ifindex) {
		fprintf(stderr, "bpf-probe: no device %s: %s\n", argv[2], strerror(errno));
		return PROBE_ERR;
	}
	if (!strcmp(argv[1], "tc"))
		return probe_tc(ifindex, argv[2]);
	if (!strcmp(argv[1], "xdp"))
		return probe_xdp(ifindex, argv[2]);
	if (!strcmp(argv[1], "tcx"))
		return probe_tcx(ifindex, argv[2]);
	fprintf(stderr, "bpf-probe: unknown probe '%s' (tc, xdp or tcx)\n", argv[1]);
	return PROBE_ERR;
}
