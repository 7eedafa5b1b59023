#!/usr/bin/env bash
# The long versions of the reliability tests (issue 7), in both datapath
# modes, the tests too long for make check (tests/soak/*.sh: nat66_bulk, issue
# 14's 100 MB over IPv6 through NAT66), and a report of every figure they measured:
#   tests/soak.sh [FILE…]        (default: survive crash upgrade concurrency load privilege nat66_bulk)
# A FILE is tests/soak/FILE.sh when there is one, else tests/net/FILE.sh.
# Writes $BUILD/soak-report.md (BUILD defaults to build); the last line is
# "N passed, N failed, N skipped". Run by `make soak`.
set -uo pipefail
cd "$(dirname "$0")/.." || exit 1

BUILD=${BUILD:-build}
files=("$@")
[ ${#files[@]} -gt 0 ] || files=(survive crash upgrade concurrency load privilege nat66_bulk)
report=$BUILD/soak-report.md
figures=$(mktemp /tmp/bpfbr-soak-figures.XXXXXX)
log=$(mktemp /tmp/bpfbr-soak-log.XXXXXX)
bindir=$(mktemp -d /tmp/bpfbr-soak-bin.XXXXXX)
trap 'rm -f "$figures" "$log"; rm -rf "$bindir"' EXIT
# A copy of the binary, as tests/run.sh does: a rebuild cannot swap it mid-run.
if [ -z "${BPFBR_BIN:-}" ]; then
	cp "$BUILD/bpfbr" "$bindir/bpfbr" || exit 1
	export BPFBR_BIN=$bindir/bpfbr
fi
export BPFBR_SOAK=1 BPFBR_FIGURES=$figures

start=$(date +%s)
for mode in ${BPFBR_TEST_MODES:-tc xdp}; do
	for f in "${files[@]}"; do
		t0=$(date +%s)
		echo "== $f ($mode, soak)"
		path=tests/net/$f.sh
		[ -f "tests/soak/$f.sh" ] && path=tests/soak/$f.sh
		BPFBR_TEST_MODE=$mode bash "$path" 2>&1 | tee -a "$log"
		echo "   $f ($mode): $(($(date +%s) - t0)) s" | tee -a "$log"
	done
done

pass=$(grep -c '^PASS ' "$log")
fail=$(grep -c '^FAIL ' "$log")
skip=$(grep -c '^SKIP ' "$log")
mkdir -p "$BUILD"
{
	echo "# bpfbr soak report"
	echo
	echo "$(date -u '+%Y-%m-%d %H:%M UTC'), $(git describe --always --dirty 2>/dev/null || echo dev)," \
		"kernel $(uname -r), $(nproc) CPUs; $(($(date +%s) - start)) s in all."
	echo "Long versions (BPFBR_SOAK=1) of {$(IFS=,; echo "${files[*]}")}.sh (tests/soak/, else tests/net/), modes ${BPFBR_TEST_MODES:-tc xdp}."
	echo
	echo "## Results"
	echo
	echo "$pass passed, $fail failed, $skip skipped."
	echo
	grep -E '^(PASS|FAIL|SKIP) |^   [a-z0-9_]+ \([a-z]+\): [0-9]+ s$' "$log" | sed 's/^/    /'
	echo
	echo "## Figures"
	echo
	echo "One line per test and mode, as the test printed it (\`  figure: …\`)."
	echo
	sed 's/^/    /' "$figures"
	if [ "$fail" != 0 ]; then
		echo
		echo "## Failures, with what the tests said"
		echo
		grep -E '^  FAIL: |^    (kill|LEAK|BROKEN)' "$log" | head -200 | sed 's/^/    /'
	fi
} >"$report"
echo "soak report: $report"
echo "$pass passed, $fail failed, $skip skipped"
[ "$fail" = 0 ]
