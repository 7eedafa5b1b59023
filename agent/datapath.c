// SPDX-License-Identifier: GPL-2.0-only OR BSD-2-Clause
#include <dirent.h>
#include <errno.h>
#include <limits.h>
#include <stdio.h>
#include <string.h>
#include <unistd.h>
#include <sys/stat.h>
#include <bpf/bpf.h>
#include <bpf/libbpf.h>

#include "datapath.h"
#include "log.h"
#include "paths.h"
#include "bpfbr/trace.h"
#include "port.skel.h"

static void dp_reset(struct dp *dp)
{
	dp->config = dp->ports = dp->flood = dp->fdb = -1;
	dp->counters = dp->port_stats = dp->prog_port = -1;
}

void dp_close(struct dp *dp)
{
	int *fds[] = { &dp->config,   &dp->ports,      &dp->flood,    &dp->fdb,
		       &dp->counters, &dp->port_stats, &dp->prog_port };

	for (size_t i = 0; i < sizeof(fds) / sizeof(fds[0]); i++)
		if (*fds[i] >= 0)
			close(*fds[i]);
	dp_reset(dp);
}

/* Each map of the object, its pin name, and where its fd goes in struct dp. */
struct pinned_map {
	const char *pin;
	const char *map; /* name in bpf/lib/maps.h */
	size_t fd_off;
};

static const struct pinned_map pinned_maps[] = {
	{ PIN_CONFIG, "bpfbr_config", offsetof(struct dp, config) },
	{ PIN_PORTS, "bpfbr_ports", offsetof(struct dp, ports) },
	{ PIN_FLOOD, "bpfbr_flood", offsetof(struct dp, flood) },
	{ PIN_FDB, "bpfbr_fdb", offsetof(struct dp, fdb) },
	{ PIN_COUNTERS, "bpfbr_counters", offsetof(struct dp, counters) },
	{ PIN_PORT_STATS, "bpfbr_port_stats", offsetof(struct dp, port_stats) },
};

#define N_PINNED_MAPS (sizeof(pinned_maps) / sizeof(pinned_maps[0]))

static int *dp_fd(struct dp *dp, const struct pinned_map *m)
{
	return (int *)((char *)dp + m->fd_off);
}

int dp_load(const char *dir, struct dp *dp)
{
	char path[PATH_MAX];
	struct port_bpf *skel;
	int err;

	dp_reset(dp);
	err = mkdir_p(dir, 0700);
	if (err) {
		pr_err("cannot create bpffs directory %s: %s", dir, strerror(-err));
		return err;
	}
	skel = port_bpf__open();
	if (!skel) {
		err = -errno;
		pr_err("cannot open the BPF switch object: %s", strerror(-err));
		goto undo_dir;
	}
	for (size_t i = 0; i < N_PINNED_MAPS; i++) {
		struct bpf_map *map = bpf_object__find_map_by_name(skel->obj, pinned_maps[i].map);

		err = map ? path_join(path, sizeof(path), dir, pinned_maps[i].pin) : -ENOENT;
		if (!err)
			err = bpf_map__set_pin_path(map, path);
		if (err) {
			pr_err("cannot pin map %s under %s: %s", pinned_maps[i].pin, dir,
			       strerror(-err));
			goto undo_skel;
		}
	}
	err = port_bpf__load(skel); /* creates the maps and pins them */
	if (err) {
		pr_err("loading the BPF switch program failed: %s (run with -v for the verifier "
		       "log)",
		       strerror(-err));
		goto undo_pins;
	}
	err = path_join(path, sizeof(path), dir, PIN_PROG_PORT);
	if (!err)
		err = bpf_program__pin(skel->progs.bpfbr_port_in, path);
	if (err) {
		pr_err("cannot pin the switch program at %s: %s", path, strerror(-err));
		goto undo_pins;
	}
	port_bpf__destroy(skel);
	err = dp_open(dir, dp);
	if (err)
		dp_unpin(dir);
	return err;

undo_pins:
	port_bpf__destroy(skel);
	dp_unpin(dir);
	return err;
undo_skel:
	port_bpf__destroy(skel);
undo_dir:
	rmdir(dir);
	return err;
}

int dp_open(const char *dir, struct dp *dp)
{
	char path[PATH_MAX];
	int err;

	dp_reset(dp);
	for (size_t i = 0; i <= N_PINNED_MAPS; i++) {
		const char *pin = i < N_PINNED_MAPS ? pinned_maps[i].pin : PIN_PROG_PORT;
		int *fd = i < N_PINNED_MAPS ? dp_fd(dp, &pinned_maps[i]) : &dp->prog_port;

		err = path_join(path, sizeof(path), dir, pin);
		if (err)
			goto fail;
		*fd = bpf_obj_get(path);
		if (*fd < 0) {
			err = -errno;
			pr_err("cannot open pinned datapath object %s: %s; the network's pins are "
			       "damaged: recreate it (bpfbr net delete --force, then net create)",
			       path, strerror(-err));
			goto fail;
		}
	}
	return 0;
fail:
	dp_close(dp);
	return err;
}

static int unpin_dir(const char *dir)
{
	char path[PATH_MAX];
	struct dirent *de;
	DIR *d = opendir(dir);
	int err = 0;

	if (!d)
		return errno == ENOENT ? 0 : -errno;
	while ((de = readdir(d))) {
		if (!strcmp(de->d_name, ".") || !strcmp(de->d_name, ".."))
			continue;
		if (path_join(path, sizeof(path), dir, de->d_name))
			continue;
		if (de->d_type == DT_DIR)
			err = unpin_dir(path) ?: err;
		else if (unlink(path))
			err = -errno;
	}
	closedir(d);
	if (rmdir(dir) && errno != ENOENT)
		err = -errno;
	return err;
}

int dp_unpin(const char *dir)
{
	return unpin_dir(dir);
}
