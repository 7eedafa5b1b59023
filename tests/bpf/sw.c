// SPDX-License-Identifier: GPL-2.0-only OR BSD-2-Clause
#include <errno.h>
#include <stdarg.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <time.h>
#include <bpf/bpf.h>
#include <bpf/libbpf.h>
#include <linux/bpf.h>

/* The skeleton names struct redirect_trace, which sw.h brings in. */
#include "sw.h"
#include "port.skel.h"

/* libbpf's warnings go to stderr next to the failing assertion; its chatter does not. */
static int libbpf_print(enum libbpf_print_level level, const char *fmt, va_list ap)
{
	if (level != LIBBPF_WARN)
		return 0;
	return vfprintf(stderr, fmt, ap);
}

int sw_load(struct sw *sw)
{
	int err;

	memset(sw, 0, sizeof(*sw));
	libbpf_set_print(libbpf_print);
	sw->skel = port_bpf__open();
	if (!sw->skel)
		return -errno;
	sw->skel->rodata->trace_redirects = true;
	err = port_bpf__load(sw->skel);
	if (err) {
		port_bpf__destroy(sw->skel);
		sw->skel = NULL;
		return err;
	}
	/* A BPF object older than include/bpfbr/stats.h would make every counter read past
	 * its end fail; say so once, here. */
	if (bpf_map__max_entries(sw->skel->maps.bpfbr_counters) != BPFBR_COUNTER_MAX) {
		fprintf(stderr,
			"  sw: the counters map has %u entries, include/bpfbr/stats.h says %d: "
			"stale build/bpf/port.bpf.o; run: make -B build/bpf/port.bpf.o\n",
			bpf_map__max_entries(sw->skel->maps.bpfbr_counters), BPFBR_COUNTER_MAX);
		port_bpf__destroy(sw->skel);
		sw->skel = NULL;
		return -ESTALE;
	}
	sw->prog_fd = bpf_program__fd(sw->skel->progs.bpfbr_port_in);
	sw->xdp_fd = bpf_program__fd(sw->skel->progs.bpfbr_port_xdp);
	sw->devmap_fd = bpf_map__fd(sw->skel->maps.bpfbr_devmap);
	sw->node_frags_fd = bpf_map__fd(sw->skel->maps.bpfbr_node_frags);
	sw->inbound_fd = bpf_map__fd(sw->skel->maps.bpfbr_inbound);
	sw->ports_fd = bpf_map__fd(sw->skel->maps.bpfbr_ports);
	sw->config_fd = bpf_map__fd(sw->skel->maps.bpfbr_config);
	sw->flood_fd = bpf_map__fd(sw->skel->maps.bpfbr_flood);
	sw->fdb_fd = bpf_map__fd(sw->skel->maps.bpfbr_fdb);
	sw->counters_fd = bpf_map__fd(sw->skel->maps.bpfbr_counters);
	sw->port_stats_fd = bpf_map__fd(sw->skel->maps.bpfbr_port_stats);
	sw->subnets_fd = bpf_map__fd(sw->skel->maps.bpfbr_subnets);
	return 0;
}

void sw_unload(struct sw *sw)
{
	port_bpf__destroy(sw->skel);
	sw->skel = NULL;
}

static int update(int fd, const void *key, const void *value)
{
	return bpf_map_update_elem(fd, key, value, BPF_ANY) ? -errno : 0;
}

int sw_set_config(struct sw *sw, const struct bpfbr_netcfg *cfg)
{
	uint32_t zero = 0;

	return update(sw->config_fd, &zero, cfg);
}

int sw_add_port(struct sw *sw, const struct bpfbr_port *port)
{
	struct bpfbr_fdb_entry e = {
		.ifindex = port->ifindex,
		.slot = port->slot,
		.flags = BPFBR_FDB_STATIC,
		.port_kind = port->kind,
	};
	uint32_t slot = port->slot, ifindex = port->ifindex;
	int ncpus = libbpf_num_possible_cpus(), err;
	struct bpfbr_port_stats *zeros;

	if (ncpus < 0)
		return ncpus;
	zeros = calloc((size_t)ncpus, sizeof(*zeros));
	if (!zeros)
		return -ENOMEM;
	err = update(sw->port_stats_fd, &slot, zeros);
	free(zeros);
	if (!err)
		err = update(sw->ports_fd, &ifindex, port);
	if (!err)
		err = sw_fdb_put(sw, port->mac, &e);
	if (!err)
		err = update(sw->devmap_fd, &ifindex, &ifindex);
	if (!err)
		err = update(sw->flood_fd, &slot, &ifindex);
	return err;
}

static void fdb_key(struct bpfbr_fdb_key *k, const uint8_t *mac)
{
	memset(k, 0, sizeof(*k));
	memcpy(k->mac, mac, sizeof(k->mac));
}

