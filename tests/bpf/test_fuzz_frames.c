// SPDX-License-Identifier: GPL-2.0-only OR BSD-2-Clause
/*
 * Hostile packets (issue 7; IPv6 and NAT66 since issue 14): a million random
 * and mutated frames, each fed to every datapath program through
 * BPF_PROG_TEST_RUN (bpfbr_port_in and
 * bpfbr_port_xdp of one of two networks, bpfbr_uplink_out, bpfbr_uplink_in
 * and bpfbr_uplink_xdp of the uplink both masquerade through), with the
 * invariants of fuzz_world.h checked after every run and the maps audited
 * every AUDIT_EVERY frames.
 *
 *   BPFBR_FUZZ_SEED=N     the seed (default: a fresh one, printed); a failure
 *                         names the seed and the frame, and prints the frame
 *   BPFBR_FUZZ_FRAMES=N   how many frames (default 1050000; 20000 inside the
 *                         vmtest guests, which emulate the CPU)
 *   BPFBR_FUZZ_WORKERS=N  processes that share the frames out, 1 to 4 (default 1)
 * `make fuzz` runs it with FUZZ_FRAMES (default 20000000).
 */
#include <errno.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <sys/random.h>
#include <sys/wait.h>
#include <time.h>
#include <unistd.h>

#include "expect.h"
#include "fuzz_world.h"
#include "nat_expect.h"
#include "harness.h"

/* TC runs of IPv4/IPv6 frames cut inside their header are refused by newer
 * kernels (about 3%): with this many, every program still gets a million. */
#define FRAMES_DEFAULT 1050000ull
#define FRAMES_VM      20000ull
#define AUDIT_EVERY    1024
#define MAX_WORKERS    4

static uint64_t env_u64(const char *name, uint64_t dflt)
{
	const char *v = getenv(name);
	char *end;
	unsigned long long n;

	if (!v || !*v)
		return dflt;
	n = strtoull(v, &end, 0);
	return *end ? dflt : n;
}

static double seconds_since(const struct timespec *t0)
{
	struct timespec t;

	clock_gettime(CLOCK_MONOTONIC, &t);
	return (double)(t.tv_sec - t0->tv_sec) + (double)(t.tv_nsec - t0->tv_nsec) / 1e9;
}

static void report(const struct fw_totals *t, int workers, double secs)
{
	static const char *const progs[FW_PROGS] = { "port_in", "port_xdp", "uplink_out",
						     "uplink_in", "uplink_xdp" };
	static const char *const tc[8] = { "ok", NULL, "shot", NULL, NULL, NULL, NULL, "redirect" };
	static const char *const xdp[8] = { "aborted", "drop", "pass", NULL, "redirect" };
	uint64_t runs = 0;

	for (int p = 0; p < FW_PROGS; p++)
		runs += t->runs[p];
	printf("  fuzz_frames: %llu frames, %llu runs in %.1f s by %d workers (%.0f runs/s); "
	       "%llu flows created (%llu NAT66), %llu replies delivered (%llu NAT66), "
	       "%llu routed (%llu IPv6), %llu sweeps, "
	       "%llu audits; %llu TC runs refused by BPF_PROG_TEST_RUN (IPv4/IPv6 ethertype "
	       "with its header cut short), %llu flood copies refused\n",
	       (unsigned long long)t->frames, (unsigned long long)runs, secs, workers,
	       secs > 0 ? (double)runs / secs : 0.0, (unsigned long long)t->flows_created,
	       (unsigned long long)t->flows6_created, (unsigned long long)t->replies_delivered,
	       (unsigned long long)t->replies6_delivered, (unsigned long long)t->routed,
	       (unsigned long long)t->routed6, (unsigned long long)t->sweeps,
	       (unsigned long long)t->audits, (unsigned long long)t->refused,
	       (unsigned long long)t->clone_failures);
	for (int p = 0; p < FW_PROGS; p++) {
		const char *const *names = p == FW_PORT_XDP || p == FW_UPLINK_XDP ? xdp : tc;

		printf("    %-10s %8llu runs:", progs[p], (unsigned long long)t->runs[p]);
		for (int v = 0; v < 8; v++)
			if (t->verdicts[p][v])
				printf(" %s %llu", names[v] ? names[v] : "?",
				       (unsigned long long)t->verdicts[p][v]);
		putchar('\n');
	}
	printf("    drops:");
	for (int i = BPFBR_DROP_NONE + 1; i < BPFBR_DROP_MAX; i++)
		if (t->reasons[i])
			printf(" %s %llu", counter_label(i), (unsigned long long)t->reasons[i]);
	putchar('\n');
}

