#!/usr/bin/env bash
# modes: tc
# make demo, as a newcomer runs it (scripts/demo.sh, under its own names and
# root here): exit 0, the connectivity and tables it promises, nothing left.
. "$(dirname "$0")/lib.sh"

test_demo_shows_the_network_and_leaves_nothing() {
	local out rc n pfx=$PREFIX-demo root=$ROOT/demo left=""
	out=$(DEMO_PREFIX=$pfx DEMO_ROOT=$root timeout 300 "$TOP/scripts/demo.sh" 2>&1)
	rc=$?
	for n in node c1 c2 ext; do [ ! -e "/run/netns/$pfx-$n" ] || left+=" $pfx-$n"; done
	[ ! -e "$root" ] || left+=" $root"
	# Whatever the demo left, the test removes (then says so).
	[ -z "$left" ] || DEMO_PREFIX=$pfx DEMO_ROOT=$root "$TOP/scripts/demo.sh" --down >/dev/null 2>&1
	[ $rc = 0 ] || fail "scripts/demo.sh exited $rc: $(tail -3 <<<"$out" | tr '\n' ' ')" || return 1
	[ -z "$left" ] || fail "the demo left$left behind" || return 1
	# c1 -> c2, c1 -> gateway, node -> c1, c1 -> the external host.
	[ "$(grep -c ' 0% packet loss' <<<"$out")" = 4 ] ||
		fail "not every ping of the demo answered: $(grep 'packet loss' <<<"$out" | tr '\n' ' ')" || return 1
	grep -q "IP 198.51.100.1 > 198.51.100.2: ICMP echo request" <<<"$out" ||
		fail "the external host did not see the uplink's address" || return 1
	grep -q '"mac": \[' <<<"$out" || fail "no bpftool dump of the fdb with BTF field names" || return 1
	grep -q "dev .* master demo static" <<<"$out" || fail "no fdb listing" || return 1
}

run_tests "$@"
