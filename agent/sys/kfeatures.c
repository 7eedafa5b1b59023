// SPDX-License-Identifier: GPL-2.0-only OR BSD-2-Clause
#define _GNU_SOURCE
#include <errno.h>
#include <sched.h>
#include <stdio.h>
#include <string.h>
#include <unistd.h>
#include <sys/wait.h>
#include <linux/bpf.h>
#include <linux/if_link.h>
#include <bpf/bpf.h>
#include <bpf/libbpf.h>

#include "follow.h"
#include "kfeatures.h"
#include "netkit.h"
#include "netlink.h"

#define BPF_TCX_INGRESS_NR 46 /* BPF_TCX_INGRESS: newer than this libbpf's headers */

/* A program of type that returns ret at once. */
static int trivial_prog(enum bpf_prog_type type, int ret)
{
	struct bpf_insn insns[] = {
		{ .code = BPF_ALU64 | BPF_MOV | BPF_K, .dst_reg = BPF_REG_0, .imm = ret },
		{ .code = BPF_JMP | BPF_EXIT },
	};
	int fd = bpf_prog_load(type, "bpfbr_probe", "GPL", insns, 2, NULL);

	return fd < 0 ? -errno : fd;
}

/* In the child, in a namespace of its own: a veth pair; its first end's ifindex. */
static int probe_veth(void)
{
	struct veth_req req = {
		.name = "probe0", .peer_name = "probe1", .peer_netns_fd = -1, .mtu = 1500
	};
	struct nl nl;
	int err, ifindex;

	err = nl_open(&nl);
	if (err)
		return err;
	err = nl_veth_create(&nl, &req);
	ifindex = err ? err : nl_link_index(&nl, "probe0");
	if (ifindex > 0)
		err = nl_link_set_up(&nl, ifindex);
	nl_close(&nl);
	return err ?: ifindex;
}

static void say(FILE *f, const char *name, int err)
{
	fprintf(f, "%s\t%d\t%s\n", name, err, err ? strerror(-err) : "");
}

static void child(FILE *f)
{
	int ifindex, prog, err;

	if (unshare(CLONE_NEWNET)) {
		say(f, "tcx", -errno);
		say(f, "xdp_veth", -errno);
		say(f, "netkit", -errno);
		return;
	}
	ifindex = probe_veth();
	prog = ifindex < 0 ? ifindex : trivial_prog(BPF_PROG_TYPE_SCHED_CLS, -1);
	err = prog < 0 ? prog : bpf_link_create(prog, ifindex, BPF_TCX_INGRESS_NR, NULL);
	say(f, "tcx", err < 0 ? (err == -1 ? -errno : err) : 0);
	prog = ifindex < 0 ? ifindex : trivial_prog(BPF_PROG_TYPE_XDP, XDP_PASS);
	err = prog < 0 ? prog : bpf_xdp_attach(ifindex, prog, XDP_FLAGS_DRV_MODE, NULL);
	say(f, "xdp_veth", err < 0 ? err : 0);
	say(f, "netkit", netkit_probe_here());
}

static const char *what(const char *name)
{
	if (!strcmp(name, "tcx"))
		return "TCX links for the TC programs (else legacy tc clsact filters)";
	if (!strcmp(name, "xdp_veth"))
		return "native XDP on veth devices (--mode xdp)";
	if (!strcmp(name, "netkit"))
		return "netkit devices for the containers (--device auto picks them, else veth)";
	if (!strcmp(name, "btf"))
		return "the kernel's BTF (/sys/kernel/btf/vmlinux)";
	return "tracing programs on eth_mac_addr (ports follow a container's MAC)";
}

static int add(json_t *arr, const char *name, bool found, const char *why)
{
	json_t *o = json_pack("{s:s, s:b, s:s}", "name", name, "found", found, "what", what(name));

	if (o && !found)
		json_object_set_new(o, "why", json_string(why));
	return o ? json_array_append_new(arr, o) : -1;
}

/* The child's lines, "NAME\tERR\tWHY", into arr. */
static void read_child(FILE *f, json_t *arr)
{
	char line[256], *name, *err, *why, *save;

	while (fgets(line, sizeof(line), f)) {
		line[strcspn(line, "\n")] = '\0';
		name = strtok_r(line, "\t", &save);
		err = strtok_r(NULL, "\t", &save);
		why = strtok_r(NULL, "\t", &save);
		if (name && err)
			add(arr, name, !strcmp(err, "0"), why ?: "");
	}
}

json_t *kfeatures_probe(void)
{
	json_t *arr = json_array();
	char why[256] = "";
	int fds[2], status;
	pid_t pid;
	FILE *f;

	if (!arr || pipe(fds))
		return arr;
	pid = fork();
	if (pid == 0) {
		close(fds[0]);
		f = fdopen(fds[1], "w");
		if (f) {
			child(f);
			fclose(f);
		}
		_exit(0);
	}
	close(fds[1]);
	f = pid > 0 ? fdopen(fds[0], "r") : NULL;
	if (f) {
		read_child(f, arr);
		fclose(f);
	} else {
		close(fds[0]);
	}
	if (pid > 0)
		waitpid(pid, &status, 0);
	status = access("/sys/kernel/btf/vmlinux", R_OK) ? -errno : 0;
	add(arr, "btf", !status, strerror(-status));
	add(arr, "mac_follow", !follow_probe(why, sizeof(why)), why);
	return arr;
}
