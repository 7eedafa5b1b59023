// SPDX-License-Identifier: GPL-2.0-only OR BSD-2-Clause
#include <errno.h>
#include <stdlib.h>
#include <string.h>
#include <unistd.h>
#include <bpf/bpf.h>
#include <bpf/libbpf.h>

#include "log.h"
#include "lpm_set.h"
#include "paths.h"
#include "pin_layout.h"
#include "pins.h"
#include "uplinkdp.h"
#include "bpfbr/trace.h"
#include "uplink.skel.h"

#define SPEC(pin, name, prog, field)                                     \
	{                                                                \
		pin, name, prog, offsetof(struct uplinkdp, field), false \
	}
/* A map a later build added (pin_spec.added). */
#define SPEC_ADDED(pin, name, field)                                     \
	{                                                                \
		pin, name, false, offsetof(struct uplinkdp, field), true \
	}

/* A program a later build added: its pin appears with `bpfbr upgrade`. */
#define SPEC_ADDED_PROG(pin, name, field)                               \
	{                                                               \
		pin, name, true, offsetof(struct uplinkdp, field), true \
	}

static const struct pin_spec up_pins[] = {
	SPEC(UPDP_PIN_CONFIG, "nat_config", false, config),
	SPEC(UPDP_PIN_ENDPOINTS, "nat_endpoints", false, endpoints),
	SPEC(UPDP_PIN_FLOWS, "nat_flows", false, flows),
	SPEC("free", "nat_free", false, free),
	SPEC("nat_out", "nat_out", false, nat_out),
	SPEC("nat_in", "nat_in", false, nat_in),
	SPEC_ADDED("frag_flows", "nat_frags", frags),
	SPEC_ADDED("flow_seq", "nat_flow_seq", flow_seq),
	SPEC_ADDED("flow_stats", "nat_flow_stats", flow_stats),
	SPEC_ADDED(PIN_MONITOR_EVENTS, "mon_events", mon.events),
	SPEC_ADDED(PIN_MONITOR_CONSUMER, "mon_consumer", mon.consumer),
	SPEC_ADDED(PIN_MONITOR_CONFIG, "mon_config", mon.config),
	SPEC_ADDED(PIN_MONITOR_BUDGET, "mon_budget", mon.budget),
	SPEC_ADDED("nomasq", "nat_nomasq", nomasq),
	SPEC_ADDED("cluster_stack_flows", "nat_stack_flows", stack_flows),
	SPEC_ADDED("published", "nat_published", published),
	SPEC_ADDED(UPDP_PIN_CONFIG6, "nat_config6", config6),
	SPEC_ADDED(UPDP_PIN_ENDPOINTS6, "nat_endpoints6", endpoints6),
	SPEC_ADDED("flows6", "nat_flows6", flows6),
	SPEC_ADDED("nat_out6", "nat_out6", nat_out6),
	SPEC_ADDED("nat_in6", "nat_in6", nat_in6),
	SPEC_ADDED("frag_flows6", "nat_frags6", frags6),
	SPEC("counters", "nat_counters", false, counters),
	SPEC("gc", "nat_gc", false, gc),
	SPEC("devmap", "nat_devmap", false, devmap),
	SPEC("prog_uplink_out", "bpfbr_uplink_out", true, prog_out),
	SPEC("prog_uplink_in", "bpfbr_uplink_in", true, prog_in),
	SPEC("prog_nat_sweep", "bpfbr_nat_sweep", true, prog_sweep),
	SPEC("prog_uplink_xdp", "bpfbr_uplink_xdp", true, prog_xdp),
	SPEC_ADDED(PIN_TUNNEL_NODES_FROM_UPLINK, "bpfbr_tunnel_nodes", tunnel_nodes),
	SPEC_ADDED(PIN_NODE_STATS_FROM_UPLINK, "bpfbr_node_stats", node_stats),
	SPEC_ADDED(PIN_INBOUND_REPLIES_FROM_UPLINK, "nat_inbound_replies", inbound_replies),
	SPEC_ADDED_PROG("prog_tunnel_in", "bpfbr_tunnel_in", prog_tunnel_in),
	SPEC_ADDED_PROG("prog_tunnel_out", "bpfbr_tunnel_out", prog_tunnel_out),
};
#define N_PINS (sizeof(up_pins) / sizeof(up_pins[0]))

/* Pins of maps an older build had, replaced by a new layout under a new name. */
static const char *const up_retired[] = {
	"frags", /* value: the slot only; now "frag_flows" */
};

void uplinkdp_close(struct uplinkdp *u)
{
	pins_close(up_pins, N_PINS, u);
}

int uplinkdp_open(const char *dir, struct uplinkdp *u)
{
	return pins_open(dir, up_pins, N_PINS, u);
}

