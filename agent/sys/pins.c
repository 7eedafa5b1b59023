// SPDX-License-Identifier: GPL-2.0-only OR BSD-2-Clause
#include <dirent.h>
#include <errno.h>
#include <limits.h>
#include <stdio.h>
#include <string.h>
#include <unistd.h>
#include <bpf/bpf.h>
#include <bpf/libbpf.h>

#include "log.h"
#include "paths.h"
#include "pin_layout.h"
#include "pins.h"

static int *fd_of(void *base, const struct pin_spec *s)
{
	return (int *)((char *)base + s->fd_off);
}

int pins_prepare(struct bpf_object *obj, const char *dir, const struct pin_spec *specs, size_t n)
{
	char path[PATH_MAX];

	for (size_t i = 0; i < n; i++) {
		struct bpf_map *map;
		int err;

		if (specs[i].prog)
			continue;
		map = bpf_object__find_map_by_name(obj, specs[i].name);
		err = map ? path_join(path, sizeof(path), dir, specs[i].pin) : -ENOENT;
		if (!err)
			err = bpf_map__set_pin_path(map, path);
		if (err) {
			pr_err("cannot pin map %s under %s: %s", specs[i].name, dir,
			       strerror(-err));
			return err;
		}
	}
	return 0;
}

int pins_programs(struct bpf_object *obj, const char *dir, const struct pin_spec *specs, size_t n)
{
	char path[PATH_MAX];

	for (size_t i = 0; i < n; i++) {
		struct bpf_program *prog;
		int err;

		if (!specs[i].prog)
			continue;
		prog = bpf_object__find_program_by_name(obj, specs[i].name);
		err = prog ? path_join(path, sizeof(path), dir, specs[i].pin) : -ENOENT;
		if (!err)
			err = bpf_program__pin(prog, path);
		if (err) {
			pr_err("cannot pin program %s at %s/%s: %s", specs[i].name, dir,
			       specs[i].pin, strerror(-err));
			return err;
		}
	}
	return 0;
}

int pins_reuse_maps(struct bpf_object *obj, const char *dir, const struct pin_spec *specs, size_t n)
{
	char path[PATH_MAX];

	for (size_t i = 0; i < n; i++) {
		struct bpf_map *map;
		int fd, err;

		if (specs[i].prog)
			continue;
		map = bpf_object__find_map_by_name(obj, specs[i].name);
		err = map ? path_join(path, sizeof(path), dir, specs[i].pin) : -ENOENT;
		if (err)
			return err;
		fd = bpf_obj_get(path);
		if (fd < 0 && errno == ENOENT) {
			/* A map this build added: created and pinned at load. */
			err = bpf_map__set_pin_path(map, path);
			if (err)
				return err;
			continue;
		}
		if (fd < 0) {
			err = -errno;
			pr_err("cannot open pinned map %s: %s", path, strerror(-err));
			return err;
		}
		err = bpf_map__reuse_fd(map, fd);
		close(fd);
		if (err) {
			pr_err("cannot reuse pinned map %s: %s", path, strerror(-err));
			return err;
		}
	}
	return 0;
}

int pins_stage_programs(struct bpf_object *obj, const char *dir, const struct pin_spec *specs,
			size_t n)
{
	char path[PATH_MAX], next[PATH_MAX];

	for (size_t i = 0; i < n; i++) {
		struct bpf_program *prog;
		int err;

		if (!specs[i].prog)
			continue;
		prog = bpf_object__find_program_by_name(obj, specs[i].name);
		err = prog ? path_join(path, sizeof(path), dir, specs[i].pin) : -ENOENT;
		if (!err)
			err = pin_staged(path, next, sizeof(next));
		if (err)
			return err;
		unlink(next); /* a stage an interrupted upgrade left */
		err = bpf_program__pin(prog, next);
		if (err) {
			pr_err("cannot pin program %s at %s: %s", specs[i].name, next,
			       strerror(-err));
			pins_drop_staged(dir, specs, n);
			return err;
		}
	}
	return 0;
}

int pins_commit_staged(const char *dir, const struct pin_spec *specs, size_t n)
{
	char path[PATH_MAX], next[PATH_MAX];

	for (size_t i = 0; i < n; i++) {
		int err;

		if (!specs[i].prog)
			continue;
		err = path_join(path, sizeof(path), dir, specs[i].pin);
		if (!err)
			err = pin_staged(path, next, sizeof(next));
		if (err)
			return err;
		/* Atomic: the pin names the old program or the new one, never none. */
		if (rename(next, path) && errno != ENOENT) {
			err = -errno;
			pr_err("cannot move the new program %s into place at %s: %s", next, path,
			       strerror(-err));
			return err;
		}
	}
	return 0;
}

int pins_drop_staged(const char *dir, const struct pin_spec *specs, size_t n)
{
	char path[PATH_MAX], next[PATH_MAX];
	int dropped = 0;

	for (size_t i = 0; i < n; i++) {
		if (!specs[i].prog || path_join(path, sizeof(path), dir, specs[i].pin) ||
		    pin_staged(path, next, sizeof(next)))
			continue;
		if (!unlink(next))
			dropped++;
	}
	return dropped;
}

int pins_retire(const char *dir, const char *const *names, size_t n)
{
	char path[PATH_MAX];
	int err = 0;

	for (size_t i = 0; i < n; i++) {
		if (path_join(path, sizeof(path), dir, names[i]))
			continue;
		if (unlink(path) && errno != ENOENT) {
			err = -errno;
			pr_err("cannot remove the retired pin %s: %s", path, strerror(-err));
		}
	}
	return err;
}

void pins_close(const struct pin_spec *specs, size_t n, void *base)
{
	for (size_t i = 0; i < n; i++) {
		int *fd = fd_of(base, &specs[i]);

		if (*fd >= 0)
			close(*fd);
		*fd = -1;
	}
}

int pins_open(const char *dir, const struct pin_spec *specs, size_t n, void *base)
{
	char path[PATH_MAX];
	int err = 0;

	for (size_t i = 0; i < n; i++)
		*fd_of(base, &specs[i]) = -1;
	for (size_t i = 0; i < n && !err; i++) {
		int *fd = fd_of(base, &specs[i]);

		err = path_join(path, sizeof(path), dir, specs[i].pin);
		if (err)
			break;
		*fd = bpf_obj_get(path);
		if (*fd < 0 && errno == ENOENT && specs[i].added)
			continue;
		if (*fd < 0) {
			err = -errno;
			pr_err("cannot open pinned datapath object %s: %s; the pins are gone (a "
			       "reboot?) or damaged: run bpfbr restore",
			       path, strerror(-err));
		}
	}
	if (err)
		pins_close(specs, n, base);
	return err;
}

int pins_remove(const char *dir)
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
			err = pins_remove(path) ?: err;
		else if (unlink(path))
			err = -errno;
	}
	closedir(d);
	if (rmdir(dir) && errno != ENOENT)
		err = -errno;
	return err;
}
