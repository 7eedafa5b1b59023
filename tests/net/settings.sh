#!/usr/bin/env bash
# Every setting a user gives has the effect its name promises, observed from
# a container or the node, not read back from bpfbr's own output: the
# forwarding table's ageing, --no-default-route, --gateway-allow by protocol
# and port, DNS on the gateway, nat flush.
. "$(dirname "$0")/lib.sh"

PY=python3
TOOL=$TOP/tests/net/tools/hostile.py

mac_of() { on "$1" cat /sys/class/net/eth0/address; }

# frames CT DST SRC N: N raw frames (ethertype 0x88b5) out of CT's eth0.
frames() { on "$1" "$PY" "$TOOL" eth eth0 "$2" "$3" --count "$4" >/dev/null; }

# rx CT: frames CT's eth0 has received, as the container counts them.
rx() { on "$1" cat /sys/class/net/eth0/statistics/rx_packets; }

# The ageing is in seconds: a learned MAC is forwarded to its port while it is
# fresh (a third container receives none of the frames), and flooded again
# once --ageing seconds have passed without it. The containers and the
# gateway are kept quiet (no IPv6), so the switch carries only the test's
# frames.
test_ageing_is_in_seconds() {
	local m=02:aa:bb:cc:dd:01 n before
	check "net create" bpfbr net create demo --subnet 10.40.0.0/24 --no-spoofchk --ageing 3 || return 1
	node sysctl -qw net.ipv6.conf.bpfbr0.disable_ipv6=1 || return 1
	for n in c1 c2 c3; do
		ns_new $n && on $n sysctl -qw net.ipv6.conf.default.disable_ipv6=1 &&
			check "attach $n" bpfbr attach demo "$(ct $n)" || return 1
	done
	frames c1 ff:ff:ff:ff:ff:ff $m 1 || return 1
	bpfbr -j fdb show demo | jq -e --arg m "$m" 'any(.[]; .mac == $m and .state == "learned")' >/dev/null ||
		fail "c1's second MAC was not learned: $(bpfbr fdb show demo)" || return 1
	before=$(rx c3)
	frames c2 $m "$(mac_of c2)" 5 || return 1
	n=$(($(rx c3) - before))
	[ "$n" = 0 ] || fail "c3 received $n frames to a MAC learned on c1 a moment ago (ageing not in seconds?)" ||
		return 1
	sleep 4
	before=$(rx c3)
	frames c2 $m "$(mac_of c2)" 5 || return 1
	n=$(($(rx c3) - before))
	[ "$n" = 5 ] || fail "c3 received $n of 5 frames to a MAC unseen for longer than --ageing" || return 1
}

test_no_default_route_leaves_the_route_out() {
	check "net create a" bpfbr net create a --subnet 10.40.0.0/24 || return 1
	check "net create b" bpfbr net create b --subnet 10.41.0.0/24 || return 1
	check "attach a" bpfbr attach a "$(ct c1)" --create-netns || return 1
	check "attach b" bpfbr attach b "$(ct c1)" --ifname eth1 --no-default-route || return 1
	[ "$(on c1 ip -4 route show default)" = "default via 10.40.0.1 dev eth0 " ] ||
		[ "$(on c1 ip -4 route show default | tr -s ' ' | sed 's/ $//')" = "default via 10.40.0.1 dev eth0" ] ||
		fail "default routes in c1: $(on c1 ip -4 route show default)" || return 1
	on c1 ip -4 route show dev eth1 | grep -q "^10.41.0.0/24" ||
		fail "eth1's subnet route is missing: $(on c1 ip -4 route)" || return 1
}

# serve NODE-ADDR PROTO PORT: a node listener answering "hi" (once it has read
# the question: a server that exits before reading it races socat's write),
# until the test ends.
serve() {
	local addr=$1 proto=$2 port=$3
	if [ "$proto" = udp ]; then
		spawn node timeout 30 socat -d -d "UDP-RECVFROM:$port,bind=$addr,fork" SYSTEM:"read x; echo hi" \
			2>"$ROOT/serve.$proto.$port" >/dev/null
	else
		spawn node timeout 30 socat -d -d "TCP-LISTEN:$port,bind=$addr,reuseaddr,fork" \
			SYSTEM:"read x; echo hi" 2>"$ROOT/serve.$proto.$port" >/dev/null
	fi
	for _ in $(seq 50); do
		grep -qE "listening on|receiving on" "$ROOT/serve.$proto.$port" 2>/dev/null && return 0
		sleep 0.1
	done
	fail "the node's $proto/$port listener did not start"
}

