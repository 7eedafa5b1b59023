#!/usr/bin/env bash
# bpfbr as a CNI plugin on a dual-stack network (issue 14): "ranges" in
# host-local's format (a range set per family), routes with "::/0",
# runtimeConfig.ips with an IPv6 address, results with both families (each
# address with its interface index), ipMasq for both (NAT66 through the
# uplink), CHECK noticing a missing IPv6 address, GC of dual-stack
# attachments.
. "$(dirname "$0")/cni/lib.sh"

NET=podnet6
V6=fd00:40::

# conf6 [JQ-FILTER]: a dual-stack config (10.40.0.0/24 and fd00:40::/64 as ranges).
conf6() {
	conf $NET 10.40.0.0/24 "del(.subnet) | .ranges = [[{subnet: \"10.40.0.0/24\"}], [{subnet: \"${V6}/64\"}]] | ${1:-.}"
}

ping6_ok() { on "$1" ping -6 -c1 -W2 -w6 "$2" >/dev/null 2>&1; }

test_dual_stack_add_check_del() {
	local c res
	need_feature ipv6 || return $?
	c=$(conf6 '.isDefaultGateway = false | .routes = [{dst: "0.0.0.0/0"}, {dst: "::/0"}] |
		.runtimeConfig = {ips: ["10.40.0.7/24", "fd00:40::7/64"]}')
	new_ct c1 c2 || return 1
	cni_add "$c" id1 c1 || return 1
	res=$(out)
	jq -e '.ips == [{interface: 2, address: "10.40.0.7/24", gateway: "10.40.0.1"},
			{interface: 2, address: "fd00:40::7/64", gateway: "fd00:40::1"}] and
		.routes == [{dst: "0.0.0.0/0"}, {dst: "::/0", gw: "fd00:40::1"}]' \
		<<<"$res" >/dev/null || fail "ADD result is not as expected: $res" || return 1
	[ "$(on c1 ip -6 -o addr show dev eth0 scope global | awk '{print $4}')" = "${V6}7/64" ] ||
		fail "eth0's IPv6: $(on c1 ip -6 -o addr show dev eth0)" || return 1
	on c1 ip -6 route show default | grep -q "via ${V6}1 dev eth0" ||
		fail "no IPv6 default route: $(on c1 ip -6 route)" || return 1
	ping6_ok c1 "${V6}1" || fail "c1 cannot ping its IPv6 gateway" || return 1
	# Without runtimeConfig.ips: the next addresses of each family (round-robin, after .7).
	cni_add "$(conf6)" id2 c2 || return 1
	jq -e '[.ips[].address] == ["10.40.0.8/24", "fd00:40::8/64"] and
		(.routes | map(.dst) | sort) == ["0.0.0.0/0", "::/0"]' <<<"$(out)" >/dev/null ||
		fail "second ADD: $(out)" || return 1
	ping6_ok c2 "${V6}7" || fail "c2 cannot ping c1 over IPv6" || return 1

	cni CHECK "$(with_prev "$c" "$res")" id1 c1 || fail "CHECK after ADD: $(out)" || return 1
	cni CHECK "$(with_prev "$c" "$(jq -c '.ips[1].address = "fd00:40::9/64"' <<<"$res")")" id1 c1 &&
		fail "CHECK passed with another IPv6 address in prevResult" ||
		cni_error 105 "fd00:40::9/64" || return 1
	on c1 ip -6 addr del "${V6}7/64" dev eth0 || return 1
	cni CHECK "$(with_prev "$c" "$res")" id1 c1 && fail "CHECK passed without c1's IPv6 address" ||
		cni_error 105 "IPv6" || return 1

	cni_net GC "$(jq -c '. + {"cni.dev/valid-attachments": [{containerID: "id1", ifname: "eth0"}]}' <<<"$c")" ||
		fail "GC: $(out)" || return 1
	[ "$(state $NET | jq -c '[.attachments[].id]')" = '["id1"]' ] ||
		fail "after GC: $(state $NET | jq -c '[.attachments[].id]')" || return 1
	cni DEL "$(with_prev "$c" "$res")" id1 c1 || fail "DEL: $(out)" || return 1
	nothing_left $NET
}

test_dual_stack_config_errors() {
	new_ct c1 || return 1
	cni ADD "$(conf6 '.subnet = "10.40.0.0/24"')" id1 c1 && fail "ranges with subnet passed" ||
		cni_error 7 "ranges" "subnet" || return 1
	cni ADD "$(conf6 '.ranges = [[{subnet: "fd00:40::/64"}]] | .isDefaultGateway = false | .routes = [{dst: "0.0.0.0/0"}]')" id1 c1 &&
		fail "an IPv4 route on an IPv6-only config passed" || cni_error 7 "no IPv4 range" || return 1
	cni ADD "$(conf6 '.routes = [{dst: "2001:db8::/32"}]')" id1 c1 &&
		fail "an IPv6 route other than ::/0 passed" || cni_error 2 "::/0" || return 1
	cni ADD "$(conf6 '.ranges[1] += [{subnet: "fd00:41::/64"}]')" id1 c1 &&
		fail "a range set of two ranges passed" || cni_error 2 "exactly one range" || return 1
}

