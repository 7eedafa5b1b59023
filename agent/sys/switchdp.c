// SPDX-License-Identifier: GPL-2.0-only OR BSD-2-Clause
#include <errno.h>
#include <limits.h>
#include <string.h>
#include <unistd.h>
#include <bpf/bpf.h>
#include <bpf/libbpf.h>

#include "switchdp.h"
#include "switchdp_hairpin.h"
#include "switchdp_migrate.h"
#include "log.h"
#include "paths.h"
#include "pin_layout.h"
#include "pins.h"
#include "bpfbr/trace.h"
#include "port.skel.h"

#define SPEC(pin, name, prog, field)                                     \
	{                                                                \
		pin, name, prog, offsetof(struct switchdp, field), false \
	}
/* A map a later build added (pin_spec.added). */
#define SPEC_ADDED(pin, name, field)                                     \
	{                                                                \
		pin, name, false, offsetof(struct switchdp, field), true \
	}

static const struct pin_spec switchdp_pins[] = {
	SPEC(PIN_CONFIG, "bpfbr_config", false, config),
	SPEC(PIN_PORTS, "bpfbr_ports", false, ports),
	SPEC(PIN_FLOOD, "bpfbr_flood", false, flood),
	SPEC(PIN_FDB, "bpfbr_fdb", false, fdb),
	SPEC(PIN_COUNTERS, "bpfbr_counters", false, counters),
	SPEC(PIN_PORT_STATS, "bpfbr_port_stats", false, port_stats),
	SPEC(PIN_DEVMAP, "bpfbr_devmap", false, devmap),
	SPEC_ADDED(PIN_INBOUND, "bpfbr_inbound", inbound),
	SPEC_ADDED(PIN_NODE_FRAGS, "bpfbr_node_frags", node_frags),
	SPEC_ADDED(PIN_QUOTAS, "bpfbr_quotas", quotas),
	SPEC_ADDED(PIN_MONITOR_EVENTS, "mon_events", mon.events),
	SPEC_ADDED(PIN_MONITOR_CONSUMER, "mon_consumer", mon.consumer),
	SPEC_ADDED(PIN_MONITOR_CONFIG, "mon_config", mon.config),
	SPEC_ADDED(PIN_MONITOR_BUDGET, "mon_budget", mon.budget),
	SPEC_ADDED(PIN_CONFIG6, "bpfbr_config6", config6),
	SPEC_ADDED(PIN_PORTS6, "bpfbr_ports6", ports6),
	SPEC_ADDED(PIN_INBOUND6, "bpfbr_inbound6", inbound6),
	SPEC_ADDED(PIN_SERVICES, "bpfbr_services", services),
	SPEC(PIN_SUBNETS_FROM_NET, "bpfbr_subnets", false, subnets),
	SPEC_ADDED(PIN_TUNNEL_NODES_FROM_NET, "bpfbr_tunnel_nodes", tunnel_nodes),
	SPEC_ADDED(PIN_NODE_STATS_FROM_NET, "bpfbr_node_stats", node_stats),
	SPEC_ADDED(PIN_INBOUND_REPLIES_FROM_NET, "bpfbr_inbound_replies", inbound_replies),
	SPEC_ADDED(PIN_HAIRPIN_PORTS, "bpfbr_hairpin_ports", hairpin_ports),
	SPEC_ADDED(PIN_HAIRPIN_FLOWS, "bpfbr_hairpin_flows", hairpin_flows),
	SPEC(PIN_PROG_PORT, "bpfbr_port_in", true, prog_port),
	SPEC(PIN_PROG_XDP, "bpfbr_port_xdp", true, prog_port_xdp),
};
#define N_PINS (sizeof(switchdp_pins) / sizeof(switchdp_pins[0]))

/* Pins of maps an older build had, replaced by a new layout under a new name. */
#define PIN_OLD_INBOUND "inbound"
static const char *const switchdp_retired[] = { PIN_OLD_INBOUND };

void switchdp_close(struct switchdp *dp)
{
	pins_close(switchdp_pins, N_PINS, dp);
}

