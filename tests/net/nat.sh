#!/usr/bin/env bash
# Masquerade through an uplink (issue 3): containers of 10.40.0.0/24 reach an
# external host behind the node's uplink up0 (198.51.100.1/24, TEST-NET-2) with
# the uplink's address as their source, through BPF programs only: no
# iptables or nftables rule, no conntrack entry.
#   direct:  c1, c2 -- node (up0 198.51.100.1) -- ext 198.51.100.2
#   routed:  c1, c2 -- node (up0 198.51.100.1) -- router 198.51.100.254 |
#            203.0.113.1 (MTU 1280) -- ext 203.0.113.2
. "$(dirname "$0")/lib.sh"

PEER=$(cd "$(dirname "$0")" && pwd)/tools/natpeer.py
# Debian's python3 (scripts/deps.sh), not whatever shim PATH finds first.
PY=${PYTHON:-/usr/bin/python3}
FAR_IP=203.0.113.2
ROUTER_IP=198.51.100.254

# ext_direct: ext is the uplink's neighbour (tests/net/lib.sh).
ext_direct() { ext_host; }

# ext_routed: a router between the node and ext; the router's link to ext has
# MTU 1280, and ext advertises an MSS for 1500 so that TCP from a container has
# to discover the path MTU. The node's default route leads through the router.
ext_routed() {
	ns_new ext || return 1
	ns_new router || return 1
	ip link add up0 netns "$NODE" type veth peer name r0 netns "$(ct router)" || return 1
	ip link add r1 netns "$(ct router)" mtu 1280 type veth peer name eth0 netns "$(ct ext)" \
		mtu 1280 || return 1
	node ip addr add "$UP_IP/24" dev up0 &&
		node ip link set up0 up &&
		node ip route add default via "$ROUTER_IP" &&
		on router ip addr add "$ROUTER_IP/24" dev r0 &&
		on router ip addr add 203.0.113.1/24 dev r1 &&
		on router ip link set r0 up &&
		on router ip link set r1 up &&
		on router sysctl -qw net.ipv4.ip_forward=1 &&
		on ext ip addr add "$FAR_IP/24" dev eth0 &&
		on ext ip link set eth0 up &&
		on ext ip route add default via 203.0.113.1 advmss 1460
}

# up [TOPOLOGY [NET-CREATE-OPTIONS…]]: the external side (direct by default),
# network demo masquerading through up0, c1 (.2) and c2 (.3).
up() {
	local topo=${1:-direct}
	shift
	"ext_$topo" || fail "cannot build the $topo external side" || return 1
	check "net create --masquerade" bpfbr net create demo --subnet 10.40.0.0/24 \
		--uplink up0 --masquerade "$@" || return 1
	check "attach c1" bpfbr attach demo "$(ct c1)" --create-netns --ip 10.40.0.2 || return 1
	check "attach c2" bpfbr attach demo "$(ct c2)" --create-netns --ip 10.40.0.3 || return 1
}

# peer WHERE ARGS…: natpeer.py in the node or a container (c1, ext, …).
peer() {
	local where=$1
	shift
	if [ "$where" = node ]; then
		node "$PY" "$PEER" "$@"
	else
		on "$where" "$PY" "$PEER" "$@"
	fi
}

# uplink_counter NAME: a drop or event counter of the uplink, from status -j.
uplink_counter() {
	bpfbr -j status demo |
		jq -r --arg n "$1" '.[0].uplink | (.drops[$n] // .events[$n]) // "missing"'
}

# nat_flows [JQ-FILTER]: the translations of demo as JSON lines.
nat_flows() { bpfbr -j nat show demo | jq -rc ".[] | ${1:-.}"; }

# spawn WHERE SECONDS OUT CMD…: CMD in the background in WHERE (node or a ct
# name), bounded by SECONDS, output to OUT; its pid in $SPAWNED. Stopping that
# pid (timeout's) stops CMD and its children.
SPAWNED=""
spawn() {
	local ns=$1 secs=$2 out=$3
	shift 3
	[ "$ns" = node ] && ns=$NODE || ns=$(ct "$ns")
	: >"$out" # now, not when the child gets to it: callers wait for lines in OUT
	ip netns exec "$ns" timeout "$secs" "$@" >>"$out" 2>&1 &
	SPAWNED=$!
}

# stop PID…: ends background commands this test started.
stop() {
	local p
	for p in "$@"; do
		kill "$p" 2>/dev/null
		wait "$p" 2>/dev/null
	done
	return 0
}

# wait_for FILE REGEX: waits (up to 10 s) until a line of FILE matches.
wait_for() {
	for _ in $(seq 100); do
		grep -qE "$2" "$1" 2>/dev/null && return 0
		sleep 0.1
	done
	return 1
}

# serve WHERE SECONDS OUT ARGS…: a natpeer.py server in the background, ready
# when this returns; its pid in $SPAWNED.
serve() {
	local where=$1 secs=$2 out=$3
	shift 3
	spawn "$where" "$secs" "$out" "$PY" "$PEER" --timeout "$((secs - 1))" "$@"
	wait_for "$out" '^ready$' || fail "natpeer $* did not start in $where: $(head -3 "$out")"
}

# capture WHERE IFACE FILTER: tcpdump in WHERE, ready when this returns; pid in
# $SPAWNED. Each packet is printed as it comes (--immediate-mode), so that a
# capture stopped right after the traffic has it all; the test stops it, the
# bound (30 s) only keeps a failed test from leaving it running.
capture() {
	local out=$ROOT/cap.$1
	spawn "$1" 30 "$out" tcpdump -l --immediate-mode -n -v -i "$2" "$3"
	wait_for "$out" "listening on"
}

