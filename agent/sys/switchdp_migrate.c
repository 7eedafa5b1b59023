// SPDX-License-Identifier: GPL-2.0-only OR BSD-2-Clause
#include <errno.h>
#include <stdlib.h>
#include <string.h>
#include <bpf/bpf.h>

#include "bpfbr/fdb.h"
#include "bpfbr/netcfg.h"
#include "bpfbr/port.h"
#include "bpfbr/quota.h"
#include "switchdp_maps.h"
#include "switchdp_migrate.h"
#include "log.h"

/* The slot of the port whose address is addr, or -ENOENT. */
static int slot_of(const struct switchdp *dp, uint32_t addr)
{
	uint32_t key, next, *prev = NULL;
	struct bpfbr_port port;

	while (!bpf_map_get_next_key(dp->ports, prev, &next)) {
		key = next;
		prev = &key;
		if (!bpf_map_lookup_elem(dp->ports, &key, &port) && port.ipv4 == addr)
			return port.slot;
	}
	return -ENOENT;
}

int switchdp_migrate_inbound(const struct switchdp *dp, int old_fd)
{
	struct bpfbr_conn_key key, next, *prev = NULL;
	struct bpfbr_inbound v = { .seen_ns = switchdp_now_ns() };
	uint32_t moved = 0;
	int slot;

	while (!bpf_map_get_next_key(old_fd, prev, &next)) {
		key = next;
		prev = &key;
		slot = slot_of(dp, key.saddr);
		if (slot < 0)
			continue; /* its container is gone */
		v.slot = (uint16_t)slot;
		if (bpf_map_update_elem(dp->inbound, &key, &v, BPF_NOEXIST) && errno != EEXIST) {
			pr_err("cannot carry an inbound flow over to the new table: %s",
			       strerror(errno));
			return -errno;
		}
		moved++;
	}
	pr_debug("carried %u inbound flows over to the new table", moved);
	return 0;
}

static int count_fdb(const struct bpfbr_fdb_key *key, const struct bpfbr_fdb_entry *e, void *data)
{
	struct bpfbr_quota *q = data;

	(void)key;
	if (!(e->flags & BPFBR_FDB_STATIC) && e->slot < BPFBR_MAX_PORTS) {
		q->used[e->slot]++;
		q->total++;
	}
	return 0;
}

int switchdp_quota_recount(const struct switchdp *dp)
{
	struct bpfbr_conn_key key, next, *prev = NULL;
	uint32_t table = BPFBR_QUOTA_FDB;
	struct bpfbr_inbound v;
	struct bpfbr_quota *q;
	int err;

	q = calloc(1, sizeof(*q));
	if (!q)
		return -ENOMEM;
	err = switchdp_fdb_each(dp, count_fdb, q);
	if (!err && bpf_map_update_elem(dp->quotas, &table, q, BPF_ANY))
		err = -errno;
	memset(q, 0, sizeof(*q));
	while (!err && !bpf_map_get_next_key(dp->inbound, prev, &next)) {
		key = next;
		prev = &key;
		if (!bpf_map_lookup_elem(dp->inbound, &key, &v) && v.slot < BPFBR_MAX_PORTS) {
			q->used[v.slot]++;
			q->total++;
		}
	}
	table = BPFBR_QUOTA_INBOUND;
	if (!err && bpf_map_update_elem(dp->quotas, &table, q, BPF_ANY))
		err = -errno;
	if (err)
		pr_err("cannot count the ports' shares of the tables: %s", strerror(-err));
	free(q);
	return err;
}