int switchdp_load(const char *dir, struct switchdp *dp)
{
	struct port_bpf *skel;
	int err;

	err = mkdir_p(dir, 0700);
	if (err) {
		pr_err("cannot create bpffs directory %s: %s", dir, strerror(-err));
		return err;
	}
	skel = port_bpf__open();
	if (!skel) {
		err = -errno;
		pr_err("cannot open the BPF switch object: %s", strerror(-err));
		rmdir(dir);
		return err;
	}
	err = pins_prepare(skel->obj, dir, switchdp_pins, N_PINS);
	if (!err) {
		err = port_bpf__load(skel); /* creates the maps and pins them */
		if (err)
			pr_err("loading the BPF switch program failed: %s (run with -v for the "
			       "verifier log)",
			       strerror(-err));
	}
	if (!err)
		err = pins_programs(skel->obj, dir, switchdp_pins, N_PINS);
	port_bpf__destroy(skel);
	if (!err)
		err = switchdp_open(dir, dp);
	if (err)
		pins_remove(dir);
	return err;
}

int switchdp_open(const char *dir, struct switchdp *dp)
{
	return pins_open(dir, switchdp_pins, N_PINS, dp);
}

int switchdp_open_ports(const char *dir, struct switchdp *dp)
{
	char path[PATH_MAX];
	int err;

	for (size_t i = 0; i < N_PINS; i++)
		*(int *)((char *)dp + switchdp_pins[i].fd_off) = -1;
	err = path_join(path, sizeof(path), dir, PIN_PORTS);
	if (err)
		return err;
	dp->ports = bpf_obj_get(path);
	if (dp->ports >= 0)
		return 0;
	err = -errno;
	dp->ports = -1;
	return err;
}

int switchdp_unpin(const char *dir)
{
	return pins_remove(dir);
}

/* An older build's pin under dir, opened (-1: none). */
static int old_pin(const char *dir, const char *name, int *fd)
{
	char path[PATH_MAX];
	int err = path_join(path, sizeof(path), dir, name);

	*fd = -1;
	if (err)
		return err;
	*fd = bpf_obj_get(path);
	return *fd < 0 && errno != ENOENT ? -errno : 0;
}

/*
 * The new programs are staged, the hooks still run the old ones: what the
 * maps of an older layout hold is carried over into this build's (made and
 * pinned by the load) before the switch. Done again if an upgrade is run
 * again: the copy and the recount change nothing the second time.
 */
static int migrate(const char *dir, int old_inbound, bool had_quotas)
{
	struct switchdp dp;
	int err = switchdp_open(dir, &dp);

	if (err)
		return err;
	if (old_inbound >= 0)
		err = switchdp_migrate_inbound(&dp, old_inbound);
	if (!err && !had_quotas)
		err = switchdp_quota_recount(&dp);
	switchdp_close(&dp);
	return err;
}

int switchdp_stage(const char *dir)
{
	struct port_bpf *skel;
	int old_inbound, quotas, err;

	err = old_pin(dir, PIN_QUOTAS, &quotas);
	if (!err)
		err = old_pin(dir, PIN_OLD_INBOUND, &old_inbound);
	if (err)
		return err;
	if (quotas >= 0)
		close(quotas);
	skel = port_bpf__open();
	if (!skel) {
		err = -errno;
		goto out;
	}
	err = pins_reuse_maps(skel->obj, dir, switchdp_pins, N_PINS);
	if (!err) {
		err = port_bpf__load(skel);
		if (err)
			pr_err("loading the new BPF switch programs against the maps under %s "
			       "failed: %s (run with -v for details)",
			       dir, strerror(-err));
	}
	if (!err)
		err = pins_stage_programs(skel->obj, dir, switchdp_pins, N_PINS);
	port_bpf__destroy(skel);
	if (!err)
		err = migrate(dir, old_inbound, quotas >= 0);
out:
	if (old_inbound >= 0)
		close(old_inbound);
	return err;
}

/* The older layout's pins go once this build's programs are pinned. */
int switchdp_commit(const char *dir)
{
	return pins_commit_staged(dir, switchdp_pins, N_PINS)
		       ?: pins_retire(dir, switchdp_retired,
				      sizeof(switchdp_retired) / sizeof(switchdp_retired[0]));
}

int switchdp_drop_staged(const char *dir)
{
	return pins_drop_staged(dir, switchdp_pins, N_PINS);
}
