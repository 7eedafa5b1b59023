// SPDX-License-Identifier: GPL-2.0-only OR BSD-2-Clause
#include <errno.h>
#include <string.h>

#include "log.h"
#include "network.h"
#include "switchdp.h"
#include "switchdp_maps.h"
#include "uplink.h"
#include "uplink_route.h"

int uplink_point(struct netctx *c, struct netstate *state, const char *pin_dir, uint32_t ifindex)
{
	struct bpfbr_netcfg cfg;
	struct switchdp dp;
	int err;

	state->uplink_fwd_before = uplink_forwarding_before(c, state);
	err = net_forwarding(state);
	if (!err)
		err = switchdp_open(pin_dir, &dp);
	if (err)
		goto undo;
	err = switchdp_config_get(&dp, &cfg);
	if (!err) {
		cfg.uplink_ifindex = ifindex;
		err = switchdp_config_set(&dp, &cfg);
	}
	switchdp_close(&dp);
	if (!err)
		return 0;
	pr_err("cannot point network %s at uplink %s: %s", state->name, state->uplink,
	       strerror(-err));
undo:
	uplink_leave(c, state);
	return err;
}

int uplink_route_join(struct netctx *c, struct netstate *state, const char *pin_dir)
{
	struct nl_link l;
	int err = uplink_check_device(c, state->uplink, &l);

	return err ?: uplink_point(c, state, pin_dir, (uint32_t)l.ifindex);
}
