/* SPDX-License-Identifier: GPL-2.0-only OR BSD-2-Clause */
/*
 * Hooking a program to a device's TC ingress: a TCX link where the kernel has
 * TCX (pinned, so it outlives this process), else a direct-action cls_bpf
 * filter under a clsact qdisc (kept by the kernel until removed).
 */
#ifndef BPFBR_HOOK_ATTACH_H
#define BPFBR_HOOK_ATTACH_H

#include <stdbool.h>
#include <stdint.h>

#include "model.h"

/* Our legacy filter's identity on a device: nobody else's filter is touched. */
#define BPFBR_TC_HANDLE 0xb9fb
#define BPFBR_TC_PRIO	0xb9f

/* HOOK_NETKIT_PEER: the transmit path of a netkit pair's peer (the
 * container's end), through a link on the primary's ifindex whatever the
 * mode: netkit has links only. The link reports the peer's own ifindex (in
 * the container's namespace); attach_query gives the primary's instead. */
enum attach_dir { HOOK_INGRESS, HOOK_EGRESS, HOOK_NETKIT_PEER };

/*
 * Attaches prog_fd to ifindex's TC ingress or egress; a TCX link is pinned
 * at link_pin. *mode: the wanted mode in, the mode used out.
 */
int attach_hook(int prog_fd, int ifindex, enum attach_dir dir, const char *link_pin,
		enum attach_mode *mode);
/* Undoes attach_hook; a device already gone is not an error. */
int detach_hook(int ifindex, enum attach_dir dir, const char *link_pin, enum attach_mode mode);

/* XDP (native, driver mode) on ifindex through a link pinned at link_pin. */
int attach_xdp(int prog_fd, int ifindex, const char *link_pin);
/* Unpins the XDP link, which detaches it; a missing pin is not an error. */
int detach_xdp(const char *link_pin);

/*
 * Swaps the program behind an existing hook for prog_fd, atomically: a TCX
 * or XDP link is updated in place, a legacy filter replaced under its handle.
 * No packet meets an empty hook.
 */
int replace_hook(int prog_fd, int ifindex, enum attach_dir dir, const char *link_pin,
		 enum attach_mode mode);
int replace_link(int prog_fd, const char *link_pin);

struct attach_info {
	uint32_t prog_id;
	uint32_t link_id; /* TCX only */
	/* The device the hook is on: a pinned link's (0 once its device is
	 * gone: the link is defunct), the queried one for a legacy filter. */
	uint32_t ifindex;
};
/* What is attached there by us: -ENOENT if nothing. */
int attach_query(int ifindex, enum attach_dir dir, const char *link_pin, enum attach_mode mode,
		 struct attach_info *info);
/* Our hook is on ifindex and runs a program (its link not defunct). */
bool hook_live(int ifindex, enum attach_dir dir, const char *link_pin, enum attach_mode mode);
/* The pinned XDP link is on ifindex. */
bool xdp_live(int ifindex, const char *link_pin);

#endif
