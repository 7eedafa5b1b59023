/* SPDX-License-Identifier: GPL-2.0-only OR BSD-2-Clause */
/* Forwarding database: learning, lookup and ageing. */
#ifndef BPFBR_BPF_FDB_H
#define BPFBR_BPF_FDB_H

#include "counters.h"
#include "eth.h"

/* A learned entry's timestamp is rewritten at most this often (less cache-line traffic). */
#define FDB_REFRESH_NS NSEC_PER_SEC

static __always_inline void fdb_key(struct bpfbr_fdb_key *k, const __u8 *mac)
{
	__builtin_memcpy(k->mac, mac, BPFBR_ETH_ALEN);
	k->pad = 0;
}

/*
 * Learns that mac lives behind port in. Returns 0, or BPFBR_DROP_MAC_OWNED
 * when mac is the static address of another port: learning never moves it.
 */
static __always_inline int fdb_learn(const struct bpfbr_port *in, const __u8 *mac, __u64 now)
{
	struct bpfbr_fdb_entry *e, fresh = {};
	struct bpfbr_fdb_key k;

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
			return BPFBR_DROP_MAC_OWNED;
	}
	fresh.ifindex = in->ifindex;
	fresh.slot = in->slot;
	fresh.port_kind = in->kind;
	fresh.seen_ns = now;
	if (bpf_map_update_elem(&bpfbr_fdb, &k, &fresh, BPF_ANY))
		count(BPFBR_EV_FDB_FULL);
	else
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
	bpf_map_delete_elem(&bpfbr_fdb, &k);
	count(BPFBR_EV_AGED);
	return NULL;
}

#endif