int sw_fdb_get(struct sw *sw, const uint8_t *mac, struct bpfbr_fdb_entry *e)
{
	struct bpfbr_fdb_key k;

	fdb_key(&k, mac);
	return bpf_map_lookup_elem(sw->fdb_fd, &k, e) ? -errno : 0;
}

int sw_fdb_put(struct sw *sw, const uint8_t *mac, const struct bpfbr_fdb_entry *e)
{
	struct bpfbr_fdb_key k;

	fdb_key(&k, mac);
	return update(sw->fdb_fd, &k, e);
}

/* Sums nwords u64 words of a per-CPU value over every possible CPU. */
static int percpu_sum(int fd, uint32_t key, uint64_t *out, size_t nwords)
{
	int ncpus = libbpf_num_possible_cpus(), err = 0;
	uint64_t *vals;

	if (ncpus < 0)
		return ncpus;
	vals = calloc((size_t)ncpus * nwords, sizeof(*vals));
	if (!vals)
		return -ENOMEM;
	if (bpf_map_lookup_elem(fd, &key, vals)) {
		err = -errno;
		goto out;
	}
	memset(out, 0, nwords * sizeof(*out));
	for (int c = 0; c < ncpus; c++)
		for (size_t w = 0; w < nwords; w++)
			out[w] += vals[(size_t)c * nwords + w];
out:
	free(vals);
	return err;
}

int sw_counters(struct sw *sw, uint64_t out[BPFBR_COUNTER_MAX])
{
	for (uint32_t i = 0; i < BPFBR_COUNTER_MAX; i++) {
		int err = percpu_sum(sw->counters_fd, i, &out[i], 1);

		if (err)
			return err;
	}
	return 0;
}

int sw_port_stats(struct sw *sw, uint16_t slot, struct bpfbr_port_stats *out)
{
	return percpu_sum(sw->port_stats_fd, slot, (uint64_t *)out,
			  sizeof(*out) / sizeof(uint64_t));
}

int sw_run(struct sw *sw, uint32_t ifindex, const struct frame *f, struct sw_run *r)
{
	uint64_t before[BPFBR_COUNTER_MAX], after[BPFBR_COUNTER_MAX];
	struct __sk_buff ctx = { .ifindex = ifindex };
	LIBBPF_OPTS(bpf_test_run_opts, opts, .data_in = f->data, .data_size_in = (uint32_t)f->len,
		    .data_out = r->out, .data_size_out = sizeof(r->out), .repeat = 1);
	int err;

	if (ifindex) {
		opts.ctx_in = &ctx;
		opts.ctx_size_in = sizeof(ctx);
	}
	memset(r, 0, sizeof(*r));
	err = sw_counters(sw, before);
	if (err)
		return err;
	sw->skel->bss->trace.n = 0;
	if (bpf_prog_test_run_opts(sw->prog_fd, &opts))
		return -errno;
	r->verdict = (int)opts.retval;
	r->out_len = opts.data_size_out;
	r->trace = sw->skel->bss->trace;
	err = sw_counters(sw, after);
	if (err)
		return err;
	for (int i = 0; i < BPFBR_COUNTER_MAX; i++)
		r->delta[i] = after[i] - before[i];
	return 0;
}

int sw_run_xdp(struct sw *sw, uint32_t ifindex, const struct frame *f, struct sw_run *r)
{
	uint64_t before[BPFBR_COUNTER_MAX], after[BPFBR_COUNTER_MAX];
	struct xdp_md ctx = { .data_end = (uint32_t)f->len, .ingress_ifindex = ifindex };
	LIBBPF_OPTS(bpf_test_run_opts, opts, .data_in = f->data, .data_size_in = (uint32_t)f->len,
		    .data_out = r->out, .data_size_out = sizeof(r->out), .ctx_in = &ctx,
		    .ctx_size_in = sizeof(ctx), .repeat = 1);
	int err;

	memset(r, 0, sizeof(*r));
	err = sw_counters(sw, before);
	if (err)
		return err;
	if (bpf_prog_test_run_opts(sw->xdp_fd, &opts))
		return -errno;
	r->verdict = (int)opts.retval;
	r->out_len = opts.data_size_out;
	err = sw_counters(sw, after);
	if (err)
		return err;
	for (int i = 0; i < BPFBR_COUNTER_MAX; i++)
		r->delta[i] = after[i] - before[i];
	return 0;
}

uint64_t now_ns(void)
{
	struct timespec ts;

	clock_gettime(CLOCK_MONOTONIC, &ts);
	return (uint64_t)ts.tv_sec * 1000000000ull + (uint64_t)ts.tv_nsec;
}
