#!/usr/bin/env bash
# bpfbr next to the reference bridge + host-local plugins on the same config,
# each in a node namespace of its own: the results have the same shape (keys
# and types), and the containers see the same addresses, routes and
# reachability.
. "$(dirname "$0")/cni/lib.sh"

# ref_conf DATADIR: the reference setup's config; bpfbr gets the same with its
# type (and its root, which the bridge plugin ignores).
ref_conf() {
	jq -nc --arg dir "$1" --arg root "$ROOT" '{cniVersion: "1.0.0", name: "cmp", type: "bridge",
		bridge: "cni0", isGateway: true, isDefaultGateway: true, root: $root,
		ipam: {type: "host-local", subnet: "10.61.0.0/24", dataDir: $dir,
		       routes: [{dst: "192.0.2.0/24"}]},
		dns: {nameservers: ["10.61.0.1"], search: ["cmp.test"]}}' | in_mode
}

# shape: every scalar replaced by its type, so that names, MACs and paths drop out.
shape() { jq -S 'walk(if type == "object" or type == "array" then . else type end)'; }

# view NS: what a container sees of its network, normalised.
view() {
	on "$1" ip -4 -o addr show dev eth0 | awk '{print $4, $5, $6}'
	on "$1" ip -4 route show | sed -E 's/ +$//' | sort
	on "$1" cat /sys/class/net/eth0/mtu
}

# ref NODE CMD ID NS: the reference bridge plugin in its node namespace.
ref() {
	plugin_dir
	printf '%s' "$(ref_conf "$ROOT/ref-ipam")" | nsenter --net="/run/netns/$1" env -i PATH="$PATH" \
		CNI_COMMAND="$2" CNI_CONTAINERID="$3" CNI_NETNS="/run/netns/$(ct "$4")" CNI_IFNAME=eth0 \
		CNI_PATH="$CNI_PLUGIN_DIR" "$CNI_BIN_DIR/bridge" >"$ROOT/ref-$3.json"
}

setup_both() {
	local rnode
	[ -x "$CNI_BIN_DIR/bridge" ] && [ -x "$CNI_BIN_DIR/host-local" ] ||
		{ skip "$CNI_BIN_DIR/bridge or host-local missing (containernetworking-plugins)"; return 4; }
	need_feature bridge || return $?
	rnode=$(ct refnode)
	ip netns add "$rnode" && own_ns "$rnode" && ip -n "$rnode" link set lo up || return 1
	new_ct r1 r2 b1 b2 || return 1
	ref "$rnode" ADD r1 r1 || fail "bridge ADD r1: $(cat "$ROOT/ref-r1.json")" || return 1
	ref "$rnode" ADD r2 r2 || fail "bridge ADD r2: $(cat "$ROOT/ref-r2.json")" || return 1
	BCONF=$(ref_conf "$ROOT/bpfbr-ipam" | jq -c '.type = "bpfbr"')
	cni_add "$BCONF" b1 b1 || return 1
	cp "$CNI_OUT" "$ROOT/bpfbr-b1.json"
	cni_add "$BCONF" b2 b2 || return 1
	cp "$CNI_OUT" "$ROOT/bpfbr-b2.json"
}

test_results_have_the_same_shape() {
	local a b
	setup_both || return $?
	a=$(shape <"$ROOT/ref-r1.json") b=$(shape <"$ROOT/bpfbr-b1.json")
	[ "$a" = "$b" ] || fail "shapes differ: bridge $(jq -c . <<<"$a") bpfbr $(jq -c . <<<"$b")" || return 1
	# The values that mean the same thing are the same.
	a=$(jq -c '[.ips, .routes, .dns, (.interfaces | map(has("sandbox")))]' "$ROOT/ref-r1.json")
	b=$(jq -c '[.ips, .routes, .dns, (.interfaces | map(has("sandbox")))]' "$ROOT/bpfbr-b1.json")
	[ "$a" = "$b" ] || fail "values differ: bridge $a, bpfbr $b" || return 1
	# bpfbr's own IPAM gives the same shape as host-local behind it.
	new_ct b3 || return 1
	cni_add "$(jq -c 'del(.ipam) | .name = "own" | .subnet = "10.62.0.0/24" |
		.routes = [{dst: "192.0.2.0/24"}]' <<<"$BCONF")" b3 b3 || return 1
	b=$(out | shape)
	[ "$(shape <"$ROOT/ref-r1.json")" = "$b" ] ||
		fail "own IPAM's shape differs: $(jq -c . <<<"$b")" || return 1
}

test_containers_see_the_same() {
	local a b
	setup_both || return $?
	a=$(view r1) b=$(view b1)
	[ "$a" = "$b" ] || fail "r1 sees '$a', b1 sees '$b'" || return 1
	grep -q "^10.61.0.2/24 brd 10.61.0.255" <<<"$b" && grep -q "^192.0.2.0/24 via 10.61.0.1" <<<"$b" &&
		grep -q "^default via 10.61.0.1" <<<"$b" || fail "b1 sees '$b'" || return 1
	a=$(view r2) b=$(view b2)
	[ "$a" = "$b" ] || fail "r2 sees '$a', b2 sees '$b'" || return 1
	ping_ok r1 10.61.0.3 && ping_ok r1 10.61.0.1 || fail "the reference containers do not reach" || return 1
	ping_ok b1 10.61.0.3 || fail "b1 cannot ping b2 as r1 pings r2" || return 1
	ping_ok b1 10.61.0.1 || fail "b1 cannot ping its gateway as r1 does" || return 1
	a=$(on r1 ping -c1 -W2 10.61.0.3 | sed -n 's/.*ttl=\([0-9]*\).*/\1/p')
	b=$(on b1 ping -c1 -W2 10.61.0.3 | sed -n 's/.*ttl=\([0-9]*\).*/\1/p')
	[ "$a" = "$b" ] || fail "TTL between containers: bridge $a, bpfbr $b" || return 1
	node ping -c1 -W2 10.61.0.2 >/dev/null || fail "bpfbr's node cannot reach b1" || return 1
	ip netns exec "$(ct refnode)" ping -c1 -W2 10.61.0.2 >/dev/null || fail "the bridge's node cannot reach r1" ||
		return 1
}

test_del_twice_and_nothing_left_on_both() {
	setup_both || return $?
	ref "$(ct refnode)" DEL r1 r1 && ref "$(ct refnode)" DEL r1 r1 || fail "bridge DEL" || return 1
	cni DEL "$BCONF" b1 b1 && cni DEL "$BCONF" b1 b1 || fail "bpfbr DEL: $(out)" || return 1
	[ "$(host_local_ips "$ROOT/ref-ipam/cmp")" = 1 ] || fail "host-local kept r1's address" || return 1
	[ "$(host_local_ips "$ROOT/bpfbr-ipam/cmp")" = 1 ] || fail "host-local kept b1's address" || return 1
	[ "$(state cmp | jq -c '[.attachments[].id]')" = '["b2"]' ] || fail "bpfbr kept b1's reservation" || return 1
	[ "$(node_veths | wc -l)" = 1 ] || fail "bpfbr left veths: $(node_veths | tr '\n' ' ')" || return 1
}

run_tests "$@"
