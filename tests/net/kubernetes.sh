#!/usr/bin/env bash
# modes: tc
# The Kubernetes DaemonSet's node script (scripts/kubernetes/bpfbr-node.sh,
# issue 13), run as the DaemonSet runs it but in the test's node namespace,
# under the test's root, with a kubectl that answers from a node list the
# test writes (the API server's answers, as `kubectl get node N -o
# jsonpath={.spec.podCIDR}` and `kubectl get nodes -o json` give them). The
# plugin it installs, the conflist it writes and the cluster it declares are
# checked, and a CNI ADD with that conflist gives a pod of the node's pod
# CIDR. What the datapath does across nodes is multinode.sh's.
. "$(dirname "$0")/cni/lib.sh"

SCRIPT=$TOP/scripts/kubernetes/bpfbr-node.sh

# api_nodes NAME:ADDRESS:PODCIDR...: the API server's node list.
api_nodes() {
	local n
	for n in "$@"; do
		IFS=: read -r name addr cidr <<<"$n"
		jq -n --arg n "$name" --arg a "$addr" --arg c "$cidr" \
			'{metadata: {name: $n}, spec: (if $c == "" then {} else {podCIDR: $c} end),
			  status: {addresses: [{type: "InternalIP", address: $a}, {type: "Hostname", address: $n}]}}'
	done | jq -s '{apiVersion: "v1", kind: "List", items: .}' >"$ROOT/api-nodes.json"
}

# fake_kubectl: a kubectl answering the two questions the script asks from
# $ROOT/api-nodes.json, and failing on any other.
fake_kubectl() {
	cat >"$ROOT/kubectl" <<-EOF
		#!/bin/sh
		if [ "\$*" = "get nodes -o json" ]; then exec cat "$ROOT/api-nodes.json"; fi
		if [ "\$1 \$2" = "get node" ] && [ "\$4 \$5" = "-o jsonpath={.spec.podCIDR}" ]; then
			exec jq -j --arg n "\$3" '.items[] | select(.metadata.name == \$n) | .spec.podCIDR // ""' \
				"$ROOT/api-nodes.json"
		fi
		echo "fake kubectl: unexpected: \$*" >&2
		exit 1
	EOF
	chmod 755 "$ROOT/kubectl"
}

# node_script [VAR=VALUE...]: the script once, as the DaemonSet's container
# on node n1 (its network namespace, the test's root and directories).
node_script() {
	timeout 60 nsenter --net="/run/netns/$NODE" env NODE_NAME=n1 CLUSTER_CIDR=10.244.0.0/16 \
		SERVICE_CIDR=10.96.0.0/12 \
		BPFBR="$BPFBR_BIN" KUBECTL="$ROOT/kubectl" CNI_BIN_DIR="$ROOT/host/opt/cni/bin" \
		CNI_NET_DIR="$ROOT/host/etc/cni/net.d" BPFBR_ROOT="$ROOT" ONESHOT=1 PODCIDR_WAIT=3 \
		"$@" sh "$SCRIPT" >"$ROOT/script.out" 2>&1
}

CONFLIST=host/etc/cni/net.d/10-bpfbr.conflist

# uplinked: the node's uplink up0 to the external host, its default route.
uplinked() {
	ext_host && node ip route add default via "$EXT_IP" dev up0
}

