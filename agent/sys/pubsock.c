// SPDX-License-Identifier: GPL-2.0-only OR BSD-2-Clause
#include <errno.h>
#include <fcntl.h>
#include <limits.h>
#include <stdbool.h>
#include <stdio.h>
#include <string.h>
#include <unistd.h>
#include <bpf/bpf.h>
#include <bpf/libbpf.h>

#include "log.h"
#include "paths.h"
#include "pubsock.h"
#include "publish_sock.skel.h"

/* Attaches prog to the cgroup fd and pins its link as dir/pin (replacing one there). */
static int attach_pin(struct bpf_program *prog, int cg, const char *dir, const char *pin)
{
	char path[PATH_MAX];
	struct bpf_link *link;
	int err;

	err = path_join(path, sizeof(path), dir, pin);
	if (err)
		return err;
	link = bpf_program__attach_cgroup(prog, cg);
	err = libbpf_get_error(link);
	if (err)
		return err;
	unlink(path); /* an older one goes: its link is released with the pin */
	err = bpf_link__pin(link, path);
	bpf_link__destroy(link); /* the pin holds it, or it goes */
	return err;
}

int pubsock_attach(const char *uplink_dir, const char *cgroup, uint64_t netns_cookie, uint32_t addr)
{
	struct publish_sock_bpf *skel;
	char path[PATH_MAX];
	int cg, fd, err;

	cg = open(cgroup, O_RDONLY | O_DIRECTORY | O_CLOEXEC);
	if (cg < 0) {
		err = -errno;
		pr_err("cannot open cgroup %s for the node's access to published ports: %s; give "
		       "a cgroup2 directory (--node-cgroup)",
		       cgroup, strerror(-err));
		return err;
	}
	skel = publish_sock_bpf__open();
	if (!skel) {
		err = -errno;
		pr_err("cannot open the BPF object of the node's published ports: %s",
		       strerror(-err));
		goto close_cg;
	}
	skel->rodata->node_netns_cookie = netns_cookie;
	skel->rodata->uplink_addr = addr;
	err = path_join(path, sizeof(path), uplink_dir, PUBSOCK_PIN_HAIRPIN)
		      ?: bpf_map__set_pin_path(skel->maps.pub_hairpin_ns, path);
	if (err)
		goto destroy;
	err = path_join(path, sizeof(path), uplink_dir, "published");
	fd = err ? -1 : bpf_obj_get(path);
	if (fd < 0) {
		err = err ?: -errno;
		pr_err("cannot open the published ports of the uplink (%s): %s; run bpfbr upgrade",
		       path, strerror(-err));
		goto destroy;
	}
	err = bpf_map__reuse_fd(skel->maps.nat_published, fd);
	close(fd);
	if (!err)
		err = publish_sock_bpf__load(skel);
	if (err) {
		pr_err("loading the BPF socket hooks of published ports failed: %s (run with -v "
		       "for the verifier log)",
		       strerror(-err));
		goto destroy;
	}
	err = attach_pin(skel->progs.bpfbr_pub_connect4, cg, uplink_dir, PUBSOCK_PIN_CONNECT4)
		      ?: attach_pin(skel->progs.bpfbr_pub_sendmsg4, cg, uplink_dir,
				    PUBSOCK_PIN_SENDMSG4)
		      ?: attach_pin(skel->progs.bpfbr_pub_recvmsg4, cg, uplink_dir,
				    PUBSOCK_PIN_RECVMSG4);
	if (err)
		pr_err("cannot attach the socket hooks of published ports to cgroup %s: %s", cgroup,
		       strerror(-err));
destroy:
	publish_sock_bpf__destroy(skel);
close_cg:
	close(cg);
	return err;
}

/* The hairpin map's fd (-ENOENT: the uplink has no socket hooks). */
static int hairpin_map(const char *uplink_dir)
{
	char path[PATH_MAX];
	int err = path_join(path, sizeof(path), uplink_dir, PUBSOCK_PIN_HAIRPIN), fd;

	if (err)
		return err;
	fd = bpf_obj_get(path);
	return fd < 0 ? -errno : fd;
}

int pubsock_hairpin_add(const char *uplink_dir, uint64_t netns_cookie, uint32_t addr)
{
	int fd = hairpin_map(uplink_dir), err;

	if (fd == -ENOENT)
		return 0;
	if (fd < 0)
		return fd;
	err = bpf_map_update_elem(fd, &netns_cookie, &addr, BPF_ANY) ? -errno : 0;
	close(fd);
	return err;
}

int pubsock_hairpin_del(const char *uplink_dir, uint32_t addr)
{
	uint64_t k, cur;
	bool first = true;
	uint32_t v;
	int fd = hairpin_map(uplink_dir), err = 0;

	if (fd == -ENOENT)
		return 0;
	if (fd < 0)
		return fd;
	/* One entry per container: delete it and walk on from the start. */
	while (!bpf_map_get_next_key(fd, first ? NULL : &cur, &k)) {
		if (!bpf_map_lookup_elem(fd, &k, &v) && v == addr) {
			if (bpf_map_delete_elem(fd, &k) && errno != ENOENT) {
				err = -errno;
				break;
			}
			first = true;
			continue;
		}
		cur = k;
		first = false;
	}
	close(fd);
	return err;
}
