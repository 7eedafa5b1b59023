#!/usr/bin/env bash
# The cluster a node belongs to (issue 13): its CIDR, mode, VNI, port and
# the destinations never masqueraded (bpfbr cluster set), and its nodes,
# declared one by one (bpfbr node add|del), from a directory of node files
# that every node reads (bpfbr node load), or from `kubectl get nodes -o
# json` (bpfbr node import). Stored under the root as strict JSON; a
# declaration that would not hold is refused and changes nothing. CNI ADD on
# a pod network (a subnet in the cluster CIDR) takes only this node's pod CIDR,
# and STATUS says 50 (not ready) while this node is not declared.
. "$(dirname "$0")/cni/lib.sh"

FIXTURES=$(cd "$(dirname "$0")" && pwd)/cluster
STORE() { cat "$ROOT/var/lib/bpfbr/cluster.json"; }
nodes() { bpfbr -j node list | jq -c '[.[] | "\(.name) \(.address) \(.pod_cidr)"]'; }

# refused WHAT WORDS… -- CMD…: CMD fails, says each word, and the stored
# declaration is as before.
refused() {
	local what=$1 before err w
	shift
	local words=()
	while [ "$1" != -- ]; do words+=("$1") && shift; done
	shift
	before=$(STORE 2>/dev/null)
	err=$("$@" 2>&1 >/dev/null) && fail "$what was accepted" && return 1
	for w in "${words[@]}"; do
		grep -qF -- "$w" <<<"$err" || fail "$what: the error does not say '$w': $err" || return 1
	done
	[ "$(STORE 2>/dev/null)" = "$before" ] || fail "$what changed the stored declaration"
}

# declare_cluster: the node's link to the other nodes (eth0 192.0.2.1/24,
# its peer in a namespace of its own: direct mode needs every node on a
# link), and the cluster, this node being n1.
declare_cluster() {
	ns_new lan || return 1
	ip link add eth0 netns "$NODE" type veth peer name eth0 netns "$(ct lan)" || return 1
	node ip addr add 192.0.2.1/24 dev eth0 && node ip link set eth0 up || return 1
	check "cluster set" bpfbr cluster set --cidr 10.244.0.0/16 --self n1 \
		--non-masquerade 172.16.0.0/12,192.168.0.0/16
}

test_cluster_set_keeps_what_is_not_given() {
	refused "cluster set without a CIDR" "--cidr" -- bpfbr cluster set --mode vxlan || return 1
	declare_cluster || return 1
	[ "$(bpfbr -j cluster show | jq -c '[.cidr, .mode, .vni, .port, .self, .non_masquerade]')" = \
		'["10.244.0.0/16","direct",1,4789,"n1",["172.16.0.0/12","192.168.0.0/16"]]' ] ||
		fail "cluster: $(bpfbr -j cluster show | jq -c .)" || return 1
	check "cluster set --vni 42 --port 8472" bpfbr cluster set --vni 42 --port 8472 || return 1
	[ "$(bpfbr -j cluster show | jq -c '[.cidr, .mode, .vni, .port, .self]')" = \
		'["10.244.0.0/16","direct",42,8472,"n1"]' ] ||
		fail "after the change: $(bpfbr -j cluster show | jq -c .)" || return 1
	check "cluster set --mode vxlan" bpfbr cluster set --mode vxlan || return 1
	[ "$(bpfbr -j cluster show | jq -c '[.mode, .vni, .port]')" = '["vxlan",42,8472]' ] ||
		fail "after --mode vxlan: $(bpfbr -j cluster show | jq -c .)" || return 1
	refused "mode bgp" "--mode" "bgp" -- bpfbr cluster set --mode bgp || return 1
	refused "VNI 0" "--vni" -- bpfbr cluster set --vni 0 || return 1
	refused "a CIDR with host bits" "10.244.0.1/16" -- bpfbr cluster set --cidr 10.244.0.1/16 ||
		return 1
	refused "a self that is no name" "--self" -- bpfbr cluster set --self N_1 || return 1
	jq -e . "$ROOT/var/lib/bpfbr/cluster.json" >/dev/null || fail "the store is not JSON"
}

