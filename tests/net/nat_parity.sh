#!/usr/bin/env bash
# Parity of masquerade: the chapter's setup (parity/chapter.sh's bridge, then
# ip_forward=1 and `iptables -t nat -A POSTROUTING -s 10.40.0.0/24 ! -o br0 -j
# MASQUERADE`, in a node namespace of its own) and bpfbr with --masquerade, each
# with an uplink up0 198.51.100.1/24 to an external host 198.51.100.2. What the
# containers and the external host observe must be the same: source address,
# TTL, reachability, whether a source port is kept. Each test compares one
# aspect and prints both observations when they differ; PARITY_SHOW=1 prints
# them also when they agree.
. "$(dirname "$0")/lib.sh"

HERE=$(cd "$(dirname "$0")" && pwd)
PEER=$HERE/tools/natpeer.py
PY=${PYTHON:-/usr/bin/python3}
FAR_IP=203.0.113.2
ROUTER_IP=198.51.100.254

# The observed world: namespaces of the node, ext, the router, c1 and c2.
W_NODE="" W_EXT="" W_ROUTER="" W_C1="" W_C2=""

use_world() {
	case $1 in
	iptables) W_NODE=$(ct inode) W_EXT=$(ct iext) W_ROUTER=$(ct irouter) W_C1=$(ct i1) W_C2=$(ct i2) ;;
	bpfbr) W_NODE=$NODE W_EXT=$(ct ext) W_ROUTER=$(ct router) W_C1=$(ct c1) W_C2=$(ct c2) ;;
	esac
}

# at WHO CMD…: runs CMD in node, ext, router, c1 or c2 of the observed world.
at() {
	local who=$1 ns
	shift
	case $who in
	node) ns=$W_NODE ;;
	ext) ns=$W_EXT ;;
	router) ns=$W_ROUTER ;;
	c1) ns=$W_C1 ;;
	c2) ns=$W_C2 ;;
	esac
	ip netns exec "$ns" "$@"
}

ns_new() {
	ip netns add "$1" || return 1
	own_ns "$1"
	ip -n "$1" link set lo up
}

# outside TOPOLOGY MTU: the uplink and what is behind it, for the observed world.
#   direct: up0 -- ext; the link at MTU (ext advertising an MSS for 1500).
#   routed: up0 -- router -- ext, the router's link to ext at 1280.
outside() {
	ns_new "$W_EXT" || return 1
	if [ "$1" = direct ]; then
		ip link add up0 netns "$W_NODE" mtu "$2" type veth peer name eth0 netns "$W_EXT" \
			mtu "$2" || return 1
		at ext ip addr add "$EXT_IP/24" dev eth0 &&
			at ext ip link set eth0 up &&
			at ext ip route replace 198.51.100.0/24 dev eth0 src "$EXT_IP" advmss 1460 || return 1
	else
		ns_new "$W_ROUTER" || return 1
		ip link add up0 netns "$W_NODE" type veth peer name r0 netns "$W_ROUTER" || return 1
		ip link add r1 netns "$W_ROUTER" mtu 1280 type veth peer name eth0 netns "$W_EXT" \
			mtu 1280 || return 1
		at router ip addr add "$ROUTER_IP/24" dev r0 &&
			at router ip addr add 203.0.113.1/24 dev r1 &&
			at router ip link set r0 up &&
			at router ip link set r1 up &&
			at router sysctl -qw net.ipv4.ip_forward=1 &&
			at ext ip addr add "$FAR_IP/24" dev eth0 &&
			at ext ip link set eth0 up &&
			at ext ip route add default via 203.0.113.1 advmss 1460 || return 1
	fi
	at node ip addr add "$UP_IP/24" dev up0 && at node ip link set up0 up || return 1
	[ "$1" = direct ] || at node ip route add default via "$ROUTER_IP"
}

