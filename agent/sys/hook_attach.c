// SPDX-License-Identifier: GPL-2.0-only OR BSD-2-Clause
#include <errno.h>
#include <string.h>
#include <unistd.h>
#include <bpf/bpf.h>
#include <bpf/libbpf.h>
#include <linux/if_link.h>

#include "hook_attach.h"
#include "netkit.h"

/* libbpf 1.1 predates TCX; the kernel's UAPI values (6.6+). */
#define BPF_TCX_INGRESS_VALUE 46
#define BPF_TCX_EGRESS_VALUE  47

static enum bpf_tc_attach_point tc_point(enum attach_dir dir)
{
	return dir == HOOK_EGRESS ? BPF_TC_EGRESS : BPF_TC_INGRESS;
}

/* Pins a new link (an fd from bpf_link_create, or -errno) at link_pin. */
static int pin_link(int fd, const char *link_pin)
{
	int err;

	if (fd < 0)
		return -errno;
	/* A pin left by an interrupted run names a dead or replaced link. */
	if (unlink(link_pin) && errno != ENOENT) {
		err = -errno;
		close(fd);
		return err;
	}
	err = bpf_obj_pin(fd, link_pin) ? -errno : 0;
	close(fd); /* on success the pin holds the link; on failure this detaches it */
	return err;
}

static int attach_tcx(int prog_fd, int ifindex, enum attach_dir dir, const char *link_pin)
{
	return pin_link(
		bpf_link_create(prog_fd, ifindex,
				dir == HOOK_EGRESS ? BPF_TCX_EGRESS_VALUE : BPF_TCX_INGRESS_VALUE,
				NULL),
		link_pin);
}

static int attach_tc(int prog_fd, int ifindex, enum attach_dir dir)
{
	LIBBPF_OPTS(bpf_tc_hook, hook, .ifindex = ifindex, .attach_point = tc_point(dir));
	LIBBPF_OPTS(bpf_tc_opts, opts, .handle = BPFBR_TC_HANDLE, .priority = BPFBR_TC_PRIO,
		    .prog_fd = prog_fd, .flags = BPF_TC_F_REPLACE);
	int err;

	/* The clsact qdisc holds both directions; it may exist already. */
	hook.attach_point = BPF_TC_INGRESS;
	err = bpf_tc_hook_create(&hook);
	if (err && err != -EEXIST)
		return err;
	hook.attach_point = tc_point(dir);
	return bpf_tc_attach(&hook, &opts);
}

int attach_hook(int prog_fd, int ifindex, enum attach_dir dir, const char *link_pin,
		enum attach_mode *mode)
{
	int err;

	if (dir == HOOK_NETKIT_PEER)
		return pin_link(bpf_link_create(prog_fd, ifindex, BPF_NETKIT_PEER_VALUE, NULL),
				link_pin);
	if (*mode == ATTACH_TC)
		return attach_tc(prog_fd, ifindex, dir);
	err = attach_tcx(prog_fd, ifindex, dir, link_pin);
	/* A kernel without TCX does not know the attach type: EINVAL. */
	if (err == -EINVAL && *mode == ATTACH_PROBE) {
		err = attach_tc(prog_fd, ifindex, dir);
		if (!err)
			*mode = ATTACH_TC;
		return err;
	}
	if (!err)
		*mode = ATTACH_TCX;
	return err;
}

int attach_xdp(int prog_fd, int ifindex, const char *link_pin)
{
	LIBBPF_OPTS(bpf_link_create_opts, opts, .flags = XDP_FLAGS_DRV_MODE);

	return pin_link(bpf_link_create(prog_fd, ifindex, BPF_XDP, &opts), link_pin);
}

int replace_link(int prog_fd, const char *link_pin)
{
	int fd = bpf_obj_get(link_pin), err;

	if (fd < 0)
		return -errno;
	err = bpf_link_update(fd, prog_fd, NULL) ? -errno : 0;
	close(fd);
	return err;
}

int replace_hook(int prog_fd, int ifindex, enum attach_dir dir, const char *link_pin,
		 enum attach_mode mode)
{
	if (mode == ATTACH_TCX || dir == HOOK_NETKIT_PEER)
		return replace_link(prog_fd, link_pin);
	return attach_tc(prog_fd, ifindex, dir); /* BPF_TC_F_REPLACE, same handle */
}

int detach_xdp(const char *link_pin)
{
	return unlink(link_pin) && errno != ENOENT ? -errno : 0;
}

int detach_hook(int ifindex, enum attach_dir dir, const char *link_pin, enum attach_mode mode)
{
	LIBBPF_OPTS(bpf_tc_hook, hook, .ifindex = ifindex, .attach_point = tc_point(dir));
	LIBBPF_OPTS(bpf_tc_opts, opts, .handle = BPFBR_TC_HANDLE, .priority = BPFBR_TC_PRIO);
	int err;

	if (mode == ATTACH_TCX || dir == HOOK_NETKIT_PEER) {
		/* Dropping the last reference detaches the link. */
		if (unlink(link_pin) && errno != ENOENT)
			return -errno;
		return 0;
	}
	err = bpf_tc_detach(&hook, &opts);
	return err == -ENOENT || err == -ENODEV || err == -EINVAL ? 0 : err;
}

int attach_query(int ifindex, enum attach_dir dir, const char *link_pin, enum attach_mode mode,
		 struct attach_info *info)
{
	memset(info, 0, sizeof(*info));
	if (mode == ATTACH_TCX || dir == HOOK_NETKIT_PEER) {
		struct bpf_link_info li = {};
		uint32_t len = sizeof(li);
		int fd = bpf_obj_get(link_pin), err = 0;

		if (fd < 0)
			return -ENOENT;
		if (bpf_obj_get_info_by_fd(fd, &li, &len))
			err = -errno;
		close(fd);
		if (err)
			return err;
		info->link_id = li.id;
		info->prog_id = li.prog_id;
		/* Both a TCX link (tcx, 6.6+, newer than these UAPI headers) and
		 * an XDP link report their device first in the union. */
		info->ifindex = li.xdp.ifindex;
		if (dir == HOOK_NETKIT_PEER && info->ifindex)
			info->ifindex = (uint32_t)ifindex; /* the peer's, in another namespace */
		return 0;
	} else {
		LIBBPF_OPTS(bpf_tc_hook, hook, .ifindex = ifindex, .attach_point = tc_point(dir));
		LIBBPF_OPTS(bpf_tc_opts, opts, .handle = BPFBR_TC_HANDLE,
			    .priority = BPFBR_TC_PRIO);
		int err = bpf_tc_query(&hook, &opts);

		if (err)
			return err == -EINVAL ? -ENOENT : err;
		info->prog_id = opts.prog_id;
		info->ifindex = (uint32_t)ifindex;
		return 0;
	}
}

bool hook_live(int ifindex, enum attach_dir dir, const char *link_pin, enum attach_mode mode)
{
	struct attach_info info;

	return !attach_query(ifindex, dir, link_pin, mode, &info) && info.prog_id &&
	       info.ifindex == (uint32_t)ifindex;
}

bool xdp_live(int ifindex, const char *link_pin)
{
	struct attach_info info;

	return !attach_query(ifindex, HOOK_INGRESS, link_pin, ATTACH_TCX, &info) && info.prog_id &&
	       info.ifindex == (uint32_t)ifindex;
}
