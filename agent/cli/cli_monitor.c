// SPDX-License-Identifier: GPL-2.0-only OR BSD-2-Clause
/*
 * (cli) bpfbr monitor: the datapath's drop events, live, as lines, JSON or
 * a pcapng file. Each monitored datapath (the networks' switches, their
 * uplinks' masquerade) is a source: a monitor_session on its pins and its
 * ring buffer. Nothing is written but the consumer slot and the config of
 * each source, which the kernel and monitor_session_stop give back.
 */
#include <errno.h>
#include <limits.h>
#include <signal.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <time.h>
#include <bpf/libbpf.h>

#include "cli.h"
#include "log.h"
#include "monitor_render.h"
#include "monitor_session.h"
#include "netctx.h"
#include "netns.h"
#include "parse.h"
#include "pcapng.h"
#include "pin_layout.h"
#include "state.h"

#define MON_MAX_NETS	 16
#define MON_MAX_SOURCES	 (2 * MON_MAX_NETS)
#define MON_DEFAULT_RATE 1000
#define MON_POLL_MS	 200

struct mon;

/* What the datapath is asked for (bpfbr_mon_config). */
struct mon_opts {
	uint32_t types, rate, sample;
};

struct mon_source {
	struct mon *m;
	struct netstate *ns; /* a switch's network; NULL for an uplink */
	char uplink[IF_NAMESIZE];
	struct monitor_session s;
};

struct mon {
	struct netstate nets[MON_MAX_NETS];
	int n_nets;
	struct mon_source src[MON_MAX_SOURCES];
	int n_src;
	bool json;
	const char *types_name; /* "drop", "trace" or "all" */
	uint32_t port_ifindex;	/* --port/--container: 0 none */
	uint32_t port_ip;	/* that container's address, for the uplink's events */
	bool has_ip;
	uint32_t ip; /* --ip */
	uint64_t count, seen;
	int64_t mono_to_real; /* add to bpf_ktime_get_ns() for the time since the epoch */
	struct pcapng pcap;
	bool pcap_open;
	int err; /* a write failed: stop */
};

static volatile sig_atomic_t stop;

static void on_signal(int sig)
{
	(void)sig;
	stop = 1;
}

static int64_t clock_offset(void)
{
	struct timespec mono, real;

	clock_gettime(CLOCK_MONOTONIC, &mono);
	clock_gettime(CLOCK_REALTIME, &real);
	return ((int64_t)real.tv_sec - mono.tv_sec) * 1000000000ll + (real.tv_nsec - mono.tv_nsec);
}

/* The network an uplink's event belongs to: the one whose subnet holds its
 * source (a container's packet going out); NULL when none (a reply coming in
 * is for the uplink's address). */
static struct netstate *uplink_event_net(struct mon *m, const struct mon_pkt *p)
{
	for (int i = 0; p->ipv4 && i < m->n_nets; i++)
		if (netstate_has_ipv4(&m->nets[i]) && cidr_contains(&m->nets[i].subnet, p->saddr))
			return &m->nets[i];
	return NULL;
}

static bool wanted(const struct mon_source *src, const struct bpfbr_mon_event *ev,
		   const struct mon_pkt *p)
{
	const struct mon *m = src->m;

	if (m->has_ip && !mon_pkt_has_addr(p, m->ip))
		return false;
	if (!m->port_ifindex)
		return true;
	if (src->ns)
		return ev->ifindex == m->port_ifindex;
	return p->ipv4 && p->saddr == m->port_ip;
}

