// SPDX-License-Identifier: GPL-2.0-only OR BSD-2-Clause
#include <errno.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <unistd.h>
#include <bpf/bpf.h>

#include "bpfbr/netcfg.h"
#include "log.h"
#include "parse.h"
#include "pin_layout.h"
#include "state.h"
#include "subnets.h"

static int subnets_open(const struct paths *p, char *path, size_t size)
{
	int fd, err = pin_subnets(p, path, size);

	if (err)
		return err;
	fd = bpf_obj_get(path);
	return fd < 0 ? -errno : fd;
}

static struct bpfbr_subnet_key key_of(const struct netstate *state)
{
	return (struct bpfbr_subnet_key){ .prefixlen = state->subnet.prefix,
					  .addr = state->subnet.addr };
}

static bool map_empty(int fd)
{
	struct bpfbr_subnet_key next;

	return bpf_map_get_next_key(fd, NULL, &next) && errno == ENOENT;
}

int subnets_add(const struct paths *p, const struct netstate *state)
{
	struct bpfbr_subnet_key k = key_of(state);
	char path[PATH_MAX];
	int fd, err = 0;

	if (!netstate_has_ipv4(state))
		return 0; /* the map holds IPv4 subnets (IPv6's other networks: guard6.h) */
	fd = subnets_open(p, path, sizeof(path));
	if (fd >= 0 && bpf_map_update_elem(fd, &k, &state->index, BPF_ANY))
		err = -errno;
	if (fd < 0)
		err = fd;
	if (err)
		pr_err("cannot add subnet of network %s to %s: %s", state->name, path,
		       strerror(-err));
	if (fd >= 0)
		close(fd);
	return err;
}

int subnets_remove(const struct paths *p, const struct netstate *state)
{
	struct bpfbr_subnet_key k = key_of(state);
	char path[PATH_MAX];
	int fd, err = 0;

	fd = subnets_open(p, path, sizeof(path));
	if (fd == -ENOENT)
		return 0;
	if (fd < 0)
		return fd;
	if (bpf_map_delete_elem(fd, &k) && errno != ENOENT)
		err = -errno;
	if (!err && map_empty(fd) && unlink(path) && errno != ENOENT)
		err = -errno;
	close(fd);
	if (err)
		pr_warn("cannot remove subnet of network %s from %s: %s", state->name, path,
			strerror(-err));
	return err;
}

/* The index of the network in nets[0..n) whose subnet k is, or -1. */
static int owner_of(const struct bpfbr_subnet_key *k, const struct netstate *nets, int n)
{
	for (int i = 0; i < n; i++)
		if (nets[i].subnet.prefix == k->prefixlen && nets[i].subnet.addr == k->addr)
			return i;
	return -1;
}

static int sync_map(int fd, const struct netstate *nets, int n, json_t *removed)
{
	struct bpfbr_subnet_key k, next;
	char what[IP_STR_LEN + 4];
	bool first = true;
	int err = 0;

	/* Deleting the current key restarts the walk from the beginning. */
	for (int guard = 0; guard < 65536; guard++) {
		if (bpf_map_get_next_key(fd, first ? NULL : &k, &next))
			break;
		first = false;
		k = next;
		if (owner_of(&k, nets, n) >= 0)
			continue;
		if (bpf_map_delete_elem(fd, &k))
			return -errno;
		snprintf(what, sizeof(what), "%s/%u", ip_str(k.addr, (char[IP_STR_LEN]){ 0 }),
			 k.prefixlen);
		json_array_append_new(removed, json_pack("{s:s, s:s, s:s}", "kind", "subnet",
							 "network", "", "what", what));
		pr_info("reconcile: removed subnet %s of no network", what);
		first = true;
	}
	for (int i = 0; i < n && !err; i++) {
		k = key_of(&nets[i]);
		if (bpf_map_update_elem(fd, &k, &nets[i].index, BPF_ANY))
			err = -errno;
	}
	return err;
}

int subnets_sync(const struct paths *p, char **names, int n, json_t *removed)
{
	struct netstate *nets = calloc(n ? n : 1, sizeof(*nets));
	char path[PATH_MAX];
	int fd, loaded = 0, err = 0;

	if (!nets)
		return -ENOMEM;
	for (; loaded < n && !err; loaded++)
		err = state_load(p, names[loaded], &nets[loaded]);
	if (err)
		loaded--;
	fd = err ? err : subnets_open(p, path, sizeof(path));
	if (fd >= 0) {
		err = sync_map(fd, nets, n, removed);
		if (!err && !n && unlink(path) && errno != ENOENT)
			err = -errno;
		close(fd);
	} else if (fd != -ENOENT) {
		err = fd;
	}
	for (int i = 0; i < loaded; i++)
		netstate_free(&nets[i]);
	free(nets);
	return err;
}
