/* SPDX-License-Identifier: GPL-2.0-only OR BSD-2-Clause */
/*
 * The switch's decisions, shared by the TC and the XDP flavour of the port
 * program: is the frame admissible, and where does it go.
 */
#ifndef BPFBR_BPF_SWITCH_H
#define BPFBR_BPF_SWITCH_H

#include "eth.h"
#include "fdb.h"
#include "spoof.h"

/* switch_decide()'s decisions (drop reasons are negative). */
#define SW_FLOOD   1
#define SW_DELIVER 2

/* 0, or a negative drop reason, for a frame whose headers are parsed into f. */
static __always_inline int switch_admit(const struct bpfbr_netcfg *cfg, const struct bpfbr_port *in,
					const struct frame *f)
{
	if (mac_is_multicast(f->eth->h_source) || mac_is_zero(f->eth->h_source))
		return -BPFBR_DROP_BAD_SRC_MAC;
	if (in->kind == BPFBR_PORT_CONTAINER && (cfg->flags & BPFBR_NET_SPOOFCHK))
		return check_spoof(f, in);
	return 0;
}

/* Learns the source, then: SW_FLOOD, SW_DELIVER (*dst set) or a negative drop reason. */
static __always_inline int switch_decide(const struct bpfbr_netcfg *cfg,
					 const struct bpfbr_port *in, const struct frame *f,
					 struct bpfbr_fdb_entry **dst)
{
	__u64 now = bpf_ktime_get_ns();
	int err;

	err = fdb_learn(cfg, in, f->eth->h_source, now);
	if (err)
		return err;
	if (mac_is_multicast(f->eth->h_dest))
		return SW_FLOOD;
	*dst = fdb_lookup(f->eth->h_dest, cfg->ageing_ns, now);
	if (!*dst)
		return SW_FLOOD;
	if ((*dst)->ifindex == in->ifindex && !(cfg->flags & BPFBR_NET_HAIRPIN))
		return -BPFBR_DROP_LOOP;
	return SW_DELIVER;
}

#endif