# iptables_up TOPOLOGY MTU: the chapter's commands in a node namespace of their own.
iptables_up() {
	need_feature bridge || return $?
	need_feature iptables-nat || return $?
	use_world iptables
	ns_new "$W_NODE" || return 1
	check "the chapter's bridge commands" \
		nsenter --net="/run/netns/$W_NODE" bash "$HERE/parity/chapter.sh" "$W_C1" "$W_C2" || return 1
	outside "$@" || fail "cannot build the outside of the iptables world" || return 1
	check "ip_forward=1" at node sysctl -qw net.ipv4.ip_forward=1 || return 1
	check "the chapter's MASQUERADE rule" at node iptables -t nat -A POSTROUTING \
		-s 10.40.0.0/24 ! -o br0 -j MASQUERADE
}

# bpfbr_up TOPOLOGY MTU: the same network built by bpfbr.
bpfbr_up() {
	use_world bpfbr
	outside "$@" || fail "cannot build the outside of the bpfbr world" || return 1
	check "net create --masquerade" bpfbr net create demo --subnet 10.40.0.0/24 --uplink up0 \
		--masquerade || return 1
	check "attach c1" bpfbr attach demo "$W_C1" --create-netns --ip 10.40.0.2 || return 1
	check "attach c2" bpfbr attach demo "$W_C2" --create-netns --ip 10.40.0.3 || return 1
}

# compare ASPECT [TOPOLOGY [MTU]]: builds both worlds, runs observe_ASPECT in each, diffs.
compare() {
	local aspect=$1 topo=${2:-direct} mtu=${3:-1500} w
	iptables_up "$topo" "$mtu" || return $?
	bpfbr_up "$topo" "$mtu" || return 1
	for w in iptables bpfbr; do
		use_world "$w"
		"observe_$aspect" >"$ROOT/$w.obs" 2>&1
	done
	[ -s "$ROOT/iptables.obs" ] || fail "no $aspect observed" || return 1
	if [ -n "${PARITY_SHOW:-}" ]; then
		for w in iptables bpfbr; do
			echo "  --- $aspect, $w:" >&2
			sed 's/^/  | /' "$ROOT/$w.obs" >&2
		done
	fi
	if ! diff -u --label "iptables MASQUERADE (chapter)" --label "bpfbr --masquerade" \
		"$ROOT/iptables.obs" "$ROOT/bpfbr.obs" >"$ROOT/diff"; then
		echo "  --- $aspect: what the containers and the external host observe differs:" >&2
		sed 's/^/  | /' "$ROOT/diff" >&2
		fail "$aspect differ: $(grep -E '^[-+][^-+]' "$ROOT/diff" | head -4 | tr '\n' ';')"
		return 1
	fi
	reference_ok "$aspect" "$ROOT/iptables.obs"
}

# reference_ok ASPECT FILE: lines the chapter's setup must show, so that two
# equally broken worlds do not pass.
reference_ok() {
	local line
	while IFS= read -r line; do
		[ -n "$line" ] || continue
		grep -qxF -- "$line" "$2" && continue
		sed 's/^/  | /' "$2" >&2
		fail "the iptables reference lacks '$line' ($1): is the environment broken?"
		return 1
	done <<<"$(reference_"$1" 2>/dev/null)"
}

# bg WHO SECONDS OUT CMD…: CMD in the background, bounded; its pid in $BG.
BG=""
bg() {
	local who=$1 secs=$2 out=$3
	shift 3
	: >"$out" # now, not when the child gets to it: callers wait for lines in OUT
	at "$who" timeout "$secs" "$@" >>"$out" 2>&1 &
	BG=$!
}

# wait_for FILE REGEX: up to 10 s until a line of FILE matches.
wait_for() {
	for _ in $(seq 100); do
		grep -qE "$2" "$1" 2>/dev/null && return 0
		sleep 0.1
	done
	return 1
}

stop() {
	local p
	for p in "$@"; do
		kill "$p" 2>/dev/null
		wait "$p" 2>/dev/null
	done
	return 0
}