# ask CT PROTO ADDR PORT: prints what the node's service at ADDR:PORT answered.
ask() {
	if [ "$2" = udp ]; then
		echo q | on "$1" timeout 4 socat -T2 - "UDP:$3:$4" 2>/dev/null
	else
		on "$1" timeout 4 socat -T2 - "TCP:$3:$4,connect-timeout=2" </dev/null 2>/dev/null
	fi
}

# asks CT PROTO ADDR PORT: as ask, three tries at most (a datagram or an
# answer may be late on a busy machine; what must stay unanswered stays so).
asks() {
	local got
	for _ in 1 2 3; do
		got=$(ask "$@")
		[ -z "$got" ] || break
	done
	echo "$got"
}

# --gateway-allow udp/PORT opens UDP to that port, not TCP; tcp/PORT the reverse.
test_gateway_allow_by_protocol_and_port() {
	check "net create" bpfbr net create demo --subnet 10.40.0.0/24 --gateway-allow udp/5353,tcp/8080 ||
		return 1
	check "attach" bpfbr attach demo "$(ct c1)" --create-netns || return 1
	serve 10.40.0.1 udp 5353 && serve 10.40.0.1 tcp 5353 && serve 10.40.0.1 tcp 8080 &&
		serve 10.40.0.1 udp 8080 || return 1
	[ "$(asks c1 udp 10.40.0.1 5353)" = hi ] ||
		fail "udp/5353 on the gateway is not reachable (drops: $(bpfbr -j status demo | jq -c '.[0].drops | with_entries(select(.value > 0))'), server: $(tail -3 "$ROOT/serve.udp.5353" | tr '\n' ' '))" ||
		return 1
	[ "$(asks c1 tcp 10.40.0.1 8080)" = hi ] || fail "tcp/8080 on the gateway is not reachable" || return 1
	[ -z "$(asks c1 tcp 10.40.0.1 5353)" ] || fail "tcp/5353 reached, only udp/5353 was allowed" || return 1
	[ -z "$(asks c1 udp 10.40.0.1 8080)" ] || fail "udp/8080 reached, only tcp/8080 was allowed" || return 1
}

# A network whose DNS server is the gateway lets containers ask it (UDP and
# TCP 53); one without never does.
test_dns_on_the_gateway() {
	check "net create dns" bpfbr net create dns --subnet 10.40.0.0/24 --dns 10.40.0.1 || return 1
	check "net create plain" bpfbr net create plain --subnet 10.41.0.0/24 || return 1
	check "attach c1" bpfbr attach dns "$(ct c1)" --create-netns || return 1
	check "attach c2" bpfbr attach plain "$(ct c2)" --create-netns || return 1
	serve 10.40.0.1 udp 53 && serve 10.40.0.1 tcp 53 && serve 10.41.0.1 udp 53 || return 1
	[ "$(asks c1 udp 10.40.0.1 53)" = hi ] || fail "DNS over UDP to the gateway is refused" || return 1
	[ "$(asks c1 tcp 10.40.0.1 53)" = hi ] || fail "DNS over TCP to the gateway is refused" || return 1
	[ -z "$(asks c2 udp 10.41.0.1 53)" ] || fail "a network without DNS reaches the gateway's port 53" ||
		return 1
}

# nat flush removes the translations, as conntrack -F: the table is empty
# and the next datagram makes a new one.
test_nat_flush_empties_the_table() {
	local got
	ext_host || return 1
	check "net create" bpfbr net create demo --subnet 10.40.0.0/24 --uplink up0 --masquerade || return 1
	check "attach" bpfbr attach demo "$(ct c1)" --create-netns || return 1
	for p in 4001 4002 4003; do echo x | on c1 timeout 2 socat -T1 - "UDP:$EXT_IP:9,sourceport=$p" >/dev/null 2>&1; done
	[ "$(bpfbr -j nat show demo | jq length)" -ge 3 ] || fail "no translations: $(bpfbr nat show demo)" || return 1
	got=$(bpfbr -j nat flush demo) || fail "nat flush: $got" || return 1
	jq -e '.[0].removed >= 3' <<<"$got" >/dev/null || fail "nat flush reports $got" || return 1
	[ "$(bpfbr -j nat show demo | jq length)" = 0 ] || fail "left after flush: $(bpfbr nat show demo)" || return 1
	echo x | on c1 timeout 2 socat -T1 - "UDP:$EXT_IP:9,sourceport=4001" >/dev/null 2>&1
	[ "$(bpfbr -j nat show demo | jq length)" = 1 ] || fail "no new translation after flush" || return 1
}

run_tests "$@"
