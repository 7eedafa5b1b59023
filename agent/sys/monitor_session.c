// SPDX-License-Identifier: GPL-2.0-only OR BSD-2-Clause
#include <errno.h>
#include <limits.h>
#include <stdlib.h>
#include <sys/socket.h>
#include <unistd.h>
#include <bpf/bpf.h>
#include <bpf/libbpf.h>

#include "bpfbr/monitor.h"
#include "monitor_session.h"
#include "paths.h"
#include "pin_layout.h"

static int open_pin(const char *dir, const char *name, int *fd)
{
	char path[PATH_MAX];
	int err = path_join(path, sizeof(path), dir, name);

	if (err)
		return err;
	*fd = bpf_obj_get(path);
	return *fd < 0 ? -errno : 0;
}

static void close_maps(struct monitor_maps *m)
{
	int *fds[] = { &m->events, &m->consumer, &m->config, &m->budget };

	for (size_t i = 0; i < sizeof(fds) / sizeof(fds[0]); i++) {
		if (*fds[i] >= 0)
			close(*fds[i]);
		*fds[i] = -1;
	}
}

int monitor_totals(const struct monitor_session *s, struct monitor_totals *t)
{
	int ncpu = libbpf_num_possible_cpus();
	struct bpfbr_mon_budget *per;
	uint32_t zero = 0;
	int err = 0;

	*t = (struct monitor_totals){ 0 };
	if (ncpu <= 0)
		return ncpu ?: -EINVAL;
	per = calloc((size_t)ncpu, sizeof(*per));
	if (!per)
		return -ENOMEM;
	if (bpf_map_lookup_elem(s->m.budget, &zero, per))
		err = -errno;
	for (int i = 0; !err && i < ncpu; i++) {
		t->emitted += per[i].emitted;
		t->limited += per[i].limited;
		t->lost += per[i].lost;
	}
	free(per);
	return err;
}

int monitor_session_start(struct monitor_session *s, const char *dir, uint32_t types, uint32_t rate,
			  uint32_t sample)
{
	struct bpfbr_mon_config cfg = { .types = types, .sample = sample };
	struct monitor_totals t;
	uint32_t zero = 0;
	int sv[2], err;
	uint64_t fd;

	s->m = (struct monitor_maps){ -1, -1, -1, -1 };
	s->sock = -1;
	if (!rate)
		return -EINVAL;
	cfg.cost_ns = 1000000000ull / rate;
	cfg.burst_ns = cfg.cost_ns * rate; /* a second's worth */
	err = open_pin(dir, PIN_MONITOR_EVENTS, &s->m.events)
		      ?: open_pin(dir, PIN_MONITOR_CONSUMER, &s->m.consumer)
		      ?: open_pin(dir, PIN_MONITOR_CONFIG, &s->m.config)
		      ?: open_pin(dir, PIN_MONITOR_BUDGET, &s->m.budget)
		      ?: monitor_totals(s, &t);
	if (err)
		goto err_maps;
	s->limited_before = t.limited;
	s->lost_before = t.lost;
	if (socketpair(AF_UNIX, SOCK_DGRAM | SOCK_CLOEXEC, 0, sv)) {
		err = -errno;
		goto err_maps;
	}
	close(sv[1]);
	fd = (uint64_t)sv[0];
	if (bpf_map_update_elem(s->m.consumer, &zero, &fd, BPF_NOEXIST)) {
		err = errno == EEXIST ? -EBUSY : -errno;
		close(sv[0]);
		goto err_maps;
	}
	s->sock = sv[0];
	/* The config once the slot is ours: another monitor's is not touched. */
	if (bpf_map_update_elem(s->m.config, &zero, &cfg, 0)) {
		err = -errno;
		goto err_sock;
	}
	return 0;

err_sock:
	close(s->sock);
	s->sock = -1;

err_maps:
	close_maps(&s->m);
	return err;
}

void monitor_session_stop(struct monitor_session *s)
{
	struct bpfbr_mon_config off = { 0 };
	uint32_t zero = 0;

	if (s->sock >= 0) {
		/* The config while the slot is still ours: another monitor may
		 * take it the moment the socket closes. */
		bpf_map_update_elem(s->m.config, &zero, &off, 0);
		close(s->sock); /* the kernel empties the slot */
		s->sock = -1;
	}
	close_maps(&s->m);
}
