#!/usr/bin/env bash
# bpfbr first in a chain of the reference plugins (Debian's
# containernetworking-plugins): portmap, tuning and bandwidth get bpfbr's
# result as prevResult, as a runtime chains them, and DEL runs in reverse.
# tuning may change the container's MAC: the switch follows it.
# portmap's iptables rules live in the test's node namespace only.
. "$(dirname "$0")/cni/lib.sh"

NET=podnet
SUBNET=10.40.0.0/24
PEER=$(cd "$(dirname "$0")" && pwd)/tools/natpeer.py
# Debian's python3 (scripts/deps.sh), not whatever shim PATH finds first.
PY=${PYTHON:-/usr/bin/python3}

# need_plugins PLUGIN…: the plugins, and the kernel features they use.
need_plugins() {
	local p
	for p in "$@"; do
		[ -x "$CNI_BIN_DIR/$p" ] || { skip "$CNI_BIN_DIR/$p missing (containernetworking-plugins)"; return 4; }
		case $p in
		portmap)
			command -v iptables-save >/dev/null || { skip "iptables missing"; return 4; }
			need_feature iptables-nat || return $?
			;;
		bandwidth) need_feature tc-shaping || return $? ;;
		esac
	done
}

# chained CMD PLUGIN CONF RESULT: runs PLUGIN for c1 with RESULT as prevResult.
chained() {
	cni_env "$(with_prev "$3" "$4")" "$2" CNI_COMMAND="$1" CNI_CONTAINERID=id1 \
		CNI_NETNS="/run/netns/$(ct c1)" CNI_IFNAME=eth0 CNI_PATH="$CNI_PLUGIN_DIR"
}

# The servers and clients below give the other side 10 s (socat -t) once
# their own input is done: socat's default, 0.5 s, is shorter than a busy
# machine takes to fork the answering shell and resolve the neighbours on
# the way. The UDP server's shell reads the request before it answers: a
# shell that is done before socat hands it the request makes socat fail
# (EPIPE) and drop the answer.

# serve: c1 answers TCP port 80 with a line naming itself, for at most a
# minute and never after the test (it runs in the test's own subshell).
serve() {
	on c1 timeout 60 socat -t 10 TCP-LISTEN:80,reuseaddr,fork SYSTEM:'echo hello from c1' &
	SERVER=$!
	trap 'kill $SERVER 2>/dev/null; wait $SERVER 2>/dev/null' EXIT
	listening c1 tcp 80 || fail "c1's server did not listen on port 80 within 10 s"
}

# reaches WHO ADDR: a connection from WHO (node or a container) to ADDR:8080 gets c1's line.
reaches() {
	local got
	if [ "$1" = node ]; then
		got=$(node timeout 15 socat -t 10 - "TCP:$2:8080,connect-timeout=3" </dev/null 2>&1)
	else
		got=$(on "$1" timeout 15 socat -t 10 - "TCP:$2:8080,connect-timeout=3" </dev/null 2>&1)
	fi
	[ "$got" = "hello from c1" ] || { echo "  $1 -> $2:8080: '$got'" >&2; return 1; }
}

# masq_pod: the external host, and c1 added by CNI to a network masquerading
# through up0; CONF is the network's config, RES the ADD's result.
masq_pod() {
	ext_host || return 1
	CONF=$(conf $NET $SUBNET '.cniVersion = "1.0.0" | .ipMasq = true | .uplink = "up0"')
	new_ct c1 || return 1
	cni_add "$CONF" id1 c1 || return 1
	RES=$(out)
}

portmap_conf() {
	jq -nc '{cniVersion: "1.0.0", name: "podnet", type: "portmap", snat: true,
		capabilities: {portMappings: true},
		runtimeConfig: {portMappings: [{hostPort: 8080, containerPort: 80, protocol: "tcp"}]}}'
}

# portmap_rules: portmap's rules for c1 in the node namespace.
portmap_rules() { node iptables-save -t nat | grep -E 'CNI-DN-|10\.40\.0\.2:80' || true; }

