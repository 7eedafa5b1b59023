#!/usr/bin/env bash
# IPv6 through the uplink (issue 14): the chapter's topology dual stack. The
# node's uplink up0 holds 198.51.100.1/24 and 2001:db8:51::1/64, the external
# host ext 198.51.100.2/24 and 2001:db8:51::2/64 (documentation prefixes);
# network demo is 10.40.0.0/24 + fd00:40::/64 (a ULA), c1 (.2, ::2).
#   --masquerade: ext sees the uplink's IPv6 address as the source (NAT66);
#   without it:   ext sees the containers' own addresses (plain routing, ext
#                 has a route to fd00:40::/64 via the node).
. "$(dirname "$0")/lib.sh"

UP6=2001:db8:51::1
EXT6=2001:db8:51::2
V6=fd00:40::

# ext6: the external host (lib.sh's ext_host) with IPv6 on both ends of the uplink.
ext6() {
	ext_host || return 1
	node ip -6 addr add "$UP6/64" dev up0 nodad &&
		on ext ip -6 addr add "$EXT6/64" dev eth0 nodad
}

# up [NET-CREATE-OPTIONS…]: ext, demo through up0, c1.
up() {
	ext6 || fail "cannot build the external host" || return 1
	check "net create" bpfbr net create demo --subnet 10.40.0.0/24 --subnet "$V6/64" \
		--uplink up0 "$@" || return 1
	check "attach c1" bpfbr attach demo "$(ct c1)" --create-netns --ip 10.40.0.2 \
		--ip "${V6}2" || return 1
}

# seen_as PROTO PORT: c1 talks to ext over IPv6 (TCP or UDP); prints the
# source address ext saw. A UDP request goes up to three times (a datagram
# may be lost under load, as natpeer.py's clients allow for).
seen_as() {
	local pid out=$ROOT/seen.$1.$2 lsn=TCP6-LISTEN cli=TCP6 tries=1
	[ "$1" = udp ] && lsn=UDP6-RECVFROM cli=UDP6 tries=3
	on ext timeout 20 socat -t5 -T5 "$lsn:$2,reuseaddr,fork" SYSTEM:'read -r _; echo $SOCAT_PEERADDR' \
		>/dev/null 2>&1 &
	pid=$!
	listening ext "$1" "$2" || echo "socat in ext does not listen on $2" >&2
	# The answer reads hello first: socat relays an answer written before the
	# request came in not at all (its write of hello to the gone answer fails);
	# -t at both ends: the answer may take a while (socat's 0.5 s is short under load).
	for _ in $(seq "$tries"); do
		echo hello | on c1 timeout 10 socat -t3 -T3 - "$cli:[$EXT6]:$2" >"$out" 2>&1
		[ -s "$out" ] && break
	done
	kill "$pid" 2>/dev/null
	wait "$pid" 2>/dev/null
	# socat writes the address in full: compressed, as ip(8) writes it.
	/usr/bin/python3 -c 'import ipaddress, sys; print(ipaddress.ip_address(sys.argv[1]))' \
		"$(tr -d '[]' <"$out" | head -1)" 2>/dev/null
}

uplink_counter() {
	bpfbr -j status demo |
		jq -r --arg n "$1" '.[0].uplink | (.drops[$n] // .events[$n]) // "missing"'
}

test_masquerade_ipv6_to_external_host() {
	local got
	need_feature ipv6 || return $?
	up --masquerade || return 1
	on c1 ping -6 -c1 -W2 -w6 "$EXT6" >/dev/null 2>&1 ||
		fail "c1 cannot ping $EXT6 through NAT66" || return 1
	got=$(seen_as tcp 7001)
	[ "$got" = "$UP6" ] ||
		fail "ext saw c1's TCP from '$got', not the uplink's $UP6 ($(head -3 "$ROOT/seen.tcp.7001"))" ||
		return 1
	got=$(seen_as udp 7002)
	[ "$got" = "$UP6" ] ||
		fail "ext saw c1's UDP from '$got', not the uplink's $UP6 ($(head -3 "$ROOT/seen.udp.7002"))" ||
		return 1
	# ext has no route to fd00:40::/64: only the translation can have brought the answers back.
	[ -z "$(on ext ip -6 route show "$V6/64")" ] || fail "ext has a route to the containers" ||
		return 1
	[ "$(bpfbr -j nat show demo | jq -r '[.[] | select(.family == "ipv6") | .proto] | sort | unique | join(",")')" = \
		"icmpv6,tcp,udp" ] || fail "nat show does not list the IPv6 translations: $(bpfbr nat show demo)" ||
		return 1
	[ "$(bpfbr -j nat show demo | jq -r '[.[] | select(.proto == "tcp")][0] | .inside_addr + " " + .remote_addr')" = \
		"${V6}2 $EXT6" ] || fail "nat show's TCP translation: $(bpfbr -j nat show demo)" || return 1
	# Over IPv4 as before, on the same network.
	ping_ok c1 "$EXT_IP" || fail "c1 cannot ping $EXT_IP over IPv4 on a dual-stack network"
}

