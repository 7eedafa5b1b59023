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
# Under emulation (QEMU without KVM) the hostile-frame fuzz test runs a sample.
if [ $in_vm = 1 ]; then
	export BPFBR_FUZZ_FRAMES=${BPFBR_FUZZ_FRAMES:-20000}
fi
if [ ${#suites[@]} -eq 0 ]; then
	if [ $in_vm = 1 ]; then suites=(bpf verifier net); else suites=(style unit fuzz bpf verifier net vm); fi
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

# report NAME PREFIX OUT RC SECS [TESTFILE]: shows a finished suite's output
# with its result lines relabelled with PREFIX (an inner run's recap of its
# failures left out: they are counted once), a FAIL if it failed without
# saying why, and for a net test file a FAIL for each of its tests that never
# reported (the file was killed or stopped early).
report() {
	local name=$1 prefix=$2 out=$3 rc=$4 secs=$5 file=${6:-} suite t
	echo "== $name ($secs s)"
	sed -E -e '/^== failures:$/,$d' -e "s#^(PASS|FAIL|SKIP) #\1 ${prefix}#" "$out" >"$out.rel"
	if [ -n "$file" ]; then
		suite=$(basename "$file" .sh)
		for t in $(grep -oE '^test_[A-Za-z0-9_]+\(\)' "$file" | sed -E 's/^test_//; s/\(\)$//'); do
			grep -qE "^(PASS|FAIL|SKIP) ${prefix}${suite}/${t}(:| \(|$)" "$out.rel" ||
				echo "FAIL ${prefix}${suite}/${t}: never reported: the file ended early (status $rc)" >>"$out.rel"
		done
	fi
	if [ "$rc" != 0 ] && ! grep -q '^FAIL ' "$out.rel"; then
		echo "FAIL ${prefix}${name}: exited with status $rc without reporting a failure" >>"$out.rel"
	fi
	cat "$out.rel"
	cat "$out.rel" >>"$log"
	rm -f "$out" "$out.rel"
}

# run_suite NAME PREFIX CMD...: runs CMD and reports it.
run_suite() {
	local name=$1 prefix=$2 out start rc
	shift 2
	out=$(mktemp /tmp/bpfbr-suite.XXXXXX)
	start=$SECONDS
	"$@" >"$out" 2>&1
	rc=$?
	report "$name" "$prefix" "$out" "$rc" $((SECONDS - start))
}

# The namespace test files, each against both datapaths: TC (net/) and XDP
# (net-xdp/); a file marked "# modes: tc" tests what does not depend on the
# datapath (e.g. input validation) and runs once; inside the VMs run the
# files marked "# vm: yes" (both modes) or "# vm: tc" (what the kernel's
# version changes does not depend on the datapath: TC only, as emulation is
# slow); BPFBR_NET_FILES="a b" picks files by name. Files run BPFBR_TEST_JOBS
# at a time (default 2): every test builds a world of its own, and most of
# their time is spent waiting on the network. Results are shown in order.
net_tests() {
	local t mode prefix dir i rc secs jobs=${BPFBR_TEST_JOBS:-2}
	local -a files modes
	dir=$(mktemp -d /tmp/bpfbr-net.XXXXXX)
	for mode in ${BPFBR_TEST_MODES:-tc xdp}; do
		for t in tests/net/*.sh; do
			[ "$t" = tests/net/lib.sh ] && continue
			if [ -n "${BPFBR_NET_FILES:-}" ] && ! [[ " $BPFBR_NET_FILES " == *" $(basename "$t" .sh) "* ]]; then
				continue
			fi
			if [ $in_vm = 1 ] && ! grep -qE '^# vm: (yes|tc)$' "$t"; then continue; fi
			if [ $in_vm = 1 ] && [ "$mode" != tc ] && grep -q '^# vm: tc$' "$t"; then continue; fi
			if [ "$mode" != tc ] && grep -q '^# modes: tc$' "$t"; then continue; fi
			files+=("$t")
			modes+=("$mode")
		done
	done
	for i in "${!files[@]}"; do
		while [ "$(jobs -rp | wc -l)" -ge "$jobs" ]; do wait -n; done
		(
			start=$SECONDS
			BPFBR_TEST_MODE=${modes[$i]} timeout -k 20 "${BPFBR_FILE_TIMEOUT:-1500}" \
				bash "${files[$i]}" >"$dir/$i.out" 2>&1
			echo "$? $((SECONDS - start))" >"$dir/$i.done"
		) &
	done
	for i in "${!files[@]}"; do
		while [ ! -s "$dir/$i.done" ]; do sleep 1; done
		prefix=net/
		[ "${modes[$i]}" = tc ] || prefix=net-${modes[$i]}/
		read -r rc secs <"$dir/$i.done"
		report "$prefix$(basename "${files[$i]}" .sh)" "$prefix" "$dir/$i.out" "$rc" "$secs" \
			"${files[$i]}"
	done
	wait
	rm -rf "$dir"
}

# Every libFuzzer target from its seeds (tests/fuzz/corpus/NAME) for
# FUZZ_SECONDS in all (default 60; each target that long with FUZZ_EACH=1).
# What a target finds new is kept in build/fuzz/corpus/NAME, a crashing
# input in build/fuzz/crashes/.
fuzz_tests() {
	local bins=("$BUILD"/fuzz/fuzz-*) t name secs corpus out crash own flags
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
		# A target's own dictionary (tests/fuzz/NAME.dict) and libFuzzer flags
		# (tests/fuzz/NAME.flags, e.g. -close_fd_mask=3 for a chatty target).
		own=()
		[ -f "tests/fuzz/$name.dict" ] && own+=("-dict=tests/fuzz/$name.dict")
		[ -f "tests/fuzz/$name.flags" ] && read -r -a flags <"tests/fuzz/$name.flags" && own+=("${flags[@]}")
		# A fixed seed in make check (deterministic); FUZZ_SEED=0 for a fresh one.
		if out=$("$t" -seed="${FUZZ_SEED:-1}" -max_total_time="$secs" -timeout=10 -rss_limit_mb=2048 \
			${own[@]+"${own[@]}"} \
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
	# The guest has a /tmp of its own: it copies the binary itself, so the
	# host's copy (BPFBR_BIN, under the host's /tmp) is not passed on.
	for k in ${VMTEST_KERNELS:-6.1 6.12}; do
		run_suite "vm-$k" "vm-$k/" env -u BPFBR_BIN scripts/vmtest.sh "$k" tests/run.sh --vm
	done
}

# The sources follow .clang-format (kernel style, 100 columns), and the
# agent's includes its layers (scripts/layers.sh).
style_tests() {
	local out

	if out=$(make -s format-check 2>&1); then
		echo "PASS style/clang-format"
	else
		echo "$out" | head -20
		echo "FAIL style/clang-format: $(echo "$out" | grep -c 'should be clang-formatted') places differ; run: make format"
	fi
	# The agent's layers: no include from a lower layer to a higher one.
	if out=$(scripts/layers.sh 2>&1); then
		echo "PASS style/layers"
	else
		echo "$out" | head -20
		echo "FAIL style/layers: $(echo "$out" | tail -1) cross the agent's layers upward; see README \"Repository layout\""
	fi
}

for s in "${suites[@]}"; do
	case "$s" in
	style) run_suite style "" style_tests ;;
	unit) run_suite unit "" "$BUILD/tests/unit-asan" -s unit ;;
	fuzz) run_suite fuzz "" fuzz_tests ;;
	bpf) run_suite bpf "" "$BUILD/tests/bpf-tests" -j "${BPFBR_TEST_JOBS:-2}" -s bpf ;;
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
