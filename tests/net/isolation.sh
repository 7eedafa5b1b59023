#!/usr/bin/env bash
# Two networks side by side: neta (10.40.0.0/24, a1 a2) and netb
# (10.41.0.0/24, b1 b2). Each works on its own and no frame of one ever
# reaches the other: not a broadcast, not a unicast to the other's MACs.
. "$(dirname "$0")/lib.sh"

up() {
	check "net create neta" bpfbr net create neta --subnet 10.40.0.0/24 || return 1
	check "net create netb" bpfbr net create netb --subnet 10.41.0.0/24 || return 1
	check "attach a1" bpfbr attach neta "$(ct a1)" --create-netns --ip 10.40.0.2 "$@" || return 1
	check "attach a2" bpfbr attach neta "$(ct a2)" --create-netns --ip 10.40.0.3 || return 1
	check "attach b1" bpfbr attach netb "$(ct b1)" --create-netns --ip 10.41.0.2 "$@" || return 1
	check "attach b2" bpfbr attach netb "$(ct b2)" --create-netns --ip 10.41.0.3 || return 1
}

mac() { on "$1" cat /sys/class/net/eth0/address; }
gw_dev() { bpfbr -j net list | jq -r --arg n "$1" '.[] | select(.name == $n) | .gateway_dev'; }
gw_mac() { node ip -j link show "$(gw_dev "$1")" | jq -r '.[0].address'; }

# Captures: capture, end_captures, seen and wait_seen (tests/net/lib.sh).
# expect_seen TAG WHAT / expect_unseen TAG WHAT, once the captures are over.
expect_seen() {
	[ "$(seen "$1")" -gt 0 ] || fail "$2 did not arrive at $1 (the capture is the control)"
}
expect_unseen() {
	[ "$(seen "$1")" = 0 ] || fail "$2 leaked to $1: $(head -3 "$ROOT/$1.cap" | tr '\n' ' ')"
}

test_each_network_pings_inside() {
	up || return 1
	ping_ok a1 10.40.0.3 || fail "a1 cannot ping a2" || return 1
	ping_ok a2 10.40.0.2 || fail "a2 cannot ping a1" || return 1
	ping_ok a1 10.40.0.1 || fail "a1 cannot ping its gateway" || return 1
	ping_ok b1 10.41.0.3 || fail "b1 cannot ping b2" || return 1
	ping_ok b2 10.41.0.2 || fail "b2 cannot ping b1" || return 1
	ping_ok b1 10.41.0.1 || fail "b1 cannot ping its gateway" || return 1
}

test_broadcast_stays_in_its_network() {
	local ma mb devb deva
	up || return 1
	ma=$(mac a1) mb=$(mac b1) devb=$(gw_dev netb) deva=$(gw_dev neta)
	# a1 asks who has an address of its own subnet and one of netb's.
	capture a2 eth0 "ether src $ma" on a2 || return 1
	capture b1 eth0 "ether src $ma" on b1 || return 1
	capture b2 eth0 "ether src $ma" on b2 || return 1
	capture gwb "$devb" "ether src $ma" node || return 1
	on a1 arping -c2 -w2 -I eth0 10.40.0.99 >/dev/null 2>&1
	! on a1 arping -c2 -w2 -I eth0 10.41.0.2 >/dev/null 2>&1 ||
		fail "a1 got an ARP reply for b1's address 10.41.0.2" || return 1
	wait_seen a2 1
	end_captures
	expect_seen a2 "a1's broadcast" || return 1
	for t in b1 b2 gwb; do expect_unseen "$t" "a1's broadcast" || return 1; done
	# And the other way round.
	capture b2 eth0 "ether src $mb" on b2 || return 1
	capture a1 eth0 "ether src $mb" on a1 || return 1
	capture a2 eth0 "ether src $mb" on a2 || return 1
	capture gwa "$deva" "ether src $mb" node || return 1
	on b1 arping -c2 -w2 -I eth0 10.41.0.99 >/dev/null 2>&1
	wait_seen b2 1
	end_captures
	expect_seen b2 "b1's broadcast" || return 1
	for t in a1 a2 gwa; do expect_unseen "$t" "b1's broadcast" || return 1; done
}

