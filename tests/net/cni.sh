#!/usr/bin/env bash
# bpfbr as a CNI plugin (issue 4), driven as a runtime drives it: ADD, CHECK,
# DEL, GC, STATUS, VERSION, results in every spec version, concurrency,
# restarts, and one state shared with the bpfbr command line.
. "$(dirname "$0")/cni/lib.sh"

NET=podnet
SUBNET=10.40.0.0/24

test_add_check_del_del() {
	local c res mac
	c=$(conf $NET $SUBNET '.dns = {nameservers: ["10.40.0.1"], search: ["example.test"]}')
	new_ct c1 || return 1
	cni_add "$c" id1 c1 || return 1
	res=$(out)
	jq -e --arg ns "/run/netns/$(ct c1)" '
		.cniVersion == "1.1.0" and (.interfaces | length) == 3 and
		.interfaces[0].name == "bpfbr0" and (.interfaces[1].name | test("^veth[0-9a-f]{8}$")) and
		.interfaces[2] == {name: "eth0", mac: .interfaces[2].mac, mtu: 1500, sandbox: $ns} and
		.ips == [{interface: 2, address: "10.40.0.2/24", gateway: "10.40.0.1"}] and
		.routes == [{dst: "0.0.0.0/0", gw: "10.40.0.1"}] and
		.dns == {nameservers: ["10.40.0.1"], search: ["example.test"]}' <<<"$res" >/dev/null ||
		fail "ADD result is not as expected: $res" || return 1
	mac=$(jq -r '.interfaces[2].mac' <<<"$res")
	[ "$(on c1 cat /sys/class/net/eth0/address)" = "$mac" ] || fail "eth0 has another MAC" || return 1
	[ "$(on c1 ip -4 -o addr show dev eth0 | awk '{print $4, $6}')" = "10.40.0.2/24 10.40.0.255" ] ||
		fail "eth0: $(on c1 ip -4 -o addr show dev eth0)" || return 1
	on c1 ip -4 route show default | grep -q "via 10.40.0.1 dev eth0" ||
		fail "no default route: $(on c1 ip -4 route)" || return 1
	ping_ok c1 10.40.0.1 || fail "c1 cannot ping its gateway" || return 1
	node ping -c1 -W2 10.40.0.2 >/dev/null || fail "the node cannot ping c1" || return 1
	[ "$(state $NET | jq -r .datapath)" = "${BPFBR_TEST_MODE:-tc}" ] ||
		fail "the network's datapath is $(state $NET | jq -r .datapath)" || return 1

	cni CHECK "$(with_prev "$c" "$res")" id1 c1 || fail "CHECK after ADD: $(out)" || return 1
	[ ! -s "$CNI_OUT" ] || fail "CHECK printed '$(out)'" || return 1
	cni DEL "$(with_prev "$c" "$res")" id1 c1 || fail "DEL: $(out)" || return 1
	[ ! -s "$CNI_OUT" ] || fail "DEL printed '$(out)'" || return 1
	cni DEL "$(with_prev "$c" "$res")" id1 c1 || fail "second DEL: $(out)" || return 1
	nothing_left $NET || return 1
	[ -z "$(on c1 ip -o link show type veth)" ] || fail "eth0 is left in c1" || return 1
	[ -e "/run/netns/$(ct c1)" ] || fail "DEL removed the runtime's namespace" || return 1
}

test_check_notices_what_changed() {
	local c res
	c=$(conf $NET $SUBNET)
	new_ct c1 || return 1
	cni_add "$c" id1 c1 || return 1
	res=$(out)
	on c1 ip route del default
	cni CHECK "$(with_prev "$c" "$res")" id1 c1 && fail "CHECK passed without the default route" ||
		cni_error 105 "route to 0.0.0.0/0" || return 1
	on c1 ip route add default via 10.40.0.1
	on c1 ip addr flush dev eth0
	on c1 ip addr add 10.40.0.99/24 dev eth0
	cni CHECK "$(with_prev "$c" "$res")" id1 c1 && fail "CHECK passed with another address" ||
		cni_error 105 "10.40.0.99/24" "10.40.0.2/24" || return 1
	cni CHECK "$(with_prev "$c" "$res")" id2 c1 && fail "CHECK passed for an unknown container" ||
		cni_error 105 "no attachment" || return 1
	node ip link set "$(jq -r '.interfaces[1].name' <<<"$res")" down
	on c1 ip addr flush dev eth0
	on c1 ip addr add 10.40.0.2/24 brd + dev eth0
	on c1 ip route add default via 10.40.0.1
	cni CHECK "$(with_prev "$c" "$res")" id1 c1 && fail "CHECK passed with the node end down" ||
		cni_error 105 "down" || return 1
	cni CHECK "$c" id1 c1 && fail "CHECK passed without prevResult" ||
		cni_error 7 "prevResult" || return 1
}

test_del_without_netns() {
	local c res host
	c=$(conf $NET $SUBNET)
	new_ct c1 c2 || return 1
	cni_add "$c" id1 c1 || return 1
	cni_add "$c" id2 c2 || return 1
	res=$(out)
	host=$(jq -r '.interfaces[1].name' <<<"$res")
	# The runtime removed c2's namespace before DEL, and passes no netns at all.
	ip netns del "$(ct c2)"
	cni DEL "$c" id2 - || fail "DEL without CNI_NETNS: $(out)" || return 1
	! node ip link show "$host" >/dev/null 2>&1 || fail "$host is left" || return 1
	[ "$(state $NET | jq -c '[.attachments[].id]')" = '["id1"]' ] ||
		fail "reservations: $(state $NET | jq -c '[.attachments[].id]')" || return 1
	[ "$(bpfbr -j status $NET | jq '.[0].ports | length')" = 2 ] ||
		fail "c2's port is left: $(bpfbr status $NET)" || return 1
	# The same with the path of a namespace that no longer exists.
	ip netns del "$(ct c1)"
	cni DEL "$c" id1 c1 || fail "DEL with a gone CNI_NETNS: $(out)" || return 1
	nothing_left $NET || return 1
}

test_del_of_unknown_container() {
	local c
	c=$(conf $NET $SUBNET)
	new_ct c1 || return 1
	# No network yet: DEL succeeds and creates nothing.
	cni DEL "$c" never c1 || fail "DEL before any ADD: $(out)" || return 1
	[ ! -e "$ROOT/var/lib/bpfbr/networks/$NET.json" ] || fail "DEL created the network" || return 1
	cni_add "$c" id1 c1 || return 1
	cni DEL "$c" never c1 || fail "DEL of an unknown id: $(out)" || return 1
	cni DEL "$c" id1 c1 eth1 || fail "DEL of an unknown ifname: $(out)" || return 1
	[ "$(state $NET | jq '.attachments | length')" = 1 ] || fail "DEL of others removed id1" || return 1
	ping_ok c1 10.40.0.1 || fail "c1 lost its network" || return 1
}

