#!/usr/bin/env bash
# Runs the test suites and prints, as its last line, "N passed, N failed, N skipped".
#   tests/run.sh [--vm] [SUITE...]
# Suites: unit (userspace, under ASan/UBSan), fuzz (libFuzzer targets, 60 s in
# all, or FUZZ_SECONDS), bpf (BPF_PROG_TEST_RUN),
# verifier (every program loads; processed-instruction counts), net
# (namespace tests through the CLI, once per datapath mode: TC and XDP; set
# BPFBR_TEST_MODES to pick), vm (bpf, verifier and the VM-tagged net
# tests inside QEMU on Debian's 6.1 and 6.12 kernels). Default: all of them.
# --vm is how the VM runs itself: those three suites, no vm suite.
# Each suite prints "PASS name", "FAIL name: why", "SKIP name: why" lines.
set -uo pipefail
cd "$(dirname "$0")/.."

BUILD=${BUILD:-build}
in_vm=0
suites=()
for a in "$@"; do
	case "$a" in
	--vm) in_vm=1 ;;
	-h|--help) sed -n '2,11p' "$0"; exit 0 ;;
	*) suites+=("$a") ;;
	esac
done
if [ ${#suites[@]} -eq 0 ]; then
	if [ $in_vm = 1 ]; then suites=(bpf verifier net); else suites=(unit fuzz bpf verifier net vm); fi
fi

log=$(mktemp /tmp/bpfbr-tests.XXXXXX)
# The namespace suites run a copy of the binary: a rebuild meanwhile cannot
# swap it under a running test.
bindir=$(mktemp -d /tmp/bpfbr-bin.XXXXXX)
trap 'rm -f "$log"; rm -rf "$bindir"' EXIT
if [ -z "${BPFBR_BIN:-}" ] && [ -x "$BUILD/bpfbr" ]; then
	chmod 755 "$bindir" # the not-root test runs it as nobody
	cp "$BUILD/bpfbr" "$bindir/bpfbr"
	export BPFBR_BIN=$bindir/bpfbr
fi

# run_suite NAME PREFIX CMD...: runs CMD, shows its output, relabels result lines
# with PREFIX, and adds a FAIL if CMD failed without saying why.
run_suite() {
	local name=$1 prefix=$2 out rc
	shift 2
	echo "== $name: $*"
	out=$(mktemp /tmp/bpfbr-suite.XXXXXX)
	"$@" 2>&1 | sed -u -E "s#^(PASS|FAIL|SKIP) #\1 ${prefix}#" | tee "$out"
	rc=${PIPESTATUS[0]}
	if [ "$rc" != 0 ] && ! grep -q '^FAIL ' "$out"; then
		echo "FAIL ${prefix}${name}: exited with status $rc without reporting a failure" | tee -a "$out"
	fi
	cat "$out" >>"$log"
	rm -f "$out"
}

# The functional tests run against both datapaths: TC (net/) and XDP (net-xdp/).
net_tests() {
	local t mode prefix
	for mode in ${BPFBR_TEST_MODES:-tc xdp}; do
		prefix=net/
		[ "$mode" = tc ] || prefix=net-$mode/
		for t in tests/net/*.sh; do
			[ "$t" = tests/net/lib.sh ] && continue
			if [ $in_vm = 1 ] && ! grep -q '^# vm: yes' "$t"; then continue; fi
			BPFBR_TEST_MODE=$mode run_suite "$prefix$(basename "$t" .sh)" "$prefix" \
				bash "$t"
		done
	done
}

# Every libFuzzer target from its seeds (tests/fuzz/corpus/NAME) for
# FUZZ_SECONDS in all (default 60; each target that long with FUZZ_EACH=1).
# What a target finds new is kept in build/fuzz/corpus/NAME, a crashing
# input in build/fuzz/crashes/.
fuzz_tests() {
	local bins=("$BUILD"/fuzz/fuzz-*) t name secs corpus out crash
	if [ ! -x "${bins[0]}" ]; then
		echo "FAIL fuzz: no fuzz targets under $BUILD/fuzz (make test-build)"
		return
	fi
	secs=${FUZZ_SECONDS:-60}
	[ "${FUZZ_EACH:-0}" = 1 ] || secs=$((secs / ${#bins[@]}))
	for t in "${bins[@]}"; do
		name=${t##*/fuzz-}
		corpus=$BUILD/fuzz/corpus/$name
		mkdir -p "$corpus" "$BUILD/fuzz/crashes"
		if out=$("$t" -max_total_time="$secs" -timeout=10 -rss_limit_mb=2048 \
			-artifact_prefix="$BUILD/fuzz/crashes/$name-" "$corpus" "tests/fuzz/corpus/$name" 2>&1); then
			echo "PASS fuzz/$name: $(grep -o 'Done [0-9]* runs in [0-9]* second(s)' <<<"$out")"
		else
			crash=$(grep -o "Test unit written to [^ ]*" <<<"$out" | tail -1)
			tail -25 <<<"$out"
			echo "FAIL fuzz/$name: $(grep -m1 -o 'ERROR: .*' <<<"$out" || echo "exited with an error") (${crash:-no input saved})"
		fi
	done
}

vm_tests() {
	local k
	for k in ${VMTEST_KERNELS:-6.1 6.12}; do
		run_suite "vm-$k" "vm-$k/" scripts/vmtest.sh "$k" tests/run.sh --vm
	done
}

for s in "${suites[@]}"; do
	case "$s" in
	unit) run_suite unit "" "$BUILD/tests/unit-asan" -s unit ;;
	fuzz) run_suite fuzz "" fuzz_tests ;;
	bpf) run_suite bpf "" "$BUILD/tests/bpf-tests" -s bpf ;;
	verifier) run_suite verifier "" "$BUILD/tests/verifier-report" "$BUILD"/bpf/*.bpf.o ;;
	net) net_tests ;;
	vm) vm_tests ;;
	*) echo "unknown suite $s" >&2; exit 2 ;;
	esac
done

pass=$(grep -c '^PASS ' "$log")
fail=$(grep -c '^FAIL ' "$log")
skip=$(grep -c '^SKIP ' "$log")
if [ "$fail" != 0 ]; then
	echo "== failures:"
	grep '^FAIL ' "$log"
fi
echo "$pass passed, $fail failed, $skip skipped"
[ "$fail" = 0 ]