# a1 addresses IP packets to b1's MAC through a static neighbour entry: neta
# does not know that MAC, floods it inside neta, and never hands it to netb.
test_unicast_to_other_network_mac_never_arrives() {
	local mb devb
	up || return 1
	mb=$(mac b1) devb=$(gw_dev netb)
	on a1 ip neigh replace 10.40.0.77 lladdr "$mb" dev eth0 nud permanent || return 1
	capture a2 eth0 "ether dst $mb" on a2 || return 1
	capture b1 eth0 "ether dst $mb" on b1 || return 1
	capture b2 eth0 "ether dst $mb" on b2 || return 1
	capture gwb "$devb" "ether dst $mb" node || return 1
	on a1 ping -c3 -i0.2 -W1 10.40.0.77 >/dev/null 2>&1
	wait_seen a2 1
	end_captures
	expect_seen a2 "a1's ping to b1's MAC" || return 1
	for t in b1 b2 gwb; do expect_unseen "$t" "a1's ping to b1's MAC" || return 1; done
}

# send_raw NS DST>SRC…: for each pair, three raw Ethernet frames to DST from
# SRC (ethertype 0x88b5, local experimental) out of NS's eth0; one python3
# sends them all (its start-up can take seconds).
send_raw() {
	local ns=$1
	shift
	on "$ns" python3 - "$@" <<-'EOF'
		import socket, sys
		s = socket.socket(socket.AF_PACKET, socket.SOCK_RAW)
		s.bind(("eth0", 0))
		for pair in sys.argv[1:]:
		    dst, src = (bytes.fromhex(m.replace(":", "")) for m in pair.split(">"))
		    frame = dst + src + b"\x88\xb5" + b"bpfbr isolation test".ljust(46, b".")
		    for _ in range(3):
		        s.send(frame)
	EOF
}

# Frames a1 crafts itself: to b1's MAC, to netb's gateway MAC, and a broadcast
# claiming b1's MAC as its source. None reaches netb, and netb's forwarding
# table keeps b1's MAC on b1's port.
test_raw_frames_to_other_network_never_arrive() {
	local ma mb gmb devb before
	up || return 1
	ma=$(mac a1) mb=$(mac b1) gmb=$(gw_mac netb) devb=$(gw_dev netb)
	before=$(bpfbr -j fdb show netb | jq -c --arg m "$mb" '.[] | select(.mac == $m) | {dev, state}')
	capture a2 eth0 "ether proto 0x88b5" on a2 || return 1
	capture b1 eth0 "ether proto 0x88b5" on b1 || return 1
	capture b2 eth0 "ether proto 0x88b5" on b2 || return 1
	capture gwb "$devb" "ether proto 0x88b5" node || return 1
	send_raw a1 "$mb>$ma" "$gmb>$ma" "ff:ff:ff:ff:ff:ff>$mb" ||
		fail "cannot send raw frames from a1" || return 1
	wait_seen a2 1
	end_captures
	expect_seen a2 "a1's raw frames" || return 1
	for t in b1 b2 gwb; do expect_unseen "$t" "a1's raw frames" || return 1; done
	[ "$(bpfbr -j fdb show netb | jq -c --arg m "$mb" '.[] | select(.mac == $m) | {dev, state}')" = "$before" ] ||
		fail "netb's entry for b1's MAC changed: $(bpfbr fdb show netb | grep "$mb")" || return 1
	ping_ok b2 10.41.0.2 || fail "b2 cannot ping b1 after a1 claimed b1's MAC" || return 1
}

# Each network's forwarding table is its own: the same MAC in both is fine.
test_same_mac_in_both_networks() {
	local m=02:00:00:00:40:41 a b
	up --mac "$m" || return 1
	ping_ok a2 10.40.0.2 || fail "a2 cannot ping a1" || return 1
	ping_ok b2 10.41.0.2 || fail "b2 cannot ping b1" || return 1
	ping_ok a1 10.40.0.1 && ping_ok b1 10.41.0.1 || fail "a gateway is unreachable" || return 1
	a=$(bpfbr -j status neta | jq -r --arg n "$(ct a1)" '.[0].ports[] | select(.endpoint == $n) | .port')
	b=$(bpfbr -j status netb | jq -r --arg n "$(ct b1)" '.[0].ports[] | select(.endpoint == $n) | .port')
	[ "$(bpfbr -j fdb show neta | jq -r --arg m "$m" '.[] | select(.mac == $m) | .dev')" = "$a" ] ||
		fail "neta does not map $m to a1's port $a: $(bpfbr fdb show neta)" || return 1
	[ "$(bpfbr -j fdb show netb | jq -r --arg m "$m" '.[] | select(.mac == $m) | .dev')" = "$b" ] ||
		fail "netb does not map $m to b1's port $b: $(bpfbr fdb show netb)" || return 1
}