test_gc_removes_what_the_runtime_no_longer_lists() {
	local c n
	c=$(conf $NET $SUBNET)
	new_ct c1 c2 c3 || return 1
	for n in 1 2 3; do cni_add "$c" "id$n" "c$n" || return 1; done
	check "CLI attach" bpfbr attach $NET "$(ct cli)" --create-netns || return 1
	cni_net GC "$(jq -c '. + {"cni.dev/valid-attachments": [{containerID: "id2", ifname: "eth0"}]}' <<<"$c")" ||
		fail "GC: $(out)" || return 1
	[ ! -s "$CNI_OUT" ] || fail "GC printed '$(out)'" || return 1
	[ "$(state $NET | jq -c '[.attachments[].id] | sort')" = "[\"/run/netns/$(ct cli)\",\"id2\"]" ] ||
		fail "after GC: $(state $NET | jq -c '[.attachments[].id]')" || return 1
	[ "$(node_veths | wc -l)" = 2 ] || fail "veths after GC: $(node_veths | tr '\n' ' ')" || return 1
	[ -z "$(on c1 ip -o link show type veth)$(on c3 ip -o link show type veth)" ] ||
		fail "GC left eth0 in c1 or c3" || return 1
	ping_ok c2 10.40.0.1 || fail "c2 (listed) lost its network" || return 1
	ping_ok cli 10.40.0.3 || fail "the CLI's container lost its network" || return 1
	# The addresses are free again.
	new_ct c4 || return 1
	cni_add "$c" id4 c4 || return 1
	cni_net GC "$(jq -c '. + {"cni.dev/valid-attachments": []}' <<<"$c")" || fail "GC: $(out)" || return 1
	check "CLI detach" bpfbr detach $NET "$(ct cli)" || return 1
	nothing_left $NET || return 1
}

test_status_reports_readiness() {
	local c
	c=$(conf $NET $SUBNET)
	cni_net STATUS "$c" || fail "STATUS before the first ADD: $(out)" || return 1
	[ ! -s "$CNI_OUT" ] || fail "STATUS printed '$(out)'" || return 1
	cni_net STATUS "$(jq -c '.ipMasq = true' <<<"$c")" && fail "STATUS passed with no uplink" ||
		cni_error 50 "default route" || return 1
	cni_net STATUS "$(jq -c '.ipMasq = true | .uplink = "nosuch0"' <<<"$c")" &&
		fail "STATUS passed with a missing uplink" || cni_error 50 "nosuch0" || return 1
	new_ct c1 || return 1
	cni_add "$c" id1 c1 || return 1
	cni_net STATUS "$c" || fail "STATUS: $(out)" || return 1
	cni_net STATUS "$(jq -c '.cniVersion = "1.0.0"' <<<"$c")" && fail "STATUS with 1.0.0 passed" ||
		cni_error 1 "1.1.0" || return 1
	# The gateway device gone: STATUS makes it again, and the container is back.
	node ip link del bpfbr0
	cni_net STATUS "$c" || fail "STATUS did not restore the gateway: $(out)" || return 1
	ping_ok c1 10.40.0.1 || fail "c1 cannot ping the restored gateway" || return 1
	# A full range: the next ADD would fail.
	c=$(conf small 10.41.0.0/24 '.rangeStart = "10.41.0.2" | .rangeEnd = "10.41.0.2"')
	new_ct c2 || return 1
	cni_add "$c" id2 c2 || return 1
	cni_net STATUS "$c" && fail "STATUS passed with no free address" ||
		cni_error 50 "no free address" "10.41.0.2-10.41.0.2" || return 1
	# No bpffs: no ADD can work.
	umount "$ROOT/sys/fs/bpf"
	cni_net STATUS "$c" && fail "STATUS passed without bpffs" ||
		cni_error 50 "bpffs" "mount -t bpf" || return 1
	mount -t bpf bpf "$ROOT/sys/fs/bpf"
}

# After a reboot the state is there and the kernel side is not: the next ADD
# (or STATUS) makes the network again, forgets the containers that did not
# survive, and the new container is served as before; CHECK agrees.
test_add_after_a_reboot() {
	local c res
	c=$(conf $NET $SUBNET '.ipMasq = true | .uplink = "up0"')
	ext_host || return 1
	new_ct c1 || return 1
	cni_add "$c" id1 c1 || return 1
	simulate_reboot c1 ext || return 1
	new_ct c2 || return 1
	cni_add "$c" id2 c2 || return 1
	res=$(out)
	node ip link show "$(jq -r '.interfaces[0].name' <<<"$res")" >/dev/null ||
		fail "the result names a gateway device that does not exist: $res" || return 1
	ping_ok c2 10.40.0.1 || fail "c2 cannot ping the gateway after the reboot" || return 1
	ping_ok c2 "$EXT_IP" || fail "c2 is not masqueraded after the reboot" || return 1
	[ "$(state $NET | jq -c '[.attachments[].id]')" = '["id2"]' ] ||
		fail "the state keeps what did not survive: $(state $NET | jq -c '[.attachments[].id]')" ||
		return 1
	cni CHECK "$(with_prev "$c" "$res")" id2 c2 || fail "CHECK after the reboot: $(out)" || return 1
	# DEL of the container that did not survive is fine too.
	cni DEL "$c" id1 || fail "DEL of a container lost in the reboot: $(out)" || return 1
	# Only the gateway gone: ADD makes it again, the first container is back too.
	node ip link del bpfbr0 || return 1
	new_ct c3 || return 1
	cni_add "$c" id3 c3 || return 1
	ping_ok c2 10.40.0.1 || fail "c2 cannot ping the remade gateway" || return 1
	ping_ok c3 10.40.0.3 || fail "c3 cannot ping c2" || return 1
}

test_status_after_a_reboot() {
	local c
	c=$(conf $NET $SUBNET '.ipMasq = true | .uplink = "up0"')
	ext_host || return 1
	new_ct c1 || return 1
	cni_add "$c" id1 c1 || return 1
	simulate_reboot c1 ext || return 1
	cni_net STATUS "$c" || fail "STATUS after a reboot: $(out)" || return 1
	node ip link show bpfbr0 >/dev/null 2>&1 || fail "STATUS did not make the gateway again" || return 1
	bpfbr -j status $NET | jq -e '.[0].uplink.programs | length == 2' >/dev/null ||
		fail "STATUS did not make the masquerade again: $(bpfbr -j status $NET)" || return 1
}