static int size_tables(struct uplink_bpf *skel, uint32_t nat_max)
{
	struct bpf_map *maps[] = { skel->maps.nat_flows,    skel->maps.nat_free,
				   skel->maps.nat_out,	    skel->maps.nat_in,
				   skel->maps.nat_flow_seq, skel->maps.nat_flow_stats,
				   skel->maps.nat_flows6,   skel->maps.nat_out6,
				   skel->maps.nat_in6 };

	for (size_t i = 0; i < sizeof(maps) / sizeof(maps[0]); i++) {
		int err = bpf_map__set_max_entries(maps[i], nat_max);

		if (err)
			return err;
	}
	return 0;
}

static int fill(const struct uplinkdp *u, const struct bpfbr_uplink_cfg *cfg)
{
	uint32_t zero = 0;

	for (uint32_t slot = 0; slot < cfg->nat_max; slot++)
		if (bpf_map_update_elem(u->free, NULL, &slot, BPF_ANY))
			return -errno;
	return bpf_map_update_elem(u->config, &zero, cfg, BPF_ANY) ? -errno : 0;
}

int uplinkdp_load(const char *dir, const struct bpfbr_uplink_cfg *cfg, struct uplinkdp *u)
{
	struct uplink_bpf *skel;
	int err;

	err = mkdir_p(dir, 0700);
	if (err) {
		pr_err("cannot create bpffs directory %s: %s", dir, strerror(-err));
		return err;
	}
	skel = uplink_bpf__open();
	if (!skel) {
		err = -errno;
		pr_err("cannot open the BPF masquerade object: %s", strerror(-err));
		rmdir(dir);
		return err;
	}
	err = size_tables(skel, cfg->nat_max);
	if (!err)
		err = pins_prepare(skel->obj, dir, up_pins, N_PINS);
	if (!err) {
		err = uplink_bpf__load(skel);
		if (err)
			pr_err("loading the BPF masquerade programs failed: %s (run with -v for "
			       "the "
			       "verifier log)",
			       strerror(-err));
	}
	if (!err)
		err = pins_programs(skel->obj, dir, up_pins, N_PINS);
	uplink_bpf__destroy(skel);
	if (!err)
		err = uplinkdp_open(dir, u);
	if (!err) {
		err = fill(u, cfg);
		if (err)
			pr_err("cannot fill the masquerade table under %s: %s", dir,
			       strerror(-err));
	}
	if (!err) {
		err = uplinkdp_arm(u);
		if (err)
			pr_err("cannot start the masquerade table's sweeper: %s", strerror(-err));
	}
	if (err) {
		uplinkdp_close(u);
		pins_remove(dir);
	}
	return err;
}

int uplinkdp_sweep(const struct uplinkdp *u, enum bpfbr_sweep_mode mode, uint32_t addr,
		   uint32_t *reclaimed)
{
	struct bpfbr_sweep_req req = { .mode = (uint16_t)mode, .addr = addr };
	LIBBPF_OPTS(bpf_test_run_opts, opts, .data_in = &req, .data_size_in = sizeof(req),
		    .repeat = 1);

	if (bpf_prog_test_run_opts(u->prog_sweep, &opts))
		return -errno;
	*reclaimed = opts.retval;
	return 0;
}

int uplinkdp_config_get(const struct uplinkdp *u, struct bpfbr_uplink_cfg *cfg)
{
	uint32_t zero = 0;

	return bpf_map_lookup_elem(u->config, &zero, cfg) ? -errno : 0;
}

int uplinkdp_endpoint_set(const struct uplinkdp *u, uint32_t addr, const struct bpfbr_endpoint *ep)
{
	if (bpf_map_update_elem(u->devmap, &ep->ifindex, &ep->ifindex, BPF_ANY))
		return -errno;
	return bpf_map_update_elem(u->endpoints, &addr, ep, BPF_ANY) ? -errno : 0;
}

int uplinkdp_endpoint_get(const struct uplinkdp *u, uint32_t addr, struct bpfbr_endpoint *ep)
{
	return bpf_map_lookup_elem(u->endpoints, &addr, ep) ? -errno : 0;
}

int uplinkdp_endpoint_next(const struct uplinkdp *u, const uint32_t *prev, uint32_t *next)
{
	return bpf_map_get_next_key(u->endpoints, prev, next) ? -errno : 0;
}

