/* SPDX-License-Identifier: GPL-2.0-only OR BSD-2-Clause */
/*
 * The words for what a user sets, chosen by the entry point they came
 * through: the CLI names its flags (--uplink), CNI its config keys
 * ("uplink"). The core words a refused setting, or the fix it suggests,
 * with setting_name() and never with either's names; until an entry
 * installs its names, plain words stand in.
 */
#ifndef BPFBR_WORDING_H
#define BPFBR_WORDING_H

#include <stdbool.h>
#include <stddef.h>

enum setting {
	SETTING_GATEWAY,
	SETTING_GATEWAY_ALLOW,
	SETTING_MASQUERADE,
	SETTING_UPLINK,
	SETTING_NAT_MAX,
	SETTING_NAT_PORTS,
	SETTING_NAT_SHARE,
	SETTING_IFNAME,
	SETTING_NO_DEFAULT_ROUTE,
	SETTING_FORCE,
	SETTING_CREATE_NETNS,
	SETTING_DEVICE,
	SETTING_DATAPATH,
	SETTING_COUNT,
};

struct wording {
	/* Each setting as its user writes it; NULL: the entry has no such
	 * setting (the core then suggests another fix). */
	const char *setting[SETTING_COUNT];
	/* How the user creates network net, the fix after "net does not exist; ". */
	void (*create_net)(const char *net, char *buf, size_t size);
	/* How the user runs bpfbr in a network's own node namespace. */
	const char *run_there;
};

/* Installs w (kept, not copied) for the rest of the process. */
void wording_use(const struct wording *w);
/* The name of s to the user (plain words when the entry has no such setting). */
const char *setting_name(enum setting s);
/* The entry the user came through lets them set s. */
bool setting_settable(enum setting s);
/* How to create net, in buf. */
const char *create_net_fix(const char *net, char *buf, size_t size);
/* How to run bpfbr in the namespace a network belongs to. */
const char *wording_run_there(void);

#endif