test_deleting_one_network_leaves_the_other() {
	local deva devb
	up || return 1
	deva=$(gw_dev neta) devb=$(gw_dev netb)
	check "net delete neta --force" bpfbr net delete neta --force || return 1
	ping_ok b1 10.41.0.3 || fail "b1 cannot ping b2 after neta was deleted" || return 1
	ping_ok b2 10.41.0.1 || fail "b2 cannot ping its gateway after neta was deleted" || return 1
	node ping -c1 -W2 10.41.0.2 >/dev/null || fail "the node cannot ping b1" || return 1
	! node ip link show "$deva" >/dev/null 2>&1 || fail "neta's gateway $deva is left" || return 1
	node ip link show "$devb" >/dev/null 2>&1 || fail "netb's gateway $devb is gone" || return 1
	[ ! -e "$ROOT/sys/fs/bpf/bpfbr/neta" ] || fail "neta's pins are left" || return 1
	[ -e "$ROOT/sys/fs/bpf/bpfbr/netb/fdb" ] || fail "netb's pins are gone" || return 1
	[ ! -e "/run/netns/$(ct a1)" ] || fail "a1's namespace (made by --create-netns) is left" || return 1
	[ "$(bpfbr -j net list | jq -c 'map(.name)')" = '["netb"]' ] ||
		fail "net list is $(bpfbr -j net list | jq -c 'map(.name)'), expected [\"netb\"]" || return 1
	[ "$(bpfbr -j status netb | jq '[.[0].ports[] | select(.hook.attached)] | length')" = 3 ] ||
		fail "netb's ports are not all attached: $(bpfbr status netb)" || return 1
	# neta comes back with the same subnet and both keep working.
	check "net create neta again" bpfbr net create neta --subnet 10.40.0.0/24 || return 1
	check "attach a1 again" bpfbr attach neta "$(ct a1)" --create-netns || return 1
	ping_ok a1 10.40.0.1 || fail "the re-created neta does not work" || return 1
	ping_ok b1 10.41.0.3 || fail "netb broke when neta was re-created" || return 1
}

# A container on both networks: the namespace bpfbr made for it stays while
# any attachment holds it, whichever goes first, and goes with the last.
test_namespace_outlives_its_first_attachment() {
	local order first second
	check "net create neta" bpfbr net create neta --subnet 10.40.0.0/24 || return 1
	check "net create netb" bpfbr net create netb --subnet 10.41.0.0/24 || return 1
	for order in "neta netb" "netb neta"; do
		check "attach front" bpfbr attach neta "$(ct c)" --create-netns || return 1
		check "attach back" bpfbr attach netb "$(ct c)" --ifname eth1 --no-default-route || return 1
		read -r first second <<<"$order"
		check "detach $first" bpfbr detach "$first" "$(ct c)" || return 1
		[ -e "/run/netns/$(ct c)" ] ||
			fail "detach $first removed the namespace that $second still uses" || return 1
		ping_ok c "$([ "$second" = neta ] && echo 10.40.0.1 || echo 10.41.0.1)" ||
			fail "the container lost network $second when $first was detached" || return 1
		check "detach $second" bpfbr detach "$second" "$(ct c)" || return 1
		[ ! -e "/run/netns/$(ct c)" ] ||
			fail "the namespace made by --create-netns outlived its last attachment ($order)" || return 1
	done
}

