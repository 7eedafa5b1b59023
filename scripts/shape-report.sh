#!/bin/bash
# SPDX-License-Identifier: GPL-2.0-only OR BSD-2-Clause
# The shape of the source tree, in numbers (issue 12): `make shape-report`.
#   1. the .c/.h files under agent/ bpf/ include/ tests/ over 500 lines;
#   2. the pairs `duplicates` finds in agent/ and in bpf/ (if it is on PATH);
#   3. the #include edges in agent/ that run from a lower layer to a higher one
#      (the layer is the folder; scripts/layers.sh, which make check runs),
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

echo "== agent #include edges that cross the layers upward (scripts/layers.sh)"
scripts/layers.sh || true

declare -A uses # "a b": module a includes b.h
for f in agent/*.c agent/*/*.[ch]; do
	from=$(basename "${f%.?}")
	while read -r inc; do
		[ "$inc" != "$from" ] && compgen -G "agent/*/$inc.h" >/dev/null || continue
		uses["$from $inc"]=1
	done < <(sed -n 's/^#include "\([a-z_0-9]*\)\.h".*/\1/p' "$f")
done

echo "== agent modules that include each other"
mutual=$(for k in "${!uses[@]}"; do
	read -r a b <<<"$k"
	if [[ "$a" < "$b" ]] && [ -n "${uses["$b $a"]:-}" ]; then echo "  $a <-> $b"; fi
done | sort)
[ -z "$mutual" ] || echo "$mutual"
echo "$(grep -c . <<<"$mutual" || true) pairs"
