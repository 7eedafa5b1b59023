/* SPDX-License-Identifier: GPL-2.0-only OR BSD-2-Clause */
/*
 * Every hook of a datapath, with the pinned program that belongs on it: a
 * network's ports (TC ingress, and XDP in XDP mode) and an uplink's (TC
 * egress and ingress, XDP where attached). A hook runs its pinned program
 * except while an upgrade switches them; one that differs afterwards was
 * left so by an interrupted upgrade, and switching it to the pin repairs it.
 */
#ifndef BPFBR_HOOKS_H
#define BPFBR_HOOKS_H

#include <limits.h>
#include <stdint.h>

#include "hook_attach.h"
#include "netctx.h"

struct hook {
	const char *device;
	int ifindex;
	const char *name; /* HOOK_NAME_* */
	enum attach_dir dir;
	enum attach_mode mode; /* ATTACH_TCX for every pinned link, XDP's too */
	char pin[PATH_MAX];    /* the link's pin */
	int prog;	       /* the pinned program that belongs on the hook */
};

typedef int (*hook_fn)(const struct hook *h, void *data);

struct switchdp;
struct uplinkdp;
/* Calls fn for each hook of the network's ports, gateway port first; stops at an error. */
int hooks_of_net(struct netctx *c, const struct netstate *state, const struct switchdp *dp,
		 hook_fn fn, void *data);
/* The same for the uplink ifname's hooks. */
int hooks_of_uplink(struct netctx *c, const char *ifname, const struct uplinkdp *u, hook_fn fn,
		    void *data);

/* The ids of the program running on h (-ENOENT: nothing of ours is attached)
 * and of its pinned program. */
int hook_programs(const struct hook *h, uint32_t *running, uint32_t *pinned);
/* Puts the pinned program on h, atomically (no packet meets an empty hook). */
int hook_switch(const struct hook *h);

#endif