test_nodes_added_changed_and_removed() {
	declare_cluster || return 1
	check "node add n1" bpfbr node add n1 --address 192.0.2.1 --pod-cidr 10.244.1.0/24 || return 1
	check "node add n2" bpfbr node add n2 --address 192.0.2.2 --pod-cidr 10.244.2.0/24 || return 1
	[ "$(nodes)" = '["n1 192.0.2.1 10.244.1.0/24","n2 192.0.2.2 10.244.2.0/24"]' ] ||
		fail "nodes: $(nodes)" || return 1
	grep -q "^n1 .*(this node)" <<<"$(bpfbr cluster show)" ||
		fail "cluster show does not mark n1" || return 1
	check "node add n2 (changed)" bpfbr node add n2 --address 192.0.2.22 \
		--pod-cidr 10.244.2.0/24 || return 1
	[ "$(nodes)" = '["n1 192.0.2.1 10.244.1.0/24","n2 192.0.2.22 10.244.2.0/24"]' ] ||
		fail "after the change: $(nodes)" || return 1
	refused "an overlapping pod CIDR" "n3" "n2" "overlaps" -- \
		bpfbr node add n3 --address 192.0.2.3 --pod-cidr 10.244.2.128/25 || return 1
	refused "a pod CIDR outside the cluster" "n3" "outside" -- \
		bpfbr node add n3 --address 192.0.2.3 --pod-cidr 10.245.3.0/24 || return 1
	refused "an address taken" "n1" "n3" "192.0.2.1" -- \
		bpfbr node add n3 --address 192.0.2.1 --pod-cidr 10.244.3.0/24 || return 1
	refused "an address in the cluster" "n3" "inside" -- \
		bpfbr node add n3 --address 10.244.9.9 --pod-cidr 10.244.3.0/24 || return 1
	refused "a node without its pod CIDR" "--pod-cidr" -- bpfbr node add n3 --address 192.0.2.3 ||
		return 1
	refused "a node name with capitals" "N3" -- \
		bpfbr node add N3 --address 192.0.2.3 --pod-cidr 10.244.3.0/24 || return 1
	refused "the removal of an unknown node" "n9" -- bpfbr node del n9 || return 1
	check "node del n2" bpfbr node del n2 || return 1
	[ "$(nodes)" = '["n1 192.0.2.1 10.244.1.0/24"]' ] || fail "after del: $(nodes)"
}

# write_node DIR NAME ADDR CIDR: a node file as every node would read it.
write_node() {
	jq -n --arg n "$2" --arg a "$3" --arg c "$4" '{name: $n, address: $a, pod_cidr: $c}' \
		>"$1/$2.json"
}

test_node_directory_converges_exactly() {
	local dir=$ROOT/nodes.d first
	mkdir -p "$dir"
	declare_cluster || return 1
	check "node add n9" bpfbr node add n9 --address 192.0.2.9 --pod-cidr 10.244.9.0/24 || return 1
	write_node "$dir" n1 192.0.2.1 10.244.1.0/24
	write_node "$dir" n2 192.0.2.2 10.244.2.0/24
	write_node "$dir" n3 192.0.2.3 10.244.3.0/24
	echo "not a node" >"$dir/README"
	check "node load" bpfbr node load "$dir" || return 1
	[ "$(nodes)" = '["n1 192.0.2.1 10.244.1.0/24","n2 192.0.2.2 10.244.2.0/24","n3 192.0.2.3 10.244.3.0/24"]' ] ||
		fail "after load: $(nodes) (n9, declared by hand, must go)" || return 1
	first=$(STORE)
	check "node load again" bpfbr node load "$dir" || return 1
	[ "$(STORE)" = "$first" ] || fail "a second load changed the store" || return 1
	rm "$dir/n2.json"
	write_node "$dir" n3 192.0.2.33 10.244.3.0/24
	check "node load after changes" bpfbr node load "$dir" || return 1
	[ "$(nodes)" = '["n1 192.0.2.1 10.244.1.0/24","n3 192.0.2.33 10.244.3.0/24"]' ] ||
		fail "after the second load: $(nodes)" || return 1
	echo '{"name": "n4", "address": "192.0.2.4", "pod_cidr": "10.244.4.0/24", "name": "n5"}' \
		>"$dir/n4.json"
	refused "a node file with a duplicate key" "n4.json" "name" -- bpfbr node load "$dir" ||
		return 1
	echo '{"name": "n4", "address": "192.0.2.4", "pod_cidr": "10.244.4.0/24", "zone": "a"}' \
		>"$dir/n4.json"
	refused "a node file with an unknown key" "n4.json" "zone" -- bpfbr node load "$dir" ||
		return 1
	write_node "$dir" n5 192.0.2.5 10.244.5.0/24
	mv "$dir/n5.json" "$dir/n4.json"
	refused "a node file named for another node" "n4.json" "n5" -- bpfbr node load "$dir" ||
		return 1
	write_node "$dir" n4 192.0.2.4 10.244.1.0/24
	refused "a node file overlapping another's pod CIDR" "n4" "overlaps" -- \
		bpfbr node load "$dir" || return 1
	refused "a directory that is not there" "$ROOT/nope" -- bpfbr node load "$ROOT/nope"
}