test_routed_ipv6_keeps_container_address() {
	local got
	need_feature ipv6 || return $?
	up || return 1
	check "ext's route to the containers" on ext ip -6 route add "$V6/64" via "$UP6" || return 1
	got=$(seen_as tcp 7003)
	[ "$got" = "${V6}2" ] || fail "ext saw c1's TCP from '$got', not c1's own ${V6}2" || return 1
	on c1 ping -6 -c1 -W2 -w6 "$EXT6" >/dev/null 2>&1 || fail "c1 cannot ping $EXT6 routed" ||
		return 1
	# Hop limit: the node routed it once (64 - 1).
	got=$(on c1 ping -6 -c1 -W2 -w6 "$EXT6" 2>/dev/null | sed -n 's/.*ttl=\([0-9]*\).*/\1/p')
	[ "$got" = 63 ] || fail "c1 saw ext's echo reply with hop limit '$got', not 63" || return 1
}

test_masquerade_needs_an_uplink_ipv6_address() {
	local out
	need_feature ipv6 || return $?
	ext_host || return 1
	if out=$(bpfbr net create demo --subnet 10.40.0.0/24 --subnet "$V6/64" --uplink up0 \
		--masquerade 2>&1); then
		fail "a dual-stack network masquerading through an uplink without IPv6 was made"
		return 1
	fi
	grep -q "no global IPv6 address" <<<"$out" || fail "the refusal does not say why: $out" ||
		return 1
	[ "$(bpfbr -j net list | jq length)" = 0 ] || fail "a network was left behind"
}

test_tcp_4mb_both_ways_through_nat66() {
	local want got pid
	need_feature ipv6 || return $?
	up --masquerade || return 1
	head -c 4M /dev/urandom >"$ROOT/blob" || return 1
	want=$(sha256sum "$ROOT/blob" | cut -d" " -f1)
	on ext timeout 30 socat -u TCP6-LISTEN:7010,reuseaddr "CREATE:$ROOT/recv" &
	pid=$!
	listening ext tcp 7010 || fail "ext does not listen" || return 1
	on c1 timeout 30 socat -u "OPEN:$ROOT/blob" "TCP6:[$EXT6]:7010" || fail "upload failed" ||
		return 1
	wait "$pid"
	got=$(sha256sum "$ROOT/recv" | cut -d" " -f1)
	[ "$got" = "$want" ] || fail "ext received 4 MB with sha256 $got, c1 sent $want" || return 1
	on ext timeout 30 socat -u "OPEN:$ROOT/blob" TCP6-LISTEN:7011,reuseaddr &
	pid=$!
	listening ext tcp 7011 || fail "ext does not listen" || return 1
	got=$(on c1 timeout 30 socat -u "TCP6:[$EXT6]:7011" STDOUT | sha256sum | cut -d" " -f1)
	wait "$pid"
	[ "$got" = "$want" ] || fail "c1 received 4 MB with sha256 $got, ext sent $want" || return 1
	[ "$(uplink_counter truncated)" = 0 ] ||
		fail "the uplink dropped $(uplink_counter truncated) packets as truncated"
}

# A datapath pinned by a build without NAT66 (its maps' pins removed, as that
# build never made them): bpfbr upgrade gives the network's containers NAT66.
test_upgrade_from_a_build_without_nat66() {
	local dir got p
	need_feature ipv6 || return $?
	up --masquerade || return 1
	dir=$(find "$ROOT/sys/fs/bpf" -type d -path "*uplinks/up0" | head -1)
	[ -e "$dir/config6" ] || fail "no config6 pin under '$dir'" || return 1
	for p in config6 endpoints6 flows6 nat_out6 nat_in6; do rm "$dir/$p" || return 1; done
	check "upgrade" bpfbr upgrade || return 1
	on c1 ping -6 -c1 -W2 -w6 "$EXT6" >/dev/null 2>&1 ||
		fail "after the upgrade c1 cannot ping $EXT6 (nat6_no_uplink_address: $(uplink_counter nat6_no_uplink_address))" ||
		return 1
	got=$(seen_as tcp 7004)
	[ "$got" = "$UP6" ] || fail "after the upgrade ext saw c1's TCP from '$got', not $UP6"
}

run_tests "$@"
