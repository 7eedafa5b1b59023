#!/usr/bin/env bash
# Networks that come back: what the state describes and the kernel lost (a
# reboot, a deleted device) is made again by bpfbr restore, by the next
# attach, and by CNI ADD and STATUS; what is in place is left alone.
. "$(dirname "$0")/lib.sh"

# up: network demo masquerading through up0, with c1 and c2.
up() {
	ext_host || return 1
	check "net create" bpfbr net create demo --subnet 10.40.0.0/24 --uplink up0 --masquerade \
		--nat-max 1024 --nat-ports 61000-61999 || return 1
	check "attach c1" bpfbr attach demo "$(ct c1)" --create-netns --ip 10.40.0.2 || return 1
	check "attach c2" bpfbr attach demo "$(ct c2)" --create-netns --ip 10.40.0.3 || return 1
}

# dp_objects: the network's programs, maps and hooks as bpftool sees them.
dp_objects() {
	find "$ROOT/sys/fs/bpf/bpfbr" | sort
	bpfbr -j status | jq -c '.[] | {ports: [.ports[] | {port, ifindex, state, hook: .hook.prog_id}],
		programs: [.programs[].id], maps: [.maps[].id], uplink: .uplink.programs}'
}

test_restore_after_a_reboot() {
	local out
	up || return 1
	simulate_reboot c1 c2 ext || return 1
	out=$(bpfbr -j restore) || fail "restore: $out" || return 1
	for k in gateway datapath uplink; do
		jq -e --arg k "$k" 'any(.[]; .kind == $k)' <<<"$out" >/dev/null ||
			fail "restore did not report the $k: $out" || return 1
	done
	[ "$(jq -c '[.[] | select(.kind == "attachment") | .what] | sort' <<<"$out")" = \
		"[\"/run/netns/$(ct c1)\",\"/run/netns/$(ct c2)\"]" ] ||
		fail "restore did not forget both containers: $out" || return 1
	[ "$(bpfbr -j net list | jq -c '.[0] | [.containers, .gateway]')" = '[0,"10.40.0.1"]' ] ||
		fail "net list after restore: $(bpfbr -j net list)" || return 1
	[[ "$(node ip -o addr show dev bpfbr0)" == *" 10.40.0.1/24 "* ]] ||
		fail "no gateway address: $(node ip -o addr show)" || return 1
	# The table as it was made, and a new container is served like before.
	bpfbr -j status demo | jq -e '.[0].uplink | .nat_max == 1024 and .port_lo == 61000' >/dev/null ||
		fail "the uplink's table differs: $(bpfbr -j status demo | jq -c '.[0].uplink')" || return 1
	check "attach c3" bpfbr attach demo "$(ct c3)" --create-netns --ip 10.40.0.2 || return 1
	ping_ok c3 10.40.0.1 || fail "c3 cannot ping the gateway" || return 1
	ping_ok c3 "$EXT_IP" || fail "c3 cannot reach the external host" || return 1
	out=$(bpfbr -j nat show demo)
	jq -e --arg a "$UP_IP" 'any(.[]; .outside_addr == $a and .inside_addr == "10.40.0.2")' <<<"$out" >/dev/null ||
		fail "no translation of c3 to $UP_IP: $out" || return 1
	# Once more: nothing to do, nothing changes.
	out=$(dp_objects)
	[ "$(bpfbr -j restore)" = "[]" ] || fail "a second restore did something: $(bpfbr restore)" || return 1
	[ "$(dp_objects)" = "$out" ] || fail "a second restore changed the datapath" || return 1
}

# The gateway device deleted by hand: made again with its MAC, so the
# containers' neighbour entries stay right and they never notice.
test_restore_a_deleted_gateway() {
	local mac
	up || return 1
	mac=$(node ip -j link show bpfbr0 | jq -r '.[0].address')
	ping_ok c1 10.40.0.1 || fail "c1 cannot ping the gateway" || return 1
	node ip link del bpfbr0 || return 1
	bpfbr -j status demo | jq -e '.[0].ports[0].state == "gone"' >/dev/null ||
		fail "status does not show the gateway gone" || return 1
	check "restore" bpfbr restore demo || return 1
	[ "$(node ip -j link show bpfbr0 | jq -r '.[0].address')" = "$mac" ] || fail "the gateway has another MAC" || return 1
	ping_ok c1 10.40.0.1 || fail "c1 cannot ping the gateway after the restore" || return 1
	ping_ok c1 10.40.0.3 || fail "c1 cannot ping c2 after the restore" || return 1
	ping_ok c2 "$EXT_IP" || fail "c2 cannot reach the external host after the restore" || return 1
}

