/* SPDX-License-Identifier: GPL-2.0-only OR BSD-2-Clause */
/*
 * What a masquerade run did, asserted whole: the verdict, the packet out
 * byte for byte and its checksums recomputed independently (nat_csum.c),
 * and every counter of the uplink's nat_counters map, drops and events.
 * Each returns true, or false after marking the test failed with messages
 * that start with `what`.
 */
#ifndef BPFBR_TESTS_NAT_EXPECT_H
#define BPFBR_TESTS_NAT_EXPECT_H

#include <stdbool.h>
#include <linux/pkt_cls.h>

#include "nat_dp.h"
#include "nat_pkt.h"

struct nat_count {
	int counter; /* enum bpfbr_drop or enum bpfbr_event; -1 ends a list */
	uint64_t by;
};

/* Every counter moved by exactly what the list says, every other one not at all. */
bool nexp_counters(const uint64_t *delta, const struct nat_count *moved, const char *what);
#define NEXP_COUNTERS(delta, what, ...) \
	nexp_counters(delta, (const struct nat_count[]){ __VA_ARGS__, { -1, 0 } }, what)
#define NEXP_NO_COUNTERS(delta, what) nexp_counters(delta, NULL, what)

/*
 * The checksums of f recomputed from scratch match what it carries, and
 * there are exactly n of them (so that the check covered what it should).
 */
bool nexp_csums(const struct frame *f, int n, const char *what);

/* Verdict `verdict` and out is want, byte for byte; out's checksums check (n of them). */
bool nexp_frame(const struct nat_run *r, int verdict, const struct frame *want, int ncsums,
		const char *what);
/* As nexp_frame() with want rendered from p. */
bool nexp_pkt(const struct nat_run *r, int verdict, const struct pkt *p, int ncsums,
	      const char *what);

/* TC_ACT_OK, the frame unchanged, no counter moved: masquerade had nothing to do. */
bool nexp_pass(const struct nat_run *r, const struct frame *in, const char *what);
/* TC_ACT_SHOT, counter `reason` +1 and nothing else moved (no flow made either). */
bool nexp_drop(const struct nat_run *r, int reason, const char *what);

#endif
