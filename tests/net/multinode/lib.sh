#!/usr/bin/env bash
# A simulated cluster for the multi-node tests (issue 13), namespaces only:
#   fabric  a namespace holding the bridge br0, the nodes' L2 segment
#   nI      node I (1..N): eth0 192.0.2.I/24 on the fabric, default route via
#           the router; bpfbr runs there under its own root $ROOT/nI with a
#           bpffs of its own, pod network "pod" 10.244.I.0/24 routed through
#           eth0 with masquerade (which the cluster limits to off-cluster)
#   router  192.0.2.254 on the fabric, 198.51.100.1 towards ext
#   ext     198.51.100.2, the world outside the cluster (TEST-NET-2)
# Nodes are declared from one directory of node files ($ROOT/nodes.d) that
# every node loads, as a cluster would share it.
. "$(dirname "${BASH_SOURCE[0]}")/../lib.sh"

CLUSTER_CIDR=10.244.0.0/16
ROUTER_IP=192.0.2.254
EXT_IP=198.51.100.2
NODES_D=""
# What `cluster set` is given besides the CIDR and the node's name (a file
# of VXLAN tests sets "--mode vxlan --vni …").
MN_CLUSTER_OPTS=${MN_CLUSTER_OPTS:-}

# bn I ARGS…: bpfbr on node nI, under its own root (the suite's mode applies).
bn() {
	local i=$1
	shift
	if [ "${BPFBR_TEST_MODE:-tc}" != tc ] && [ "${1:-}" = net ] && [ "${2:-}" = create ]; then
		shift 2
		set -- net create --mode "$BPFBR_TEST_MODE" "$@"
	fi
	timeout "${BPFBR_TIMEOUT:-60}" nsenter --net="/run/netns/$(ct "n$i")" "$BPFBR_BIN" \
		--root "$ROOT/n$i" "$@"
}
# onn I CMD…: CMD in node nI's namespace.
onn() { on "n$1" "${@:2}"; }

# mn_teardown: the bpffs of every node is unmounted when the world goes
# (lib.sh's cleanup, through world_teardown).
mn_teardown() {
	local m
	for m in "$ROOT"/n[0-9]*/sys/fs/bpf; do
		[ -d "$m" ] && umount "$m" 2>/dev/null
	done
}
world_teardown() { mn_teardown; }

# mn_fabric: the fabric, the router and ext.
mn_fabric() {
	need_feature bridge || return
	ns_new fabric || return 1
	ns_new router || return 1
	ns_new ext || return 1
	on fabric ip link add br0 type bridge || return 1
	on fabric ip link set br0 up || return 1
	ip link add r0 netns "$(ct router)" type veth peer name pr netns "$(ct fabric)" || return 1
	on fabric ip link set pr master br0 up || return 1
	ip link add r1 netns "$(ct router)" type veth peer name eth0 netns "$(ct ext)" || return 1
	on router ip addr add "$ROUTER_IP/24" dev r0 && on router ip link set r0 up &&
		on router ip addr add 198.51.100.1/24 dev r1 && on router ip link set r1 up &&
		on router sysctl -qw net.ipv4.ip_forward=1 &&
		on ext ip addr add "$EXT_IP/24" dev eth0 && on ext ip link set eth0 up &&
		on ext ip route add default via 198.51.100.1 || return 1
	NODES_D=$ROOT/nodes.d
	mkdir -p "$NODES_D"
}

# mn_declare I: node nI's file in the shared directory.
mn_declare() {
	jq -n --arg n "n$1" --arg a "192.0.2.$1" --arg c "10.244.$1.0/24" \
		'{name: $n, address: $a, pod_cidr: $c}' >"$NODES_D/n$1.json"
}

# mn_node I: node nI on the fabric with its root, declared in the directory;
# its cluster is set and its pod network made (unless MN_NO_NET is set).
mn_node() {
	local i=$1
	ns_new "n$i" || return 1
	mkdir -p "$ROOT/n$i/sys/fs/bpf"
	mount -t bpf bpf "$ROOT/n$i/sys/fs/bpf" || return 1
	ip link add eth0 netns "$(ct "n$i")" type veth peer name "pn$i" netns "$(ct fabric)" ||
		return 1
	on fabric ip link set "pn$i" master br0 up || return 1
	onn "$i" ip addr add "192.0.2.$i/24" dev eth0 && onn "$i" ip link set eth0 up &&
		onn "$i" ip route add default via "$ROUTER_IP" || return 1
	mn_declare "$i"
	# shellcheck disable=SC2086 # (MN_CLUSTER_OPTS: words)
	check "n$i: cluster set" bn "$i" cluster set --cidr "$CLUSTER_CIDR" --self "n$i" \
		${MN_CLUSTER_OPTS:-} || return 1
	[ -z "${MN_NO_NET:-}" ] || return 0 # (its pod network made by a CNI ADD)
	check "n$i: net create pod" bn "$i" net create pod --subnet "10.244.$i.0/24" \
		--uplink eth0 --masquerade || return 1
}