static int on_event(void *ctx, void *data, size_t size)
{
	struct mon_source *src = ctx;
	struct mon *m = src->m;
	const struct bpfbr_mon_event *ev = data;
	struct netstate *ns = src->ns;
	char line[512], ifname[IF_NAMESIZE];
	uint64_t real_ns;
	struct mon_pkt p;
	json_t *o;

	if (size < sizeof(*ev) || m->err || (m->count && m->seen >= m->count))
		return 0;
	mon_pkt_parse(ev->data, ev->cap_len <= BPFBR_MON_CAPTURE ? ev->cap_len : 0, &p);
	if (!ns)
		ns = uplink_event_net(m, &p);
	if (!src->ns && !ns && ev->hook == BPFBR_MON_HOOK_UPLINK_OUT)
		return 0; /* the uplink's, of a network not monitored */
	if (!wanted(src, ev, &p))
		return 0;
	real_ns = ev->time_ns + (uint64_t)m->mono_to_real;
	o = monitor_event_json(ev, real_ns, ns, src->ns ? NULL : src->uplink, &p);
	if (!o)
		return 0;
	m->seen++;
	monitor_event_text(o, &p, line, sizeof(line));
	if (m->json) {
		if (json_dumpf(o, stdout, JSON_COMPACT) || fputc('\n', stdout) == EOF)
			m->err = -EIO;
	} else if (printf("%s\n", line) < 0) {
		m->err = -EIO;
	}
	if (fflush(stdout))
		m->err = -errno;
	if (m->pcap_open) {
		const char *port = json_string_value(json_object_get(o, "port"));

		snprintf(ifname, sizeof(ifname), "%s", port ?: "");
		if (pcapng_packet(&m->pcap, ev->ifindex, ifname, real_ns, ev->data,
				  ev->cap_len <= BPFBR_MON_CAPTURE ? ev->cap_len : 0, ev->pkt_len,
				  line))
			m->err = -EIO;
	}
	json_decref(o);
	return 0;
}

/* --port PORT or --container NAME: the port's ifindex and its address. */
static int resolve_port(struct mon *m, const char *port, const char *container)
{
	for (int i = 0; i < m->n_nets; i++) {
		const struct netstate *ns = &m->nets[i];

		if (port && !strcmp(port, ns->gw_port)) {
			m->port_ifindex = (uint32_t)ns->gw_port_ifindex;
			m->port_ip = ns->gateway;
			return 0;
		}
		for (uint32_t k = 0; k < ns->n_att; k++) {
			const struct attachment *a = &ns->att[k];
			const char *name = netns_name_of(a->netns);

			if ((port && !strcmp(port, a->host_ifname)) ||
			    (container &&
			     ((name && !strcmp(container, name)) || !strcmp(container, a->netns) ||
			      (a->cni && !strcmp(container, a->id))))) {
				m->port_ifindex = (uint32_t)a->host_ifindex;
				m->port_ip = a->ip;
				return 0;
			}
		}
	}
	if (port)
		pr_err("no port %s on the monitored networks; their ports: bpfbr status", port);
	else
		pr_err("no container %s on the monitored networks (a namespace name, path or CNI "
		       "container ID); the containers: bpfbr status",
		       container);
	return -ENOENT;
}

static int load_nets(struct mon *m, struct netctx *c, const char *name)
{
	char **names = NULL;
	int n = 0, err;

	if (name)
		return netctx_load(c, name, &m->nets[m->n_nets++]);
	err = state_list(&c->p, &names, &n);
	if (!err && n > MON_MAX_NETS) {
		pr_err("%d networks: monitor at most %d at once, naming each: bpfbr monitor NET", n,
		       MON_MAX_NETS);
		err = -E2BIG;
	}
	if (!err && !n) {
		pr_err("no networks to monitor; create one: bpfbr net create NAME --subnet CIDR");
		err = -ENOENT;
	}
	for (int i = 0; !err && i < n; i++) {
		err = netctx_load(c, names[i], &m->nets[m->n_nets]);
		if (!err)
			m->n_nets++;
	}
	state_names_free(names, n);
	return err;
}

static int add_source(struct mon *m, struct netctx *c, struct netstate *ns, const char *uplink,
		      const struct mon_opts *o)
{
	struct mon_source *src = &m->src[m->n_src];
	char dir[PATH_MAX];
	int err;

	for (int i = 0; uplink && i < m->n_src; i++)
		if (!m->src[i].ns && !strcmp(m->src[i].uplink, uplink))
			return 0; /* shared by another monitored network */
	err = uplink ? pin_uplink_dir(&c->p, uplink, dir, sizeof(dir))
		     : pin_net_dir(&c->p, ns->name, dir, sizeof(dir));
	if (!err)
		err = monitor_session_start(&src->s, dir, o->types, o->rate, o->sample);
	if (err == -ENOENT)
		pr_err("%s %s has no monitor maps under %s (pinned by an older build, or gone "
		       "after a reboot): run bpfbr upgrade %s, or bpfbr restore %s",
		       uplink ? "uplink" : "network", uplink ?: ns->name, dir, ns->name, ns->name);
	else if (err == -EBUSY)
		pr_err("another bpfbr monitor is reading %s %s; stop it first (one monitor per "
		       "datapath)",
		       uplink ? "uplink" : "network", uplink ?: ns->name);
	else if (err)
		pr_err("cannot monitor %s %s (%s): %s", uplink ? "uplink" : "network",
		       uplink ?: ns->name, dir, strerror(-err));
	if (err)
		return err;
	src->m = m;
	src->ns = uplink ? NULL : ns;
	snprintf(src->uplink, sizeof(src->uplink), "%s", uplink ?: "");
	m->n_src++;
	return 0;
}

