#!/usr/bin/env bash
# Flake hunt (issue 10): every namespace test file, STRESS_RUNS times in each
# datapath mode, with a CPU hog beside it, and a table of what failed:
#   tests/stress.sh [FILE…]     (default: every tests/net/*.sh, or STRESS_FILES="a b")
#   STRESS_RUNS=N      runs of each file in each mode (default 5)
#   STRESS_JOBS=N      files at a time (default 2, as tests/run.sh)
#   STRESS_HOGS=N      busy loops beside the tests (default one per CPU)
#   STRESS_TIMEOUT=S   bound of one run of one file (default 1800 s)
#   BPFBR_TEST_MODES   datapath modes (default "tc xdp"; "# modes: tc" files run once)
# A run fails when its file reports a FAIL or exits non-zero (a timeout
# included). Writes $BUILD/stress-report.md (BUILD defaults to build) and
# keeps each failed run's output under $BUILD/stress/. The last line is
# "N runs, N failed"; the exit status is 0 only if none failed. Run by
# `make stress-check`; not part of `make check`.
set -uo pipefail
cd "$(dirname "$0")/.." || exit 1

BUILD=${BUILD:-build}
RUNS=${STRESS_RUNS:-5}
JOBS=${STRESS_JOBS:-2}
HOGS=${STRESS_HOGS:-$(nproc)}
BOUND=${STRESS_TIMEOUT:-1800}
names=("$@")
[ ${#names[@]} -gt 0 ] || read -r -a names <<<"${STRESS_FILES:-}"
if [ ${#names[@]} -eq 0 ]; then
	for t in tests/net/*.sh; do
		[ "$t" = tests/net/lib.sh ] || names+=("$(basename "$t" .sh)")
	done
fi
for n in "${names[@]}"; do
	[ -f "tests/net/$n.sh" ] || { echo "stress: no test file tests/net/$n.sh" >&2; exit 2; }
done

work=$(mktemp -d /tmp/bpfbr-stress.XXXXXX)
declare -a hogs=()
# The hogs end by their pid (timeout's, which passes the signal on), and
# with the run's own bound should this script itself be killed.
end_hogs() {
	local p
	for p in ${hogs[@]+"${hogs[@]}"}; do kill "$p" 2>/dev/null && wait "$p" 2>/dev/null; done
	hogs=()
}
trap 'end_hogs; rm -rf "$work"' EXIT
trap 'exit 130' INT TERM
# A copy of the binary, as tests/run.sh does: a rebuild cannot swap it mid-run.
if [ -z "${BPFBR_BIN:-}" ]; then
	cp "$BUILD/bpfbr" "$work/bpfbr" && chmod 755 "$work" || exit 1
	export BPFBR_BIN=$work/bpfbr
fi

# The schedule: run 1 of every file in every mode, then run 2, …
declare -a files=() modes=() runs=()
for ((r = 1; r <= RUNS; r++)); do
	for mode in ${BPFBR_TEST_MODES:-tc xdp}; do
		for n in "${names[@]}"; do
			if [ "$mode" != tc ] && grep -q '^# modes: tc$' "tests/net/$n.sh"; then continue; fi
			files+=("$n")
			modes+=("$mode")
			runs+=("$r")
		done
	done
done

# One busy loop per CPU, bounded by the longest the schedule can take.
hog_secs=$(((${#files[@]} + JOBS - 1) / JOBS * (BOUND + 30) + 60))
for ((i = 0; i < HOGS; i++)); do
	timeout "$hog_secs" bash -c 'while :; do :; done' &
	hogs+=("$!")
done
echo "stress: ${#files[@]} runs of ${#names[@]} files, $JOBS at a time, $HOGS CPU hogs (pids ${hogs[*]})"

start=$SECONDS
for i in "${!files[@]}"; do
	while [ "$(jobs -rp | wc -l)" -ge "$((JOBS + HOGS))" ]; do wait -n; done
	(
		t0=$SECONDS
		BPFBR_TEST_MODE=${modes[$i]} timeout -k 30 "$BOUND" bash "tests/net/${files[$i]}.sh" \
			>"$work/$i.out" 2>&1
		echo "$? $((SECONDS - t0))" >"$work/$i.done"
	) &
done
for i in "${!files[@]}"; do
	while [ ! -s "$work/$i.done" ]; do sleep 1; done
done
end_hogs
secs=$((SECONDS - start))

# Per run: failed or not, and which tests failed (a timeout or a silent
# non-zero exit named as such).
rm -rf "$BUILD/stress"
mkdir -p "$BUILD/stress"
table=$work/table
: >"$table"
for i in "${!files[@]}"; do
	read -r rc took <"$work/$i.done"
	failed=$(sed -n 's/^FAIL \([^:]*\):.*/\1/p' "$work/$i.out" | sed 's#^[^/]*/##' | tr '\n' ' ')
	if [ "$rc" = 124 ] || [ "$rc" = 137 ]; then
		failed+="(timed out after $BOUND s) "
	elif [ "$rc" != 0 ] && [ -z "$failed" ]; then
		failed="(exit status $rc) "
	fi
	tests=$(grep -cE '^(PASS|FAIL|SKIP) ' "$work/$i.out")
	tfail=$(grep -c '^FAIL ' "$work/$i.out")
	echo "${files[$i]} ${modes[$i]} ${runs[$i]} $took $tests $tfail ${failed% }" >>"$table"
	if [ -n "$failed" ]; then
		cp "$work/$i.out" "$BUILD/stress/${files[$i]}.${modes[$i]}.${runs[$i]}.out"
	fi
done

# The table: file, mode, runs, failed runs, test failures / test runs, which tests failed (times).
summary() {
	awk '
	{
		k = $1 " " $2
		if (!(k in runs)) order[n++] = k
		runs[k]++; tests[k] += $5; tfail[k] += $6
		if (NF > 6) {
			bad[k]++
			for (i = 7; i <= NF; i++) {
				if ($i ~ /^\(/) { w = $i; while ($i !~ /\)$/ && i < NF) w = w " " $(++i); } else w = $i
				hit[k, w]++
				if (!((k, w) in seen)) { seen[k, w] = 1; names[k] = names[k] (names[k] ? ", " : "") w }
			}
		}
	}
	END {
		printf "%-14s %-4s %5s %7s %11s  %s\n", "file", "mode", "runs", "failed", "tests", "failed tests (times)"
		for (j = 0; j < n; j++) {
			k = order[j]; split(k, a, " ")
			w = ""
			m = split(names[k], ws, ", ")
			for (x = 1; x <= m; x++) w = w (w ? ", " : "") ws[x] " (" hit[k, ws[x]] ")"
			line = sprintf("%-14s %-4s %5d %7d %5d/%-5d  %s", a[1], a[2], runs[k], bad[k], tfail[k], tests[k], w)
			sub(/ +$/, "", line)
			print line
			R += runs[k]; B += bad[k]; T += tests[k]; F += tfail[k]
		}
		printf "%-14s %-4s %5d %7d %5d/%d\n", "all", "", R, B, F, T
	}' "$table"
}

mkdir -p "$BUILD"
{
	echo "# bpfbr stress report"
	echo
	echo "$(date -u '+%Y-%m-%d %H:%M UTC'), $(git describe --always --dirty 2>/dev/null || echo dev)," \
		"kernel $(uname -r), $(nproc) CPUs, $HOGS CPU hogs, $JOBS files at a time; $secs s in all."
	echo "Each file $RUNS times per mode (${BPFBR_TEST_MODES:-tc xdp}); failed: runs with a FAIL" \
		"or a non-zero exit; tests: test failures / tests run."
	echo
	summary | sed 's/^/    /'
	if [ -n "$(ls "$BUILD/stress")" ]; then
		echo
		echo "## What the failed tests said"
		echo
		for f in "$BUILD"/stress/*.out; do
			echo "$(basename "$f" .out):"
			grep -E '^FAIL |^  FAIL: ' "$f" | head -20 | sed 's/^/    /'
		done
	fi
} >"$BUILD/stress-report.md"
summary
echo "stress report: $BUILD/stress-report.md"
bad=$(awk 'NF > 6' "$table" | grep -c .)
echo "${#files[@]} runs, $bad failed"
[ "$bad" = 0 ]