test_ping_external_host_one_hop() {
	local out ttl seen
	up || return 1
	capture ext eth0 "icmp[icmptype] == icmp-echo" || fail "tcpdump did not start in ext" || return 1
	out=$(on c1 ping -c1 -W2 -w6 "$EXT_IP" 2>&1) || fail "c1 cannot ping $EXT_IP: $out" || return 1
	wait_for "$ROOT/cap.ext" "ICMP echo request"
	stop "$SPAWNED"
	ttl=$(echo "$out" | sed -n 's/.*ttl=\([0-9]*\).*/\1/p')
	[ "$ttl" = 63 ] || fail "reply TTL in c1 is '$ttl', expected 63 (64 minus the node's hop)" ||
		return 1
	# tcpdump -v: "IP (tos 0x0, ttl 63, …)" then "    198.51.100.1 > 198.51.100.2: ICMP echo request, …"
	seen=$(grep -A1 -m1 "ttl" "$ROOT/cap.ext" | sed -nE '1s/.*(ttl [0-9]+).*/\1/p; 2s/^ +([0-9.]+ > [0-9.]+): ICMP echo request.*/\1/p' | tr '\n' ' ')
	[ "$seen" = "ttl 63 $UP_IP > $EXT_IP " ] ||
		fail "ext sees the echo request as '$seen', expected 'ttl 63 $UP_IP > $EXT_IP': $(tr '\n' ' ' <"$ROOT/cap.ext")" ||
		return 1
	[ "$(nat_flows 'select(.proto == "icmp") | .inside_addr + " " + .state')" = "10.40.0.2 established" ] ||
		fail "nat show has no established icmp flow of 10.40.0.2: $(bpfbr nat show demo)" || return 1
}