test_net_list_shows_both() {
	local json text
	up || return 1
	json=$(bpfbr -j net list) || fail "net list -j failed" || return 1
	[ "$(echo "$json" | jq length)" = 2 ] || fail "net list -j has $(echo "$json" | jq length) networks" ||
		return 1
	echo "$json" | jq -e '.[] | select(.name == "neta" and .subnet == "10.40.0.0/24" and
		.gateway == "10.40.0.1" and .containers == 2 and .mtu == 1500)' >/dev/null ||
		fail "net list -j is wrong for neta: $(echo "$json" | jq -c .)" || return 1
	echo "$json" | jq -e '.[] | select(.name == "netb" and .subnet == "10.41.0.0/24" and
		.gateway == "10.41.0.1" and .containers == 2 and .mtu == 1500)' >/dev/null ||
		fail "net list -j is wrong for netb: $(echo "$json" | jq -c .)" || return 1
	[ "$(echo "$json" | jq '[.[].gateway_dev] | unique | length')" = 2 ] ||
		fail "both networks use one gateway device: $(echo "$json" | jq -c '[.[].gateway_dev]')" ||
		return 1
	text=$(bpfbr net list) || fail "net list failed" || return 1
	[ "$(echo "$text" | wc -l)" = 3 ] || fail "net list is not a header and two rows: $text" || return 1
	echo "$text" | grep -qE "^neta +10\.40\.0\.0/24 +10\.40\.0\.1 +$(gw_dev neta) +1500 +[a-z]+ +2$" ||
		fail "no neta row in: $text" || return 1
	echo "$text" | grep -qE "^netb +10\.41\.0\.0/24 +10\.41\.0\.1 +$(gw_dev netb) +1500 +[a-z]+ +2$" ||
		fail "no netb row in: $text" || return 1
	# Without a name, fdb show and status cover both networks, each entry labelled.
	[ "$(bpfbr -j status | jq -c 'map(.name) | sort')" = '["neta","netb"]' ] ||
		fail "status lists $(bpfbr -j status | jq -c 'map(.name)')" || return 1
	[ "$(bpfbr -j fdb show | jq -c 'group_by(.network) | map({(.[0].network): length}) | add')" = '{"neta":3,"netb":3}' ] ||
		fail "fdb show lists $(bpfbr -j fdb show | jq -c 'group_by(.network) | map({(.[0].network): length}) | add')" ||
		return 1
}

# pin_id NET OBJ: the id of a pinned map or program of NET.
pin_id() {
	local p=$ROOT/sys/fs/bpf/bpfbr/$1/$2
	case $2 in
	prog_*) bpftool -j prog show pinned "$p" | jq -r .id ;;
	*) bpftool -j map show pinned "$p" | jq -r .id ;;
	esac
}

# fdb_macs NET: the MACs in NET's pinned forwarding table, as bpftool decodes them.
fdb_macs() {
	bpftool -j map dump pinned "$ROOT/sys/fs/bpf/bpfbr/$1/fdb" | jq -r '.[].formatted.key.mac |
		map(. as $b | "0123456789abcdef" | .[($b / 16 | floor):($b / 16 | floor) + 1] +
			.[($b % 16):($b % 16) + 1]) | join(":")' | sort
}

test_pins_in_separate_directories() {
	local o n dir
	up || return 1
	ping_ok a1 10.40.0.3 && ping_ok b1 10.41.0.3 || fail "ping failed" || return 1
	for o in config ports flood fdb counters port_stats prog_port_in; do
		for n in neta netb; do
			[ -e "$ROOT/sys/fs/bpf/bpfbr/$n/$o" ] || fail "$n has no pin $o" || return 1
		done
		[ "$(pin_id neta "$o")" != "$(pin_id netb "$o")" ] ||
			fail "neta and netb share $o (id $(pin_id neta "$o"))" || return 1
	done
	# Each network's link pins are its own ports, driven by its own program.
	for n in neta netb; do
		dir=$ROOT/sys/fs/bpf/bpfbr/$n/links
		# (XDP mode pins a second link per port, PORT_xdp.)
		[ "$(ls "$dir" | sed 's/_xdp$//' | sort -u)" = "$(bpfbr -j status "$n" | jq -r '.[0].ports[].port' | sort)" ] ||
			fail "$n's link pins ($(ls "$dir" | tr '\n' ' ')) are not its ports" || return 1
		[ "$(bpfbr -j status "$n" | jq -r '[.[0].ports[].hook.prog_id] | unique | .[]')" = "$(pin_id "$n" prog_port_in)" ] ||
			fail "a port of $n does not run $n's program" || return 1
	done
	# Each forwarding table, read through bpftool, holds its own MACs and no other.
	[ "$(fdb_macs neta)" = "$(printf '%s\n' "$(mac a1)" "$(mac a2)" "$(gw_mac neta)" | sort)" ] ||
		fail "neta's fdb holds $(fdb_macs neta | tr '\n' ' '), expected a1, a2 and its gateway" ||
		return 1
	[ "$(fdb_macs netb)" = "$(printf '%s\n' "$(mac b1)" "$(mac b2)" "$(gw_mac netb)" | sort)" ] ||
		fail "netb's fdb holds $(fdb_macs netb | tr '\n' ' '), expected b1, b2 and its gateway" ||
		return 1
}

run_tests "$@"
