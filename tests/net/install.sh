#!/usr/bin/env bash
# modes: tc
# What `make install` puts in place, and `make help`: one stripped binary
# with links for the CNI plugin, and every target listed.
. "$(dirname "$0")/lib.sh"

# The targets the Makefile and its includes declare.
targets() {
	cat "$TOP/Makefile" "$TOP"/tests/*.mk "$TOP"/tests/*/*.mk "$TOP"/scripts/*/*.mk 2>/dev/null |
		awk '/^\.PHONY:/ { for (i = 2; i <= NF; i++) print $i }' | sort -u
}

test_make_help_lists_every_target() {
	local help t
	help=$(make -s -C "$TOP" help) || fail "make help failed" || return 1
	for t in $(targets); do
		[ "$t" = all ] && continue
		grep -qE "^make $t( |$)|\(also: make $t\)" <<<"$help" || fail "make help does not list '$t'" || return 1
	done
}

# make install into a DESTDIR: bpfbr once, stripped; the CNI plugin paths
# are links to it. (BUILD points at the tested binary's directory.)
test_make_install_one_stripped_binary() {
	local d=$ROOT/inst bin n
	make -s -C "$TOP" install DESTDIR="$d" PREFIX=/usr BUILD="$(dirname "$BPFBR_BIN")" >"$ROOT/.out" 2>&1 ||
		fail "make install failed: $(tail -3 "$ROOT/.out")" || return 1
	bin=$d/usr/sbin/bpfbr
	[ -f "$bin" ] && [ ! -L "$bin" ] || fail "no $bin" || return 1
	n=$(find "$d" -type f -name bpfbr | wc -l)
	[ "$n" = 1 ] || fail "$n copies of bpfbr installed: $(find "$d" -name bpfbr)" || return 1
	for l in opt/cni/bin/bpfbr usr/lib/cni/bpfbr; do
		[ "$(readlink "$d/$l")" = /usr/sbin/bpfbr ] || fail "$l is not a link to /usr/sbin/bpfbr" || return 1
	done
	readelf -S "$bin" | grep -q '\.symtab' && fail "$bin is not stripped" && return 1
	"$bin" help >/dev/null || fail "the installed bpfbr does not run" || return 1
}

run_tests "$@"
