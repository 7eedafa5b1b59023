/* SPDX-License-Identifier: GPL-2.0-only OR BSD-2-Clause */
/* Forwarding database: learning, lookup and ageing. */
#ifndef BPFBR_BPF_FDB_H
#define BPFBR_BPF_FDB_H

#include "counters.h"
#include "eth.h"
#include "quota.h"

/* A learned entry's timestamp is rewritten at most this often (less cache-line traffic). */
#define FDB_REFRESH_NS NSEC_PER_SEC

static __always_inline void fdb_key(struct bpfbr_fdb_key *k, const __u8 *mac)
{
	__builtin_memcpy(k->mac, mac, BPFBR_ETH_ALEN);
	k->pad = 0;
}

struct fdb_pass {
	struct quota_pass qp;
	__u64 ageing_ns;
};

static long fdb_reclaim_entry(struct bpf_map *map, struct bpfbr_fdb_key *k,
			      struct bpfbr_fdb_entry *e, struct fdb_pass *fp)
{
	if (e->flags & BPFBR_FDB_STATIC)
		return 0;
	if (older_than(fp->qp.now, e->seen_ns, fp->ageing_ns)) {
		bpf_map_delete_elem(map, k);
		count(BPFBR_EV_AGED);
		return 0;
	}
	quota_pass_count(&fp->qp, e->slot);
	return 0;
}

/*
 * A port's share of learned MACs, or the table's, is used up: the learned
 * entries past the ageing time go (lookups age only what they look up), and
 * the counts are made right (quota.h). At most once a second.
 */
static __always_inline void fdb_reclaim(const struct bpfbr_netcfg *cfg)
{
	struct fdb_pass fp = { .ageing_ns = cfg->ageing_ns };

	if (!quota_pass_begin(&fp.qp, BPFBR_QUOTA_FDB))
		return;
	bpf_for_each_map_elem(&bpfbr_fdb, fdb_reclaim_entry, &fp, 0);
	quota_pass_end(&fp.qp);
}

/* Room for one more MAC learned behind port slot: 0, or the event that says why not. */
static __always_inline __u32 fdb_take(const struct bpfbr_netcfg *cfg, __u32 slot)
{
	struct bpfbr_quota *q = quota_get(BPFBR_QUOTA_FDB);

	if (!q)
		return BPFBR_EV_FDB_FULL;
	if (quota_take(q, slot, BPFBR_FDB_LEARN_PER_PORT, BPFBR_FDB_LEARN_MAX))
		return 0;
	fdb_reclaim(cfg);
	if (quota_take(q, slot, BPFBR_FDB_LEARN_PER_PORT, BPFBR_FDB_LEARN_MAX))
		return 0;
	return q->used[slot & QUOTA_SLOT_MASK] >= BPFBR_FDB_LEARN_PER_PORT ? BPFBR_EV_FDB_PORT_FULL
									   : BPFBR_EV_FDB_FULL;
}

static __always_inline void fdb_give(__u32 slot)
{
	struct bpfbr_quota *q = quota_get(BPFBR_QUOTA_FDB);

	if (q)
		quota_give(q, slot);
}

/*
 * Learns that mac lives behind port in. Returns 0, or -BPFBR_DROP_MAC_OWNED
 * when mac is the static address of another port: learning never moves it.
 * A port learns at most its share (BPFBR_FDB_LEARN_PER_PORT), the network
 * at most BPFBR_FDB_LEARN_MAX, so that every port's static entry fits: past
 * that the frame is switched all the same, the MAC not learned (counted).
 */
static __always_inline int fdb_learn(const struct bpfbr_netcfg *cfg, const struct bpfbr_port *in,
				     const __u8 *mac, __u64 now)
{
	struct bpfbr_fdb_entry *e, fresh = {};
	struct bpfbr_fdb_key k;
	__u32 why, moved_from = NO_SLOT;

	fdb_key(&k, mac);
	e = bpf_map_lookup_elem(&bpfbr_fdb, &k);
	if (e) {
		if (e->ifindex == in->ifindex) {
			if (!(e->flags & BPFBR_FDB_STATIC) &&
			    older_than(now, e->seen_ns, FDB_REFRESH_NS))
				e->seen_ns = now;
			return 0;
		}
		if (e->flags & BPFBR_FDB_STATIC)
			return -BPFBR_DROP_MAC_OWNED;
		moved_from = e->slot;
	}
	why = fdb_take(cfg, in->slot);
	if (why) {
		count(why);
		return 0;
	}
	fresh.ifindex = in->ifindex;
	fresh.slot = in->slot;
	fresh.port_kind = in->kind;
	fresh.seen_ns = now;
	if (bpf_map_update_elem(&bpfbr_fdb, &k, &fresh, BPF_ANY)) {
		/* The map itself is full (entries an older build learned are not
		 * counted): the next frame finds room if the pass made some. */
		fdb_give(in->slot);
		fdb_reclaim(cfg);
		count(BPFBR_EV_FDB_FULL);
		return 0;
	}
	if (moved_from != NO_SLOT)
		fdb_give(moved_from);
	count(BPFBR_EV_LEARNED);
	return 0;
}

/* The port behind mac, or NULL (unknown or aged out: flood). */
static __always_inline struct bpfbr_fdb_entry *fdb_lookup(const __u8 *mac, __u64 ageing_ns,
							  __u64 now)
{
	struct bpfbr_fdb_entry *e;
	struct bpfbr_fdb_key k;

	fdb_key(&k, mac);
	e = bpf_map_lookup_elem(&bpfbr_fdb, &k);
	if (!e || (e->flags & BPFBR_FDB_STATIC) || !older_than(now, e->seen_ns, ageing_ns))
		return e;
	if (!bpf_map_delete_elem(&bpfbr_fdb, &k))
		fdb_give(e->slot);
	count(BPFBR_EV_AGED);
	return NULL;
}

#endif
