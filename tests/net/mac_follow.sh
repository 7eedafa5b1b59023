#!/usr/bin/env bash
# vm: tc
# A container's MAC changed after bpfbr set it (issue 18): by a later CNI
# plugin (tuning's "mac", see cni_chain.sh) or from inside the container,
# which with NET_ADMIN in its namespace may set any (`ip link set eth0
# address …`). The switch follows it as a bridge does (bpf/follow.bpf.c: the
# port's MAC, its static forwarding entry, the masquerade endpoint and the
# flows it holds), so the container keeps reaching its gateway, its
# neighbours and the outside. It never takes another port's MAC (another
# container's, the gateway's: events.mac_follow_refused), and the victim
# keeps working. Attach, restore, upgrade, the state and the audit know the
# followed MAC. Where the kernel refuses the tracing program, bpfbr status
# says why (.mac_follow) and the tests skip, naming it. The host refuses it,
# so the VMs run this file; the program is the same for both datapaths (it
# writes the maps both read), so they run it with TC ports only.
. "$(dirname "$0")/lib.sh"

AUDIT=$(cd "$(dirname "$0")" && pwd)/tools/audit.py
NEW1=02:5e:00:00:aa:01
NEW2=02:5e:00:00:aa:02

# up: network demo masquerading through up0, with c1 (.2) and c2 (.3).
up() {
	ext_host || return 1
	check "net create" bpfbr net create demo --subnet 10.40.0.0/24 --uplink up0 --masquerade \
		--nat-max 1024 || return 1
	check "attach c1" bpfbr attach demo "$(ct c1)" --create-netns --ip 10.40.0.2 || return 1
	check "attach c2" bpfbr attach demo "$(ct c2)" --create-netns --ip 10.40.0.3 || return 1
	ping_ok c1 10.40.0.3 && ping_ok c1 "$EXT_IP" || fail "no connectivity before the test"
}

status() { bpfbr -j status demo | jq -c '.[0]'; }
# following: the network follows MAC changes, or (status says it does not) the test skips.
following() {
	local st
	st=$(status | jq -c '.mac_follow')
	if jq -e '.running == false' <<<"$st" >/dev/null; then
		skip "the network does not follow MAC changes on this kernel: $(jq -r .why <<<"$st")"
	fi
}
mac() { on "$1" cat /sys/class/net/eth0/address; }
gw_mac() { node ip -j link show bpfbr0 | jq -r '.[0].address'; }
port_of() { status | jq -r --arg c "$(ct "$1")" '.ports[] | select(.endpoint == $c) | .port'; }
# port_mac CT: CT's MAC as bpfbr status shows it.
port_mac() { status | jq -r --arg c "$(ct "$1")" '.ports[] | select(.endpoint == $c) | .mac'; }
state_mac() {
	jq -r --arg n "/run/netns/$(ct "$1")" '.attachments[] | select(.netns == $n) | .mac' \
		"$ROOT/var/lib/bpfbr/networks/demo.json"
}
# static_dev MAC: the port MAC's static forwarding entry is on, or "".
static_dev() { bpfbr -j fdb show demo | jq -r --arg m "$1" '.[] | select(.mac == $m and .state == "static") | .dev'; }
events() { status | jq -r --arg e "$1" '.events[$e] // "missing"'; }
drops() { status | jq -r --arg r "$1" '.drops[$r] // "missing"'; }
follow_prog() { status | jq -r '.mac_follow.prog_id // empty'; }
# prog_goes ID: program ID is freed (within 10 s: a tracing program is freed
# after an RCU grace period once its last link goes).
prog_goes() {
	local i
	for i in $(seq 50); do
		bpftool prog show id "$1" >/dev/null 2>&1 || return 0
		sleep 0.2
	done
	return 1
}
# set_mac CT MAC: what a container with NET_ADMIN may do; it announces its
# new MAC (arp_notify), so that its neighbours' entries follow it too.
set_mac() {
	on "$1" sysctl -qw net.ipv4.conf.eth0.arp_notify=1 && on "$1" ip link set eth0 address "$2"
}
audit_clean() {
	BPFBR_BIN=$BPFBR_BIN "${PYTHON:-/usr/bin/python3}" "$AUDIT" --root "$ROOT" --node "$NODE" --ct-prefix "$PREFIX" \
		--ignore-dev up0 --quiet >"$ROOT/audit.out" 2>&1 ||
		fail "audit: $(grep -E '^(LEAK|BROKEN)|audit:' "$ROOT/audit.out" | head -3 | tr '\n' ' ')"
}