# nat show counts each translation's frames and bytes each way (issue 16):
# 3 pings of 56 bytes are 3 frames of 98 bytes out and 3 back.
test_nat_show_counts_packets_and_bytes() {
	local out
	up || return 1
	out=$(on c1 ping -c3 -i 0.2 -W2 "$EXT_IP" 2>&1) || fail "c1 cannot ping $EXT_IP: $out" || return 1
	out=$(nat_flows 'select(.proto == "icmp" and .inside_addr == "10.40.0.2") |
		"\(.out_packets) \(.out_bytes) \(.in_packets) \(.in_bytes)"')
	[ "$out" = "3 294 3 294" ] ||
		fail "c1's icmp flow counts '$out', expected '3 294 3 294' (packets, bytes out, in): $(bpfbr nat show demo)" ||
		return 1
	bpfbr nat show demo | grep -q ' 3/3 *294/294' ||
		fail "nat show's text has no 3/3 packets, 294/294 bytes: $(bpfbr nat show demo)"
}

# upload CT FILE PORT: CT sends FILE to ext:PORT; prints the sha256 of what ext
# received ('none' if nothing) and the largest segment ext's TCP saw.
upload() {
	local rpid
	serve ext 60 "$ROOT/recv" tcp-sink "$3" || return 1
	rpid=$SPAWNED
	on "$1" timeout 60 socat -u "OPEN:$2" "TCP:$(ext_ip):$3" || echo "socat in $1 failed" >&2
	wait "$rpid"
	awk '$1 != "ready" { print; n++ } END { if (!n) print "none -" }' "$ROOT/recv"
}

# download CT FILE PORT: CT fetches FILE from ext:PORT; prints the sha256 of
# what CT received.
download() {
	local spid sum
	spawn ext 60 "$ROOT/send" socat -u "OPEN:$2" "TCP-LISTEN:$3,reuseaddr"
	spid=$SPAWNED
	listening ext tcp "$3" || echo "socat in ext does not listen on $3" >&2
	sum=$(on "$1" timeout 60 socat -u "TCP:$(ext_ip):$3" STDOUT | sha256sum)
	stop "$spid"
	echo "${sum%% *}"
}

# ext_ip: ext's address in either topology.
ext_ip() { on ext ip -4 -o addr show dev eth0 | awk '{ sub(/\/.*/, "", $4); print $4 }'; }

test_tcp_100mb_both_ways_by_sha256() {
	local want got
	up || return 1
	head -c 100M /dev/urandom >"$ROOT/blob" || return 1
	want=$(sha256sum "$ROOT/blob" | awk '{ print $1 }')
	got=$(upload c1 "$ROOT/blob" 5001 | cut -d" " -f1)
	[ "$got" = "$want" ] || fail "ext received 100 MB from c1 with sha256 $got, sent $want" || return 1
	got=$(download c1 "$ROOT/blob" 5002)
	[ "$got" = "$want" ] || fail "c1 received 100 MB from ext with sha256 $got, sent $want" || return 1
	[ "$(uplink_counter truncated)" = 0 ] ||
		fail "the uplink dropped $(uplink_counter truncated) packets as truncated" || return 1
	[ "$(nat_flows 'select(.proto == "tcp") | .inside_addr + " " + .remote_addr' | sort -u)" = \
		"10.40.0.2 $EXT_IP" ] || fail "nat show does not list the transfers: $(bpfbr nat show demo)" ||
		return 1
}

test_udp_request_response_and_port_collision() {
	local srv a b
	up || return 1
	serve ext 15 "$ROOT/udp.srv" udp-server 5353 || return 1
	srv=$SPAWNED
	a=$(peer c1 udp-clients "$EXT_IP" 5353 5000)
	b=$(peer c2 udp-clients "$EXT_IP" 5353 5000)
	stop "$srv"
	[ "$a" = "5000 $UP_IP:5000" ] ||
		fail "c1 (source port 5000, free) is answered as '$a', expected '5000 $UP_IP:5000'" || return 1
	[[ "$b" =~ ^5000\ $UP_IP:([0-9]+)$ ]] ||
		fail "c2 (source port 5000 as c1) is answered as '$b', expected '5000 $UP_IP:PORT'" || return 1
	[ "${BASH_REMATCH[1]}" -ge 61000 ] ||
		fail "c2's flow got outside port ${BASH_REMATCH[1]}, outside the range 61000-65535" || return 1
}

# The server holds all 1000 connections open until the last arrives.
test_1000_connections_two_containers_same_ports() {
	local srv n kept p1 rc1 rc2
	up || return 1
	serve ext 40 "$ROOT/srv" tcp-server 6000 1000 || return 1
	srv=$SPAWNED
	peer c1 --timeout 30 tcp-clients "$EXT_IP" 6000 20000-20499 >"$ROOT/c1.out" &
	p1=$!
	peer c2 --timeout 30 tcp-clients "$EXT_IP" 6000 20000-20499 >"$ROOT/c2.out"
	rc2=$?
	wait "$p1"
	rc1=$?
	wait "$srv"
	grep -E '^[0-9.]+:[0-9]+$' "$ROOT/srv" >"$ROOT/seen"
	n=$(grep -c . "$ROOT/seen")
	[ "$n" = 1000 ] || fail "the server accepted $n connections at once, expected 1000" || return 1
	[ "$rc1" = 0 ] && [ "$rc2" = 0 ] ||
		fail "failed connections: c1 $(grep -c ' -$' "$ROOT/c1.out"), c2 $(grep -c ' -$' "$ROOT/c2.out")" ||
		return 1
	n=$(grep -v "^$UP_IP:" "$ROOT/seen" | grep -c .)
	[ "$n" = 0 ] || fail "$n connections reached the server from another address than $UP_IP: $(grep -v "^$UP_IP:" "$ROOT/seen" | head -3 | tr '\n' ' ')" || return 1
	n=$(sort -u "$ROOT/seen" | grep -c .)
	[ "$n" = 1000 ] || fail "the server saw $n distinct (address, port) tuples, expected 1000" || return 1
	# What the clients were told is exactly what the server saw.
	[ "$(awk '{ print $2 }' "$ROOT/c1.out" "$ROOT/c2.out" | sort)" = "$(sort "$ROOT/seen")" ] ||
		fail "the clients' views of their outside tuples differ from the server's" || return 1
	# Each source port is kept for whichever container came first, the other gets one from the range.
	kept=$(cat "$ROOT/c1.out" "$ROOT/c2.out" | awk -v up="$UP_IP" '$2 == up ":" $1' | grep -c .)
	[ "$kept" = 500 ] || fail "$kept source ports were kept, expected 500 (one per port)" || return 1
	n=$(cat "$ROOT/c1.out" "$ROOT/c2.out" | awk -v up="$UP_IP" '$2 != up ":" $1 { split($2, a, ":"); if (a[2] < 61000 || a[2] > 65535) print }' | grep -c .)
	[ "$n" = 0 ] || fail "$n remapped ports are outside 61000-65535" || return 1
}

# same_port FIRST SECOND: FIRST (node or c1) connects to ext:7000 from source
# port 40000 and holds the connection; then SECOND does the same. The server
# answers each with the tuple it sees, once both are open.
same_port() {
	local srv p1 rc1 rc2
	serve ext 20 "$ROOT/srv" tcp-server 7000 2 --progress "$ROOT/progress" || return 1
	srv=$SPAWNED
	peer "$1" --timeout 10 tcp-clients "$EXT_IP" 7000 40000 >"$ROOT/$1.out" &
	p1=$!
	wait_for "$ROOT/progress" . || fail "$1's connection did not reach the server" || return 1
	peer "$2" --timeout 10 tcp-clients "$EXT_IP" 7000 40000 >"$ROOT/$2.out"
	rc2=$?
	wait "$p1"
	rc1=$?
	stop "$srv"
	[ "$rc1" = 0 ] || fail "$1's connection (first) failed: $(cat "$ROOT/$1.out")" || return 1
	[ "$rc2" = 0 ] || fail "$2's connection (second, same source port) failed: $(cat "$ROOT/$2.out")" ||
		return 1
	[ "$(cut -d' ' -f2 "$ROOT/$1.out")" = "$UP_IP:40000" ] ||
		fail "$1 came first but the server sees it as $(cut -d' ' -f2 "$ROOT/$1.out"), expected $UP_IP:40000" ||
		return 1
	[ "$(cut -d' ' -f2 "$ROOT/$2.out")" != "$UP_IP:40000" ] ||
		fail "both connections have the same outside tuple $UP_IP:40000" || return 1
}

test_node_first_then_container_same_source_port() {
	up || return 1
	same_port node c1 || return 1
	[ "$(nat_flows 'select(.remote_port == 7000) | "\(.owner) \(.inside_port) \(.outside_port)"' | cut -d' ' -f1,2)" = "container 40000" ] ||
		fail "nat show should have one container flow from port 40000: $(bpfbr nat show demo)" || return 1
}

test_container_first_then_node_same_source_port() {
	up || return 1
	same_port c1 node || return 1
	[ "$(uplink_counter nat_node_port_changed)" -ge 1 ] ||
		fail "nat_node_port_changed is $(uplink_counter nat_node_port_changed), expected >= 1" || return 1
	nat_flows 'select(.remote_port == 7000 and .owner == "node") | .inside_port' | grep -qx 40000 ||
		fail "nat show does not list the node's remapped connection: $(bpfbr nat show demo)" || return 1
}

# An unconnected UDP socket of the node (sendto, as NTP or some resolvers use)
# must keep its replies when a container later talks to the same server from
# the same port: with the chapter's iptables setup conntrack knows the node's
# flow and moves the container's to another port.
test_node_unconnected_udp_keeps_replies_from_shared_port() {
	local srv node got
	up || return 1
	serve ext 15 "$ROOT/udp.srv" udp-server 5353 || return 1
	srv=$SPAWNED
	spawn node 12 "$ROOT/node.out" "$PY" "$PEER" --timeout 11 udp-clients "$EXT_IP" 5353 5000 \
		--rounds 2 --pause 2
	node=$SPAWNED
	wait_for "$ROOT/node.out" "^5000 " || fail "the node's first request was not answered" || return 1
	got=$(peer c1 udp-clients "$EXT_IP" 5353 5000)
	wait "$node"
	stop "$srv"
	[ "$(cat "$ROOT/node.out")" = "5000 $UP_IP:5000"$'\n'"5000 $UP_IP:5000" ] ||
		fail "the node's socket on port 5000 got, before and after c1 used port 5000: $(tr '\n' ',' <"$ROOT/node.out") (c1 got '$got'); expected '5000 $UP_IP:5000' twice" ||
		return 1
	[[ "$got" =~ ^5000\ $UP_IP:[0-9]+$ && "$got" != "5000 $UP_IP:5000" ]] ||
		fail "c1 sending from the node's port 5000 got '$got', expected an answer to another outside port" ||
		return 1
}

# hops MODE-OPTION: the hops traceroute reports from c1 to ext, one line.
hops() {
	on c1 timeout 20 traceroute $1 -n -q1 -w2 -m5 "$FAR_IP" 2>&1 |
		awk 'NR > 1 { printf "%s ", $2 }' | sed 's/ $//'
}

test_traceroute_through_router_udp_icmp_tcp() {
	local mode got want="10.40.0.1 $ROUTER_IP $FAR_IP"
	up routed || return 1
	for mode in "-U" "-I" "-T -p 80"; do
		got=$(hops "$mode")
		[ "$got" = "$want" ] ||
			fail "traceroute $mode from c1 reports hops '$got', expected '$want'" || return 1
	done
	# At least the router's time exceeded in each mode and ext's port unreachable.
	[ "$(uplink_counter nat_icmp_error_translated)" -ge 4 ] ||
		fail "nat_icmp_error_translated is $(uplink_counter nat_icmp_error_translated), expected >= 4" ||
		return 1
}

test_pmtu_frag_needed_reaches_container() {
	local out
	up routed || return 1
	out=$(on c1 ping -c1 -W2 -M "do" -s 1400 "$FAR_IP" 2>&1)
	echo "$out" | grep -q "From $ROUTER_IP .*Frag needed and DF set (mtu = 1280)" ||
		fail "c1 did not get the router's frag-needed for a 1428-byte DF ping: $out" || return 1
	out=$(on c1 ip route get "$FAR_IP")
	echo "$out" | grep -q "mtu 1280" || fail "c1's route cache does not hold mtu 1280: $out" || return 1
	out=$(on c1 ping -c1 -W2 -M "do" -s 1252 "$FAR_IP" 2>&1) ||
		fail "a 1280-byte DF ping from c1 fails: $out" || return 1
}

# ext advertises an MSS for 1500 bytes but sits behind the 1280 link: c1's TCP
# must learn the path MTU from the translated frag-needed to complete.
test_pmtu_tcp_transfer_completes() {
	local want got
	up routed || return 1
	head -c 20M /dev/urandom >"$ROOT/blob" || return 1
	want=$(sha256sum "$ROOT/blob" | awk '{ print $1 }')
	got=$(upload c1 "$ROOT/blob" 5001 | cut -d" " -f1)
	[ "$got" = "$want" ] || fail "ext received 20 MB from c1 with sha256 $got, sent $want" || return 1
	on c1 ip route get "$FAR_IP" | grep -q "mtu 1280" ||
		fail "c1's route cache does not hold mtu 1280 after the transfer: $(on c1 ip route get "$FAR_IP")" ||
		return 1
	[ "$(uplink_counter nat_icmp_error_translated)" -ge 1 ] ||
		fail "no ICMP error was translated back during the transfer" || return 1
}

# up0 and ext at MTU 1280, the containers at 1500: too big DF packets get the
# gateway's frag-needed, as the node's stack gives it, on the very first packet
# (the uplink's neighbour not yet resolved) and later; packets without DF are
# fragmented by the node (first fragment translated by its ports, later ones
# by their IP id) in both directions.
test_uplink_mtu_smaller_than_containers() {
	local out
	ext_direct || return 1
	node ip link set up0 mtu 1280 && on ext ip link set eth0 mtu 1280 || return 1
	check "net create" bpfbr net create demo --subnet 10.40.0.0/24 --uplink up0 --masquerade ||
		return 1
	check "attach c1" bpfbr attach demo "$(ct c1)" --create-netns --ip 10.40.0.2 || return 1
	out=$(on c1 ping -c1 -W2 -M "do" -s 1400 "$EXT_IP" 2>&1)
	echo "$out" | grep -q "From 10.40.0.1 .*Frag needed and DF set (mtu = 1280)" ||
		fail "first packet: c1 did not get the gateway's frag-needed for a 1428-byte DF ping (the uplink's neighbour unresolved): $(echo "$out" | head -2 | tr '\n' ' ')" ||
		return 1
	on c1 ip route flush cache
	ping_ok c1 "$EXT_IP" || fail "c1 cannot ping $EXT_IP" || return 1
	out=$(on c1 ping -c1 -W2 -M "do" -s 1400 "$EXT_IP" 2>&1)
	echo "$out" | grep -q "From 10.40.0.1 .*Frag needed and DF set (mtu = 1280)" ||
		fail "c1 did not get the gateway's frag-needed for a 1428-byte DF ping: $(echo "$out" | head -2 | tr '\n' ' ')" ||
		return 1
	out=$(on c1 ping -c1 -W2 -w4 -M dont -s 1400 "$EXT_IP" 2>&1) ||
		fail "a 1428-byte ping without DF (fragmented both ways) fails: $out" || return 1
	[ "$(uplink_counter fragment_unknown)" = 0 ] ||
		fail "fragment_unknown is $(uplink_counter fragment_unknown)" || return 1
}

# TCP segments offloaded as one big packet (GSO) must not cross an uplink whose
# MTU is smaller than their segments: the node's stack answers frag-needed
# (ip_forward checks every segment), so the container learns MTU 1280. ext
# advertises an MSS for 1500 so that c1's segments start too big; the largest
# segment ext's TCP receives (GRO or not) must fit 1280 bytes.
test_gso_segments_respect_uplink_mtu() {
	local want got mss
	ext_direct || return 1
	node ip link set up0 mtu 1280 && on ext ip link set eth0 mtu 1280 || return 1
	on ext ip route replace 198.51.100.0/24 dev eth0 src "$EXT_IP" advmss 1460 || return 1
	check "net create" bpfbr net create demo --subnet 10.40.0.0/24 --uplink up0 --masquerade ||
		return 1
	check "attach c1" bpfbr attach demo "$(ct c1)" --create-netns --ip 10.40.0.2 || return 1
	ping_ok c1 "$EXT_IP" || fail "c1 cannot ping $EXT_IP" || return 1
	head -c 5M /dev/urandom >"$ROOT/blob" || return 1
	want=$(sha256sum "$ROOT/blob" | awk '{ print $1 }')
	read -r got mss <<<"$(upload c1 "$ROOT/blob" 5001)"
	[ "$got" = "$want" ] || fail "ext received 5 MB from c1 with sha256 $got, sent $want" || return 1
	[ "$mss" -le 1240 ] ||
		fail "ext received TCP segments of $mss bytes through up0 (MTU 1280, at most 1240 fit); c1's route to ext: $(on c1 ip route get "$EXT_IP" | tr -s '\n ' ' ')" ||
		return 1
}

# udp_ports CT PORTS: the answers CT gets from ext:5353, one per source port.
udp_ports() { peer "$1" udp-clients "$EXT_IP" 5353 "$2" --wait 0.5 --tries 2; }

# The table is filled by two containers, each under its share: the refusals
# are the table's.
test_nat_max_filled_to_the_brim() {
	local srv c1first c2first again n
	up direct --nat-max 8 --nat-share 8 || return 1
	serve ext 25 "$ROOT/udp.srv" udp-server 5353 || return 1
	srv=$SPAWNED
	c1first=$(udp_ports c1 30001-30005) || fail "c1's 5 flows fail: $c1first" || return 1
	c2first=$(udp_ports c2 30001-30003) || fail "c2's 3 flows fail (8 in a table of 8): $c2first" ||
		return 1
	n=$(bpfbr -j status demo | jq '.[0].uplink.flows')
	[ "$n" = 8 ] || fail "status counts $n flows, expected 8" || return 1
	n=$(udp_ports c1 30009)
	[ "$n" = "30009 -" ] || fail "a 9th flow (c1's) in a full table is answered: $n" || return 1
	n=$(udp_ports c2 30009)
	[ "$n" = "30009 -" ] || fail "a 9th flow (c2's) in a full table is answered: $n" || return 1
	[ "$(uplink_counter nat_table_full)" -ge 2 ] ||
		fail "nat_table_full is $(uplink_counter nat_table_full), expected >= 2" || return 1
	[ "$(uplink_counter nat_share_used_up)" = 0 ] ||
		fail "nat_share_used_up is $(uplink_counter nat_share_used_up), no container is over its share" ||
		return 1
	again=$(udp_ports c1 30001-30005) && [ "$again" = "$c1first" ] ||
		fail "c1's flows in a full table: '$c1first' before, '$again' now" || return 1
	again=$(udp_ports c2 30001-30003) && [ "$again" = "$c2first" ] ||
		fail "c2's flows in a full table: '$c2first' before, '$again' now" || return 1
	n=$(nat_flows | grep -c .)
	[ "$n" = 8 ] || fail "nat show lists $n flows, expected 8" || return 1
	stop "$srv"
}

test_nat_share_per_container() {
	local srv out
	up direct --nat-max 8 --nat-share 2 || return 1
	serve ext 25 "$ROOT/udp.srv" udp-server 5353 || return 1
	srv=$SPAWNED
	out=$(udp_ports c1 30001-30002) || fail "c1's first two flows fail: $out" || return 1
	out=$(udp_ports c1 30003)
	[ "$out" = "30003 -" ] || fail "c1's third flow is answered with a share of 2: $out" || return 1
	[ "$(uplink_counter nat_share_used_up)" -ge 1 ] ||
		fail "nat_share_used_up is $(uplink_counter nat_share_used_up), expected >= 1" || return 1
	[ "$(uplink_counter nat_table_full)" = 0 ] ||
		fail "nat_table_full is $(uplink_counter nat_table_full), the table is not full" || return 1
	out=$(udp_ports c2 30001-30002) || fail "c2 gets no flows while c1's share is used up: $out" ||
		return 1
	out=$(udp_ports c1 30001-30002) || fail "c1's existing flows stop working: $out" || return 1
	stop "$srv"
}

# flows_of ADDR: live slots of the pinned flows map with that inside address
# (bpftool reads the map with BTF; addresses are in network order).
flows_of() {
	local a b c d
	IFS=. read -r a b c d <<<"$1"
	bpftool -j map dump pinned "$ROOT/sys/fs/bpf/bpfbr/uplinks/up0/flows" |
		jq --argjson ip "$(((d << 24) | (c << 16) | (b << 8) | a))" \
			'[.[] | .formatted.value // .value | select(.in_use == 1 and .iaddr == $ip)] | length'
}

test_detach_removes_only_that_containers_flows() {
	local srv c2first c2again n
	up direct --nat-max 64 || return 1
	serve ext 25 "$ROOT/udp.srv" udp-server 5353 || return 1
	srv=$SPAWNED
	check "c1's flows" udp_ports c1 30001-30003 || return 1
	# Same ports for c2: its flows get other outside ports, which they keep.
	c2first=$(udp_ports c2 30001-30003) || fail "c2's flows fail: $c2first" || return 1
	[ "$(flows_of 10.40.0.2)" = 3 ] && [ "$(flows_of 10.40.0.3)" = 3 ] ||
		fail "the flows map holds $(flows_of 10.40.0.2) flows of c1 and $(flows_of 10.40.0.3) of c2, expected 3 and 3" ||
		return 1
	check "detach c1" bpfbr detach demo "$(ct c1)" || return 1
	n=$(nat_flows 'select(.inside_addr == "10.40.0.2")' | grep -c .)
	[ "$n" = 0 ] || fail "nat show still lists $n flows of detached c1: $(bpfbr nat show demo)" || return 1
	[ "$(flows_of 10.40.0.2)" = 0 ] || fail "the flows map still holds $(flows_of 10.40.0.2) flows of c1" ||
		return 1
	[ "$(flows_of 10.40.0.3)" = 3 ] || fail "c2 has $(flows_of 10.40.0.3) flows left, expected 3" ||
		return 1
	n=$(bpftool -j map dump pinned "$ROOT/sys/fs/bpf/bpfbr/uplinks/up0/nat_out" | jq length)
	[ "$n" = 3 ] || fail "nat_out holds $n keys after detach, expected c2's 3" || return 1
	n=$(bpftool -j map dump pinned "$ROOT/sys/fs/bpf/bpfbr/uplinks/up0/nat_in" | jq length)
	[ "$n" = 3 ] || fail "nat_in holds $n keys after detach, expected c2's 3" || return 1
	c2again=$(udp_ports c2 30001-30003) || fail "c2's flows stop working after c1's detach: $c2again" ||
		return 1
	[ "$c2again" = "$c2first" ] ||
		fail "c2's flows changed outside ports at c1's detach: '$c2first' then '$c2again'" || return 1
	[ "$(bpfbr -j status demo | jq '.[0].uplink.flows')" = 3 ] ||
		fail "status counts $(bpfbr -j status demo | jq '.[0].uplink.flows') flows, expected 3" || return 1
	stop "$srv"
}

# The node opened to the containers (--gateway-allow all, as behind a bridge):
# what c1 sends to it, or to c2, keeps c1's address.
test_not_translated_between_containers_and_to_the_node() {
	local pids=() dst got
	up direct --gateway-allow all || return 1
	# One server per address, so that each answers from the address asked.
	serve c2 15 "$ROOT/c2.srv" udp-server 5353 || return 1
	pids+=("$SPAWNED")
	serve node 15 "$ROOT/up.srv" udp-server 5353 --bind "$UP_IP" || return 1
	pids+=("$SPAWNED")
	serve node 15 "$ROOT/gw.srv" udp-server 5353 --bind 10.40.0.1 || return 1
	pids+=("$SPAWNED")
	for dst in 10.40.0.3 "$UP_IP" 10.40.0.1; do
		got=$(peer c1 udp-clients "$dst" 5353 5000)
		[ "$got" = "5000 10.40.0.2:5000" ] ||
			fail "c1 -> $dst is seen as '$got', expected '5000 10.40.0.2:5000' (untranslated)" || return 1
	done
	stop "${pids[@]}"
	got=$(on c1 ping -c1 -W2 "$UP_IP" | sed -n 's/.*ttl=\([0-9]*\).*/\1/p')
	[ "$got" = 64 ] || fail "the node's uplink address answers c1 with TTL '$got', expected 64" || return 1
	[ -z "$(nat_flows)" ] || fail "nat show lists flows: $(bpfbr nat show demo)" || return 1
	[ "$(uplink_counter nat_created)" = 0 ] ||
		fail "nat_created is $(uplink_counter nat_created), expected 0" || return 1
}

# seen_from DST: the source of the first datagram to DST:5000 in ext's
# capture ($ROOT/cap.ext), as tcpdump prints it: ADDR.PORT.
seen_from() {
	grep -o "[0-9.]* > ${1//./\\.}\.5000:" "$ROOT/cap.ext" | head -1 | cut -d' ' -f1
}

# Multicast from a container's address leaves the uplink with that address,
# as the CNI bridge plugin's masquerade rule leaves 224.0.0.0/4 alone. The
# node sends it as its multicast routing would forward it (c1's address as
# the source, up0 the way out), so that this runs on kernels without
# multicast routing too; the routed test below has c1 send it. A unicast
# datagram sent the same way is translated: the path is the masquerade's.
test_multicast_never_masqueraded() {
	local cap seen
	up || return 1
	capture ext eth0 "udp and port 5000" || fail "tcpdump did not start in ext" || return 1
	cap=$SPAWNED
	check "a datagram from 10.40.0.2 to 239.1.2.3 out of up0" \
		peer node udp-send 239.1.2.3 5000 8 --dev up0 --src 10.40.0.2 || return 1
	check "a datagram from 10.40.0.2 to $EXT_IP" peer node udp-send "$EXT_IP" 5000 8 --src 10.40.0.2 ||
		return 1
	wait_for "$ROOT/cap.ext" "> 239.1.2.3.5000:" && wait_for "$ROOT/cap.ext" "> $EXT_IP.5000:" ||
		fail "the datagrams did not both leave through up0: $(tr '\n' ' ' <"$ROOT/cap.ext")" || return 1
	stop "$cap"
	seen=$(seen_from "$EXT_IP")
	[[ "$seen" == "$UP_IP".* ]] ||
		fail "ext sees the unicast datagram from '$seen', expected from $UP_IP (masqueraded)" || return 1
	seen=$(seen_from 239.1.2.3)
	[[ "$seen" == 10.40.0.2.* ]] || fail "ext sees the multicast datagram from '$seen', expected from 10.40.0.2" ||
		return 1
	[ -z "$(nat_flows 'select(.remote_addr == "239.1.2.3")')" ] ||
		fail "nat show lists flows for multicast: $(bpfbr nat show demo)" || return 1
}

# The node routes 239.1.2.3 from c1 out of up0 (kernel multicast routing, set
# up by the test): ext must see c1's own address.
test_multicast_routed_from_a_container_never_masqueraded() {
	local gw mr cap seen
	need_feature mroute || return $?
	up || return 1
	gw=$(bpfbr -j net list | jq -r '.[0].gateway_dev')
	spawn node 15 "$ROOT/mroute" "$PY" "$PEER" --timeout 14 mroute "$gw" up0 10.40.0.2 239.1.2.3
	mr=$SPAWNED
	wait_for "$ROOT/mroute" '^ready$' || fail "no multicast route on the node: $(cat "$ROOT/mroute")" ||
		return 1
	capture ext eth0 "udp and dst 239.1.2.3" || fail "tcpdump did not start in ext" || return 1
	cap=$SPAWNED
	peer c1 udp-send 239.1.2.3 5000 8
	wait_for "$ROOT/cap.ext" "> 239.1.2.3.5000:" ||
		fail "the multicast datagram did not leave through up0: $(tr '\n' ' ' <"$ROOT/cap.ext")" ||
		return 1
	stop "$cap" "$mr"
	seen=$(seen_from 239.1.2.3)
	[[ "$seen" == 10.40.0.2.* ]] || fail "ext sees the multicast datagram from '$seen', expected from 10.40.0.2" ||
		return 1
	[ -z "$(nat_flows)" ] || fail "nat show lists flows for multicast: $(bpfbr nat show demo)" || return 1
}

test_no_netfilter_rules_and_no_conntrack() {
	local srv out
	up || return 1
	ping_ok c1 "$EXT_IP" || fail "c1 cannot ping $EXT_IP" || return 1
	serve ext 15 "$ROOT/udp.srv" udp-server 5353 || return 1
	srv=$SPAWNED
	check "udp from c1" peer c1 udp-clients "$EXT_IP" 5353 5000 || return 1
	stop "$srv"
	head -c 1M /dev/zero >"$ROOT/blob"
	[ "$(upload c2 "$ROOT/blob" 5001 | cut -d" " -f1)" = "$(sha256sum "$ROOT/blob" | awk '{ print $1 }')" ] ||
		fail "tcp from c2 failed" || return 1
	# A kernel without iptables' or nftables' backend holds no such rules:
	# nothing to list there.
	if have_feature iptables; then
		out=$(node iptables-save 2>&1 | grep -v '^#')
		[ -z "$out" ] ||
			fail "iptables-save in the node namespace shows: $(echo "$out" | head -5 | tr '\n' ' ')" ||
			return 1
	fi
	if have_feature nftables; then
		out=$(node nft list ruleset 2>&1)
		[ -z "$out" ] ||
			fail "nft list ruleset in the node namespace shows: $(echo "$out" | head -5 | tr '\n' ' ')" ||
			return 1
	fi
	out=$(node conntrack -L 2>/dev/null)
	[ -z "$out" ] || fail "conntrack -L in the node namespace lists: $(echo "$out" | head -3 | tr '\n' ' ')" ||
		return 1
	out=$(node cat /proc/net/nf_conntrack 2>/dev/null)
	[ -z "$out" ] || fail "/proc/net/nf_conntrack of the node namespace lists: $(echo "$out" | head -3)" ||
		return 1
}

# What the node had before the network, for comparing after net delete.
node_sysctls() {
	node sysctl -a 2>/dev/null | grep -E '^net\.ipv4\.(ip_forward |conf\.(all|default|up0)\.)' | sort
}

# pins_and_state: what bpfbr keeps under $ROOT: every file, and every directory
# but its empty base directories (and the lock file).
pins_and_state() {
	(cd "$ROOT" && find sys/fs/bpf var run -mindepth 1 2>/dev/null |
		grep -vxE 'sys/fs/bpf/(maps|progs)\.debug|sys/fs/bpf/bpfbr|var|var/lib|var/lib/bpfbr|var/lib/bpfbr/networks|run/bpfbr|run/bpfbr/lock' |
		sort)
}

test_net_delete_removes_all_state() {
	local sysctls before ids id d left mode
	ext_direct || return 1
	sysctls=$(node_sysctls)
	before=$(pins_and_state)
	check "net create" bpfbr net create demo --subnet 10.40.0.0/24 --uplink up0 --masquerade ||
		return 1
	check "attach c1" bpfbr attach demo "$(ct c1)" --create-netns --ip 10.40.0.2 || return 1
	ping_ok c1 "$EXT_IP" || fail "c1 cannot ping $EXT_IP" || return 1
	ids=$(bpfbr -j status demo | jq -r '.[0].uplink.programs[].id')
	[ -n "$ids" ] || fail "status shows no uplink programs" || return 1
	# TCX where the kernel has it (the agent probes), legacy tc filters otherwise
	# (the kernel keeps 15 characters of a program's name: bpfbr_uplink_ou).
	mode=$(bpfbr -j status demo | jq -r '[.[0].uplink.programs[].attach.mode] | unique | join(",")')
	case $mode in
	tcx) [ "$(peer node tcx up0 | grep -c none)" = 0 ] ||
		fail "before net delete, up0 has no TCX programs: $(peer node tcx up0 | tr '\n' ' ')" || return 1 ;;
	tc) node tc filter show dev up0 egress | grep -q "name bpfbr_uplink_ou" ||
		fail "before net delete, up0 has no tc egress filter: $(node tc filter show dev up0 egress)" ||
		return 1 ;;
	*) fail "status shows the uplink's programs attached as '$mode'" || return 1 ;;
	esac
	check "net delete --force" bpfbr net delete demo --force || return 1
	[ "$(pins_and_state)" = "$before" ] ||
		fail "left under $ROOT: $(comm -13 <(echo "$before") <(pins_and_state) | tr '\n' ' ')" || return 1
	for d in ingress egress; do
		[ -z "$(node tc filter show dev up0 "$d")" ] ||
			fail "tc filters left on up0 $d: $(node tc filter show dev up0 "$d")" || return 1
	done
	[ "$mode" != tcx ] || [ "$(peer node tcx up0 | tr '\n' ' ')" = "ingress none egress none " ] ||
		fail "programs left attached to up0 by TCX: $(peer node tcx up0 | tr '\n' ' ')" || return 1
	[ "$(node ip -j link show dev up0 | jq -c '.[0].xdp')" = null ] ||
		fail "an XDP program is left on up0: $(node ip -j link show dev up0 | jq -c '.[0].xdp')" ||
		return 1
	! node ip link show bpfbr0 >/dev/null 2>&1 || fail "gateway device bpfbr0 left" || return 1
	[ "$(node_sysctls)" = "$sysctls" ] ||
		fail "sysctls changed: $(diff <(echo "$sysctls") <(node_sysctls) | grep '^[<>]' | tr '\n' ' ')" ||
		return 1
	# The programs go once nothing holds them (the sweeper's timer included).
	for _ in $(seq 30); do
		left=""
		for id in $ids; do
			bpftool prog show id "$id" >/dev/null 2>&1 && left="$left $id"
		done
		[ -z "$left" ] && break
		sleep 0.1
	done
	[ -z "$left" ] || fail "uplink programs still loaded after net delete: ids$left" || return 1
	node ip -4 -o addr show dev up0 | grep -q "$UP_IP/24" || fail "up0 lost its address" || return 1
	# And it can be built again.
	check "net create again" bpfbr net create demo --subnet 10.40.0.0/24 --uplink up0 --masquerade ||
		return 1
	check "attach c2" bpfbr attach demo "$(ct c2)" --create-netns --ip 10.40.0.3 || return 1
	ping_ok c2 "$EXT_IP" || fail "c2 cannot ping $EXT_IP after the network was deleted and created again" ||
		return 1
}