# DEL, CHECK, GC and STATUS are best-effort about what they do not use: keys
# libcni and runtimes add (or a config edited since the ADD) are warned
# about, never refused; ADD stays strict.
test_teardown_is_never_blocked_by_the_config() {
	local c res odd
	c=$(conf $NET $SUBNET)
	new_ct c1 || return 1
	cni_add "$c" id1 c1 || return 1
	res=$(out)
	odd=$(jq -c '. + {logLevel: "debug", disableCheck: false, disableGC: false, deviceID: "0000:00:01.0",
		plugins: []}' <<<"$c")
	cni ADD "$odd" id2 c1 eth1 && fail "ADD accepted unknown keys" || cni_error 2 logLevel || return 1
	cni CHECK "$(with_prev "$odd" "$res")" id1 c1 || fail "CHECK with unknown keys: $(out)" || return 1
	cni_net STATUS "$odd" || fail "STATUS with unknown keys: $(out)" || return 1
	grep -q "warning.*logLevel" "$CNI_OUT.err" || fail "no warning about logLevel on stderr" || return 1
	cni_net GC "$(jq -c '. + {"cni.dev/valid-attachments": [{containerID: "id1", ifname: "eth0"}]}' <<<"$odd")" ||
		fail "GC with unknown keys: $(out)" || return 1
	cni DEL "$(jq -c 'del(.subnet)' <<<"$odd")" id1 c1 || fail "DEL without subnet, with unknown keys: $(out)" ||
		return 1
	nothing_left $NET || return 1
}

# What libcni and Kubernetes send that bpfbr refused: GC's null list of
# valid attachments, CNI_ARGS of pod names up to 253 bytes, container IDs
# too long to have been attached (DEL succeeds), the node's own namespace
# (code 4).
test_what_runtimes_send() {
	local c args long
	c=$(conf $NET $SUBNET)
	new_ct c1 c2 || return 1
	args="IgnoreUnknown=1;K8S_POD_NAMESPACE=default;K8S_POD_NAME=$(printf 'p%.0s' $(seq 253));K8S_POD_UID=$(printf 'u%.0s' $(seq 200));$(printf 'k%.0s' $(seq 80))=v"
	cni_add "$c" id1 c1 eth0 "$args" || return 1
	cni_add "$c" id2 c2 || return 1
	cni DEL "$c" id1 c1 eth0 "$args" || fail "DEL with long CNI_ARGS: $(out)" || return 1
	cni_net GC "$(jq -c '. + {"cni.dev/valid-attachments": null}' <<<"$c")" ||
		fail "GC with a null list: $(out)" || return 1
	nothing_left $NET || return 1
	long=$(printf 'a%.0s' $(seq 2000))
	cni DEL "$c" "$long" c1 || fail "DEL of a 2000-byte container ID: $(out)" || return 1
	cni ADD "$c" "$long" c1 && fail "ADD of a 2000-byte container ID" || cni_error 4 CNI_CONTAINERID || return 1
	cni_env "$c" bpfbr CNI_COMMAND=ADD CNI_CONTAINERID=id3 CNI_IFNAME=eth0 CNI_NETNS="/run/netns/$NODE" \
		CNI_PATH="$CNI_PLUGIN_DIR" && fail "ADD into the node's own namespace" ||
		cni_error 4 "node's own network namespace" || return 1
}

# CHECK looks at what bpfbr made: another plugin's route is not its to
# check, its own default route is.
test_check_only_what_bpfbr_made() {
	local c res other
	c=$(conf $NET $SUBNET)
	new_ct c1 || return 1
	cni_add "$c" id1 c1 || return 1
	res=$(out)
	other=$(jq -c '.routes += [{dst: "192.0.2.0/24"}]' <<<"$res")
	cni CHECK "$(with_prev "$c" "$other")" id1 c1 || fail "CHECK of another plugin's route: $(out)" ||
		return 1
	on c1 ip route del default || return 1
	cni CHECK "$(with_prev "$c" "$res")" id1 c1 && fail "CHECK passed without the default route" ||
		cni_error 105 "route to 0.0.0.0/0" || return 1
}

# DNS may differ per container, as with the bridge plugin: each result has
# its config's; only a nameserver on the gateway that the network does not
# open is refused (101, naming gatewayAllow).
test_dns_may_differ_per_container() {
	local c
	c=$(conf $NET $SUBNET '.dns = {nameservers: ["10.40.0.1"]}')
	new_ct c1 c2 c3 || return 1
	cni_add "$c" id1 c1 || return 1
	cni_add "$(jq -c '.dns = {nameservers: ["192.0.2.53"], search: ["b.test"]}' <<<"$c")" id2 c2 || return 1
	out | jq -e '.dns == {nameservers: ["192.0.2.53"], search: ["b.test"]}' >/dev/null ||
		fail "the result does not carry this config's DNS: $(out | jq -c .dns)" || return 1
	c=$(conf other 10.41.0.0/24)
	cni_add "$c" id3 c3 || return 1
	cni ADD "$(jq -c '.dns = {nameservers: ["10.41.0.1"]}' <<<"$c")" id4 c3 eth1 &&
		fail "a nameserver on a gateway that does not serve DNS" || cni_error 101 gatewayAllow "udp/53" ||
		return 1
}

# The calls containerd 1.6's CRI plugin makes for a pod (RunPodSandbox,
# StopPodSandbox, RemovePodSandbox), replayed as it makes them: Kubernetes'
# CNI_ARGS, the loopback plugin's ADD at the same time, DEL at stop with the
# cached result, DEL again at removal with no CNI_NETNS and no prevResult.
test_containerd_cri_sequence() {
	local c id=8d4c1a7e3f2b9c0d1e2f3a4b5c6d7e8f9a0b1c2d3e4f5a6b7c8d9e0f1a2b3c4d args lo res
	[ -x "$CNI_BIN_DIR/loopback" ] || { skip "$CNI_BIN_DIR/loopback missing (containernetworking-plugins)"; return 4; }
	c=$(conf $NET $SUBNET '.cniVersion = "1.0.0"')
	new_ct pod || return 1
	args="K8S_POD_INFRA_CONTAINER_ID=$id;K8S_POD_UID=0f4c8a6e-2b1d-4c3e-9f7a-5d6e8b9c0a1f;IgnoreUnknown=1;K8S_POD_NAMESPACE=default;K8S_POD_NAME=web-7d9f8b6c5d-x2x9q"
	lo='{"cniVersion":"1.0.0","name":"cni-loopback","type":"loopback"}'
	plugin_dir
	printf '%s' "$lo" | node env -i PATH="$PATH" CNI_COMMAND=ADD CNI_CONTAINERID=$id \
		CNI_NETNS="/run/netns/$(ct pod)" CNI_IFNAME=lo CNI_PATH="$CNI_PLUGIN_DIR" CNI_ARGS="$args" \
		"$CNI_PLUGIN_DIR/loopback" >"$ROOT/lo.out" 2>&1 &
	cni ADD "$c" $id pod eth0 "$args" || fail "ADD as the CRI plugin calls it: $(out)" || return 1
	res=$(out)
	wait $! || fail "loopback ADD beside bpfbr's: $(cat "$ROOT/lo.out")" || return 1
	ping_ok pod 10.40.0.1 || fail "the pod cannot ping its gateway" || return 1
	cni DEL "$(with_prev "$c" "$res")" $id pod eth0 "$args" || fail "DEL at StopPodSandbox: $(out)" || return 1
	cni DEL "$c" $id - eth0 "$args" || fail "DEL at RemovePodSandbox: $(out)" || return 1
	nothing_left $NET || return 1
}