test_node_script_installs_declares_and_configures() {
	local conf
	uplinked || return 1
	api_nodes n1:198.51.100.1:10.244.1.0/24 n2:198.51.100.2:10.244.2.0/24
	fake_kubectl
	node_script || fail "the node script failed: $(cat "$ROOT/script.out")" || return 1
	cmp -s "$BPFBR_BIN" "$ROOT/host/opt/cni/bin/bpfbr" ||
		fail "the plugin installed is not the binary given" || return 1
	[ -x "$ROOT/host/opt/cni/bin/bpfbr" ] || fail "the plugin is not executable" || return 1
	jq -e --arg r "$ROOT" '.cniVersion == "1.0.0" and .name == "pod" and (.plugins | length) == 1 and
		.plugins[0] == {type: "bpfbr", subnet: "10.244.1.0/24", uplink: "up0", ipMasq: true,
		isDefaultGateway: true, root: $r}' "$ROOT/$CONFLIST" >/dev/null ||
		fail "the conflist: $(cat "$ROOT/$CONFLIST")" || return 1
	ls -A "$ROOT/host/etc/cni/net.d" | grep -vqx 10-bpfbr.conflist &&
		fail "files beside the conflist: $(ls -A "$ROOT/host/etc/cni/net.d")" && return 1
	[ "$(bpfbr -j cluster show | jq -c '[.cidr, .self, ([.nodes[].name] | sort), .service_cidrs]')" = \
		'["10.244.0.0/16","n1",["n1","n2"],["10.96.0.0/12"]]' ] ||
		fail "the cluster declared: $(bpfbr -j cluster show)" || return 1
	node ip route show proto 191 | grep -q "^10.244.2.0/24 via 198.51.100.2 dev up0" ||
		fail "no route to n2's pods: $(node ip route show proto 191)" || return 1

	# The kubelet's first ADD with that conflist makes the pod network.
	conf=$(jq -c '.plugins[0] + {cniVersion, name}' "$ROOT/$CONFLIST")
	new_ct p1
	cni_add "$conf" id1 p1 || return 1
	[[ "$(out | jq -r '.ips[0].address')" == 10.244.1.*/24 ]] ||
		fail "the pod's address is not of n1's pod CIDR: $(out)" || return 1
	ping_ok p1 10.244.1.1 || fail "the pod cannot ping its gateway" || return 1
}

# Run again (the DaemonSet's container restarted) it changes nothing; a node
# the API adds or removes is what the next import declares.
test_node_script_again_converges_to_the_api() {
	local before
	uplinked || return 1
	api_nodes n1:198.51.100.1:10.244.1.0/24 n2:198.51.100.2:10.244.2.0/24
	fake_kubectl
	node_script || fail "the node script failed: $(cat "$ROOT/script.out")" || return 1
	before=$(bpfbr -j cluster show; cat "$ROOT/$CONFLIST"; node ip route show proto 191)
	node_script || fail "the node script failed again: $(cat "$ROOT/script.out")" || return 1
	[ "$(bpfbr -j cluster show; cat "$ROOT/$CONFLIST"; node ip route show proto 191)" = "$before" ] ||
		fail "a second run changed something" || return 1
	api_nodes n1:198.51.100.1:10.244.1.0/24 n3:198.51.100.3:10.244.3.0/24
	node_script || fail "the node script failed: $(cat "$ROOT/script.out")" || return 1
	[ "$(bpfbr -j cluster show | jq -c '[.nodes[].name] | sort')" = '["n1","n3"]' ] ||
		fail "the nodes after the API changed: $(bpfbr -j cluster show)" || return 1
	node ip route show proto 191 | grep -q "^10.244.2.0/24" &&
		fail "n2's route stayed: $(node ip route show proto 191)" && return 1
	node ip route show proto 191 | grep -q "^10.244.3.0/24 via 198.51.100.3 dev up0" ||
		fail "no route to n3's pods: $(node ip route show proto 191)"
}

# What the script cannot do is said, and nothing is written: a node without
# a pod CIDR (the controller manager allocates none), a missing NODE_NAME.
test_node_script_refusals() {
	uplinked || return 1
	api_nodes n1:198.51.100.1: n2:198.51.100.2:10.244.2.0/24
	fake_kubectl
	node_script && fail "the script succeeded without a pod CIDR" && return 1
	grep -q "node n1 has no spec.podCIDR after 3s: start the controller manager with --allocate-node-cidrs" \
		"$ROOT/script.out" || fail "the script's error: $(cat "$ROOT/script.out")" || return 1
	[ ! -e "$ROOT/$CONFLIST" ] || fail "a conflist was written without a pod CIDR" || return 1
	node_script NODE_NAME= && fail "the script succeeded without NODE_NAME" && return 1
	grep -q "NODE_NAME is not set" "$ROOT/script.out" ||
		fail "the script's error: $(cat "$ROOT/script.out")"
}

run_tests "$@"