# Two networks masquerade through up0; deleting one leaves the other's
# translations working, deleting the last removes the uplink's datapath.
test_shared_uplink_survives_first_delete() {
	local before
	ext_direct || return 1
	before=$(pins_and_state)
	check "net create demo" bpfbr net create demo --subnet 10.40.0.0/24 --uplink up0 --masquerade ||
		return 1
	check "net create other" bpfbr net create other --subnet 10.41.0.0/24 --uplink up0 --masquerade ||
		return 1
	check "attach c1 to demo" bpfbr attach demo "$(ct c1)" --create-netns --ip 10.40.0.2 || return 1
	check "attach c3 to other" bpfbr attach other "$(ct c3)" --create-netns --ip 10.41.0.2 || return 1
	ping_ok c1 "$EXT_IP" && ping_ok c3 "$EXT_IP" || fail "c1 or c3 cannot ping $EXT_IP" || return 1
	check "net delete demo" bpfbr net delete demo --force || return 1
	ping_ok c3 "$EXT_IP" || fail "c3 (network other) lost $EXT_IP when demo was deleted" || return 1
	[ "$(bpfbr -j nat show other | jq -r '.[].inside_addr' | sort -u)" = 10.41.0.2 ] ||
		fail "nat show other after demo's delete: $(bpfbr nat show other)" || return 1
	check "net delete other" bpfbr net delete other --force || return 1
	[ "$(pins_and_state)" = "$before" ] ||
		fail "left under $ROOT: $(comm -13 <(echo "$before") <(pins_and_state) | tr '\n' ' ')" || return 1
	[ -z "$(node tc filter show dev up0 egress)$(node tc filter show dev up0 ingress)" ] ||
		fail "tc filters left on up0" || return 1
}

run_tests "$@"