# CHECK finds each way a container can differ from what ADD made: an MTU
# above the network's, its static forwarding entry gone, no program on its
# port, the masquerade no longer knowing it. One container each.
test_check_finds_each_difference() {
	local c pins=$ROOT/sys/fs/bpf/bpfbr i mac key ip host
	local -a res
	ext_host || return 1
	c=$(conf $NET $SUBNET '.ipMasq = true | .uplink = "up0"')
	for i in 1 2 3 4; do
		new_ct c$i || return 1
		cni_add "$c" id$i c$i || return 1
		res[i]=$(out)
		cni CHECK "$(with_prev "$c" "${res[i]}")" id$i c$i ||
			fail "CHECK of an intact container: $(out)" || return 1
	done
	on c1 ip link set eth0 mtu 1600 || return 1
	cni CHECK "$(with_prev "$c" "${res[1]}")" id1 c1 && fail "CHECK passed an MTU above the network's" ||
		cni_error 105 "MTU 1600" "above the network" || return 1
	mac=$(on c2 cat /sys/class/net/eth0/address)
	key=$(echo "$mac" | tr ':' ' ' | sed 's/\([0-9a-f][0-9a-f]\)/0x\1/g')
	bpftool map delete pinned "$pins/$NET/fdb" key $key 0 0 || return 1
	cni CHECK "$(with_prev "$c" "${res[2]}")" id2 c2 && fail "CHECK passed without the static fdb entry" ||
		cni_error 105 "forwarding table" || return 1
	host=$(jq -r '.interfaces[1].name' <<<"${res[3]}")
	if [ -e "$pins/$NET/links/$host" ]; then
		rm "$pins/$NET/links/$host"
	else
		node tc filter del dev "$host" ingress || return 1
	fi
	cni CHECK "$(with_prev "$c" "${res[3]}")" id3 c3 && fail "CHECK passed a port without its program" ||
		cni_error 105 "not attached" || return 1
	ip=$(jq -r '.ips[0].address' <<<"${res[4]}" | cut -d/ -f1 | tr '.' ' ')
	bpftool map delete pinned "$pins/uplinks/up0/endpoints" key $ip || return 1
	cni CHECK "$(with_prev "$c" "${res[4]}")" id4 c4 && fail "CHECK passed a container the masquerade forgot" ||
		cni_error 105 "masquerade" || return 1
}

# A container that went without a DEL (ctr run -d, a crashed runtime) keeps
# its address only until the range runs out: the ADD that finds no free
# address first forgets the containers whose namespace is gone.
test_full_range_takes_back_addresses_of_gone_containers() {
	local c
	c=$(conf $NET $SUBNET '.rangeStart = "10.40.0.2" | .rangeEnd = "10.40.0.3"')
	new_ct c1 c2 c3 c4 || return 1
	cni_add "$c" id1 c1 || return 1
	cni_add "$c" id2 c2 || return 1
	ip netns del "$(ct c1)" || return 1
	for _ in $(seq 50); do [ "$(node_veths | wc -l)" = 1 ] && break; sleep 0.1; done
	cni_add "$c" id3 c3 || return 1
	[ "$(out | jq -r '.ips[0].address')" = 10.40.0.2/24 ] || fail "c3 did not get c1's address: $(out)" ||
		return 1
	[ "$(state $NET | jq -c '[.attachments[].id] | sort')" = '["id2","id3"]' ] ||
		fail "attachments: $(state $NET | jq -c '[.attachments[].id]')" || return 1
	cni ADD "$c" id4 c4 && fail "an ADD got an address of a live container" ||
		cni_error 102 "no free address" || return 1
}

test_version_lists_the_spec_versions() {
	cni_env '{"cniVersion": "0.4.0"}' bpfbr CNI_COMMAND=VERSION || fail "VERSION: $(out)" || return 1
	[ "$(out | jq -c .)" = '{"cniVersion":"0.4.0","supportedVersions":["0.3.0","0.3.1","0.4.0","1.0.0","1.1.0"]}' ] ||
		fail "VERSION printed $(out | jq -c .)" || return 1
	cni_env '' bpfbr CNI_COMMAND=VERSION || fail "VERSION with empty stdin: $(out)" || return 1
	[ "$(out | jq -r .cniVersion)" = 1.1.0 ] || fail "VERSION printed $(out | jq -c .)" || return 1
}