# An IPv6-only network: "ranges" with the IPv6 set alone (isDefaultGateway:
# the IPv6 default route). The result lists the IPv6 address only; the
# container has no IPv4 address; CHECK, GC and DEL as on dual stack.
test_ipv6_only_add_check_del() {
	local c res
	need_feature ipv6 || return $?
	c=$(conf6 '.ranges = [[{subnet: "fd00:40::/64"}]]')
	new_ct c1 c2 || return 1
	cni_add "$c" id1 c1 || return 1
	res=$(out)
	jq -e '.ips == [{interface: 2, address: "fd00:40::2/64", gateway: "fd00:40::1"}] and
		.routes == [{dst: "::/0", gw: "fd00:40::1"}]' \
		<<<"$res" >/dev/null || fail "ADD result is not as expected: $res" || return 1
	[ -z "$(on c1 ip -4 -o addr show dev eth0)" ] ||
		fail "c1 has IPv4 on an IPv6-only network: $(on c1 ip -4 -o addr show dev eth0)" || return 1
	on c1 ip -6 route show default | grep -q "via ${V6}1 dev eth0" ||
		fail "no IPv6 default route: $(on c1 ip -6 route)" || return 1
	ping6_ok c1 "${V6}1" || fail "c1 cannot ping its IPv6 gateway" || return 1
	cni_add "$(conf6 '.ranges = [[{subnet: "fd00:40::/64"}]] | .runtimeConfig = {ips: ["fd00:40::9/64"]}')" id2 c2 ||
		return 1
	jq -e '[.ips[].address] == ["fd00:40::9/64"]' <<<"$(out)" >/dev/null || fail "second ADD: $(out)" || return 1
	ping6_ok c2 "${V6}2" || fail "c2 cannot ping c1" || return 1
	cni ADD "$(conf6 '.ranges = [[{subnet: "fd00:40::/64"}]] | .runtimeConfig = {ips: ["10.40.0.9/24"]}')" id3 c2 eth1 &&
		fail "an IPv4 address on an IPv6-only network passed" || cni_error 103 "no IPv4 subnet" || return 1
	cni CHECK "$(with_prev "$c" "$res")" id1 c1 || fail "CHECK after ADD: $(out)" || return 1
	on c1 ip -6 addr del "${V6}2/64" dev eth0 || return 1
	cni CHECK "$(with_prev "$c" "$res")" id1 c1 && fail "CHECK passed without c1's IPv6 address" ||
		cni_error 105 "IPv6" || return 1
	cni_net GC "$(jq -c '. + {"cni.dev/valid-attachments": [{containerID: "id1", ifname: "eth0"}]}' <<<"$c")" ||
		fail "GC: $(out)" || return 1
	[ "$(state $NET | jq -c '[.attachments[].id]')" = '["id1"]' ] ||
		fail "after GC: $(state $NET | jq -c '[.attachments[].id]')" || return 1
	cni DEL "$(with_prev "$c" "$res")" id1 c1 || fail "DEL: $(out)" || return 1
	nothing_left $NET
}

test_dual_stack_masquerade() {
	local c got pid
	need_feature ipv6 || return $?
	ext_host || return 1
	node ip -6 addr add 2001:db8:51::1/64 dev up0 nodad &&
		on ext ip -6 addr add 2001:db8:51::2/64 dev eth0 nodad || return 1
	c=$(conf6 '.ipMasq = true | .uplink = "up0"')
	new_ct c1 || return 1
	cni_add "$c" id1 c1 || return 1
	ping_ok c1 "$EXT_IP" || fail "c1 cannot reach the external host over IPv4" || return 1
	ping6_ok c1 2001:db8:51::2 || fail "c1 cannot reach the external host over IPv6" || return 1
	on ext timeout 10 socat -t5 -T5 TCP6-LISTEN:7020,reuseaddr SYSTEM:'read -r _; echo $SOCAT_PEERADDR' \
		>/dev/null 2>&1 &
	pid=$!
	listening ext tcp 7020 || fail "ext does not listen" || return 1
	echo hi | on c1 timeout 10 socat -t5 -T5 - "TCP6:[2001:db8:51::2]:7020" >"$ROOT/seen" 2>&1
	wait "$pid"
	got=$(/usr/bin/python3 -c 'import ipaddress, sys; print(ipaddress.ip_address(sys.argv[1]))' \
		"$(tr -d '[]' <"$ROOT/seen" | head -1)" 2>/dev/null)
	[ "$got" = 2001:db8:51::1 ] ||
		fail "ext saw c1 as '$got', not the uplink's 2001:db8:51::1 (socat: $(head -3 "$ROOT/seen"))" ||
		return 1
	cni DEL "$c" id1 c1 || fail "DEL: $(out)" || return 1
	[ "$(bpfbr -j nat show $NET | jq length)" = 0 ] || fail "translations left: $(bpfbr nat show $NET)"
}

run_tests "$@"
