#!/usr/bin/env bash
# The long IPv6 transfer of issue 14, for make soak (tests/soak.sh) only:
# 100 MB of TCP over IPv6 through NAT66 each way, byte-exact (sha256). The
# quick check (4 MB each way) is tests/net/nat66.sh's; this is what IPv4 does
# in tests/net/nat.sh (tcp_100mb_both_ways_by_sha256), over IPv6. Topology as
# nat66.sh: the node's up0 2001:db8:51::1/64, the external host ext
# 2001:db8:51::2/64 with no route to the containers, network demo
# 10.40.0.0/24 + fd00:40::/64 masquerading through up0, c1 (.2, ::2).
. "$(dirname "$0")/../net/lib.sh"

UP6=2001:db8:51::1
EXT6=2001:db8:51::2
V6=fd00:40::
SIZE_MB=${BPFBR_SOAK_NAT66_MB:-100}

up() {
	ext_host || return 1
	node ip -6 addr add "$UP6/64" dev up0 nodad &&
		on ext ip -6 addr add "$EXT6/64" dev eth0 nodad || return 1
	check "net create" bpfbr net create demo --subnet 10.40.0.0/24 --subnet "$V6/64" \
		--uplink up0 --masquerade || return 1
	check "attach c1" bpfbr attach demo "$(ct c1)" --create-netns --ip 10.40.0.2 \
		--ip "${V6}2" || return 1
}

uplink_counter() {
	bpfbr -j status demo |
		jq -r --arg n "$1" '.[0].uplink | (.drops[$n] // .events[$n]) // "missing"'
}

# mbps BYTES START_NS END_NS: the rate in MB/s, one decimal.
mbps() { awk -v b="$1" -v a="$2" -v e="$3" 'BEGIN { printf "%.1f", b / 1048576 / ((e - a) / 1e9) }'; }

test_tcp_100mb_both_ways_through_nat66() {
	local want got pid t0 t1 up_rate down_rate seen
	need_feature ipv6 || return $?
	up || fail "cannot build the dual-stack network" || return 1
	[ -z "$(on ext ip -6 route show "$V6/64")" ] || fail "ext has a route to the containers" ||
		return 1
	head -c "${SIZE_MB}M" /dev/urandom >"$ROOT/blob" || return 1
	want=$(sha256sum "$ROOT/blob" | cut -d" " -f1)

	# c1 -> ext. ext records who connected: the uplink's address, or the
	# transfer did not go through NAT66.
	spawn on ext timeout 180 socat -u TCP6-LISTEN:7020,reuseaddr \
		SYSTEM:"echo \$SOCAT_PEERADDR >$ROOT/peer; cat >$ROOT/recv"
	pid=$!
	listening ext tcp 7020 || fail "ext does not listen on 7020" || return 1
	t0=$(date +%s%N)
	on c1 timeout 180 socat -u "OPEN:$ROOT/blob" "TCP6:[$EXT6]:7020" ||
		fail "c1's upload of $SIZE_MB MB to [$EXT6]:7020 failed" || return 1
	wait "$pid"
	t1=$(date +%s%N)
	up_rate=$(mbps "$((SIZE_MB << 20))" "$t0" "$t1")
	got=$(sha256sum "$ROOT/recv" | cut -d" " -f1)
	[ "$got" = "$want" ] ||
		fail "ext received $(stat -c %s "$ROOT/recv") bytes from c1 with sha256 $got, c1 sent $SIZE_MB MB with $want" ||
		return 1
	seen=$(/usr/bin/python3 -c 'import ipaddress, sys; print(ipaddress.ip_address(sys.argv[1]))' \
		"$(tr -d '[]' <"$ROOT/peer")" 2>/dev/null)
	[ "$seen" = "$UP6" ] || fail "ext saw the upload from '$seen', not the uplink's $UP6" || return 1

	# ext -> c1.
	spawn on ext timeout 180 socat -u "OPEN:$ROOT/blob" TCP6-LISTEN:7021,reuseaddr
	pid=$!
	listening ext tcp 7021 || fail "ext does not listen on 7021" || return 1
	t0=$(date +%s%N)
	got=$(on c1 timeout 180 socat -u "TCP6:[$EXT6]:7021" STDOUT | sha256sum | cut -d" " -f1)
	t1=$(date +%s%N)
	wait "$pid"
	down_rate=$(mbps "$((SIZE_MB << 20))" "$t0" "$t1")
	[ "$got" = "$want" ] || fail "c1 received $SIZE_MB MB with sha256 $got, ext sent $want" ||
		return 1

	[ "$(uplink_counter truncated)" = 0 ] ||
		fail "the uplink dropped $(uplink_counter truncated) packets as truncated" || return 1
	got=$(bpfbr -j nat show demo | jq -r '[.[] | select(.family == "ipv6" and .proto == "tcp") |
		.inside_addr + " " + .remote_addr] | unique | join(",")')
	[ "$got" = "${V6}2 $EXT6" ] || fail "nat show does not list the transfers: $got" || return 1
	echo "  figure: $SIZE_MB MB each way through NAT66: c1->ext $up_rate MB/s, ext->c1 $down_rate MB/s"
	[ -z "${BPFBR_FIGURES:-}" ] ||
		echo "$SUITE/tcp_100mb_both_ways_through_nat66 [${BPFBR_TEST_MODE:-tc}, soak]: $SIZE_MB MB each way, c1->ext $up_rate MB/s, ext->c1 $down_rate MB/s" \
			>>"$BPFBR_FIGURES"
}

run_tests "$@"