# Every command with exactly the environment libcni (podman, containerd,
# CRI-O, Multus) gives it: VERSION with CNI_NETNS=dummy before anything else,
# GC and STATUS with empty container variables, and the runtime's own
# environment around them.
test_commands_in_libcni_environments() {
	local c id=4f1c0a3e9b2d7c6a5f4e3d2c1b0a99887766554433221100ffeeddccbbaa0011
	c=$(conf $NET $SUBNET '.cniVersion = "1.0.0"')
	plugin_dir
	cni_env '{"cniVersion":"1.0.0"}' bpfbr HOME=/root CNI_COMMAND=VERSION CNI_CONTAINERID= \
		CNI_NETNS=dummy CNI_IFNAME=dummy CNI_PATH=dummy CNI_ARGS= ||
		fail "VERSION as libcni calls it: $(out)" || return 1
	out | jq -e '.cniVersion == "1.0.0" and (.supportedVersions | index("1.0.0"))' >/dev/null ||
		fail "VERSION printed $(out | jq -c .)" || return 1
	new_ct c1 || return 1
	cni_env "$c" bpfbr CNI_COMMAND=ADD CNI_CONTAINERID=$id CNI_NETNS="/run/netns/$(ct c1)" \
		CNI_IFNAME=eth0 CNI_PATH="$CNI_PLUGIN_DIR" CNI_ARGS="IgnoreUnknown=1;K8S_POD_NAME=web-1" ||
		fail "ADD as podman calls it: $(out)" || return 1
	ping_ok c1 10.40.0.1 || fail "the container cannot ping its gateway" || return 1
	c=$(jq -c '.cniVersion = "1.1.0"' <<<"$c")
	cni_env "$c" bpfbr CNI_COMMAND=STATUS CNI_CONTAINERID= CNI_NETNS= CNI_IFNAME= \
		CNI_PATH="$CNI_PLUGIN_DIR" CNI_ARGS= || fail "STATUS as libcni calls it: $(out)" || return 1
	cni_env "$(jq -c '. + {"cni.dev/valid-attachments": [{containerID: "'$id'", ifname: "eth0"}]}' <<<"$c")" \
		bpfbr CNI_COMMAND=GC CNI_CONTAINERID= CNI_NETNS= CNI_IFNAME= CNI_PATH="$CNI_PLUGIN_DIR" CNI_ARGS= ||
		fail "GC as libcni calls it: $(out)" || return 1
	[ "$(state $NET | jq '.attachments | length')" = 1 ] || fail "GC removed a listed attachment" || return 1
	# DEL after the namespace is gone: libcni passes an empty CNI_NETNS.
	cni_env "$(jq -c '.cniVersion = "1.0.0"' <<<"$c")" bpfbr CNI_COMMAND=DEL CNI_CONTAINERID=$id \
		CNI_NETNS= CNI_IFNAME=eth0 CNI_PATH="$CNI_PLUGIN_DIR" CNI_ARGS="IgnoreUnknown=1;K8S_POD_NAME=web-1" ||
		fail "DEL as libcni calls it: $(out)" || return 1
	nothing_left $NET || return 1
}

# Each version's result shape: "version" in ips before 1.0.0, interface MTU from 1.1.0.
test_results_in_every_version() {
	local v i=0 res
	for v in 0.3.0 0.3.1 0.4.0 1.0.0 1.1.0; do
		i=$((i + 1))
		new_ct "v$i" || return 1
		cni_add "$(conf $NET $SUBNET ".cniVersion = \"$v\"")" "id$i" "v$i" || return 1
		res=$(out)
		[ "$(jq -r .cniVersion <<<"$res")" = "$v" ] || fail "$v: cniVersion $(jq .cniVersion <<<"$res")" ||
			return 1
		case $v in
		0.*) jq -e '.ips | all(.version == "4" and .interface == 2 and (.address | type) == "string")' \
			<<<"$res" >/dev/null || fail "$v: ips lack version \"4\": $(jq -c .ips <<<"$res")" || return 1 ;;
		*) jq -e '.ips | all(has("version") | not)' <<<"$res" >/dev/null ||
			fail "$v: ips have version: $(jq -c .ips <<<"$res")" || return 1 ;;
		esac
		if [ $v = 1.1.0 ]; then
			jq -e '.interfaces | all(.mtu == 1500)' <<<"$res" >/dev/null ||
				fail "1.1.0: interfaces lack mtu: $(jq -c .interfaces <<<"$res")" || return 1
		else
			jq -e '.interfaces | all(has("mtu") | not)' <<<"$res" >/dev/null ||
				fail "$v: interfaces have mtu: $(jq -c .interfaces <<<"$res")" || return 1
		fi
		jq -e '(keys - ["cniVersion", "interfaces", "ips", "routes", "dns"]) == []' <<<"$res" \
			>/dev/null || fail "$v: unexpected keys: $(jq -c keys <<<"$res")" || return 1
		# CHECK reads the result back in the same version.
		if [ $v != 0.3.0 ] && [ $v != 0.3.1 ]; then
			cni CHECK "$(with_prev "$(conf $NET $SUBNET ".cniVersion = \"$v\"")" "$res")" "id$i" "v$i" ||
				fail "$v: CHECK: $(out)" || return 1
		else
			cni CHECK "$(with_prev "$(conf $NET $SUBNET ".cniVersion = \"$v\"")" "$res")" "id$i" "v$i" &&
				fail "$v: CHECK accepted" || cni_error 1 "CHECK" "0.4.0" || return 1
		fi
	done
}

# A chain's plugin before bpfbr: its result is kept and bpfbr's follows it.
test_add_keeps_prev_result() {
	local c prev res
	c=$(conf $NET $SUBNET)
	prev='{"cniVersion":"1.1.0","interfaces":[{"name":"lo","sandbox":"/x"}],"ips":[{"address":"fd00::5/64","interface":0}],"dns":{"domain":"prev.test"}}'
	new_ct c1 || return 1
	cni_add "$(with_prev "$c" "$prev")" id1 c1 || return 1
	res=$(out)
	jq -e '(.interfaces | length) == 4 and .interfaces[0].name == "lo" and
		.ips == [{address: "fd00::5/64", interface: 0},
			 {interface: 3, address: "10.40.0.2/24", gateway: "10.40.0.1"}] and
		.dns == {domain: "prev.test"}' <<<"$res" >/dev/null ||
		fail "prevResult not kept first: $res" || return 1
	cni ADD "$(with_prev "$(jq -c '.cniVersion = "0.4.0"' <<<"$c")" "$(jq -c '.cniVersion = "0.4.0"' <<<"$prev")")" \
		id2 c1 eth1 && fail "a 0.4.0 prevResult without ips[].version was accepted" ||
		cni_error 6 "version" || return 1
}

test_concurrent_adds_get_distinct_addresses() {
	local c i n=50 pids=() bad=0 ips start
	c=$(conf $NET 10.40.0.0/24)
	for i in $(seq 1 $n); do new_ct "p$i" || return 1; done
	plugin_dir
	start=$(date +%s%N)
	for i in $(seq 1 $n); do
		(printf '%s' "$c" | nsenter --net="/run/netns/$NODE" env -i PATH="$PATH" CNI_COMMAND=ADD \
			CNI_CONTAINERID="id$i" CNI_NETNS="/run/netns/$(ct "p$i")" CNI_IFNAME=eth0 \
			"$BPFBR_BIN" >"$ROOT/p$i.json" 2>"$ROOT/p$i.err") &
		pids+=($!)
	done
	for i in "${!pids[@]}"; do wait "${pids[$i]}" || bad=$((bad + 1)); done
	echo "  $n concurrent ADDs: $(( ($(date +%s%N) - start) / 1000000 )) ms" >&2
	[ $bad = 0 ] || fail "$bad of $n ADDs failed: $(cat "$ROOT"/p*.json | jq -c 'select(.code)' | head -2)" ||
		return 1
	ips=$(for i in $(seq 1 $n); do jq -r '.ips[0].address' "$ROOT/p$i.json"; done | sort -u | wc -l)
	[ "$ips" = $n ] || fail "$n ADDs got $ips distinct addresses" || return 1
	[ "$(state $NET | jq '[.attachments[].ip] | unique | length')" = $n ] ||
		fail "the state holds $(state $NET | jq '.attachments | length') reservations" || return 1
	for i in 1 25 50; do
		[ "$(on "p$i" ip -4 -o addr show dev eth0 | awk '{print $4}')" = "$(jq -r '.ips[0].address' "$ROOT/p$i.json")" ] ||
			fail "p$i's address differs from its result" || return 1
	done
	ping_ok p1 "$(jq -r '.ips[0].address' "$ROOT/p50.json" | cut -d/ -f1)" || fail "p1 cannot reach p50" || return 1
}