# mn_sync: every node loads the directory (and so converges to it).
mn_sync() {
	local d i
	for d in "$ROOT"/n[0-9]*/; do
		i=$(basename "$d")
		i=${i#n}
		check "n$i: node load" bn "$i" node load "$NODES_D" || return 1
	done
}

# mn_cluster N: the fabric and nodes n1..nN, all synchronised.
mn_cluster() {
	mn_fabric || return
	for i in $(seq "$1"); do mn_node "$i" || return 1; done
	mn_sync
}

# mn_pod I NAME [LAST]: a pod NAME on node nI at 10.244.I.LAST (default 2).
mn_pod() {
	check "attach $2 on n$1" bn "$1" attach pod "$(ct "$2")" --create-netns \
		--ip "10.244.$1.${3:-2}" || return 1
}

# serve WHERE PROTO PORT: a server in WHERE (a pod or nI as `on` names it)
# answering each request with the peer's address.
serve() {
	if [ "$2" = tcp ]; then
		spawn on "$1" timeout 60 socat -t 10 "TCP-LISTEN:$3,reuseaddr,fork" \
			SYSTEM:'echo $SOCAT_PEERADDR' >/dev/null 2>&1
	else
		spawn on "$1" timeout 60 socat -T 10 "UDP-RECVFROM:$3,reuseaddr,fork" \
			SYSTEM:'read l; echo $SOCAT_PEERADDR' >/dev/null 2>&1
	fi
	listening "$1" "$2" "$3" || fail "no $2 server in $1 on port $3"
}
# peer_seen FROM PROTO ADDR PORT: what the server at ADDR:PORT saw FROM as.
peer_seen() {
	if [ "$2" = tcp ]; then
		on "$1" timeout 15 socat -t 10 - "TCP:$3:$4,connect-timeout=3" </dev/null 2>/dev/null
	else
		echo hello | on "$1" timeout 15 socat -T 3 - "UDP:$3:$4" 2>/dev/null
	fi
}
# expect_peer FROM PROTO ADDR PORT WANT
expect_peer() {
	local got
	got=$(peer_seen "$1" "$2" "$3" "$4")
	[ "$got" = "$5" ] || fail "$2 from $1 to $3:$4 was seen as '$got', not $5"
}
# three_nodes_with_pods: mn_cluster 3 and a pod pI on each node nI.
three_nodes_with_pods() {
	mn_cluster 3 || return
	mn_pod 1 p1 && mn_pod 2 p2 && mn_pod 3 p3
}
events() { bn "$1" -j status pod | jq -r --arg e "$2" '.[0].events[$e] // "missing"'; }
uplink_events() { bn "$1" -j status pod | jq -r --arg e "$2" '.[0].uplink.events[$e] // "missing"'; }
uplink_drops() { bn "$1" -j status pod | jq -r --arg e "$2" '.[0].uplink.drops[$e] // "missing"'; }

# kill_points I ARGS…: "SYSCALL:K" for every system call of `bpfbr ARGS…` on
# nI, run to the end under strace, that changes something outside it (a
# rename, a netlink message, an unlink): the points where a kill leaves
# something half done.
kill_points() {
	local i=$1 tr=$ROOT/kill.trace
	shift
	timeout 60 nsenter --net="/run/netns/$(ct "n$i")" strace -f -qq -o "$tr" "$BPFBR_BIN" \
		--root "$ROOT/n$i" "$@" >/dev/null 2>&1 || return 1
	sed -n 's/^[0-9 ]*\(rename\|renameat2\|sendto\|sendmsg\|unlink\|unlinkat\)(.*/\1/p' "$tr" |
		awk '{ n[$1]++; print $1 ":" n[$1] }'
}

# node_counters I NAME: node nI's counters for node NAME, as status -j shows them.
node_counters() {
	bn "$1" -j status pod | jq -c --arg n "$2" '.[0].cluster.nodes[] | select(.name == $n) | .counters // empty'
}
# counted_in_map I: what node nI's cluster_node_stats map holds in all, over every slot and CPU.
counted_in_map() {
	bpftool -j map dump pinned "$ROOT/n$1/sys/fs/bpf/bpfbr/cluster_node_stats" |
		jq '[.[].formatted.values[].value | .tx_packets + .rx_packets + .refused + .too_big] | add'
}

# mn_counts_per_node: p1 pings p2: each of n1 and n2 counts the packets sent
# to the other and received from it, bytes included; n3, which no packet
# concerned, counts nothing, and a node counts nothing for itself. A node
# removed takes its counters (status shows it no more, no slot of the map
# counts); declared again, it counts from zero.
mn_counts_per_node() {
	local c want='{"tx_packets":0,"tx_bytes":0,"rx_packets":0,"rx_bytes":0,"refused":0,"too_big":0}'
	mn_cluster 3 && mn_pod 1 p1 && mn_pod 2 p2 || return 1
	on p1 ping -c 5 -i 0.05 -W 2 -s 1000 10.244.2.2 >/dev/null || fail "p1 cannot ping p2" ||
		return 1
	for c in "1 n2" "2 n1"; do
		# shellcheck disable=SC2086
		set -- $c
		c=$(node_counters "$1" "$2")
		jq -e '.tx_packets >= 5 and .rx_packets >= 5 and .tx_bytes >= 5 * 1028 and
			.rx_bytes >= 5 * 1028 and .refused == 0 and .too_big == 0' <<<"$c" >/dev/null ||
			fail "n$1's counters for $2 after 5 pings of 1028 bytes: '$c'" || return 1
	done
	[ "$(node_counters 1 n3)" = "$want" ] || fail "n1 counted for n3: $(node_counters 1 n3)" ||
		return 1
	[ -z "$(node_counters 1 n1)" ] || fail "n1 counts for itself: $(node_counters 1 n1)" ||
		return 1
	bn 1 status pod | grep -A1 "node n2 " | grep -q "sent [1-9][0-9]* packets" ||
		fail "status text: $(bn 1 status pod)" || return 1
	rm "$NODES_D/n2.json"
	mn_sync || return 1
	[ "$(bn 1 -j status pod | jq -c '[.[0].cluster.nodes[].name]')" = '["n1","n3"]' ] ||
		fail "n2 is still in n1's status: $(bn 1 -j status pod | jq -c '.[0].cluster')" || return 1
	[ "$(counted_in_map 1)" = 0 ] || fail "n1's counters kept $(counted_in_map 1) packets" ||
		return 1
	mn_declare 2
	mn_sync || return 1
	[ "$(node_counters 1 n2)" = "$want" ] ||
		fail "n2 declared again starts at $(node_counters 1 n2)" || return 1
	ping_ok p1 10.244.2.2 || fail "p1 cannot reach p2 once n2 is back" || return 1
	[ "$(node_counters 1 n2 | jq '.tx_packets > 0 and .rx_packets > 0')" = true ] ||
		fail "n2 back: $(node_counters 1 n2)"
}

# nodes_map_as_declared I: node nI's tunnel_nodes map holds every node of its
# stored declaration (itself included, by address), each with a counter
# slot of its own.
nodes_map_as_declared() {
	local map want got
	map=$(bpftool -j map dump pinned "$ROOT/n$1/sys/fs/bpf/bpfbr/tunnel_nodes")
	want=$(bn "$1" -j node list | jq -r '.[].address' | sort)
	got=$(jq -r '.[].formatted.value.node_addr' <<<"$map" | while read -r a; do
		printf '%d.%d.%d.%d\n' $((a & 255)) $((a >> 8 & 255)) $((a >> 16 & 255)) $((a >> 24))
	done | sort)
	[ "$want" = "$got" ] ||
		{ fail "n$1's tunnel_nodes ($(echo $got)) are not its declaration's ($(echo $want))"; return 1; }
	jq -e '[.[].formatted.value.slot] | all(. > 0) and (unique | length) == length' <<<"$map" \
		>/dev/null || fail "n$1's counter slots: $(jq -c '[.[].formatted.value.slot]' <<<"$map")"
}
