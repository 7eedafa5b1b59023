#!/usr/bin/env bash
# vm: tc
# netkit ports (issue 20). Where the kernel makes netkit devices (6.7+ with
# CONFIG_NETKIT: the 6.12 VM), --device auto gives a TC network's containers
# netkit pairs and the chapter works on them: containers reach each other and
# the gateway, the external host sees the masqueraded address, a spoofed
# source is dropped, upgrade swaps the program behind a netkit link in place,
# and detach and delete leave nothing. Where it does not
# (this host, the 6.1 VM), auto gives veth and --device netkit is refused.
# netkit runs no XDP programs: an XDP network gets veth, and --device netkit
# with --mode xdp is refused.
. "$(dirname "$0")/lib.sh"

PY=${PYTHON:-/usr/bin/python3}
TOOL=$(cd "$(dirname "$0")" && pwd)/tools/hostile.py

# What `bpfbr version` finds, probed once for the file (a probe is slow under emulation).
NETKIT_FOUND=$("$BPFBR_BIN" -j version | jq -r '.kernel_features[] | select(.name == "netkit") | .found')
kernel_has_netkit() { [ "$NETKIT_FOUND" = true ]; }

# where_netkit: a TC network on a kernel with netkit (netkit_chapter's ground).
where_netkit() { kernel_has_netkit && [ "${BPFBR_TEST_MODE:-tc}" = tc ]; }

# The network's device, its ports' (the gateway's is a veth) and c1's interface say $1.
device_is() {
	local got
	got=$(bpfbr -j status demo |
		jq -r '.[0] | [.device, .ports[0].device, ([.ports[1:][].device] | unique | join(","))] | join(" ")')
	[ "$got" = "$1 veth $1" ] ||
		fail "kernel $(uname -r), mode ${BPFBR_TEST_MODE:-tc}: network, gateway port, container ports are '$got', expected '$1 veth $1'" ||
		return 1
	on c1 ip -d link show eth0 | grep -qw "$1" || fail "c1's eth0 is no $1: $(on c1 ip -d link show eth0)" ||
		return 1
	bpfbr status demo | grep -q "  device $1  " || fail "status does not say device $1"
}

test_device_auto_follows_kernel() {
	where_netkit && { skip "netkit_chapter creates its network with auto here"; return; }
	check "net create" bpfbr net create demo --subnet 10.40.0.0/24 || return 1
	check "attach c1" bpfbr attach demo "$(ct c1)" --create-netns || return 1
	device_is veth
}

test_device_netkit_refused_where_missing() {
	local out
	kernel_has_netkit && { skip "kernel $(uname -r) has netkit"; return; }
	[ "${BPFBR_TEST_MODE:-tc}" = tc ] || { skip "with --mode xdp the XDP refusal comes first (netkit_with_xdp_refused)"; return; }
	out=$(bpfbr net create demo --subnet 10.40.0.0/24 --device netkit 2>&1) && fail "created: $out" && return 1
	[ "$(wc -l <<<"$out")" = 1 ] || fail "not one line: $out" || return 1
	grep -q "no netkit devices" <<<"$out" && grep -q -- "--device veth or auto" <<<"$out" ||
		fail "the refusal does not say why and what to use: $out" || return 1
	[ "$(bpfbr -j net list | jq length)" = 0 ] || fail "a network was left: $(bpfbr -j net list)" || return 1
	[ -z "$(node ip -o link show | grep -E 'bpfbr|probe')" ] || fail "devices left: $(node ip -o link show)" ||
		return 1
}

test_netkit_with_xdp_refused() {
	local out
	[ "${BPFBR_TEST_MODE:-tc}" = tc ] || { skip "names --mode xdp itself: runs in tc mode"; return; }
	out=$(bpfbr net create demo --subnet 10.40.0.0/24 --mode xdp --device netkit 2>&1) &&
		fail "created: $out" && return 1
	grep -q "netkit devices run no XDP programs; use --mode tc with --device netkit" <<<"$out" ||
		fail "refusal: $out" || return 1
	[ "$(bpfbr -j net list | jq length)" = 0 ] || fail "a network was left" || return 1
}