# Nothing lives in memory between invocations: reservations and the
# allocation cursor are on disk, so a DEL or ADD after a restart (or in
# another process) sees every earlier ADD and never hands out an address twice.
test_restart_between_add_and_del() {
	local c a1 a2 a3
	c=$(conf $NET $SUBNET '.rangeStart = "10.40.0.10" | .rangeEnd = "10.40.0.12"')
	new_ct c1 c2 c3 c4 || return 1
	cni_add "$c" id1 c1 || return 1
	a1=$(out | jq -r '.ips[0].address')
	[ "$(state $NET | jq -r '.attachments[0].ip + " " + .last_ip')" = "10.40.0.10 10.40.0.10" ] ||
		fail "the reservation is not on disk: $(state $NET | jq -c '{attachments, last_ip}')" || return 1
	cni_add "$c" id2 c2 || return 1
	a2=$(out | jq -r '.ips[0].address')
	cni DEL "$c" id1 c1 || fail "DEL id1: $(out)" || return 1
	# Round-robin: id1's address is not handed out while others are free.
	cni_add "$c" id3 c3 || return 1
	a3=$(out | jq -r '.ips[0].address')
	[ "$a1 $a2 $a3" = "10.40.0.10/24 10.40.0.11/24 10.40.0.12/24" ] ||
		fail "addresses $a1 $a2 $a3, expected .10 .11 .12" || return 1
	cni_add "$c" id4 c4 || return 1
	[ "$(out | jq -r '.ips[0].address')" = 10.40.0.10/24 ] || fail "the range did not wrap to .10" || return 1
	ping_ok c2 10.40.0.12 || fail "c2 cannot reach c3" || return 1
}

test_cli_and_cni_share_one_state() {
	local c cni_mac cli_mac st
	c=$(conf $NET $SUBNET)
	new_ct c1 || return 1
	cni_add "$c" id1 c1 || return 1
	cni_mac=$(out | jq -r '.interfaces[2].mac')
	check "CLI attach to the CNI network" bpfbr attach $NET "$(ct cli)" --create-netns || return 1
	cli_mac=$(on cli cat /sys/class/net/eth0/address)
	ping_ok c1 10.40.0.3 || fail "the CNI container cannot reach the CLI's" || return 1
	ping_ok cli 10.40.0.2 || fail "the CLI container cannot reach the CNI one" || return 1
	st=$(bpfbr -j status $NET)
	jq -e --arg c "$(ct c1)" '[.[0].ports[] | select(.kind == "container")] |
		(map(select(.cni and .id == "id1" and .endpoint == $c)) | length) == 1 and
		(map(select(.cni | not)) | length) == 1' <<<"$st" >/dev/null ||
		fail "status does not list both: $(jq -c '.[0].ports' <<<"$st")" || return 1
	bpfbr -j fdb show $NET | jq -e --arg a "$cni_mac" --arg b "$cli_mac" \
		'([.[] | select(.mac == $a or .mac == $b) | .state] | sort) == ["static", "static"]' >/dev/null ||
		fail "fdb show lacks a container: $(bpfbr fdb show $NET)" || return 1
	[ "$(bpfbr -j net list | jq -c '[.[] | {name, containers}]')" = "[{\"name\":\"$NET\",\"containers\":2}]" ] ||
		fail "net list: $(bpfbr -j net list | jq -c .)" || return 1
	# The CLI refuses to delete the network while the CNI container is on it.
	check_fails "net delete with a CNI container" bpfbr net delete $NET || return 1
}

test_network_made_at_first_add_and_checked_after() {
	local c
	c=$(conf $NET $SUBNET '.mtu = 1400 | .hairpinMode = true | .rangeStart = "10.40.0.100" | .gateway = "10.40.0.254"')
	new_ct c1 c2 || return 1
	cni_add "$c" id1 c1 || return 1
	bpfbr -j net list | jq -e '.[0] | .subnet == "10.40.0.0/24" and .gateway == "10.40.0.254" and .mtu == 1400' \
		>/dev/null || fail "network: $(bpfbr -j net list | jq -c .)" || return 1
	[ "$(out | jq -r '.ips[0].address + " " + .ips[0].gateway')" = "10.40.0.100/24 10.40.0.254" ] ||
		fail "result: $(out | jq -c .ips)" || return 1
	[ "$(on c1 cat /sys/class/net/eth0/mtu)" = 1400 ] || fail "eth0's MTU is not 1400" || return 1
	cni ADD "$(jq -c '.subnet = "10.41.0.0/24" | del(.rangeStart, .gateway)' <<<"$c")" id2 c2 &&
		fail "ADD with another subnet passed" || cni_error 101 "10.40.0.0/24" "10.41.0.0/24" || return 1
	cni ADD "$(jq -c '.mtu = 1500' <<<"$c")" id2 c2 && fail "ADD with another mtu passed" ||
		cni_error 101 mtu 1400 1500 || return 1
	cni ADD "$(jq -c '.hairpinMode = false' <<<"$c")" id2 c2 && fail "ADD with hairpin off passed" ||
		cni_error 101 hairpinMode || return 1
	[ -z "$(on c2 ip -o link show type veth)" ] || fail "a refused ADD left eth0 in c2" || return 1
	# A network made by the CLI is adopted when the config agrees with it.
	check "net create other" bpfbr net create other --subnet 10.42.0.0/24 || return 1
	cni_add "$(conf other 10.42.0.0/24)" id2 c2 || return 1
}

test_add_twice_is_refused_and_keeps_the_first() {
	local c
	c=$(conf $NET $SUBNET)
	new_ct c1 || return 1
	cni_add "$c" id1 c1 || return 1
	cni ADD "$c" id1 c1 && fail "a second ADD of id1/eth0 passed" || cni_error 104 "id1" "DEL" || return 1
	ping_ok c1 10.40.0.1 || fail "the refused ADD broke the first" || return 1
	# The same container on the same network under another name is allowed
	# (without a second default route, which the kernel would refuse).
	cni_add "$(jq -c '.isDefaultGateway = false' <<<"$c")" id1 c1 eth1 || return 1
	[ "$(on c1 ip -4 -o addr show dev eth1 | awk '{print $4}')" = 10.40.0.3/24 ] ||
		fail "eth1: $(on c1 ip -4 -o addr show dev eth1)" || return 1
}

