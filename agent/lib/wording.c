// SPDX-License-Identifier: GPL-2.0-only OR BSD-2-Clause
#include <stdio.h>

#include "wording.h"

static void plain_create_net(const char *net, char *buf, size_t size)
{
	snprintf(buf, size, "create network %s first", net);
}

static const struct wording plain = {
	.setting = {
		[SETTING_GATEWAY] = "the gateway",
		[SETTING_GATEWAY_ALLOW] = "the gateway services allowed",
		[SETTING_MASQUERADE] = "masquerade",
		[SETTING_UPLINK] = "the uplink",
		[SETTING_NAT_MAX] = "the NAT table size",
		[SETTING_NAT_PORTS] = "the NAT ports",
		[SETTING_NAT_SHARE] = "the NAT share",
		[SETTING_IFNAME] = "the interface name",
		[SETTING_NO_DEFAULT_ROUTE] = "no default route",
		[SETTING_FORCE] = "force",
		[SETTING_CREATE_NETNS] = "namespace creation",
		[SETTING_DEVICE] = "the device",
		[SETTING_DATAPATH] = "the datapath mode",
	},
	.create_net = plain_create_net,
	.run_there = "run bpfbr there",
};

static const struct wording *used = &plain;

void wording_use(const struct wording *w)
{
	used = w;
}

const char *setting_name(enum setting s)
{
	return used->setting[s] ?: plain.setting[s];
}

bool setting_settable(enum setting s)
{
	return used->setting[s];
}

const char *wording_run_there(void)
{
	return used->run_there;
}

const char *create_net_fix(const char *net, char *buf, size_t size)
{
	used->create_net(net, buf, size);
	return buf;
}