/* What a fuzz run must have reached for its invariants to mean something. */
static void expect_coverage(const struct fw_totals *t)
{
	ASSERT_TRUE(t->verdicts[FW_PORT_TC][7] && t->verdicts[FW_PORT_TC][2],
		    "port_in both forwarded and dropped");
	ASSERT_TRUE(t->verdicts[FW_PORT_XDP][1] && t->verdicts[FW_PORT_XDP][2] &&
			    t->verdicts[FW_PORT_XDP][4],
		    "port_xdp dropped, passed and redirected");
	ASSERT_TRUE(t->flows_created && t->verdicts[FW_UPLINK_OUT][2],
		    "uplink_out both translated and dropped");
	ASSERT_TRUE(t->verdicts[FW_UPLINK_IN][7] && t->verdicts[FW_UPLINK_XDP][4],
		    "replies delivered by uplink_in and uplink_xdp");
	ASSERT_TRUE(t->routed, "the routing fast path taken");
	ASSERT_TRUE(t->reasons[BPFBR_DROP_MAC_SPOOF] && t->reasons[BPFBR_DROP_IP_SPOOF] &&
			    t->reasons[BPFBR_DROP_ARP_SPOOF] && t->reasons[BPFBR_DROP_VLAN] &&
			    t->reasons[BPFBR_DROP_MAC_OWNED],
		    "every anti-spoofing drop reached");
	ASSERT_TRUE(t->reasons[BPFBR_DROP_NAT_QUOTA] || t->reasons[BPFBR_DROP_NAT_FULL],
		    "the table's bounds reached");
	ASSERT_TRUE(t->reasons[BPFBR_DROP_IPV6_SPOOF] && t->reasons[BPFBR_DROP_NDP_SPOOF] &&
			    t->reasons[BPFBR_DROP_RA_GUARD] && t->reasons[BPFBR_DROP_DHCP6_SERVER],
		    "every IPv6 anti-spoofing drop reached");
	ASSERT_TRUE(t->flows6_created && t->replies6_delivered,
		    "NAT66 translated, and delivered replies");
	ASSERT_TRUE(t->routed6, "the routing fast path taken by IPv6");
}

/* What a worker sends back. */
struct result {
	int status; /* 0 pass, 1 fail, 4 skip */
	char why[400];
	struct fw_totals t;
};

/* Frames w, w + n, w + 2n, … of the run, in a world of its own. */
static void worker(int w, int n, uint64_t seed, uint64_t frames, struct result *res)
{
	struct fw *fw = calloc(1, sizeof(*fw));

	if (!fw || !fw_setup(fw)) {
		res->status = fw && fw->skipped ? 4 : 1;
		snprintf(res->why, sizeof(res->why), "%s",
			 fw && fw->skipped ? "needs root for namespaces and BPF"
					   : "could not set up the fuzz world (see above)");
		free(fw);
		return;
	}
	for (uint64_t i = (uint64_t)w, k = 0; i < frames; i += (uint64_t)n) {
		if (!fw_frame(fw, seed, i))
			break;
		if (++k % AUDIT_EVERY == 0 && !fw_audit(fw))
			break;
	}
	fw_audit(fw);
	res->t = fw->t;
	res->status = fw->failures ? 1 : 0;
	snprintf(res->why, sizeof(res->why), "%s",
		 fw->why[0] ? fw->why : "a map audit failed (see above)");
	fw_teardown(fw);
	free(fw);
}