static int parse_opts(struct cli *cli, struct mon *m, struct mon_opts *o)
{
	const char *type = cli_get(cli, "type"), *ip = cli_get(cli, "ip");
	const char *rate = cli_get(cli, "rate"), *count = cli_get(cli, "count");
	const char *sample = cli_get(cli, "sample");
	uint32_t n;

	o->types = BPFBR_MON_TYPE_BIT(BPFBR_MON_DROP);
	if (type && !strcmp(type, "trace")) {
		o->types = BPFBR_MON_TYPE_BIT(BPFBR_MON_TRACE);
	} else if (type && !strcmp(type, "all")) {
		o->types |= BPFBR_MON_TYPE_BIT(BPFBR_MON_TRACE) | BPFBR_MON_TYPE_BIT(BPFBR_MON_NAT);
	} else if (type && !strcmp(type, "nat")) {
		o->types = BPFBR_MON_TYPE_BIT(BPFBR_MON_NAT);
	} else if (type && strcmp(type, "drop")) {
		pr_err("--type %s: not a type of event (drop, trace, nat, all)", type);
		return -EINVAL;
	}
	if (cli_has(cli, "port") && cli_has(cli, "container")) {
		pr_err("--port and --container both name a port: give one");
		return -EINVAL;
	}
	if (ip && parse_ipv4(ip, &m->ip)) {
		pr_err("--ip %s: not an IPv4 address", ip);
		return -EINVAL;
	}
	m->has_ip = ip != NULL;
	o->rate = MON_DEFAULT_RATE;
	if (rate && parse_u32(rate, 1, 1000000, &o->rate)) {
		pr_err("--rate %s: events a second per CPU, 1 to 1000000", rate);
		return -EINVAL;
	}
	o->sample = 1;
	if (sample && parse_u32(sample, 1, 1000000, &o->sample)) {
		pr_err("--sample %s: trace one packet in N, N from 1 to 1000000", sample);
		return -EINVAL;
	}
	if (count) {
		if (parse_u32(count, 1, UINT32_MAX, &n)) {
			pr_err("--count %s: a number of events, at least 1", count);
			return -EINVAL;
		}
		m->count = n;
	}
	return 0;
}

static int run_loop(struct mon *m)
{
	struct ring_buffer *rb = NULL;
	int err = 0;

	for (int i = 0; i < m->n_src; i++) {
		struct mon_source *s = &m->src[i];

		if (!rb)
			rb = ring_buffer__new(s->s.m.events, on_event, s, NULL);
		else if (ring_buffer__add(rb, s->s.m.events, on_event, s))
			err = -errno;
		if (!rb || err) {
			err = err ?: -errno;
			pr_err("cannot read the monitor's ring buffer: %s", strerror(-err));
			ring_buffer__free(rb);
			return err;
		}
	}
	while (!stop && !m->err && !(m->count && m->seen >= m->count)) {
		int n = ring_buffer__poll(rb, MON_POLL_MS);

		if (n < 0 && n != -EINTR) {
			err = n;
			pr_err("reading the monitor's ring buffer failed: %s", strerror(-err));
			break;
		}
	}
	ring_buffer__free(rb);
	if (m->err == -EPIPE)
		return 0; /* the reader went away: done */
	if (!err && m->err)
		pr_err("cannot write the events: %s", strerror(-m->err));
	return err ?: m->err;
}

static void report_totals(struct mon *m)
{
	uint64_t limited = 0, full = 0;

	for (int i = 0; i < m->n_src; i++) {
		struct monitor_totals t;

		if (!monitor_totals(&m->src[i].s, &t)) {
			limited += t.limited - m->src[i].s.limited_before;
			full += t.lost - m->src[i].s.lost_before;
		}
	}
	fprintf(stderr,
		"%llu events seen, %llu lost (%llu over the rate limit, %llu with the "
		"ring buffer full)\n",
		(unsigned long long)m->seen, (unsigned long long)(limited + full),
		(unsigned long long)limited, (unsigned long long)full);
}

