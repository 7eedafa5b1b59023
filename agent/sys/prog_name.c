// SPDX-License-Identifier: GPL-2.0-only OR BSD-2-Clause
#include <errno.h>
#include <stdint.h>
#include <stdio.h>
#include <string.h>
#include <bpf/bpf.h>
#include <bpf/btf.h>

#include "prog_name.h"

/* The name of the program's first function in its BTF; 0 or -errno. */
static int btf_name(int fd, const struct bpf_prog_info *have, char *buf, size_t size)
{
	uint64_t rec[8] = { 0 }; /* one func_info record (8 bytes today) */
	struct bpf_prog_info info = { 0 };
	const struct btf_type *t;
	struct bpf_func_info fi;
	uint32_t len = sizeof(info);
	struct btf *btf;

	if (!have->btf_id || !have->nr_func_info || have->func_info_rec_size > sizeof(rec))
		return -ENOENT;
	info.nr_func_info = 1;
	info.func_info_rec_size = have->func_info_rec_size;
	info.func_info = (uint64_t)(uintptr_t)rec;
	if (bpf_obj_get_info_by_fd(fd, &info, &len))
		return -errno;
	btf = btf__load_from_kernel_by_id(info.btf_id);
	if (!btf)
		return -errno;
	memcpy(&fi, rec, sizeof(fi));
	t = btf__type_by_id(btf, fi.type_id);
	if (t)
		snprintf(buf, size, "%s", btf__name_by_offset(btf, t->name_off));
	btf__free(btf);
	return t ? 0 : -ENOENT;
}

int prog_info_named(int fd, struct bpf_prog_info *info, char *buf, size_t size)
{
	uint32_t len = sizeof(*info);

	memset(info, 0, sizeof(*info));
	if (bpf_obj_get_info_by_fd(fd, info, &len))
		return -errno;
	if (btf_name(fd, info, buf, size))
		snprintf(buf, size, "%s", info->name);
	return 0;
}