test_a_container_changing_its_mac_keeps_its_network() {
	local old got pid
	up || return 1
	following || return $?
	old=$(mac c1)
	# A flow through the masquerade open across the change: its replies follow too.
	on c1 ping -c 40 -i 0.1 -w 15 "$EXT_IP" >"$ROOT/ping.out" 2>&1 &
	pid=$!
	sleep 1
	set_mac c1 $NEW1 || fail "cannot set c1's MAC" || return 1
	wait $pid
	got=$(grep -o '[0-9]* received' "$ROOT/ping.out" | cut -d' ' -f1)
	[ "${got:-0}" -ge 35 ] || fail "c1's ping through the masquerade across the change: ${got:-0} of 40 answered" ||
		return 1
	[ "$(events mac_followed)" = 1 ] || fail "events.mac_followed is $(events mac_followed), expected 1" || return 1
	[ "$(port_mac c1)" = $NEW1 ] || fail "status shows c1's MAC as $(port_mac c1), not $NEW1" || return 1
	[ "$(static_dev $NEW1)" = "$(port_of c1)" ] || fail "no static entry of $NEW1 on c1's port: $(bpfbr fdb show demo)" ||
		return 1
	[ -z "$(static_dev "$old")" ] || fail "c1's old MAC $old keeps a static entry" || return 1
	ping_ok c1 10.40.0.1 || fail "c1 cannot ping the gateway with its new MAC" || return 1
	ping_ok c1 10.40.0.3 && ping_ok c2 10.40.0.2 || fail "c1 and c2 cannot ping each other" || return 1
	node ping -c1 -W2 10.40.0.2 >/dev/null || fail "the node cannot ping c1" || return 1
	ping_ok c1 "$EXT_IP" || fail "c1 cannot reach the external host with its new MAC" || return 1
	# An attach may not take the followed MAC, and may take the one c1 left.
	check_fails "attach c3 with c1's new MAC" bpfbr attach demo "$(ct c3)" --create-netns --mac $NEW1 ||
		return 1
	check "attach c3 with c1's old MAC" bpfbr attach demo "$(ct c3)" --create-netns --mac "$old" || return 1
	[ "$(state_mac c1)" = $NEW1 ] || fail "the state still has $(state_mac c1) for c1 after a save" || return 1
	ping_ok c3 10.40.0.2 && ping_ok c3 10.40.0.3 || fail "c3 cannot reach c1 and c2" || return 1
	audit_clean
}

test_a_container_cannot_take_another_ports_mac() {
	local own m2 gm refused spoof victim
	up || return 1
	following || return $?
	own=$(mac c1) m2=$(mac c2) gm=$(gw_mac)
	refused=$(events mac_follow_refused) spoof=$(drops mac_spoof)
	[[ $refused =~ ^[0-9]+$ ]] || fail "status has no counter mac_follow_refused ($refused)" || return 1
	for victim in "$m2" "$gm"; do
		set_mac c1 "$victim" || fail "cannot set c1's MAC to $victim" || return 1
		refused=$((refused + 1))
		[ "$(events mac_follow_refused)" = $refused ] ||
			fail "taking $victim: events.mac_follow_refused is $(events mac_follow_refused), expected $refused" ||
			return 1
		[ "$(port_mac c1)" = "$own" ] || fail "c1's port took $victim" || return 1
		[ "$(static_dev "$m2")" = "$(port_of c2)" ] && [ "$(static_dev "$gm")" = bpfbr0-sw ] ||
			fail "an owner lost its static entry: $(bpfbr fdb show demo)" || return 1
		! ping_ok c1 10.40.0.1 || fail "c1 speaks from $victim" || return 1
		ping_ok c2 10.40.0.1 && ping_ok c2 "$EXT_IP" && node ping -c1 -W2 10.40.0.3 >/dev/null ||
			fail "c2 stopped working when c1 took $victim" || return 1
	done
	[ "$(drops mac_spoof)" -gt "$spoof" ] || fail "drops.mac_spoof did not move ($spoof)" || return 1
	[ "$(events mac_followed)" = 0 ] || fail "events.mac_followed is $(events mac_followed)" || return 1
	# Its own MAC back: c1 works again.
	set_mac c1 "$own" && ping_ok c1 10.40.0.3 || fail "c1 has no network with its own MAC back" || return 1
	audit_clean
}

