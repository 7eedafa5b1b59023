// SPDX-License-Identifier: GPL-2.0-only OR BSD-2-Clause
#include <errno.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <unistd.h>
#include <bpf/bpf.h>
#include <bpf/libbpf.h>

#include "switchdp.h"
#include "follow.h"
#include "log.h"
#include "paths.h"
#include "pin_layout.h"
#include "pins.h"
#include "uplinkdp.h"
#include "bpfbr/follow.h"
#include "follow.skel.h"

/* The network's maps the program uses (only their pins and names are read). */
static const struct pin_spec net_maps[] = {
	{ PIN_PORTS, "bpfbr_ports", false, 0, false },
	{ PIN_FDB, "bpfbr_fdb", false, 0, false },
	{ PIN_COUNTERS, "bpfbr_counters", false, 0, false },
	/* Made with the first program a network loads (an older datapath has none). */
	{ PIN_FOLLOW_IFACES, "bpfbr_container_ifaces", false, 0, false },
};
#define N_NET_MAPS (sizeof(net_maps) / sizeof(net_maps[0]))

/* The uplink's, pinned by its masquerade datapath (uplinkdp.c). */
static const char *const uplink_maps[][2] = {
	{ UPDP_PIN_ENDPOINTS, "nat_endpoints" },
	{ UPDP_PIN_FLOWS, "nat_flows" },
};
#define N_UPLINK_MAPS (sizeof(uplink_maps) / sizeof(uplink_maps[0]))

static int reuse_uplink_maps(struct bpf_object *obj, const char *uplink_dir)
{
	char path[PATH_MAX];

	for (size_t i = 0; i < N_UPLINK_MAPS; i++) {
		struct bpf_map *map = bpf_object__find_map_by_name(obj, uplink_maps[i][1]);
		int fd, err = map ? path_join(path, sizeof(path), uplink_dir, uplink_maps[i][0])
				  : -ENOENT;

		if (err)
			return err;
		fd = bpf_obj_get(path);
		if (fd < 0)
			return -errno;
		err = bpf_map__reuse_fd(map, fd); /* takes the pinned map's size */
		close(fd);
		if (err)
			return err;
	}
	return 0;
}

/* Pins link beside the pinned one, then moves it over it (atomically). */
static int pin_link(struct bpf_link *link, const char *dir)
{
	char path[PATH_MAX], next[PATH_MAX];
	int err;

	err = path_join(path, sizeof(path), dir, PIN_FOLLOW_LINK);
	if (!err)
		err = pin_staged(path, next, sizeof(next));
	if (err)
		return err;
	unlink(next); /* left by an interrupted start */
	err = bpf_link__pin(link, next);
	if (err)
		return err;
	if (rename(next, path)) {
		err = -errno;
		unlink(next);
	}
	return err;
}

/* Loads and attaches skel's program; the link is pinned under dir, or (dir
 * NULL: a probe) dropped at once. */
static int load_attach(struct follow_bpf *skel, const char *dir, char *why, size_t size)
{
	struct bpf_link *link;
	int err;

	err = follow_bpf__load(skel);
	if (err) {
		snprintf(why, size,
			 "the kernel refuses to load a tracing program (fexit) on eth_mac_addr: %s",
			 strerror(-err));
		return err;
	}
	link = bpf_program__attach_trace(skel->progs.bpfbr_mac_follow);
	err = libbpf_get_error(link);
	if (err) {
		snprintf(why, size,
			 "the kernel refuses to attach a tracing program (fexit) to eth_mac_addr: "
			 "%s",
			 strerror(-err));
		return err;
	}
	if (dir) {
		err = pin_link(link, dir);
		if (err)
			snprintf(why, size, "cannot pin its link under %s: %s", dir,
				 strerror(-err));
	}
	bpf_link__destroy(link); /* the pin holds it, or it goes */
	return err;
}

int follow_start(const char *dir, const char *uplink_dir, char *why, size_t size)
{
	struct follow_bpf *skel;
	int err;

	snprintf(why, size, "cannot read its BPF object");
	skel = follow_bpf__open();
	if (!skel)
		return -errno;
	err = pins_reuse_maps(skel->obj, dir, net_maps, N_NET_MAPS);
	if (err)
		snprintf(why, size, "cannot use the network's maps under %s: %s", dir,
			 strerror(-err));
	if (!err && uplink_dir) {
		err = reuse_uplink_maps(skel->obj, uplink_dir);
		if (err)
			snprintf(why, size, "cannot use the uplink's maps under %s: %s", uplink_dir,
				 strerror(-err));
	}
	if (!err)
		err = load_attach(skel, dir, why, size);
	follow_bpf__destroy(skel);
	return err;
}

int follow_probe(char *why, size_t size)
{
	struct follow_bpf *skel = follow_bpf__open();
	int err;

	snprintf(why, size, "cannot read its BPF object");
	if (!skel)
		return -errno;
	err = load_attach(skel, NULL, why, size);
	follow_bpf__destroy(skel);
	return err;
}

int follow_finish(const char *dir)
{
	char path[PATH_MAX], next[PATH_MAX];

	if (path_join(path, sizeof(path), dir, PIN_FOLLOW_LINK) ||
	    pin_staged(path, next, sizeof(next)) || !pin_present(next))
		return 0;
	return rename(next, path) ? -errno : 1;
}