int uplinkdp_endpoint_del(const struct uplinkdp *u, uint32_t addr)
{
	struct bpfbr_endpoint ep;
	uint32_t reclaimed;
	int err;

	if (bpf_map_lookup_elem(u->endpoints, &addr, &ep))
		return errno == ENOENT ? 0 : -errno;
	/* No new flows from now on; then the existing ones go. Only the endpoint
	 * changes: its port may be gone already, and the devmap refuses the
	 * ifindex of a device that no longer exists. */
	ep.max_flows = 0;
	err = bpf_map_update_elem(u->endpoints, &addr, &ep, BPF_EXIST) ? -errno : 0;
	if (!err)
		err = uplinkdp_sweep(u, BPFBR_SWEEP_ENDPOINT, addr, &reclaimed);
	if (!err && bpf_map_delete_elem(u->endpoints, &addr) && errno != ENOENT)
		err = -errno;
	if (!err && bpf_map_delete_elem(u->devmap, &ep.ifindex) && errno != ENOENT)
		err = -errno;
	return err;
}

int uplinkdp_flow_stats(const struct uplinkdp *u, uint32_t slot, const struct bpfbr_flow *fl,
			struct bpfbr_flow_stats *st)
{
	if (u->flow_stats < 0)
		return -ENOENT;
	if (bpf_map_lookup_elem(u->flow_stats, &slot, st))
		return -errno;
	return st->flow_ns == fl->created_ns ? 0 : -ENOENT;
}

int uplinkdp_flows_each(const struct uplinkdp *u, uint32_t nat_max, uplinkdp_flow_cb cb, void *data)
{
	struct bpfbr_flow fl;

	for (uint32_t slot = 0; slot < nat_max; slot++) {
		int err;

		if (bpf_map_lookup_elem(u->flows, &slot, &fl))
			return -errno;
		if (!fl.in_use)
			continue;
		err = cb(slot, &fl, data);
		if (err)
			return err;
	}
	return 0;
}

/* The table size the pinned datapath under dir was made with. */
static int pinned_nat_max(const char *dir, uint32_t *nat_max)
{
	struct bpfbr_uplink_cfg cfg;
	char path[PATH_MAX];
	uint32_t zero = 0;
	int fd, err = path_join(path, sizeof(path), dir, UPDP_PIN_CONFIG);

	if (err)
		return err;
	fd = bpf_obj_get(path);
	if (fd < 0)
		return -errno;
	err = bpf_map_lookup_elem(fd, &zero, &cfg) ? -errno : 0;
	close(fd);
	if (!err)
		*nat_max = cfg.nat_max;
	return err;
}

int uplinkdp_stage(const char *dir)
{
	struct uplink_bpf *skel;
	uint32_t nat_max;
	int err;

	err = pinned_nat_max(dir, &nat_max);
	if (err)
		return err;
	skel = uplink_bpf__open();
	if (!skel)
		return -errno;
	/* Sized for the maps this build adds; those reused keep their own size. */
	err = size_tables(skel, nat_max);
	if (!err)
		err = pins_reuse_maps(skel->obj, dir, up_pins, N_PINS);
	if (!err) {
		err = uplink_bpf__load(skel);
		if (err)
			pr_err("loading the new BPF masquerade programs against the maps under %s "
			       "failed: %s (run with -v for details)",
			       dir, strerror(-err));
	}
	if (!err)
		err = pins_stage_programs(skel->obj, dir, up_pins, N_PINS);
	uplink_bpf__destroy(skel);
	return err;
}

/* The older layout's pins go once this build's programs are pinned. */
int uplinkdp_commit(const char *dir)
{
	return pins_commit_staged(dir, up_pins, N_PINS)
		       ?: pins_retire(dir, up_retired, sizeof(up_retired) / sizeof(up_retired[0]));
}

int uplinkdp_drop_staged(const char *dir)
{
	return pins_drop_staged(dir, up_pins, N_PINS);
}

#define SWEEPER_ARM_TRIES 20

int uplinkdp_arm(const struct uplinkdp *u)
{
	uint32_t armed;

	int err;

	/* The sweeper's timer moves to the pinned program's code (idempotent).
	 * Its allocation may fail for a moment (-ENOMEM: 6.18 allocates timers
	 * without locks, and gives up rather than wait): tried again, a few
	 * times, a millisecond apart. */
	for (int i = 0; i < SWEEPER_ARM_TRIES; i++) {
		err = uplinkdp_sweep(u, BPFBR_SWEEP_ARM, 0, &armed);
		if (err || (int)armed != -ENOMEM)
			break;
		usleep(1000);
	}
	if (err || !armed)
		return err;
	return (int)armed < 0 && (int)armed > -4096 ? (int)armed : -EIO;
}

int uplinkdp_nomasq_replace(const struct uplinkdp *u, const struct bpfbr_nomasq_key *keys,
			    uint32_t n)
{
	BPFBR_STATIC_ASSERT(sizeof(*keys) == sizeof(struct lpm4_key), "nomasq keys are lpm4 keys");
	if (u->nomasq < 0)
		return 0;
	return lpm4_set_replace(u->nomasq, (const struct lpm4_key *)keys, n, BPFBR_NOMASQ_MAX);
}
