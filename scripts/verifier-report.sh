#!/usr/bin/env bash
# Writes build/verifier-report.md: for every BPF program, on the host kernel
# and on each VM kernel, whether the verifier accepted it and how many
# instructions it processed (the limit is 1 000 000).
#   scripts/verifier-report.sh [KERNEL...]     (default: 6.1 6.12)
set -uo pipefail
cd "$(dirname "$0")/.."
BUILD=${BUILD:-build}
out=$BUILD/verifier-report.md
objs=("$BUILD"/bpf/*.bpf.o)
tool=$BUILD/tests/verifier-report
if [ $# -gt 0 ]; then kernels=("$@"); else kernels=(6.1 6.12); fi

tmp=$(mktemp -d /tmp/bpfbr-verifier.XXXXXX)
trap 'rm -rf "$tmp"' EXIT

"$tool" "${objs[@]}" >"$tmp/host" 2>&1
echo "$(uname -r)" >"$tmp/host.release"
for k in "${kernels[@]}"; do
	scripts/vmtest.sh "$k" sh -c "uname -r; $tool ${objs[*]}" >"$tmp/$k" 2>/dev/null
	head -1 "$tmp/$k" >"$tmp/$k.release"
done

{
	echo "# Verifier report ($(date -u +%Y-%m-%d))"
	echo
	printf '| program |'
	for k in host "${kernels[@]}"; do printf ' %s |' "$(cat "$tmp/$k.release")"; done
	printf '\n|---|'
	for _ in host "${kernels[@]}"; do printf -- '---:|'; done
	echo
	for prog in $(awk '/^(PASS|FAIL|SKIP) verifier\// {sub(/:$/, "", $2); print $2}' "$tmp/host" | sed 's#verifier/##'); do
		printf '| %s |' "$prog"
		for k in host "${kernels[@]}"; do
			line=$(grep -E "^(PASS|FAIL|SKIP) verifier/${prog}[: ]" "$tmp/$k")
			case "$line" in
			PASS*) printf ' %s |' "$(echo "$line" | awk '{print $NF}')" ;;
			FAIL*) printf ' rejected |' ;;
			SKIP*) printf ' refused (tracing) |' ;;
			*) printf ' not run |' ;;
			esac
		done
		echo
	done
	echo
	echo "Numbers are the verifier's processed-instruction counts (limit 1000000)."
} >"$out"
cat "$out"