test_portmap_reaches_the_container_and_del_cleans_up() {
	local c res pm
	need_plugins portmap || return $?
	c=$(conf $NET $SUBNET '.cniVersion = "1.0.0"')
	ext_host || return 1
	new_ct c1 || return 1
	cni_add "$c" id1 c1 || return 1
	res=$(out)
	pm=$(portmap_conf)
	chained ADD portmap "$pm" "$res" || fail "portmap ADD: $(out) $(cat "$CNI_OUT.err")" || return 1
	[ "$(out | jq -c '.ips')" = "$(jq -c '.ips' <<<"$res")" ] || fail "portmap changed the result: $(out)" ||
		return 1
	[ -n "$(portmap_rules)" ] || fail "portmap made no rules" || return 1
	serve || return 1
	reaches node 10.40.0.1 || fail "the node's gateway address:8080 does not reach c1" || return 1
	reaches node $UP_IP || fail "the node's uplink address:8080 does not reach c1" || return 1
	# From outside, the node must forward (as with the bridge plugin, which
	# turns it on for the whole node; bpfbr leaves that to the node's owner).
	node sysctl -qw net.ipv4.conf.all.forwarding=1
	reaches ext $UP_IP || fail "the external host does not reach c1 through $UP_IP:8080" || return 1
	cni CHECK "$(with_prev "$c" "$res")" id1 c1 || fail "bpfbr CHECK in the chain: $(out)" || return 1
	chained DEL portmap "$pm" "$res" || fail "portmap DEL: $(out)" || return 1
	cni DEL "$(with_prev "$c" "$res")" id1 c1 || fail "bpfbr DEL: $(out)" || return 1
	[ -z "$(portmap_rules)" ] || fail "portmap's rules are left: $(portmap_rules)" || return 1
	nothing_left $NET || return 1
	! reaches node 10.40.0.1 2>/dev/null || fail "port 8080 still answers" || return 1
}