test_kubectl_import() {
	local bad=$ROOT/nodes-bad.json
	declare_cluster || return 1
	check "node import" bpfbr node import "$FIXTURES/kubectl-nodes.json" || return 1
	[ "$(nodes)" = '["n1 192.0.2.1 10.244.1.0/24","n2 192.0.2.2 10.244.2.0/24","n3.example.test 192.0.2.3 10.244.3.0/24"]' ] ||
		fail "imported: $(nodes)" || return 1
	bpfbr node import - <"$FIXTURES/kubectl-nodes.json" >/dev/null ||
		fail "import from stdin failed" || return 1
	jq 'del(.items[1].spec.podCIDR, .items[1].spec.podCIDRs)' \
		"$FIXTURES/kubectl-nodes.json" >"$bad"
	refused "a node without a pod CIDR" "n2" "podCIDR" -- bpfbr node import "$bad" || return 1
	jq '.items[2].status.addresses |= map(select(.type != "InternalIP"))' \
		"$FIXTURES/kubectl-nodes.json" >"$bad"
	refused "a node without an InternalIP" "n3.example.test" "InternalIP" -- \
		bpfbr node import "$bad" || return 1
	jq '.items[1].spec.podCIDRs = ["10.245.2.0/24"] | del(.items[1].spec.podCIDR)' \
		"$FIXTURES/kubectl-nodes.json" >"$bad"
	refused "a pod CIDR outside the cluster" "n2" "outside" -- bpfbr node import "$bad" ||
		return 1
	echo '{"kind": "List"}' >"$bad"
	refused "a list without items" "items" -- bpfbr node import "$bad"
}

# CNI ADD of a pod network (its subnet in the cluster CIDR) on node n1 takes
# addresses of n1's pod CIDR only; a network outside the cluster is not concerned.
test_cni_takes_only_this_nodes_pod_cidr() {
	local c
	new_ct c1 c2 c3 || return 1
	declare_cluster || return 1
	check "cluster set --self n9" bpfbr cluster set --self n9 || return 1
	cni ADD "$(conf podnet 10.244.1.0/24)" id1 c1 && fail "ADD while this node is not declared" ||
		cni_error 7 "not declared" || return 1
	cni_net STATUS "$(conf podnet 10.244.1.0/24)" && fail "STATUS ready while n1 is not declared" ||
		cni_error 50 "not declared" || return 1
	check "node add n1" bpfbr node add n1 --address 192.0.2.1 --pod-cidr 10.244.1.0/24 || return 1
	check "cluster set --self n1" bpfbr cluster set --self n1 || return 1
	cni_net STATUS "$(conf podnet 10.244.1.0/24)" || fail "STATUS once n1 is declared: $(out)" ||
		return 1
	cni ADD "$(conf other 10.244.2.0/24)" id1 c1 && fail "ADD of another node's pod CIDR" ||
		cni_error 7 "10.244.2.0/24" "10.244.1.0/24" || return 1
	[ ! -e "$ROOT/var/lib/bpfbr/networks/other.json" ] || fail "the refused ADD made a network" ||
		return 1
	c=$(conf podnet 10.244.1.0/24)
	cni ADD "$c" id1 c1 "eth0" "IP=10.244.2.7" && fail "ADD of another node's address" ||
		cni_error 103 "10.244.2.7" "10.244.1.0/24" || return 1
	cni_add "$c" id2 c2 eth0 "IP=10.244.1.7" || return 1
	[ "$(out | jq -r '.ips[0].address')" = 10.244.1.7/24 ] ||
		fail "c2 got $(out | jq -r '.ips[0].address')" || return 1
	cni_add "$(conf plain 10.40.0.0/24)" id3 c3 || return 1
}

run_tests "$@"