/* On stderr, once every source is taken: what is monitored. */
static void say_sources(const struct mon *m)
{
	fprintf(stderr, "monitoring");
	for (int i = 0; i < m->n_src; i++)
		fprintf(stderr, "%s %s %s", i ? "," : "", m->src[i].ns ? "network" : "uplink",
			m->src[i].ns ? m->src[i].ns->name : m->src[i].uplink);
	fprintf(stderr, " (%s events; Ctrl-C stops)\n", m->types_name);
}

static int run_monitor(struct cli *cli)
{
	const char *wfile = cli_get(cli, "write");
	struct sigaction sa = { .sa_handler = on_signal };
	struct mon *m = calloc(1, sizeof(*m));
	struct mon_opts o;
	struct netctx c;
	int err;

	if (!m)
		return -ENOMEM;
	m->json = cli->json;
	m->types_name = cli_get(cli, "type") ?: "drop";
	err = parse_opts(cli, m, &o);
	if (err)
		goto out_free;
	err = netctx_open(&c, cli->root, false);
	if (err)
		goto out_free;
	err = load_nets(m, &c, cli->npos ? cli->pos[0] : NULL);
	if (!err && (cli_has(cli, "port") || cli_has(cli, "container")))
		err = resolve_port(m, cli_get(cli, "port"), cli_get(cli, "container"));
	if (!err && wfile) {
		err = pcapng_open(&m->pcap, wfile);
		if (err)
			pr_err("cannot write %s: %s", wfile, strerror(-err));
		m->pcap_open = !err;
	}
	for (int i = 0; !err && i < m->n_nets; i++) {
		err = add_source(m, &c, &m->nets[i], NULL, &o);
		if (!err && m->nets[i].masquerade && m->nets[i].uplink[0])
			err = add_source(m, &c, &m->nets[i], m->nets[i].uplink, &o);
	}
	netctx_close(&c);
	if (!err) {
		say_sources(m);
		m->mono_to_real = clock_offset();
		signal(SIGPIPE, SIG_IGN);
		sigaction(SIGINT, &sa, NULL);
		sigaction(SIGTERM, &sa, NULL);
		setvbuf(stdout, NULL, _IOLBF, 0);
		err = run_loop(m);
		report_totals(m);
	}
	for (int i = 0; i < m->n_src; i++)
		monitor_session_stop(&m->src[i].s);
	if (m->pcap_open && pcapng_close(&m->pcap) && !err) {
		pr_err("cannot write %s", wfile);
		err = -EIO;
	}
	for (int i = 0; i < m->n_nets; i++)
		netstate_free(&m->nets[i]);
out_free:
	free(m);
	return err;
}

static const struct cli_opt monitor_opts[] = {
	{ "type", "drop|trace|nat|all",
	  "drops (default), switching decisions, translations made, or all" },
	{ "port", "PORT", "only events of this port (its node-side device)" },
	{ "container", "NS", "only events of this container (namespace name or CNI ID)" },
	{ "ip", "ADDR", "only packets from or to this IPv4 address" },
	{ "write", "FILE.pcapng", "also write the packets to a pcapng file (-w)" },
	{ "count", "N", "stop after N events" },
	{ "rate", "N", "events a second per CPU before the datapath counts them lost (1000)" },
	{ "sample", "N", "trace one packet in N (1: every packet)" },
	{ 0 },
};

static const struct cli_short monitor_shorts[] = { { 'w', "write" }, { 0 } };

const struct cli_cmd cmd_monitor = {
	.words = "monitor",
	.args = "[NAME]",
	.min_pos = 0,
	.max_pos = 1,
	.opts = monitor_opts,
	.run = run_monitor,
	.summary = "Show what the datapath drops, decides and translates, live",
	.details = "One line per event (-j: one JSON object per line) until Ctrl-C or SIGTERM,\n"
		   "then how many events were seen and how many the datapath could not hand\n"
		   "over (lost). Only while it runs does the datapath emit events.\n",
	.shorts = monitor_shorts,
};
