#!/usr/bin/env bash
# vm: yes
# The chapter end to end, kept small enough for the QEMU runs on older kernels:
# attach, ping, fdb, masquerade to an external host, detach; and which TC
# attachment the agent chose on this kernel.
. "$(dirname "$0")/lib.sh"

# TCX arrived in Linux 6.6; bpfbr probes for it, this test knows it from the release.
expected_mode() {
	local rel major minor
	rel=$(uname -r)
	major=${rel%%.*}
	minor=${rel#*.}
	minor=${minor%%[!0-9]*}
	if [ "$major" -gt 6 ] || { [ "$major" -eq 6 ] && [ "$minor" -ge 6 ]; }; then
		echo tcx
	else
		echo tc
	fi
}

external_host() {
	ip netns add "$(ct ext)" || return 1
	node ip link add up0 type veth peer name eth0 netns "$(ct ext)" &&
		node ip addr add 198.51.100.1/24 dev up0 && node ip link set up0 up &&
		on ext ip addr add 198.51.100.2/24 dev eth0 && on ext ip link set eth0 up &&
		on ext ip link set lo up
}

test_attach_mode_matches_kernel() {
	local want got
	want=$(expected_mode)
	check "net create" bpfbr net create demo --subnet 10.40.0.0/24 || return 1
	check "attach c1" bpfbr attach demo "$(ct c1)" --create-netns || return 1
	got=$(bpfbr -j status demo | jq -r '.[0].attach_mode')
	[ "$got" = "$want" ] || fail "kernel $(uname -r): attach mode $got, expected $want" || return 1
	# A netkit port (--device auto, where the kernel has netkit) is hooked by a netkit link.
	got=$(bpfbr -j status demo | jq -r --arg w "$want" \
		'[.[0].ports[] | select(.hook.attached and .hook.mode == (if .device == "netkit" then "netkit" else $w end))] | length')
	[ "$got" = 2 ] || fail "$got of 2 ports are hooked with $want (netkit ports: netkit)" || return 1
	if [ "$want" = tc ]; then
		node tc filter show dev bpfbr0-sw ingress | grep -q "bpfbr_port_in" ||
			fail "no cls_bpf filter with the switch program on bpfbr0-sw" || return 1
	else
		[ -e "$ROOT/sys/fs/bpf/bpfbr/demo/links/bpfbr0-sw" ] ||
			fail "no pinned TCX link for bpfbr0-sw" || return 1
	fi
}

test_chapter_end_to_end() {
	local mac1 src
	external_host || fail "cannot build the external host" || return 1
	check "net create" bpfbr net create demo --subnet 10.40.0.0/24 --uplink up0 --masquerade || return 1
	check "attach c1" bpfbr attach demo "$(ct c1)" --create-netns --ip 10.40.0.2 || return 1
	check "attach c2" bpfbr attach demo "$(ct c2)" --create-netns --ip 10.40.0.3 || return 1
	ping_ok c1 10.40.0.3 || fail "c1 cannot ping c2" || return 1
	ping_ok c1 10.40.0.1 || fail "c1 cannot ping the gateway" || return 1
	mac1=$(on c1 cat /sys/class/net/eth0/address)
	bpfbr -j fdb show demo | jq -e --arg m "$mac1" '.[] | select(.mac == $m and .state == "static")' >/dev/null ||
		fail "fdb has no static entry for c1" || return 1
	# The capture must be listening before the ping (slow under emulation).
	on ext timeout 30 tcpdump -lni eth0 -c1 'icmp[icmptype] = icmp-echo' >"$ROOT/ext.cap" \
		2>"$ROOT/ext.err" &
	for _ in $(seq 50); do grep -q listening "$ROOT/ext.err" 2>/dev/null && break; sleep 0.2; done
	ping_ok c1 198.51.100.2 || fail "c1 cannot reach the external host" || return 1
	wait
	src=$(awk '/ICMP echo request/ {print $3; exit}' "$ROOT/ext.cap")
	[ "$src" = 198.51.100.1 ] || fail "external host saw source '$src', expected the uplink 198.51.100.1" || return 1
	bpfbr -j nat show demo | jq -e '.[] | select(.proto == "icmp" and .inside_addr == "10.40.0.2")' >/dev/null ||
		fail "nat show lists no ICMP translation for c1" || return 1
	check "detach c1" bpfbr detach demo "$(ct c1)" || return 1
	! bpfbr -j nat show demo | jq -e '.[] | select(.inside_addr == "10.40.0.2")' >/dev/null ||
		fail "c1's translations survived its detach" || return 1
	ping_ok c2 198.51.100.2 || fail "c2 lost the external host after c1's detach" || return 1
	check "net delete" bpfbr net delete demo --force || return 1
	[ -z "$(find "$ROOT/sys/fs/bpf/bpfbr" -type f 2>/dev/null)" ] || fail "pins left after net delete: $(find "$ROOT/sys/fs/bpf/bpfbr" -type f | head -5 | tr "\n" " ")" || return 1
}

run_tests "$@"
