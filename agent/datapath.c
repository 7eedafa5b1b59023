// SPDX-License-Identifier: GPL-2.0-only OR BSD-2-Clause
#include <errno.h>
#include <string.h>
#include <unistd.h>
#include <bpf/libbpf.h>

#include "datapath.h"
#include "log.h"
#include "paths.h"
#include "pins.h"
#include "bpfbr/trace.h"
#include "port.skel.h"

#define SPEC(pin, name, prog, field)                               \
	{                                                          \
		pin, name, prog, offsetof(struct dp, field), false \
	}
/* A map a later build added (pin_spec.added). */
#define SPEC_ADDED(pin, name, field)                               \
	{                                                          \
		pin, name, false, offsetof(struct dp, field), true \
	}

static const struct pin_spec dp_pins[] = {
	SPEC(PIN_CONFIG, "bpfbr_config", false, config),
	SPEC(PIN_PORTS, "bpfbr_ports", false, ports),
	SPEC(PIN_FLOOD, "bpfbr_flood", false, flood),
	SPEC(PIN_FDB, "bpfbr_fdb", false, fdb),
	SPEC(PIN_COUNTERS, "bpfbr_counters", false, counters),
	SPEC(PIN_PORT_STATS, "bpfbr_port_stats", false, port_stats),
	SPEC(PIN_DEVMAP, "bpfbr_devmap", false, devmap),
	SPEC(PIN_INBOUND, "bpfbr_inbound", false, inbound),
	SPEC_ADDED(PIN_NODE_FRAGS, "bpfbr_node_frags", node_frags),
	SPEC(PIN_SUBNETS, "bpfbr_subnets", false, subnets),
	SPEC(PIN_PROG_PORT, "bpfbr_port_in", true, prog_port),
	SPEC(PIN_PROG_XDP, "bpfbr_port_xdp", true, prog_port_xdp),
};
#define N_PINS (sizeof(dp_pins) / sizeof(dp_pins[0]))

void dp_close(struct dp *dp)
{
	pins_close(dp_pins, N_PINS, dp);
}

int dp_load(const char *dir, struct dp *dp)
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
	err = pins_prepare(skel->obj, dir, dp_pins, N_PINS);
	if (!err) {
		err = port_bpf__load(skel); /* creates the maps and pins them */
		if (err)
			pr_err("loading the BPF switch program failed: %s (run with -v for the "
			       "verifier log)",
			       strerror(-err));
	}
	if (!err)
		err = pins_programs(skel->obj, dir, dp_pins, N_PINS);
	port_bpf__destroy(skel);
	if (!err)
		err = dp_open(dir, dp);
	if (err)
		pins_remove(dir);
	return err;
}

int dp_open(const char *dir, struct dp *dp)
{
	return pins_open(dir, dp_pins, N_PINS, dp);
}

int dp_unpin(const char *dir)
{
	return pins_remove(dir);
}

int dp_reload(const char *dir, struct dp *dp)
{
	struct port_bpf *skel;
	int err;

	skel = port_bpf__open();
	if (!skel)
		return -errno;
	err = pins_reuse_maps(skel->obj, dir, dp_pins, N_PINS);
	if (!err) {
		err = port_bpf__load(skel);
		if (err)
			pr_err("loading the new BPF switch programs against the maps under %s "
			       "failed: "
			       "%s (run with -v for details)",
			       dir, strerror(-err));
	}
	if (!err)
		err = pins_replace_programs(skel->obj, dir, dp_pins, N_PINS);
	port_bpf__destroy(skel);
	if (!err) {
		dp_close(dp);
		err = dp_open(dir, dp);
	}
	return err;
}