# serve WHO SECONDS OUT ARGS…: a natpeer.py server, ready when this returns.
serve() {
	local who=$1 secs=$2 out=$3
	shift 3
	bg "$who" "$secs" "$out" "$PY" "$PEER" --timeout "$((secs - 1))" "$@"
	wait_for "$out" '^ready$' || echo "natpeer $* did not start: $(head -2 "$out")"
}

# capture WHO FILTER: tcpdump -v on WHO's eth0 (ext's), ready when this
# returns; each packet written as it comes (--immediate-mode). The caller
# stops it (end_capture), the bound (30 s) only keeps it from outliving the test.
capture() {
	bg "$1" 30 "$ROOT/cap" tcpdump -l --immediate-mode -n -v -i eth0 "$2"
	wait_for "$ROOT/cap" "listening on" || echo "tcpdump did not start: $(head -2 "$ROOT/cap")"
}
# end_capture PID: stops the capture once it holds a packet (or after 10 s).
end_capture() {
	wait_for "$ROOT/cap" "^ +[0-9.]+ >"
	stop "$1"
}

# seen_from: "from ADDR, ttl N" of the first packet captured (-v output).
seen_from() {
	local ttl src
	ttl=$(grep -m1 -o "ttl [0-9]*" "$ROOT/cap" | cut -d' ' -f2)
	src=$(grep -m1 -E "^ +[0-9.]+ >" "$ROOT/cap" |
		awk '{ split($1, a, "."); print a[1] "." a[2] "." a[3] "." a[4] }')
	[ -n "$ttl" ] && echo "from $src, ttl $ttl" || echo "nothing"
}

# verdict SPORT SEEN: "ext sees ADDR, port kept|changed" or "no answer".
verdict() {
	local sport=$1 seen=$2
	[ "$seen" = - ] || [ -z "$seen" ] && { echo "no answer"; return; }
	[ "${seen##*:}" = "$sport" ] && echo "ext sees ${seen%:*}, port kept" ||
		echo "ext sees ${seen%:*}, port changed"
}

observe_ping() {
	local out cap
	capture ext "icmp[icmptype] == icmp-echo"
	cap=$BG
	out=$(at c1 ping -c1 -W2 -w4 "$EXT_IP" 2>&1)
	end_capture "$cap"
	echo "ping c1 -> ext: $(echo "$out" | grep -o 'ttl=[0-9]*' | head -1 | sed 's/^/reply /; s/^$/no reply/')"
	echo "ext sees the echo request $(seen_from)"
}
reference_ping() {
	echo "ping c1 -> ext: reply ttl=63"
	echo "ext sees the echo request from 198.51.100.1, ttl 63"
}