# A failing ADD leaves nothing: no veth, no reservation, no datapath entry,
# and not the network it had made for itself.
test_failed_add_rolls_back() {
	local c
	c=$(conf $NET $SUBNET)
	new_ct c1 || return 1
	on c1 ip link add eth0 type veth peer name peer0
	cni ADD "$c" id1 c1 && fail "ADD over an existing eth0 passed" || cni_error 104 "eth0" || return 1
	[ ! -e "$ROOT/var/lib/bpfbr/networks/$NET.json" ] || fail "the network made by the failed ADD is left" ||
		return 1
	[ -z "$(node ip -o link show type veth)" ] || fail "veths left: $(node ip -o link show type veth)" || return 1
	[ ! -e "$ROOT/sys/fs/bpf/bpfbr/$NET" ] || fail "pins left under $ROOT/sys/fs/bpf/bpfbr/$NET" || return 1
	# Into an existing network: only the container's part is undone.
	new_ct c2 || return 1
	cni_add "$c" id2 c2 || return 1
	cni ADD "$c" id1 c1 && fail "ADD over an existing eth0 passed" || cni_error 104 "eth0" || return 1
	[ "$(state $NET | jq -c '[.attachments[].id]')" = '["id2"]' ] || fail "reservations: $(state $NET)" || return 1
	[ "$(node_veths | wc -l)" = 1 ] || fail "veths: $(node_veths | tr '\n' ' ')" || return 1
}

# ipam.type: the reference host-local hands out the address; a failing ADD
# and DEL give it back.
test_delegated_ipam_host_local() {
	local c res
	c=$(jq -nc --arg root "$ROOT" --arg dir "$ROOT/host-local" '{cniVersion: "1.0.0", name: "hl",
		type: "bpfbr", root: $root, isDefaultGateway: true,
		ipam: {type: "host-local", subnet: "10.43.0.0/24", rangeStart: "10.43.0.50", dataDir: $dir,
		       routes: [{dst: "192.0.2.0/24"}]}}' | in_mode)
	new_ct c1 c2 || return 1
	cni_add "$c" id1 c1 || return 1
	res=$(out)
	jq -e '.ips == [{interface: 2, address: "10.43.0.50/24", gateway: "10.43.0.1"}] and
		.routes == [{dst: "192.0.2.0/24"}, {dst: "0.0.0.0/0", gw: "10.43.0.1"}]' <<<"$res" >/dev/null ||
		fail "result: $res" || return 1
	[ -e "$ROOT/host-local/hl/10.43.0.50" ] || fail "host-local has no reservation" || return 1
	on c1 ip -4 route show 192.0.2.0/24 | grep -q "via 10.43.0.1" || fail "no route to 192.0.2.0/24" ||
		return 1
	cni CHECK "$(with_prev "$c" "$res")" id1 c1 || fail "CHECK: $(out)" || return 1
	# A failing ADD gives host-local's address back.
	on c2 ip link add eth0 type veth peer name peer0
	cni ADD "$c" id2 c2 && fail "ADD over an existing eth0 passed" || cni_error 104 eth0 || return 1
	[ "$(host_local_ips "$ROOT/host-local/hl")" = 1 ] ||
		fail "host-local keeps $(ls "$ROOT/host-local/hl" | tr '\n' ' ')" || return 1
	cni DEL "$c" id1 c1 || fail "DEL: $(out) $(cat "$CNI_OUT.err")" || return 1
	[ ! -e "$ROOT/host-local/hl/10.43.0.50" ] || fail "DEL did not release host-local's address" || return 1
	nothing_left hl || return 1
	cni ADD "$(jq -c '.ipam.type = "no-such-ipam"' <<<"$c")" id1 c1 && fail "unknown ipam.type passed" ||
		cni_error 7 "no-such-ipam" "CNI_PATH" || return 1
	# host-local 1.1.1 does not speak 1.1.0: STATUS skips it, GC says what it keeps.
	cni_add "$c" id1 c1 || return 1
	cni_net STATUS "$(jq -c '.cniVersion = "1.1.0"' <<<"$c")" || fail "STATUS: $(out)" || return 1
	cni_net STATUS "$(jq -c '.cniVersion = "1.1.0" | .ipam.type = "no-such-ipam"' <<<"$c")" &&
		fail "STATUS passed without its IPAM plugin" || cni_error 50 "no-such-ipam" || return 1
	cni_net GC "$(jq -c '.cniVersion = "1.1.0" | .["cni.dev/valid-attachments"] = []' <<<"$c")" &&
		fail "GC passed although host-local kept an address" ||
		cni_error 1 "host-local" "1.1.0" "1 container" || return 1
	nothing_left hl || return 1
	cni DEL "$c" id1 c1 || fail "DEL after GC: $(out)" || return 1
	[ "$(host_local_ips "$ROOT/host-local/hl")" = 0 ] || fail "DEL after GC did not release the address" ||
		return 1
}

# ipMasq through the uplink of the node's default route; containers get its MTU.
test_masquerade_through_the_default_route() {
	local c
	new_ct ext || return 1
	ip link add up0 netns "$NODE" mtu 1400 type veth peer name eth0 netns "$(ct ext)" mtu 1400 || return 1
	node ip addr add 198.51.100.1/24 dev up0 && node ip link set up0 up || return 1
	on ext ip addr add 198.51.100.2/24 dev eth0 && on ext ip link set eth0 up || return 1
	node ip route add default via 198.51.100.2 || return 1
	c=$(conf $NET $SUBNET '.ipMasq = true')
	new_ct c1 || return 1
	cni_add "$c" id1 c1 || return 1
	[ "$(state $NET | jq -r '.uplink + " " + (.masquerade | tostring) + " " + (.mtu | tostring)')" = "up0 true 1400" ] ||
		fail "network: $(state $NET | jq -c '{uplink, masquerade, mtu}')" || return 1
	[ "$(on c1 cat /sys/class/net/eth0/mtu)" = 1400 ] || fail "eth0 does not get the uplink's MTU" || return 1
	capture ext eth0 icmp on ext || return 1
	ping_ok c1 198.51.100.2 || fail "c1 cannot reach the external host" || return 1
	wait_seen ext 1
	end_captures
	grep -q "198.51.100.1 > 198.51.100.2" "$ROOT/ext.cap" ||
		fail "the external host saw: $(cat "$ROOT/ext.cap")" || return 1
	cni CHECK "$(with_prev "$c" "$(out)")" id1 c1 || fail "CHECK: $(out)" || return 1
	cni DEL "$c" id1 c1 || fail "DEL: $(out) $(cat "$CNI_OUT.err")" || return 1
	[ "$(bpfbr -j nat show $NET | jq length)" = 0 ] || fail "translations left: $(bpfbr nat show $NET)" ||
		return 1
	node ip route del default
	cni ADD "$(conf other 10.44.0.0/24 '.ipMasq = true')" id2 c1 && fail "ipMasq without uplink passed" ||
		cni_error 7 "uplink" "default route" || return 1
}

