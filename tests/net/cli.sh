#!/usr/bin/env bash
# modes: tc
# The command line as users of ip, bridge and docker network expect it: help
# at every level, aliases and prefixes, "did you mean", bundled short flags,
# one result line (or JSON object) per change, and the reason first in every
# refusal.
. "$(dirname "$0")/lib.sh"

mknet() { check "net create demo" bpfbr net create demo --subnet 10.40.0.0/24; }

# one_error WHAT 'WORD|WORD…' CMD…: CMD exits 2 (a wrong command line), prints
# nothing on stdout and one line on stderr holding every WORD.
one_error() {
	local what=$1 words=$2 rc w
	shift 2
	"$@" >"$ROOT/.out" 2>"$ROOT/.err"
	rc=$?
	[ "$rc" = 2 ] || fail "$what: '$*' exited $rc, expected 2: $(cat "$ROOT/.err")" || return 1
	[ ! -s "$ROOT/.out" ] || fail "$what: printed on stdout: $(head -c 200 "$ROOT/.out")" || return 1
	[ "$(wc -l <"$ROOT/.err")" = 1 ] || fail "$what: $(wc -l <"$ROOT/.err") lines on stderr: $(cat "$ROOT/.err")" ||
		return 1
	IFS='|' read -ra ws <<<"$words"
	for w in "${ws[@]}"; do
		grep -qF -- "$w" "$ROOT/.err" || fail "$what: the message lacks '$w': $(cat "$ROOT/.err")" || return 1
	done
}

test_help_at_every_level() {
	local g out
	for g in net fdb nat; do
		out=$(bpfbr "$g" --help) || fail "bpfbr $g --help exited $?" || return 1
		grep -q "^Usage: bpfbr $g COMMAND" <<<"$out" || fail "bpfbr $g --help: $out" || return 1
		[ "$(bpfbr help "$g")" = "$out" ] || fail "bpfbr help $g differs from bpfbr $g --help" || return 1
	done
	grep -q "net inspect NAME" <<<"$(bpfbr net -h)" || fail "net -h lacks net inspect" || return 1
	out=$(bpfbr net create --help) || return 1
	[ "$(bpfbr help net create)" = "$out" ] || fail "help net create differs from net create --help" || return 1
	[ "$(bpfbr -h net create)" = "$out" ] || fail "-h net create differs from net create --help" || return 1
	grep -q "^Usage: bpfbr net create NAME --subnet CIDR \[--gateway IP\]" <<<"$out" ||
		fail "--subnet is not shown as required: $(head -1 <<<"$out")" || return 1
	grep -q -- "--subnet CIDR .*(required)" <<<"$out" || fail "--subnet not marked (required)" || return 1
	out=$(bpfbr help) || fail "bpfbr help exited $?" || return 1
	grep -q -- "-V, --version" <<<"$out" || fail "the help does not list -V, --version" || return 1
	[ "$(bpfbr --help)" = "$out" ] || fail "--help differs from help" || return 1
	# No command: the help on stderr, exit 2.
	node "$BPFBR_BIN" >"$ROOT/.out" 2>"$ROOT/.err"
	[ $? = 2 ] || fail "bpfbr without arguments did not exit 2" || return 1
	[ ! -s "$ROOT/.out" ] || fail "bpfbr without arguments printed on stdout" || return 1
	grep -q "^Commands:" "$ROOT/.err" || fail "bpfbr without arguments: no help on stderr" || return 1
	one_error "a group alone" '"net" needs a subcommand|bpfbr net --help' bpfbr net || return 1
}

test_aliases_prefixes_and_suggestions() {
	mknet || return 1
	bpfbr net ls | grep -q "^demo " || fail "net ls does not list demo: $(bpfbr net ls)" || return 1
	bpfbr network list | grep -q "^demo " || fail "network list does not list demo" || return 1
	check "net cr (prefix)" bpfbr net cr other --subnet 10.41.0.0/24 || return 1
	bpfbr net insp other | grep -q "10.41.0.0/24" || fail "net insp (prefix) shows no subnet" || return 1
	check "st (prefix of status)" bpfbr st other || return 1
	check "net rm" bpfbr net rm other || return 1
	[ ! -e "$ROOT/var/lib/bpfbr/networks/other.json" ] || fail "net rm left other's state" || return 1
	one_error "misspelt command" 'unknown command "attch"|did you mean "attach"|bpfbr --help' \
		bpfbr attch demo x || return 1
	one_error "misspelt subcommand" 'unknown subcommand "dlete" of "net"|did you mean "delete"' \
		bpfbr net dlete demo || return 1
	one_error "ambiguous prefix" 'ambiguous command "n"|net, nat' bpfbr n list || return 1
	one_error "unknown, nothing near" 'unknown subcommand "frobnicate" of "net"|create, delete, list, inspect' \
		bpfbr net frobnicate || return 1
}