# The datapath lost while the state still has the old MAC (no command saved
# it since): restore makes the port with the MAC the container has.
test_restore_after_a_follow_keeps_the_new_mac() {
	local out
	up || return 1
	following || return $?
	set_mac c1 $NEW1 && ping_ok c1 10.40.0.3 || fail "c1 has no network after its MAC changed" || return 1
	rm -rf "$ROOT/sys/fs/bpf/bpfbr/demo" || return 1
	out=$(bpfbr -j restore demo) || fail "restore: $out" || return 1
	[ "$(port_mac c1)" = $NEW1 ] || fail "restore gave c1's port $(port_mac c1), not $NEW1" || return 1
	[ "$(static_dev $NEW1)" = "$(port_of c1)" ] || fail "no static entry of $NEW1 after restore" || return 1
	[ "$(state_mac c1)" = $NEW1 ] || fail "the state has $(state_mac c1) for c1 after restore" || return 1
	ping_ok c1 10.40.0.1 && ping_ok c1 10.40.0.3 && ping_ok c1 "$EXT_IP" ||
		fail "c1 has no network after restore" || return 1
	jq -e 'any(.[]; .kind == "mac follow")' <<<"$out" >/dev/null ||
		fail "restore did not report the MAC following: $out" || return 1
	set_mac c1 $NEW2 && ping_ok c1 10.40.0.3 && ping_ok c1 "$EXT_IP" ||
		fail "the network does not follow c1's MAC after restore" || return 1
	[ "$(port_mac c1)" = $NEW2 ] || fail "c1's port has $(port_mac c1) after a change following restore" || return 1
	[ "$(bpfbr -j restore demo)" = "[]" ] || fail "a second restore did something: $(bpfbr restore demo)" || return 1
	audit_clean
}

# A tracing link cannot be updated: upgrade attaches this build's program
# and moves the link's pin over the old one, whose program goes.
test_upgrade_keeps_following() {
	local p0 p1
	up || return 1
	following || return $?
	p0=$(follow_prog)
	check "upgrade" bpfbr upgrade || return 1
	p1=$(follow_prog)
	[ -n "$p0" ] && [ -n "$p1" ] && [ "$p1" != "$p0" ] ||
		fail "the MAC-following program was not replaced ('$p0' -> '$p1')" || return 1
	prog_goes "$p0" || fail "the old program $p0 is still loaded" || return 1
	[ "$(bpftool -j link list | jq --argjson p "$p1" '[.[] | select(.prog_id == $p)] | length')" = 1 ] ||
		fail "program $p1 is not on exactly one link" || return 1
	set_mac c1 $NEW1 && ping_ok c1 10.40.0.3 && ping_ok c1 "$EXT_IP" ||
		fail "c1 has no network after its MAC changed following the upgrade" || return 1
	[ "$(events mac_followed)" = 1 ] || fail "events.mac_followed is $(events mac_followed)" || return 1
	audit_clean
}

# Detach and gc leave no entry of a container in the table, net delete no program.
test_detach_and_delete_leave_nothing() {
	local prog
	up || return 1
	following || return $?
	set_mac c1 $NEW1 || return 1
	check "detach c1" bpfbr detach demo "$(ct c1)" || return 1
	ip netns del "$(ct c2)" || return 1
	check "gc" bpfbr gc || return 1
	[ "$(status | jq '[.maps[] | select(.name == "container_ifaces")][0].entries')" = 0 ] ||
		fail "entries left in container_ifaces: $(status | jq -c '.maps')" || return 1
	audit_clean || return 1
	prog=$(follow_prog)
	check "net delete" bpfbr net delete demo || return 1
	prog_goes "$prog" || fail "program $prog outlived its network" || return 1
}

run_tests "$@"