# The plugin takes its root from the config, never from $BPFBR_ROOT.
test_root_comes_from_the_config_only() {
	local c other=$ROOT/elsewhere
	c=$(conf $NET $SUBNET)
	new_ct c1 || return 1
	mkdir -p "$other"
	cni_env "$c" bpfbr CNI_COMMAND=ADD CNI_CONTAINERID=id1 CNI_NETNS="/run/netns/$(ct c1)" \
		CNI_IFNAME=eth0 BPFBR_ROOT="$other" || fail "ADD: $(out)" || return 1
	[ -e "$ROOT/var/lib/bpfbr/networks/$NET.json" ] || fail "no state under the config's root" || return 1
	[ -z "$(ls -A "$other")" ] || fail "the plugin wrote under \$BPFBR_ROOT: $(ls -R "$other")" || return 1
	cni ADD "$(jq -c '.root = "relative/dir"' <<<"$c")" id2 c1 eth1 && fail "a relative root passed" ||
		cni_error 7 root absolute || return 1
	cni ADD "$(jq -c --arg r "$ROOT/../x" '.root = $r' <<<"$c")" id2 c1 eth1 && fail "a root with .. passed" ||
		cni_error 7 root ".." || return 1
}

# The call log ("logFile"): one JSON line per call whose config names it, as
# the runtime made it and as it ended, failures included; a log that cannot
# be written changes nothing but a warning on stderr.
test_call_log() {
	local log=$ROOT/cni.log c res want got
	c=$(conf $NET $SUBNET '.logFile = "'"$log"'"')
	new_ct c1 || return 1
	cni_add "$c" id1 c1 || return 1
	res=$(out)
	cni CHECK "$(with_prev "$c" "$res")" id1 c1 || fail "CHECK: $(out)" || return 1
	cni ADD "$c" id2 c1 && fail "a second eth0 in c1 was added" || cni_error 104 || return 1
	cni DEL "$c" id1 c1 eth0 "IgnoreUnknown=1;K8S_POD_NAME=web-1" || fail "DEL: $(out)" || return 1
	cni_env "$c" bpfbr CNI_COMMAND=ADD CNI_CONTAINERID=id3 CNI_IFNAME=eth0 &&
		fail "ADD without CNI_NETNS passed" || cni_error 4 CNI_NETNS || return 1
	cni_env "$c" bpfbr CNI_COMMAND=VERSION CNI_NETNS=dummy || fail "VERSION: $(out)" || return 1
	cni ADD '{"cniVersion": "1.1.0", "name": "x", "logFile": "cni.log"}' id4 c1 &&
		fail "a relative logFile passed" || cni_error 7 logFile absolute || return 1

	[ -s "$log" ] || fail "nothing logged in $log" || return 1
	jq -e . "$log" >/dev/null || fail "the log is not JSON lines: $(cat "$log")" || return 1
	got=$(jq -c '[.command, .containerID, .code]' "$log" | tr '\n' ' ')
	want='["ADD","id1",0] ["CHECK","id1",0] ["ADD","id2",104] ["DEL","id1",0] ["ADD","id3",4] ["VERSION",null,0] '
	[ "$got" = "$want" ] || fail "logged $got, expected $want" || return 1
	jq -se --arg ns "/run/netns/$(ct c1)" --arg path "$CNI_PLUGIN_DIR" '
		all(.[]; .network == "podnet" and .cniVersion == "1.1.0" and
			(.time | test("^[0-9]{4}-[0-9]{2}-[0-9]{2}T[0-9:]{8}\\.[0-9]{6}Z$")) and
			(.ms | type) == "number") and
		.[0].netns == $ns and .[0].ifname == "eth0" and .[0].path == $path and .[0].args == "" and
		(.[0] | has("msg") | not) and
		(.[2].msg | test("eth0")) and .[3].args == "IgnoreUnknown=1;K8S_POD_NAME=web-1" and
		(.[4] | has("netns") | not) and (.[4].msg | test("CNI_NETNS")) and .[5].netns == "dummy"' \
		"$log" >/dev/null || fail "log lines lack what the calls had: $(cat "$log")" || return 1

	cni_add "$(jq -c --arg l "$ROOT/no/such/dir/cni.log" '.logFile = $l' <<<"$c")" id5 c1 || return 1
	grep -q "cannot append to logFile $ROOT/no/such/dir/cni.log" "$CNI_OUT.err" ||
		fail "no warning about the unwritable log: $(cat "$CNI_OUT.err")" || return 1
}

# DNS: in the result for CNI; `bpfbr attach` writes it for `ip netns exec`.
test_dns_for_cli_containers() {
	local f
	check "net create --dns" bpfbr net create dnsnet --subnet 10.45.0.0/24 --dns 10.45.0.1,192.0.2.53 \
		--dns-search a.test,b.test || return 1
	check "attach" bpfbr attach dnsnet "$(ct d1)" --create-netns || return 1
	f=/etc/netns/$(ct d1)/resolv.conf
	[ "$(on d1 grep -v '^#' /etc/resolv.conf)" = "$(printf 'nameserver 10.45.0.1\nnameserver 192.0.2.53\nsearch a.test b.test')" ] ||
		fail "ip netns exec sees: $(on d1 cat /etc/resolv.conf)" || return 1
	check "detach" bpfbr detach dnsnet "$(ct d1)" || return 1
	[ ! -e "$f" ] && [ ! -e "/etc/netns/$(ct d1)" ] || fail "$f is left after detach" || return 1
	# A file bpfbr did not write is left alone.
	mkdir -p "/etc/netns/$(ct d2)" && echo "nameserver 192.0.2.1" >"/etc/netns/$(ct d2)/resolv.conf"
	check "attach d2" bpfbr attach dnsnet "$(ct d2)" --create-netns || return 1
	check "detach d2" bpfbr detach dnsnet "$(ct d2)" || return 1
	[ "$(cat "/etc/netns/$(ct d2)/resolv.conf")" = "nameserver 192.0.2.1" ] ||
		fail "bpfbr changed a resolv.conf it did not write" || return 1
	rm -rf "/etc/netns/$(ct d2)"
}

run_tests "$@"