static int map_id_at(const char *dir, const char *pin, uint32_t *id)
{
	struct bpf_map_info info = {};
	uint32_t len = sizeof(info);
	char path[PATH_MAX];
	int fd, err = path_join(path, sizeof(path), dir, pin);

	if (err)
		return err;
	fd = bpf_obj_get(path);
	if (fd < 0)
		return -errno;
	err = bpf_obj_get_info_by_fd(fd, &info, &len) ? -errno : 0;
	close(fd);
	*id = info.id;
	return err;
}

/* The ids of the maps the program uses (*n in: room, out: how many). */
static int prog_map_ids(uint32_t prog_id, uint32_t *ids, uint32_t *n)
{
	struct bpf_prog_info info = {};
	uint32_t len = sizeof(info);
	int fd = bpf_prog_get_fd_by_id(prog_id), err;

	if (fd < 0)
		return -errno;
	info.nr_map_ids = *n;
	info.map_ids = (uint64_t)(unsigned long)ids;
	err = bpf_obj_get_info_by_fd(fd, &info, &len) ? -errno : 0;
	close(fd);
	if (!err && info.nr_map_ids > *n)
		err = -E2BIG;
	*n = info.nr_map_ids;
	return err;
}

static bool uses(const uint32_t *ids, uint32_t n, uint32_t id)
{
	for (uint32_t i = 0; i < n; i++)
		if (ids[i] == id)
			return true;
	return false;
}

bool follow_running(const char *dir, const char *uplink_dir, struct follow_info *fi)
{
	struct bpf_link_info li = {};
	uint32_t len = sizeof(li), ids[16], n = 16, id;
	char path[PATH_MAX];
	int fd;

	memset(fi, 0, sizeof(*fi));
	if (path_join(path, sizeof(path), dir, PIN_FOLLOW_LINK))
		return false;
	fd = bpf_obj_get(path);
	if (fd < 0) {
		snprintf(fi->why, sizeof(fi->why),
			 "no MAC-following program is attached (the kernel refused it, or its "
			 "link pin is gone)");
		return false;
	}
	if (bpf_obj_get_info_by_fd(fd, &li, &len))
		li.prog_id = 0;
	close(fd);
	fi->link_id = li.id;
	fi->prog_id = li.prog_id;
	if (!li.prog_id || prog_map_ids(li.prog_id, ids, &n)) {
		snprintf(fi->why, sizeof(fi->why), "its link %u runs no program", li.id);
		return false;
	}
	for (size_t i = 0; i < N_NET_MAPS; i++)
		if (map_id_at(dir, net_maps[i].pin, &id) || !uses(ids, n, id)) {
			snprintf(fi->why, sizeof(fi->why),
				 "its program %u does not use the network's %s map", li.prog_id,
				 net_maps[i].pin);
			return false;
		}
	for (size_t i = 0; uplink_dir && i < N_UPLINK_MAPS; i++)
		if (map_id_at(uplink_dir, uplink_maps[i][0], &id) || !uses(ids, n, id)) {
			snprintf(fi->why, sizeof(fi->why),
				 "its program %u does not use the uplink's %s map", li.prog_id,
				 uplink_maps[i][0]);
			return false;
		}
	return true;
}

int follow_ifaces_open(const char *dir)
{
	char path[PATH_MAX];
	int fd, err = path_join(path, sizeof(path), dir, PIN_FOLLOW_IFACES);

	if (err)
		return err;
	fd = bpf_obj_get(path);
	return fd < 0 ? -errno : fd;
}

int follow_ifaces_each(int fd, int (*cb)(uint32_t port, void *data), void *data)
{
	struct bpfbr_iface_key key, next, *prev = NULL;
	uint32_t port;
	int err;

	while (!bpf_map_get_next_key(fd, prev, &next)) {
		key = next;
		prev = &key;
		if (bpf_map_lookup_elem(fd, &key, &port))
			continue; /* removed meanwhile */
		err = cb(port, data);
		if (err)
			return err;
	}
	return 0;
}

/* Removes port's entries but the one under keep (NULL: none). */
static int del_except(int fd, uint32_t port, const struct bpfbr_iface_key *keep)
{
	struct bpfbr_iface_key key, next, *prev = NULL;
	uint32_t cur;
	int err = 0;

	while (!bpf_map_get_next_key(fd, prev, &next)) {
		key = next;
		prev = &key;
		if (bpf_map_lookup_elem(fd, &key, &cur) || cur != port ||
		    (keep && !memcmp(&key, keep, sizeof(key))))
			continue;
		/* Deleting the current key restarts the walk from the beginning. */
		if (!bpf_map_delete_elem(fd, &key))
			prev = NULL;
		else if (errno != ENOENT)
			err = -errno;
	}
	return err;
}

int follow_iface_del(int fd, uint32_t port)
{
	return del_except(fd, port, NULL);
}

int follow_iface_add(int fd, uint64_t netns_cookie, uint32_t ifindex, uint32_t port)
{
	struct bpfbr_iface_key key = { .netns_cookie = netns_cookie, .ifindex = ifindex };

	if (bpf_map_update_elem(fd, &key, &port, BPF_ANY))
		return -errno;
	/* An interface that went may have left an entry for the port's ifindex:
	 * it must not speak for the port. */
	return del_except(fd, port, &key);
}