# port_hook IP: "LINK-ID PROG-ID" of the netkit hook of the port with that address.
port_hook() {
	bpfbr -j status demo | jq -r --arg ip "$1" '.[0].ports[] | select(.ip == $ip) | .hook |
		select(.mode == "netkit" and .attached) | "\(.link_id) \(.prog_id)"'
}
ip_spoof_drops() { bpfbr -j status demo | jq -r '.[0].drops.ip_spoof // "missing"'; }

test_netkit_chapter() {
	local src before after hook
	kernel_has_netkit || { skip "no netkit in kernel $(uname -r)"; return; }
	[ "${BPFBR_TEST_MODE:-tc}" = tc ] || { skip "netkit runs no XDP programs (see test_netkit_with_xdp_refused)"; return; }
	ext_host || fail "cannot build the external host" || return 1
	# --device auto (the default) picks netkit on this kernel.
	check "net create" bpfbr net create demo --subnet 10.40.0.0/24 --uplink up0 --masquerade || return 1
	check "attach c1" bpfbr attach demo "$(ct c1)" --create-netns --ip 10.40.0.2 || return 1
	check "attach c2" bpfbr attach demo "$(ct c2)" --create-netns --ip 10.40.0.3 || return 1
	device_is netkit || return 1
	ping_ok c1 10.40.0.3 || fail "c1 cannot ping c2" || return 1
	ping_ok c2 10.40.0.2 || fail "c2 cannot ping c1" || return 1
	ping_ok c1 10.40.0.1 || fail "c1 cannot ping the gateway" || return 1
	on ext timeout 30 tcpdump -lni eth0 -c1 'icmp[icmptype] = icmp-echo' >"$ROOT/ext.cap" 2>"$ROOT/ext.err" &
	for _ in $(seq 50); do grep -q listening "$ROOT/ext.err" 2>/dev/null && break; sleep 0.2; done
	ping_ok c2 "$EXT_IP" || fail "c2 cannot reach the external host" || return 1
	wait
	src=$(awk '/ICMP echo request/ {print $3; exit}' "$ROOT/ext.cap")
	[ "$src" = "$UP_IP" ] || fail "external host saw source '$src', expected the uplink $UP_IP" || return 1
	# Anti-spoofing: c1 sending as an address that is not its own, to c2. On
	# netkit the switch runs in c1's own send, so each drop fails that send
	# with ENOBUFS, which hostile.py retries (up to 1000 times): one or more drops.
	before=$(ip_spoof_drops)
	on c1 "$PY" "$TOOL" udp eth0 "$(on c2 cat /sys/class/net/eth0/address)" \
		"$(on c1 cat /sys/class/net/eth0/address)" 10.40.0.99 10.40.0.3 9999 --count 1 >/dev/null ||
		fail "hostile.py failed" || return 1
	after=$(ip_spoof_drops)
	[ "$((after - before))" -ge 1 ] || fail "drops.ip_spoof went from $before to $after, 1 or more expected" ||
		return 1
	# upgrade swaps the program behind c1's netkit link in place: same link, new program.
	hook=$(port_hook 10.40.0.2)
	check "upgrade" bpfbr upgrade || return 1
	[ "$(port_hook 10.40.0.2 | cut -d' ' -f1)" = "${hook% *}" ] && [ "$(port_hook 10.40.0.2)" != "$hook" ] ||
		fail "c1's netkit link and program were '$hook', after the upgrade '$(port_hook 10.40.0.2)'" || return 1
	ping_ok c1 10.40.0.3 || fail "c1 cannot ping c2 after the upgrade" || return 1
	check "detach c1" bpfbr detach demo "$(ct c1)" || return 1
	ping_ok c2 "$EXT_IP" || fail "c2 lost the external host after c1's detach" || return 1
	check "detach c2" bpfbr detach demo "$(ct c2)" || return 1
	[ -z "$(node ip -o link show type netkit)" ] || fail "netkit devices left: $(node ip -o link show type netkit)" ||
		return 1
	check "net delete" bpfbr net delete demo || return 1
	[ -z "$(find "$ROOT/sys/fs/bpf/bpfbr" -type f 2>/dev/null)" ] || fail "pins left after net delete" || return 1
}

run_tests "$@"
