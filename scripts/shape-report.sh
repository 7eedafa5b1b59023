#!/bin/bash
# SPDX-License-Identifier: GPL-2.0-only OR BSD-2-Clause
# The shape of the source tree, in numbers (issue 12): `make shape-report`.
#   1. the .c/.h files under agent/ bpf/ include/ tests/ over 500 lines;
#   2. the pairs `duplicates` finds in agent/ and in bpf/ (if it is on PATH);
#   3. the #include edges in agent/ that run from a lower layer to a higher one,
#      and the pairs of agent modules (foo.c + foo.h) that include each other.
# Informational: it always exits 0, and is not part of make check.
set -euo pipefail
cd "$(dirname "$0")/.."

echo "== files over 500 lines"
big=$(find agent bpf include tests -name '*.[ch]' -print0 | xargs -0 wc -l |
	awk '$2 != "total" && $1 > 500 { printf "%6d %s\n", $1, $2 }' | sort -rn)
[ -z "$big" ] || echo "$big"
echo "$(grep -c . <<<"$big" || true) files"

echo "== duplicates (pairs of places sharing 6 or more lines)"
for dir in agent bpf; do
	if command -v duplicates >/dev/null; then
		printf '%-6s %s\n' "$dir:" "$(duplicates --repo "$dir" | head -1)"
	else
		echo "$dir: duplicates is not on PATH; not counted"
	fi
done

# The layer of an agent file, by its name without .c/.h, lowest first:
#   lib    leaves: parsing, strict JSON, logging, paths, output, names
#   sys    mechanisms over the kernel: netlink, namespaces, hook attach, pins, map access
#   core   the rest: networks, ports, state, IPAM, datapaths, reconcile
#   cli    the command line;  cni  the CNI plugin (side by side: neither includes the other)
#   entry  main.c, which dispatches to both
layer() {
	case $1 in
	main) echo entry ;;
	cli | cli_*) echo cli ;;
	cni | cni_*) echo cni ;;
	netlink | netns | mntns | attach | pins | dpmaps | ethtool | sysctl) echo sys ;;
	parse | jsonutil | log | paths | output | counter_names) echo lib ;;
	*) echo core ;;
	esac
}
rank() {
	case $1 in
	lib) echo 0 ;; sys) echo 1 ;; core) echo 2 ;; cli | cni) echo 3 ;; entry) echo 4 ;;
	esac
}

echo "== agent #include edges from a lower layer to a higher one (or between cli and cni)"
n=0
declare -A uses # "a b": module a includes b.h
for f in agent/*.[ch]; do
	from=$(basename "${f%.?}")
	lf=$(layer "$from")
	while read -r inc; do
		[ -e "agent/$inc.h" ] || continue
		[ "$inc" = "$from" ] || uses["$from $inc"]=1
		lt=$(layer "$inc")
		if [ "$(rank "$lt")" -gt "$(rank "$lf")" ] ||
			{ [ "$lf" != "$lt" ] && [ "$(rank "$lt")" = "$(rank "$lf")" ]; }; then
			printf '  %-22s -> %-16s %s -> %s\n' "$(basename "$f")" "$inc.h" "$lf" "$lt"
			n=$((n + 1))
		fi
	done < <(sed -n 's/^#include "\([a-z_0-9]*\)\.h".*/\1/p' "$f")
done
echo "$n edges"

echo "== agent modules that include each other"
mutual=$(for k in "${!uses[@]}"; do
	read -r a b <<<"$k"
	if [[ "$a" < "$b" ]] && [ -n "${uses["$b $a"]:-}" ]; then echo "  $a <-> $b"; fi
done | sort)
[ -z "$mutual" ] || echo "$mutual"
echo "$(grep -c . <<<"$mutual" || true) pairs"