test_bundled_short_flags() {
	local out
	mknet || return 1
	out=$(bpfbr -jv net list 2>"$ROOT/.err") || fail "-jv net list failed: $(cat "$ROOT/.err")" || return 1
	[ "$(jq -r '.[0].name' <<<"$out")" = demo ] || fail "-jv did not print JSON: $out" || return 1
	out=$(bpfbr net list -vj 2>/dev/null) || return 1
	[ "$(jq -r '.[0].name' <<<"$out")" = demo ] || fail "-vj after the command: $out" || return 1
	one_error "an unknown short flag" 'unknown option -jx' bpfbr net list -jx || return 1
}

test_repeated_option_refused() {
	one_error "--subnet twice" '--subnet is given twice|10.40.0.0/24|10.41.0.0/24|give it once' \
		bpfbr net create demo --subnet 10.40.0.0/24 --subnet 10.41.0.0/24 || return 1
	one_error "--ip twice (= form)" '--ip is given twice' \
		bpfbr attach demo "$(ct c1)" --ip=10.40.0.5 --ip 10.40.0.6 || return 1
	[ ! -e "$ROOT/var/lib/bpfbr/networks/demo.json" ] || fail "a network was made" || return 1
}

# 200 addresses: the reason comes first, the value is cut, the line stays short.
test_long_values_elided() {
	local dns err
	dns=$(seq -f '10.9.%g.1' 1 200 | paste -sd,)
	bpfbr net create demo --subnet 10.40.0.0/24 --dns "$dns" 2>"$ROOT/.err" && fail "200 --dns accepted" || true
	err=$(cat "$ROOT/.err")
	grep -q 'must be 1 to 3 addresses' <<<"$err" || fail "the reason is missing: $err" || return 1
	grep -q "($(printf %s "$dns" | wc -c) bytes)" <<<"$err" || fail "the elided value does not say its length: $err" ||
		return 1
	[ "${#err}" -lt 300 ] || fail "the message is ${#err} bytes long: $err" || return 1
}

test_wording_names_the_right_fix() {
	local err
	mknet || return 1
	bpfbr net delete nosuchnet 2>"$ROOT/.err" && fail "deleting nosuchnet succeeded" || true
	err=$(cat "$ROOT/.err")
	grep -q "nosuchnet does not exist" <<<"$err" || fail "net delete nosuchnet: $err" || return 1
	! grep -q "net create" <<<"$err" || fail "net delete suggests creating the network: $err" || return 1
	bpfbr attach demo "$ROOT/nosuchfile" 2>"$ROOT/.err" && fail "attach to a missing file succeeded" || true
	err=$(cat "$ROOT/.err")
	grep -q "$ROOT/nosuchfile does not exist" <<<"$err" || fail "attach to a missing file: $err" || return 1
	! grep -q "ip netns add" <<<"$err" || fail "attach suggests ip netns add for a path: $err" || return 1
	# From another namespace: the network's namespace is named, not just its inode.
	ns_new other || return 1
	on other "$BPFBR_BIN" --root "$ROOT" status demo 2>"$ROOT/.err" && fail "status from another namespace passed"
	grep -q "another network namespace, $NODE (inode" "$ROOT/.err" ||
		fail "status from another namespace does not name $NODE: $(cat "$ROOT/.err")" || return 1
	on other "$BPFBR_BIN" --root "$ROOT" gc >"$ROOT/.out" 2>"$ROOT/.err" || fail "gc from another namespace failed" ||
		return 1
	grep -q "network demo not checked: it belongs to another network namespace, $NODE" "$ROOT/.err" ||
		fail "gc from another namespace does not say demo was not checked: $(cat "$ROOT/.err")" || return 1
}

test_changing_commands_report_a_result() {
	local out
	out=$(bpfbr net create demo --subnet 10.40.0.0/24) || return 1
	grep -q "^created network demo: subnet 10.40.0.0/24, gateway 10.40.0.1 on bpfbr" <<<"$out" ||
		fail "net create said: '$out'" || return 1
	out=$(bpfbr -j net create other --subnet 10.41.0.0/24 --mtu 1400) || return 1
	[ "$(jq -r '.name, .subnet, .mtu' <<<"$out" | paste -sd' ')" = "other 10.41.0.0/24 1400" ] ||
		fail "net create -j said: $out" || return 1
	out=$(bpfbr -j attach demo "$(ct c1)" --create-netns) || return 1
	[ "$(jq -r .ip <<<"$out")" = 10.40.0.2 ] || fail "attach -j said: $out" || return 1
	out=$(bpfbr detach demo "$(ct c1)") || return 1
	[ "$out" = "detached $(ct c1) from demo" ] || fail "detach said: '$out'" || return 1
	out=$(bpfbr -j net delete other) || return 1
	[ "$(jq -c . <<<"$out")" = '{"network":"other","deleted":true}' ] || fail "net delete -j said: $out" || return 1
	out=$(bpfbr net delete demo) || return 1
	[ "$out" = "deleted network demo" ] || fail "net delete said: '$out'" || return 1
	out=$(bpfbr net list) || return 1
	[ "$out" = "$(head -1 <<<"$out")" ] && grep -q "^NAME " <<<"$out" ||
		fail "an empty net list is not its header: '$out'" || return 1
}

run_tests "$@"