# restore_traced KILL-AT: bpfbr restore under strace; KILL-AT 0 runs it to the
# end recording its bpf(2) calls in $ROOT/restore.trace, N kills it on entry
# to its N-th.
restore_traced() {
	local inject=()
	[ "$1" = 0 ] || inject=(-e "inject=bpf:signal=KILL:when=$1")
	node timeout 60 strace -qq -o "$ROOT/restore.trace" -e trace=bpf "${inject[@]}" \
		"$BPFBR_BIN" --root "$ROOT" restore >"$ROOT/.out" 2>&1
}

# A restore killed half-way through its programs leaves its journal record;
# the next command that takes the lock finishes it, and the network works.
test_restore_killed_is_finished_by_the_next_command() {
	local calls
	command -v strace >/dev/null || { skip "needs strace (scripts/deps.sh installs it)"; return; }
	up || return 1
	simulate_reboot c1 c2 ext || return 1
	restore_traced 0 || fail "restore: $(cat "$ROOT/.out")" || return 1
	calls=$(wc -l <"$ROOT/restore.trace")
	[ "$calls" -gt 10 ] || fail "restore made $calls bpf calls" || return 1
	simulate_reboot ext || return 1
	restore_traced $((calls / 2)) && fail "restore was not killed at bpf call $((calls / 2)) of $calls"
	jq -e '.op == "restore" and .network == "demo"' "$ROOT/var/lib/bpfbr/journal" >/dev/null ||
		fail "no restore record after the kill: $(cat "$ROOT/var/lib/bpfbr/journal" 2>&1)" || return 1
	bpfbr gc >"$ROOT/.out" 2>&1 || fail "gc after the kill: $(cat "$ROOT/.out")" || return 1
	[ ! -e "$ROOT/var/lib/bpfbr/journal" ] || fail "the record stayed after gc" || return 1
	[ "$(bpfbr -j restore)" = "[]" ] || fail "gc left the restore unfinished: $(bpfbr restore)" || return 1
	check "attach c3" bpfbr attach demo "$(ct c3)" --create-netns || return 1
	ping_ok c3 10.40.0.1 || fail "c3 cannot ping the gateway" || return 1
	ping_ok c3 "$EXT_IP" || fail "c3 cannot reach the external host" || return 1
}

# The text report names each thing made again or forgotten, and a machine
# without any network restores nothing, successfully (the unit at boot).
test_restore_reports_and_runs_on_a_bare_machine() {
	local out rc
	# A machine where bpfbr never ran: a bpffs, no state directory.
	mkdir -p "$ROOT/bare/sys/fs/bpf" && mount -t bpf bpf "$ROOT/bare/sys/fs/bpf" || return 1
	out=$(node "$BPFBR_BIN" --root "$ROOT/bare" restore 2>&1)
	rc=$?
	umount "$ROOT/bare/sys/fs/bpf"
	[ $rc = 0 ] || fail "restore on a bare machine exited $rc: $out" || return 1
	[ "$out" = "nothing to restore: the kernel has what the state describes" ] ||
		fail "restore on a bare machine said: $out" || return 1
	up || return 1
	simulate_reboot c1 c2 ext || return 1
	out=$(bpfbr restore) || fail "restore: $out" || return 1
	for w in "network demo: restored gateway bpfbr0" "network demo: restored uplink up0" \
		"network demo: forgot attachment /run/netns/$(ct c1)"; do
		grep -qF "$w" <<<"$out" || fail "restore did not say '$w': $out" || return 1
	done
	[ "$(bpfbr restore)" = "nothing to restore: the kernel has what the state describes" ] ||
		fail "a second restore said: $(bpfbr restore)" || return 1
}

run_tests "$@"