observe_tcp() {
	local srv cap p1 l
	rm -f "$ROOT/progress"
	serve ext 15 "$ROOT/srv" tcp-server 7000 2 --progress "$ROOT/progress"
	srv=$BG
	capture ext "tcp[tcpflags] == tcp-syn and dst port 7000"
	cap=$BG
	at c1 "$PY" "$PEER" --timeout 8 tcp-clients "$EXT_IP" 7000 40000 >"$ROOT/c1.out" &
	p1=$!
	wait_for "$ROOT/progress" .
	at c2 "$PY" "$PEER" --timeout 8 tcp-clients "$EXT_IP" 7000 40000 >"$ROOT/c2.out"
	wait "$p1"
	stop "$srv"
	end_capture "$cap"
	echo "tcp c1:40000 -> ext:7000: $(verdict 40000 "$(cut -d' ' -f2 "$ROOT/c1.out")")"
	echo "tcp c2:40000 -> ext:7000 while c1 holds it: $(verdict 40000 "$(cut -d' ' -f2 "$ROOT/c2.out")")"
	echo "ext sees the SYN $(seen_from)"
	serve ext 10 "$ROOT/srv" tcp-server 7001 1
	srv=$BG
	l=$(at c1 "$PY" "$PEER" --timeout 8 tcp-clients "$EXT_IP" 7001 0)
	stop "$srv"
	echo "tcp c1:(port of the kernel's choice) -> ext:7001: $(verdict "${l%% *}" "${l#* }")"
}
reference_tcp() {
	echo "tcp c1:40000 -> ext:7000: ext sees 198.51.100.1, port kept"
	echo "tcp c2:40000 -> ext:7000 while c1 holds it: ext sees 198.51.100.1, port changed"
	echo "ext sees the SYN from 198.51.100.1, ttl 63"
}

observe_udp() {
	local srv cap l
	serve ext 15 "$ROOT/srv" udp-server 5353
	srv=$BG
	capture ext "udp and dst port 5353"
	cap=$BG
	l=$(at c1 "$PY" "$PEER" udp-clients "$EXT_IP" 5353 5000)
	echo "udp c1:5000 -> ext:5353: $(verdict 5000 "${l#* }")"
	l=$(at c2 "$PY" "$PEER" udp-clients "$EXT_IP" 5353 5000)
	echo "udp c2:5000 -> ext:5353 after c1: $(verdict 5000 "${l#* }")"
	end_capture "$cap"
	echo "ext sees the request $(seen_from)"
	l=$(at c1 "$PY" "$PEER" udp-clients "$EXT_IP" 5353 0)
	stop "$srv"
	echo "udp c1:(port of the kernel's choice) -> ext:5353: $(verdict "${l%% *}" "${l#* }")"
}
reference_udp() {
	echo "udp c1:5000 -> ext:5353: ext sees 198.51.100.1, port kept"
	echo "udp c2:5000 -> ext:5353 after c1: ext sees 198.51.100.1, port changed"
	echo "ext sees the request from 198.51.100.1, ttl 63"
}

# hops: traceroute's hops from c1 to the far host, per probe kind.
observe_traceroute() {
	local mode
	for mode in -U -I "-T -p 80"; do
		echo "traceroute $mode: $(at c1 timeout 20 traceroute $mode -n -q1 -w2 -m5 "$FAR_IP" 2>&1 |
			awk 'NR > 1 { printf "%s ", $2 }')"
	done
	echo "ping -M do -s 1400 far: $(pingx -M "do" -s 1400 "$FAR_IP")"
	echo "c1's route to far: $(at c1 ip route get "$FAR_IP" | grep -o 'mtu [0-9]*')"
}
reference_traceroute() {
	echo "traceroute -U: 10.40.0.1 198.51.100.254 203.0.113.2 "
	echo "ping -M do -s 1400 far: From 198.51.100.254 icmp_seq=1 Frag needed and DF set (mtu = 1280)"
}

# The uplink's own MTU below the containers': the node answers too big DF
# packets itself, from the first packet on, and no TCP segment over the MTU
# crosses the uplink, offloaded ones (GSO) included. ext advertises an MSS for
# 1500, so c1 starts with segments that are too big.
# pingx OPTIONS… ADDR: what one ping from c1 gets: a reply, an error, or nothing.
pingx() {
	local l
	l=$(at c1 ping -c1 -W2 "$@" 2>&1 | grep -oE 'From [0-9.]+ .*|bytes from.*ttl=[0-9]+' | head -1)
	echo "${l:-no answer}"
}

observe_uplink_mtu() {
	local n sum mss
	echo "first DF ping, 1428 bytes: $(pingx -M "do" -s 1400 "$EXT_IP")"
	at c1 ip route flush cache
	echo "ping without DF, 1428 bytes: $(pingx -M dont -s 1400 "$EXT_IP")"
	at c1 ip route flush cache
	head -c 5M /dev/urandom >"$ROOT/blob"
	serve ext 30 "$ROOT/recv" tcp-sink 5002
	n=$BG
	at c1 timeout 30 socat -u "OPEN:$ROOT/blob" "TCP:$EXT_IP:5002"
	wait "$n"
	read -r sum mss <<<"$(grep -v '^ready$' "$ROOT/recv")"
	[ "$sum" = "$(sha256sum "$ROOT/blob" | awk '{ print $1 }')" ] &&
		echo "5 MB upload: complete" || echo "5 MB upload: corrupt or incomplete"
	# 1280 - 20 (IPv4) - 20 (TCP) = 1240; with timestamps 1228.
	[ "${mss:-0}" -le 1240 ] && echo "largest TCP segment ext received: fits the MTU of 1280" ||
		echo "largest TCP segment ext received: $mss bytes, over the MTU of 1280"
	echo "c1's route to ext: $(at c1 ip route get "$EXT_IP" | grep -o 'mtu [0-9]*')"
}
reference_uplink_mtu() {
	echo "first DF ping, 1428 bytes: From 10.40.0.1 icmp_seq=1 Frag needed and DF set (mtu = 1280)"
	echo "largest TCP segment ext received: fits the MTU of 1280"
}

# held_pair FIRST SECOND PORT SPORT: FIRST (c1 or node) connects to ext:PORT
# from source port SPORT and holds it; SECOND does the same. Prints both verdicts.
held_pair() {
	local srv p
	rm -f "$ROOT/progress"
	serve ext 15 "$ROOT/srv" tcp-server "$3" 2 --progress "$ROOT/progress"
	srv=$BG
	at "$1" "$PY" "$PEER" --timeout 8 tcp-clients "$EXT_IP" "$3" "$4" >"$ROOT/first.out" &
	p=$!
	wait_for "$ROOT/progress" .
	at "$2" "$PY" "$PEER" --timeout 8 tcp-clients "$EXT_IP" "$3" "$4" >"$ROOT/second.out"
	wait "$p"
	stop "$srv"
	echo "tcp $1:$4 first: $(verdict "$4" "$(cut -d' ' -f2 "$ROOT/first.out")")"
	echo "tcp $2:$4 while $1 holds it: $(verdict "$4" "$(cut -d' ' -f2 "$ROOT/second.out")")"
}

# The node and a container on the same source port towards the same server.
observe_shared_port() {
	local srv node l
	held_pair node c1 7000 40000
	held_pair c1 node 7001 40001
	serve ext 15 "$ROOT/srv" udp-server 5353
	srv=$BG
	bg node 12 "$ROOT/node.out" "$PY" "$PEER" --timeout 11 udp-clients "$EXT_IP" 5353 5000 \
		--rounds 2 --pause 2
	node=$BG
	wait_for "$ROOT/node.out" "^5000 "
	l=$(at c1 "$PY" "$PEER" udp-clients "$EXT_IP" 5353 5000)
	wait "$node"
	stop "$srv"
	echo "udp node:5000 (unconnected socket) first: $(verdict 5000 "$(sed -n '1s/^[0-9]* //p' "$ROOT/node.out")")"
	echo "udp c1:5000 while the node uses it: $(verdict 5000 "${l#* }")"
	echo "udp node:5000, same socket, after c1: $(verdict 5000 "$(sed -n '2s/^[0-9]* //p' "$ROOT/node.out")")"
}
reference_shared_port() {
	echo "tcp node:40000 first: ext sees 198.51.100.1, port kept"
	echo "tcp c1:40000 while node holds it: ext sees 198.51.100.1, port changed"
	echo "tcp c1:40001 first: ext sees 198.51.100.1, port kept"
	echo "tcp node:40001 while c1 holds it: ext sees 198.51.100.1, port changed"
}

test_same_ping_source_and_ttl() { compare ping; }
test_same_tcp_source_and_ports() { compare tcp; }
test_same_udp_source_and_ports() { compare udp; }
test_same_node_and_container_sharing_a_port() { compare shared_port; }
test_same_traceroute_and_pmtu_through_router() { compare traceroute routed; }
test_same_behaviour_with_small_uplink_mtu() { compare uplink_mtu direct 1280; }

run_tests "$@"