# A UDP port mapping to another port on a masquerading network: the datagram
# that portmap's DNAT delivers opens the way back through the node's stack
# (the network's inbound map), so the answer leaves from the mapped port
# instead of being masqueraded from the container's.
test_udp_portmap_from_outside_on_a_masquerading_network() {
	local c res pm got
	need_plugins portmap || return $?
	masq_pod || return 1
	c=$CONF res=$RES
	pm=$(jq -nc '{cniVersion: "1.0.0", name: "podnet", type: "portmap", snat: true,
		capabilities: {portMappings: true},
		runtimeConfig: {portMappings: [{hostPort: 5353, containerPort: 53, protocol: "udp"}]}}')
	chained ADD portmap "$pm" "$res" || fail "portmap ADD: $(out) $(cat "$CNI_OUT.err")" || return 1
	on c1 timeout 60 socat -t 10 UDP-RECVFROM:53,fork SYSTEM:'cat >/dev/null; echo answer from c1' &
	SERVER=$!
	trap 'kill $SERVER 2>/dev/null; wait $SERVER 2>/dev/null' EXIT
	listening c1 udp 53 || fail "c1's server did not bind port 53 within 10 s" || return 1
	# One query; only an answer from $UP_IP:5353 counts, and it may take 10 s.
	got=$(on ext "$PY" "$PEER" --timeout 15 udp-clients "$UP_IP" 5353 0 --wait 10 --tries 1)
	got=${got#* }
	[ "$got" = "answer from c1" ] ||
		fail "the external host's query to $UP_IP:5353 got '$got', not c1's answer" || return 1
	chained DEL portmap "$pm" "$res" || fail "portmap DEL: $(out)" || return 1
	cni DEL "$(with_prev "$c" "$res")" id1 c1 || fail "bpfbr DEL: $(out)" || return 1
	nothing_left $NET
}

# A port mapping's connection comes in through the node's stack (DNAT); the
# container's replies must go back through it, not the BPF fast path and
# masquerade, so that conntrack translates them back to the mapped port.
test_portmap_from_outside_on_a_masquerading_network() {
	local res
	need_plugins portmap || return $?
	masq_pod || return 1
	res=$RES
	chained ADD portmap "$(portmap_conf)" "$res" || fail "portmap ADD: $(out)" || return 1
	serve || return 1
	reaches node $UP_IP || fail "the node's uplink address:8080 does not reach c1" || return 1
	reaches ext $UP_IP || fail "an external host cannot reach c1 through the port mapping" || return 1
}

# following: network podnet follows MAC changes, or (status says it does
# not: the kernel refuses the tracing program) the test skips, naming why.
following() {
	local st
	st=$(bpfbr -j status $NET | jq -c '.[0].mac_follow')
	if jq -e '.running == false' <<<"$st" >/dev/null; then
		skip "the network does not follow MAC changes on this kernel: $(jq -r .why <<<"$st")"
	fi
}

# tuning_mac HOW: tuning sets c1's MAC after bpfbr's ADD, as the spec's own
# example chain does, by its "mac" key (HOW=config) or by runtimeConfig.mac
# through its capability; c2 is c1's neighbour on the masquerading network.
# c1 keeps its network (the switch follows the MAC), CHECK with the chain's
# final result passes and with bpfbr's own (the old MAC) finds the change.
tuning_mac() {
	local c res r2 tu new=02:42:0a:28:00:99
	need_plugins tuning || return $?
	masq_pod || return 1
	c=$CONF res=$RES
	new_ct c2 || return 1
	cni_add "$c" id2 c2 || return 1
	following || return $?
	tu=$(jq -nc --arg d "$ROOT/tuning" '{cniVersion: "1.0.0", name: "podnet", type: "tuning", dataDir: $d}')
	if [ "$1" = config ]; then
		tu=$(jq -c --arg m $new '.mac = $m' <<<"$tu")
	else
		tu=$(jq -c --arg m $new '.capabilities = {mac: true} | .runtimeConfig = {mac: $m}' <<<"$tu")
	fi
	chained ADD tuning "$tu" "$res" || fail "tuning ADD: $(out) $(cat "$CNI_OUT.err")" || return 1
	r2=$(out)
	[ "$(on c1 cat /sys/class/net/eth0/address)" = $new ] || fail "tuning did not set c1's MAC" || return 1
	ping_ok c1 10.40.0.1 || fail "c1 cannot ping the gateway after tuning set its MAC" || return 1
	ping_ok c1 10.40.0.3 && ping_ok c2 10.40.0.2 || fail "c1 and c2 cannot ping each other" || return 1
	ping_ok c1 "$EXT_IP" || fail "c1 cannot reach the external host through the masquerade" || return 1
	cni CHECK "$(with_prev "$c" "$r2")" id1 c1 || fail "CHECK with the chain's final result: $(out)" || return 1
	cni CHECK "$(with_prev "$c" "$res")" id1 c1 && fail "CHECK passed a result with c1's old MAC" ||
		cni_error 105 "prevResult has MAC" || return 1
	chained DEL tuning "$tu" "$r2" || fail "tuning DEL: $(out)" || return 1
	cni DEL "$(with_prev "$c" "$r2")" id1 c1 || fail "bpfbr DEL: $(out)" || return 1
	cni DEL "$c" id2 c2 || fail "bpfbr DEL of c2: $(out)" || return 1
	nothing_left $NET
}

test_tuning_sets_the_mac_after_bpfbr() {
	tuning_mac config
}

test_tuning_sets_the_mac_by_capability_after_bpfbr() {
	tuning_mac capability
}

test_tuning_and_bandwidth_after_bpfbr() {
	local c res r2 r3 tu bw
	need_plugins tuning bandwidth || return $?
	c=$(conf $NET $SUBNET '.cniVersion = "1.0.0"')
	new_ct c1 || return 1
	cni_add "$c" id1 c1 || return 1
	res=$(out)
	# tuning lowers the MTU, as the spec's own example chain does.
	tu=$(jq -nc '{cniVersion: "1.0.0", name: "podnet", type: "tuning", mtu: 1400,
		sysctl: {"net.core.somaxconn": "512"}}')
	chained ADD tuning "$tu" "$res" || fail "tuning ADD: $(out) $(cat "$CNI_OUT.err")" || return 1
	r2=$(out)
	[ "$(on c1 sysctl -n net.core.somaxconn)" = 512 ] || fail "tuning's sysctl is not set in c1" || return 1
	[ "$(on c1 cat /sys/class/net/eth0/mtu)" = 1400 ] || fail "tuning's MTU is not set in c1" || return 1
	bw=$(jq -nc '{cniVersion: "1.0.0", name: "podnet", type: "bandwidth", ingressRate: 100000000,
		ingressBurst: 1000000, egressRate: 100000000, egressBurst: 1000000}')
	chained ADD bandwidth "$bw" "$r2" || fail "bandwidth ADD: $(out) $(cat "$CNI_OUT.err")" || return 1
	r3=$(out)
	jq -e --argjson r "$res" '.interfaces[0:3] == $r.interfaces and .ips == $r.ips' <<<"$r3" >/dev/null ||
		fail "the chain lost bpfbr's result: $r3" || return 1
	# bpfbr checks its part of the chain's final result.
	cni CHECK "$(with_prev "$c" "$r3")" id1 c1 || fail "CHECK with the chain's result: $(out)" || return 1
	ping_ok c1 10.40.0.1 || fail "c1 lost its network in the chain" || return 1
	chained DEL bandwidth "$bw" "$r3" || fail "bandwidth DEL: $(out)" || return 1
	chained DEL tuning "$tu" "$r3" || fail "tuning DEL: $(out)" || return 1
	cni DEL "$(with_prev "$c" "$r3")" id1 c1 || fail "bpfbr DEL: $(out)" || return 1
	[ -z "$(node ip -o link show | grep -v -e ' lo:' -e bpfbr0)" ] ||
		fail "devices left: $(node ip -o link show | awk -F': ' '{print $2}' | tr '\n' ' ')" || return 1
	nothing_left $NET || return 1
}

run_tests "$@"
