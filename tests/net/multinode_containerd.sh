#!/usr/bin/env bash
# modes: tc
# A real runtime across nodes (issue 13): one containerd per simulated node
# (tests/net/multinode/lib.sh), each the test's own and started in its node's
# namespace (tests/net/runtime/containerd.sh), with a conflist of bpfbr for
# that node's pod network. `ctr run --cni` on two nodes: each container gets
# an address of its node's pod CIDR, and the two reach each other by those
# addresses, unmasqueraded (the receiver sees the sender's pod address). The
# datapath across nodes is multinode.sh's, in both modes; this file is about
# the runtime, so it runs with TC ports only.
. "$(dirname "$0")/multinode/lib.sh"
. "$(dirname "$0")/runtime/containerd.sh"

world_teardown() {
	rt_teardown
	mn_teardown
}

# node_rt I: node nI's containerd (its directory, its namespace) for the commands that follow.
node_rt() { rt_use "$ROOT/n$1/rt" "$(ct "n$1")"; }

# pod_conflist I: node nI's conflist for its pod network, as the node's
# DaemonSet would write it from its podCIDR.
pod_conflist() {
	local plugin
	plugin=$(jq -nc --arg root "$ROOT/n$1" --arg log "$CALLS" --arg subnet "10.244.$1.0/24" \
		'{type: "bpfbr", root: $root, logFile: $log, subnet: $subnet, uplink: "eth0",
		  ipMasq: true, isDefaultGateway: true}' | in_mode)
	jq -n --argjson p "$plugin" '{cniVersion: "1.0.0", name: "pod", plugins: [$p]}' \
		>"$RT/cni/net.d/10-pod.conflist"
}

# task_pid NAME: the pid of container NAME's task (of the current node's containerd).
task_pid() { cr task ls 2>/dev/null | awk -v n="$1" '$1 == n { print $2 }'; }

# serve_peer NAME PORT: a TCP server in container NAME's network namespace
# (the host's socat, from outside) answering with the address it sees.
serve_peer() {
	local pid i
	pid=$(task_pid "$1")
	[ -n "$pid" ] || fail "no task $1" || return 1
	spawn timeout 60 nsenter --net="/proc/$pid/ns/net" socat -t 10 "TCP-LISTEN:$2,reuseaddr,fork" \
		SYSTEM:'echo $SOCAT_PEERADDR' >/dev/null 2>&1
	for ((i = 0; i < 50; i++)); do
		nsenter --net="/proc/$pid/ns/net" ss -ltn 2>/dev/null | grep -q ":$2 " && return 0
		sleep 0.1
	done
	fail "no server in $1 on port $2"
}

# peer_seen NAME ADDR PORT: what the server at ADDR:PORT saw container NAME as
# (the container's own nc).
peer_seen() {
	local seen i
	for ((i = 0; i < 3; i++)); do
		seen=$(in_ct "$1" nc -w 5 "$2" "$3" </dev/null 2>&1)
		[ -n "$seen" ] && break
	done
	echo "$seen"
}

test_containers_on_two_nodes_reach_each_other_by_pod_address() {
	local i ip1 ip2 got
	mn_cluster 2 || return
	for i in 1 2; do
		node_rt "$i"
		containerd_start || return
		pod_conflist "$i"
		run_cni "c$i" || return 1
	done
	node_rt 1
	ip1=$(eth0 c1)
	node_rt 2
	ip2=$(eth0 c2)
	[[ "$ip1" == 10.244.1.* && "$ip2" == 10.244.2.* ]] ||
		fail "c1's address '$ip1' is not of n1's pod CIDR or c2's '$ip2' not of n2's" || return 1
	node_rt 1
	reaches c1 "$ip2" || return 1
	node_rt 2
	reaches c2 "$ip1" || return 1
	serve_peer c2 7001 || return 1
	node_rt 1
	serve_peer c1 7002 || return 1
	got=$(peer_seen c1 "$ip2" 7001)
	[ "$got" = "$ip1" ] || fail "c2 saw c1 as '$got', not its pod address $ip1" || return 1
	node_rt 2
	got=$(peer_seen c2 "$ip1" 7002)
	[ "$got" = "$ip2" ] || fail "c1 saw c2 as '$got', not its pod address $ip2" || return 1
	for i in 1 2; do
		[ "$(bn "$i" -j nat show | jq '[.[] | select(.remote_addr | startswith("10.244."))] | length')" = 0 ] ||
			fail "n$i translated pod-to-pod flows: $(bn "$i" nat show)" || return 1
	done

	for i in 1 2; do
		node_rt "$i"
		stop_task "c$i" || return 1
		calls_ok || return 1
		[ "$(calls_of "$PREFIX-c$i" | tr '\n' ';')" = "ADD pod eth0;DEL pod eth0;" ] ||
			fail "n$i's calls for c$i: $(calls_of "$PREFIX-c$i" | tr '\n' ';')" || return 1
		got=$(jq -c '[.attachments[]?]' "$ROOT/n$i/var/lib/bpfbr/networks/pod.json")
		[ "$got" = "[]" ] || fail "n$i still records attachments: $got" || return 1
		[ "$(bn "$i" -j status pod | jq '[.[0].ports[] | select(.kind != "gateway")] | length')" = 0 ] ||
			fail "n$i still has ports: $(bn "$i" status pod)" || return 1
		rt_stop "$(cat "$RT/containerd.pid")"
	done
}

run_tests "$@"
