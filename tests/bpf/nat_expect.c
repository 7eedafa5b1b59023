// SPDX-License-Identifier: GPL-2.0-only OR BSD-2-Clause
#include <stdio.h>

#include "expect.h"
#include "harness.h"
#include "nat_csum.h"
#include "nat_expect.h"

bool nexp_counters(const uint64_t *delta, const struct nat_count *moved, const char *what)
{
	uint64_t want[BPFBR_COUNTER_MAX] = { 0 };
	char m[200];
	bool ok = true;

	for (int i = 0; moved && moved[i].counter >= 0; i++)
		if (moved[i].counter < BPFBR_COUNTER_MAX)
			want[moved[i].counter] += moved[i].by;
	for (int c = BPFBR_DROP_NONE + 1; c < BPFBR_COUNTER_MAX; c++) {
		if (want[c])
			snprintf(m, sizeof(m), "%s: counter \"%s\" +%llu", what, counter_label(c),
				 (unsigned long long)want[c]);
		else
			snprintf(m, sizeof(m), "%s: counter \"%s\" must not move", what,
				 counter_label(c));
		ok &= ASSERT_EQ(delta[c], want[c], m);
	}
	return ok;
}

bool nexp_csums(const struct frame *f, int n, const char *what)
{
	struct nat_csum_report rep;
	char m[200];
	bool ok = true;

	nat_csum_frame(f->data, f->len, &rep);
	for (int i = 0; i < rep.n; i++) {
		if (rep.item[i].stored == rep.item[i].computed)
			continue;
		ok = test_fail(__FILE__, __LINE__, "%s: %s is %#06x, recomputed: %#06x", what,
			       rep.item[i].what, rep.item[i].stored, rep.item[i].computed);
	}
	snprintf(m, sizeof(m), "%s: number of checksums recomputed", what);
	ok &= ASSERT_EQ(rep.n, n, m);
	return ok;
}

/* Byte for byte, naming the differences (up to four), offsets from the IPv4 header. */
static bool same_bytes(const struct frame *got, const struct frame *want, const char *what)
{
	char m[200], diffs[160] = "";
	size_t len = 0;
	int n = 0;

	snprintf(m, sizeof(m), "%s: length of the frame out", what);
	if (!ASSERT_EQ(got->len, want->len, m))
		return false;
	for (size_t i = 0; i < want->len; i++) {
		if (got->data[i] == want->data[i])
			continue;
		if (n++ < 4 && len < sizeof(diffs))
			len += (size_t)snprintf(
				diffs + len, sizeof(diffs) - len,
				"%s %s%zu: 0x%02x, expected 0x%02x", n > 1 ? ";" : "",
				i < ETH_HDR_LEN ? "Ethernet byte " : "IP+",
				i < ETH_HDR_LEN ? i : i - ETH_HDR_LEN, got->data[i], want->data[i]);
	}
	if (!n)
		return true;
	return test_fail(__FILE__, __LINE__, "%s: frame out differs in %d bytes:%s%s", what, n,
			 diffs, n > 4 ? "; ..." : "");
}

bool nexp_frame(const struct nat_run *r, int verdict, const struct frame *want, int ncsums,
		const char *what)
{
	char m[200];
	bool ok;

	snprintf(m, sizeof(m), "%s: verdict", what);
	ok = ASSERT_EQ(r->verdict, verdict, m);
	ok &= same_bytes(&r->out, want, what);
	ok &= nexp_csums(&r->out, ncsums, what);
	return ok;
}

bool nexp_pkt(const struct nat_run *r, int verdict, const struct pkt *p, int ncsums,
	      const char *what)
{
	struct frame want;

	pkt_frame(&want, p);
	return nexp_frame(r, verdict, &want, ncsums, what);
}

bool nexp_pass(const struct nat_run *r, const struct frame *in, const char *what)
{
	char m[200];
	bool ok;

	snprintf(m, sizeof(m), "%s: verdict TC_ACT_OK", what);
	ok = ASSERT_EQ(r->verdict, TC_ACT_OK, m);
	snprintf(m, sizeof(m), "%s: unchanged", what);
	ok &= same_bytes(&r->out, in, m);
	ok &= NEXP_NO_COUNTERS(r->delta, what);
	return ok;
}

bool nexp_drop(const struct nat_run *r, int reason, const char *what)
{
	char m[200];
	bool ok;

	snprintf(m, sizeof(m), "%s: verdict TC_ACT_SHOT", what);
	ok = ASSERT_EQ(r->verdict, TC_ACT_SHOT, m);
	ok &= NEXP_COUNTERS(r->delta, what, { reason, 1 });
	return ok;
}
