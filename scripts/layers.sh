#!/bin/bash
# SPDX-License-Identifier: GPL-2.0-only OR BSD-2-Clause
# The agent's layers (README "Repository layout"): a file's folder is its
# layer, and an #include "x.h" may name a header of its own layer or of a
# lower one, never a higher one; cli and cni sit side by side and never
# include each other. The build already refuses such an include in a .c file
# (each layer compiles with the include paths of its own and lower layers);
# this also covers headers, and names every offending edge.
# It prints the edges that break the rule, one a line, then "N edges", and
# exits 1 if there is any.
set -euo pipefail
cd "$(dirname "$0")/.."

# Lowest first. cli and cni share a rank: neither may include the other.
rank() {
	case $1 in
	lib) echo 0 ;; sys) echo 1 ;; core) echo 2 ;; cli | cni) echo 3 ;; agent) echo 4 ;;
	*) echo "scripts/layers.sh: $1 is not a layer; add it to rank()" >&2 && exit 2 ;;
	esac
}

# Where every header lives; a header name must be unique across layers.
declare -A home
for h in agent/*/*.h; do
	n=$(basename "$h")
	if [ -n "${home[$n]:-}" ]; then
		echo "$n is in two layers: ${home[$n]} and $(dirname "$h")"
		exit 1
	fi
	home[$n]=$(basename "$(dirname "$h")")
done
stray=$(find agent -maxdepth 1 -name '*.[ch]' ! -name main.c)
if [ -n "$stray" ]; then
	echo "not in a layer folder: $stray"
	exit 1
fi

n=0
for f in agent/*.c agent/*/*.[ch]; do
	from=$(basename "$(dirname "$f")")
	while read -r inc; do
		to=${home[$inc]:-}
		[ -n "$to" ] || continue # a system or include/bpfbr header
		if [ "$(rank "$to")" -gt "$(rank "$from")" ] ||
			{ [ "$to" != "$from" ] && [ "$(rank "$to")" = "$(rank "$from")" ]; }; then
			printf '%s includes %s: %s may not include %s\n' "$f" "$inc" "$from" "$to"
			n=$((n + 1))
		fi
	done < <(sed -n 's/^#include "\([^"]*\)".*/\1/p' "$f")
done
echo "$n edges"
[ "$n" = 0 ]