static void add_totals(struct fw_totals *a, const struct fw_totals *b)
{
	const uint64_t *src = (const uint64_t *)b;
	uint64_t *dst = (uint64_t *)a;

	for (size_t i = 0; i < sizeof(*a) / sizeof(uint64_t); i++)
		dst[i] += src[i];
}

TEST(fuzz_frames)
{
	struct result res[MAX_WORKERS];
	struct fw_totals all = { 0 };
	uint64_t seed, frames;
	pid_t pid[MAX_WORKERS];
	int rfd[MAX_WORKERS];
	struct timespec t0;
	int n, skipped = 0;

	n = (int)env_u64("BPFBR_FUZZ_WORKERS", 1);
	if (n < 1 || n > MAX_WORKERS)
		n = 1;
	if (getrandom(&seed, sizeof(seed), 0) != sizeof(seed))
		seed = (uint64_t)time(NULL);
	seed = env_u64("BPFBR_FUZZ_SEED", seed);
	frames = env_u64("BPFBR_FUZZ_FRAMES",
			 getenv("BPFBR_VMTEST_GUEST") ? FRAMES_VM : FRAMES_DEFAULT);
	printf("  fuzz_frames: seed 0x%016llx (BPFBR_FUZZ_SEED), %llu frames (BPFBR_FUZZ_FRAMES)\n",
	       (unsigned long long)seed, (unsigned long long)frames);
	fflush(stdout);
	fflush(stderr);
	clock_gettime(CLOCK_MONOTONIC, &t0);
	/* Workers split the frames, each in a world of its own (one by default:
	 * on the 2-CPU machine this was measured on, two were slower). */
	for (int w = 0; w < n; w++) {
		int fds[2];

		res[w].status = 1;
		snprintf(res[w].why, sizeof(res[w].why), "worker %d died without a result", w);
		rfd[w] = -1;
		pid[w] = -1;
		if (pipe(fds)) {
			test_fail(__FILE__, __LINE__, "pipe: %s", strerror(errno));
			continue;
		}
		pid[w] = fork();
		if (pid[w] == 0) {
			struct result r = { 0 };

			close(fds[0]);
			worker(w, n, seed, frames, &r);
			fflush(stdout);
			fflush(stderr);
			_exit(write(fds[1], &r, sizeof(r)) == (ssize_t)sizeof(r) ? 0 : 1);
		}
		close(fds[1]);
		if (pid[w] < 0) {
			test_fail(__FILE__, __LINE__, "fork: %s", strerror(errno));
			close(fds[0]);
			continue;
		}
		rfd[w] = fds[0];
	}
	for (int w = 0; w < n; w++) {
		struct result r;

		if (rfd[w] < 0)
			continue;
		if (read(rfd[w], &r, sizeof(r)) == (ssize_t)sizeof(r))
			res[w] = r;
		close(rfd[w]);
		waitpid(pid[w], NULL, 0);
		if (res[w].status == 4)
			skipped++;
		else if (res[w].status)
			test_fail(__FILE__, __LINE__, "worker %d: %s", w, res[w].why);
		add_totals(&all, &res[w].t);
	}
	if (skipped == n && n) {
		test_skip("needs root (CAP_SYS_ADMIN, CAP_NET_ADMIN, CAP_BPF)");
		return;
	}
	report(&all, n, seconds_since(&t0));
	ASSERT_EQ(all.frames, frames, "every frame fed to every program");
	if (frames >= 10000)
		expect_coverage(&all);
	for (int p = 0; frames >= FRAMES_DEFAULT && p < FW_PROGS; p++)
		ASSERT_TRUE(all.runs[p] >= 1000000, "a million frames through every program");
}
