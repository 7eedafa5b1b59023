// SPDX-License-Identifier: GPL-2.0-only OR BSD-2-Clause
#include <arpa/inet.h>
#include <errno.h>
#include <stdarg.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <time.h>
#include <bpf/bpf.h>
#include <bpf/libbpf.h>

#include "nat_dp.h"
#include "uplink.skel.h"

static int libbpf_print(enum libbpf_print_level level, const char *fmt, va_list ap)
{
	if (level != LIBBPF_WARN)
		return 0;
	return vfprintf(stderr, fmt, ap);
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

static int update(int fd, const void *key, const void *value)
{
	return bpf_map_update_elem(fd, key, value, BPF_ANY) ? -errno : 0;
}

int nat_dp_load(struct nat_dp *dp, const struct bpfbr_uplink_cfg *cfg)
{
	uint32_t zero = 0;
	int err;

	memset(dp, 0, sizeof(*dp));
	libbpf_set_print(libbpf_print);
	dp->skel = uplink_bpf__open();
	if (!dp->skel)
		return -errno;
	err = size_tables(dp->skel, cfg->nat_max);
	if (!err)
		err = uplink_bpf__load(dp->skel);
	if (err)
		goto destroy;
	/* An object older than include/bpfbr/stats.h: say so once, here. */
	if (bpf_map__max_entries(dp->skel->maps.nat_counters) != BPFBR_COUNTER_MAX) {
		fprintf(stderr,
			"  nat_dp: the nat_counters map has %u entries, include/bpfbr/stats.h "
			"says %d: stale build/bpf/uplink.bpf.o; run: make -B "
			"build/bpf/uplink.bpf.o\n",
			bpf_map__max_entries(dp->skel->maps.nat_counters), BPFBR_COUNTER_MAX);
		err = -ESTALE;
		goto destroy;
	}
	dp->nat_max = cfg->nat_max;
	dp->out_fd = bpf_program__fd(dp->skel->progs.bpfbr_uplink_out);
	dp->in_fd = bpf_program__fd(dp->skel->progs.bpfbr_uplink_in);
	dp->sweep_fd = bpf_program__fd(dp->skel->progs.bpfbr_nat_sweep);
	dp->xdp_fd = bpf_program__fd(dp->skel->progs.bpfbr_uplink_xdp);
	dp->config_fd = bpf_map__fd(dp->skel->maps.nat_config);
	dp->endpoints_fd = bpf_map__fd(dp->skel->maps.nat_endpoints);
	dp->flows_fd = bpf_map__fd(dp->skel->maps.nat_flows);
	dp->free_fd = bpf_map__fd(dp->skel->maps.nat_free);
	dp->nat_out_fd = bpf_map__fd(dp->skel->maps.nat_out);
	dp->nat_in_fd = bpf_map__fd(dp->skel->maps.nat_in);
	dp->counters_fd = bpf_map__fd(dp->skel->maps.nat_counters);
	dp->frags_fd = bpf_map__fd(dp->skel->maps.nat_frags);
	dp->published_fd = bpf_map__fd(dp->skel->maps.nat_published);
	for (uint32_t slot = 0; slot < cfg->nat_max; slot++) {
		if (bpf_map_update_elem(dp->free_fd, NULL, &slot, BPF_ANY)) {
			err = -errno;
			goto destroy;
		}
	}
	err = update(dp->config_fd, &zero, cfg);
	if (err)
		goto destroy;
	return 0;
destroy:
	uplink_bpf__destroy(dp->skel);
	dp->skel = NULL;
	return err;
}

void nat_dp_unload(struct nat_dp *dp)
{
	uplink_bpf__destroy(dp->skel);
	dp->skel = NULL;
}

int nat_dp_endpoint_set(struct nat_dp *dp, uint32_t addr, const struct bpfbr_endpoint *ep)
{
	return update(dp->endpoints_fd, &addr, ep);
}

int nat_dp_endpoint_get(struct nat_dp *dp, uint32_t addr, struct bpfbr_endpoint *ep)
{
	return bpf_map_lookup_elem(dp->endpoints_fd, &addr, ep) ? -errno : 0;
}

int nat_dp_config_get(struct nat_dp *dp, struct bpfbr_uplink_cfg *cfg)
{
	uint32_t zero = 0;

	return bpf_map_lookup_elem(dp->config_fd, &zero, cfg) ? -errno : 0;
}

int nat_dp_counters(struct nat_dp *dp, uint64_t out[BPFBR_COUNTER_MAX])
{
	int ncpus = libbpf_num_possible_cpus();
	uint64_t *vals;
	int err = 0;

	if (ncpus < 0)
		return ncpus;
	vals = calloc((size_t)ncpus, sizeof(*vals));
	if (!vals)
		return -ENOMEM;
	for (uint32_t i = 0; i < BPFBR_COUNTER_MAX; i++) {
		if (bpf_map_lookup_elem(dp->counters_fd, &i, vals)) {
			err = -errno;
			break;
		}
		out[i] = 0;
		for (int c = 0; c < ncpus; c++)
			out[i] += vals[c];
	}
	free(vals);
	return err;
}

static int run(struct nat_dp *dp, int prog_fd, struct bpf_test_run_opts *opts,
	       uint64_t delta[BPFBR_COUNTER_MAX], int *retval)
{
	uint64_t before[BPFBR_COUNTER_MAX], after[BPFBR_COUNTER_MAX];
	int err = nat_dp_counters(dp, before);

	if (err)
		return err;
	if (bpf_prog_test_run_opts(prog_fd, opts))
		return -errno;
	*retval = (int)opts->retval;
	err = nat_dp_counters(dp, after);
	if (err)
		return err;
	for (int i = 0; i < BPFBR_COUNTER_MAX; i++)
		delta[i] = after[i] - before[i];
	return 0;
}

int nat_dp_run(struct nat_dp *dp, int prog_fd, uint32_t ifindex, const struct frame *f,
	       struct nat_run *r)
{
	struct __sk_buff ctx = { .ifindex = ifindex };
	LIBBPF_OPTS(bpf_test_run_opts, opts, .data_in = f->data, .data_size_in = (uint32_t)f->len,
		    .data_out = r->out.data, .data_size_out = sizeof(r->out.data), .repeat = 1);
	int err;

	memset(r, 0, sizeof(*r));
	if (ifindex) {
		opts.ctx_in = &ctx;
		opts.ctx_size_in = sizeof(ctx);
	}
	err = run(dp, prog_fd, &opts, r->delta, &r->verdict);
	r->out.len = opts.data_size_out;
	return err;
}

int nat_dp_run_xdp(struct nat_dp *dp, uint32_t ifindex, const struct frame *f, struct nat_run *r)
{
	struct xdp_md ctx = { .data_end = (uint32_t)f->len, .ingress_ifindex = ifindex };
	LIBBPF_OPTS(bpf_test_run_opts, opts, .data_in = f->data, .data_size_in = (uint32_t)f->len,
		    .data_out = r->out.data, .data_size_out = sizeof(r->out.data), .ctx_in = &ctx,
		    .ctx_size_in = sizeof(ctx), .repeat = 1);
	int err;

	memset(r, 0, sizeof(*r));
	err = run(dp, dp->xdp_fd, &opts, r->delta, &r->verdict);
	r->out.len = opts.data_size_out;
	return err;
}

int nat_dp_sweep(struct nat_dp *dp, uint16_t mode, uint32_t addr, uint32_t *reclaimed,
		 uint64_t delta[BPFBR_COUNTER_MAX])
{
	struct bpfbr_sweep_req req = { .mode = mode, .addr = addr };
	LIBBPF_OPTS(bpf_test_run_opts, opts, .data_in = &req, .data_size_in = sizeof(req),
		    .repeat = 1);
	int retval = 0, err;

	err = run(dp, dp->sweep_fd, &opts, delta, &retval);
	*reclaimed = (uint32_t)retval;
	return err;
}

int nat_dp_slot(int map_fd, const struct bpfbr_nat_key *k, uint32_t *slot)
{
	return bpf_map_lookup_elem(map_fd, k, slot) ? -errno : 0;
}

int nat_dp_flow_get(struct nat_dp *dp, uint32_t slot, struct bpfbr_flow *fl)
{
	return bpf_map_lookup_elem(dp->flows_fd, &slot, fl) ? -errno : 0;
}

int nat_dp_flow_put(struct nat_dp *dp, uint32_t slot, const struct bpfbr_flow *fl)
{
	return update(dp->flows_fd, &slot, fl);
}

int nat_dp_keys(int map_fd, uint32_t *n)
{
	uint8_t k[64], next[64]; /* room for any key: IPv4's and NAT66's */
	const void *prev = NULL;

	*n = 0;
	while (!bpf_map_get_next_key(map_fd, prev, next)) {
		(*n)++;
		memcpy(k, next, sizeof(k));
		prev = k;
	}
	return errno == ENOENT ? 0 : -errno;
}

int nat_dp_free_slots(struct nat_dp *dp, uint32_t *slots, uint32_t max, uint32_t *n)
{
	uint32_t *all, got = 0, slot;
	int err = 0;

	all = calloc(dp->nat_max ? dp->nat_max : 1, sizeof(*all));
	if (!all)
		return -ENOMEM;
	while (got < dp->nat_max && !bpf_map_lookup_and_delete_elem(dp->free_fd, NULL, &slot))
		all[got++] = slot;
	if (got < dp->nat_max && errno != ENOENT)
		err = -errno;
	for (uint32_t i = 0; i < got; i++)
		if (bpf_map_update_elem(dp->free_fd, NULL, &all[i], BPF_ANY) && !err)
			err = -errno;
	memcpy(slots, all, (got < max ? got : max) * sizeof(*slots));
	*n = got;
	free(all);
	return err;
}

struct bpfbr_nat_key nat_key_in(uint8_t proto, uint32_t iaddr, uint16_t iport, uint32_t raddr,
				uint16_t rport)
{
	return (struct bpfbr_nat_key){
		.addr = iaddr,
		.raddr = raddr,
		.port = htons(iport),
		.rport = htons(rport),
		.proto = proto,
	};
}

struct bpfbr_nat_key nat_key_out(uint8_t proto, uint32_t raddr, uint16_t rport, uint16_t oport)
{
	return (struct bpfbr_nat_key){
		.addr = raddr,
		.port = htons(rport),
		.rport = htons(oport),
		.proto = proto,
	};
}

uint64_t nat_now_ns(void)
{
	struct timespec ts;

	clock_gettime(CLOCK_MONOTONIC, &ts);
	return (uint64_t)ts.tv_sec * 1000000000ull + (uint64_t)ts.tv_nsec;
}
