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
	# The programs installed: ELF files, wherever they are.
	n=$(find "$d" -type f -exec sh -c 'readelf -h "$1" >/dev/null 2>&1' _ {} \; -print | wc -l)
	[ "$n" = 1 ] || fail "$n programs installed: $(find "$d" -type f)" || return 1
	for l in opt/cni/bin/bpfbr usr/lib/cni/bpfbr; do
		[ "$(readlink "$d/$l")" = /usr/sbin/bpfbr ] || fail "$l is not a link to /usr/sbin/bpfbr" || return 1
	done
	readelf -S "$bin" | grep -q '\.symtab' && fail "$bin is not stripped" && return 1
	"$bin" help >/dev/null || fail "the installed bpfbr does not run" || return 1
	for f in usr/share/man/man8/bpfbr.8 usr/share/bash-completion/completions/bpfbr \
		usr/lib/systemd/system/bpfbr-restore.service; do
		[ -s "$d/$f" ] || fail "make install did not install $f" || return 1
	done
	grep -qx "ExecStart=/usr/sbin/bpfbr restore" "$d/usr/lib/systemd/system/bpfbr-restore.service" ||
		fail "the unit does not run /usr/sbin/bpfbr restore: $(cat "$d/usr/lib/systemd/system/bpfbr-restore.service")" ||
		return 1
	# systemd's own check, of a copy that runs the binary where DESTDIR put it
	# (the man page it names is not installed on this machine: --man=no).
	if command -v systemd-analyze >/dev/null; then
		sed "s|^ExecStart=/usr/sbin/bpfbr|ExecStart=$bin|" "$d/usr/lib/systemd/system/bpfbr-restore.service" \
			>"$ROOT/bpfbr-restore.service"
		systemd-analyze verify --man=no "$ROOT/bpfbr-restore.service" >"$ROOT/.out" 2>&1 ||
			fail "systemd-analyze verify: $(cat "$ROOT/.out")" || return 1
		[ ! -s "$ROOT/.out" ] || fail "systemd-analyze verify: $(cat "$ROOT/.out")" || return 1
	fi
}

# helped: the commands `bpfbr --help` lists, one per line ("net create").
helped() {
	"$BPFBR_BIN" --help | awk '/^Commands:/ { on = 1; next } on && /^$/ { exit } on { print $1 ($2 ~ /^[a-z]+$/ ? " " $2 : "") }'
}

# bpfbr(8): renders without a warning; its commands are exactly those of
# --help, and it names every option of every command.
test_man_page_renders_and_matches_help() {
	local page=$ROOT/bpfbr.8 c o
	"$TOP/scripts/install/man.sh" "$BPFBR_BIN" >"$page" || fail "man.sh failed" || return 1
	LC_ALL=C.UTF-8 MANWIDTH=80 man --warnings -l "$page" >"$ROOT/man.txt" 2>"$ROOT/.err" ||
		fail "man -l failed: $(cat "$ROOT/.err")" || return 1
	[ ! -s "$ROOT/.err" ] || fail "man --warnings: $(head -5 "$ROOT/.err")" || return 1
	groff -ww -man -Tutf8 -z "$page" 2>"$ROOT/.err" || fail "groff failed" || return 1
	[ ! -s "$ROOT/.err" ] || fail "groff -ww: $(head -5 "$ROOT/.err")" || return 1
	[ "$(helped | wc -l)" -ge 15 ] || fail "--help lists $(helped | wc -l) commands" || return 1
	# The page's command headings, as words ("net create").
	awk '/^\.SH COMMANDS/ { on = 1; next } /^\.SH/ { on = 0 } on && /^\.SS/ { print $2 ($3 ~ /^[a-z]+$/ ? " " $3 : "") }' "$page" |
		sed 's/\\-/-/g' >"$ROOT/man.cmds"
	[ "$(helped)" = "$(cat "$ROOT/man.cmds")" ] ||
		fail "the man page's commands differ from --help: $(diff <(helped) "$ROOT/man.cmds" | grep '^[<>]' | tr '\n' ' ')" ||
		return 1
	while read -r c; do
		for o in $("$BPFBR_BIN" $c --help | awk '/^Options:/ { on = 1; next } /^$/ { on = 0 } on { print $1 }'); do
			grep -q -- "^ *$o\b" "$ROOT/man.txt" || fail "the man page lacks $o of $c" || return 1
		done
	done < <(helped)
	for o in -j --json -v --verbose -h --help -V --version --root; do
		grep -q -- "$o" "$ROOT/man.txt" || fail "the man page lacks $o" || return 1
	done
	for s in "EXIT STATUS" FILES EXAMPLES ENVIRONMENT; do
		grep -q "^$s" "$ROOT/man.txt" || fail "the man page has no $s" || return 1
	done
}

# completions WORD…: what the bash completion offers for the last WORD, run
# in the node namespace (where the test's networks are).
completions() {
	node bash -c 'source "$0"; COMP_WORDS=("$@"); COMP_CWORD=$(($# - 1)); _bpfbr; printf "%s\n" "${COMPREPLY[@]}" | sort' \
		"$TOP/scripts/install/bpfbr.bash" "$BPFBR_BIN" --root "$ROOT" "$@"
}

test_bash_completion() {
	local got
	check "net create" bpfbr net create demo --subnet 10.40.0.0/24 || return 1
	check "net create" bpfbr net create dev2 --subnet 10.41.0.0/24 || return 1
	ns_new c1 || return 1
	got=$(completions "" | paste -sd' ')
	[ "$got" = "$(helped | cut -d' ' -f1 | sort -u | paste -sd' ')" ] || fail "first words: '$got'" || return 1
	[ "$(completions net "" | paste -sd' ')" = "create delete inspect list" ] ||
		fail "net's subcommands: '$(completions net "" | paste -sd' ')'" || return 1
	[ "$(completions net delete d | paste -sd' ')" = "demo dev2" ] ||
		fail "network names: '$(completions net delete d | paste -sd' ')'" || return 1
	completions attach demo "$PREFIX-c" | grep -qx "$(ct c1)" ||
		fail "namespace names: '$(completions attach demo "$PREFIX-c" | paste -sd' ')'" || return 1
	got=$(completions net create x --sub)
	[ "$got" = --subnet ] || fail "options of net create: '$got'" || return 1
	completions status --j | grep -qx -- --json || fail "global options: '$(completions status --j)'" || return 1
	# Every option of every command is offered.
	while read -r c; do
		for o in $("$BPFBR_BIN" $c --help | awk '/^Options:/ { on = 1; next } /^$/ { on = 0 } on { print $1 }'); do
			completions $c -- | grep -qx -- "$o" || fail "$o of $c is not completed" || return 1
		done
	done < <(helped)
}

run_tests "$@"
