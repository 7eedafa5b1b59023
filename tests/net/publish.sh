#!/usr/bin/env bash
# Published ports (issue 15): `bpfbr attach --publish` makes a container's port
# reachable on the node's uplink address, translated by BPF on the uplink (no
# iptables or nftables rule, no conntrack entry); the container sees the
# client's own address and port and its answers leave from the published port.
#   c1 10.40.0.2, c2 10.40.0.3 -- node (up0 198.51.100.1) -- ext 198.51.100.2
. "$(dirname "$0")/cni/lib.sh"

PEER=$(cd "$(dirname "$0")" && pwd)/tools/natpeer.py
PY=${PYTHON:-/usr/bin/python3}
PINS_UP() { echo "$ROOT/sys/fs/bpf/bpfbr/uplinks/up0"; }

# up [ATTACH-OPTIONS-OF-C1…]: ext behind up0, network demo masquerading
# through it, c1 (.2) attached with the options given, c2 (.3) without.
up() {
	ext_host || fail "cannot build the external host" || return 1
	check "net create" bpfbr net create demo --subnet 10.40.0.0/24 --uplink up0 --masquerade ||
		return 1
	check "attach c1 $*" bpfbr attach demo "$(ct c1)" --create-netns --ip 10.40.0.2 "$@" ||
		return 1
	check "attach c2" bpfbr attach demo "$(ct c2)" --create-netns --ip 10.40.0.3 || return 1
}

# As in nat.sh: natpeer.py in a namespace (node, c1, ext, …), and a server in
# the background that is ready when serve returns (its pid in $SPAWNED).
peer() {
	local where=$1
	shift
	if [ "$where" = node ]; then
		node "$PY" "$PEER" "$@"
	else
		on "$where" "$PY" "$PEER" "$@"
	fi
}
SPAWNED=""
serve() {
	local where=$1 secs=$2 out=$3 ns
	shift 3
	[ "$where" = node ] && ns=$NODE || ns=$(ct "$where")
	: >"$out"
	ip netns exec "$ns" timeout "$secs" "$PY" "$PEER" --timeout "$((secs - 1))" "$@" >>"$out" 2>&1 &
	SPAWNED=$!
	for _ in $(seq 100); do
		grep -q '^ready$' "$out" && return 0
		sleep 0.1
	done
	fail "natpeer $* did not start in $where: $(head -3 "$out")"
}
stop() {
	local p
	for p in "$@"; do
		kill "$p" 2>/dev/null
		wait "$p" 2>/dev/null
	done
	return 0
}

# The test's own cgroups (cgroup2), for the node's access to published ports;
# never the machine's root cgroup. world_teardown (lib.sh) removes them.
CG_ROOT=$(awk '$3 == "cgroup2" { print $2; exit }' /proc/mounts)
world_teardown() {
	local d
	for d in "$CG_ROOT/$PREFIX"-*; do [ -d "$d" ] && rmdir "$d"; done
	return 0
}
# in_cgroup CG WHERE CMD…: CMD in cgroup CG and the namespace of WHERE (node or a ct name).
in_cgroup() {
	local cg=$1 where=$2 ns
	shift 2
	[ "$where" = node ] && ns=$NODE || ns=$(ct "$where")
	sh -c 'echo $$ >"$0/cgroup.procs" && exec "$@"' "$cg" nsenter --net="/run/netns/$ns" "$@"
}

# cgroup_bare CG: no program attached to cgroup CG, within 5 s (a link goes
# when its pin does, but the kernel detaches it from a work queue, later).
cgroup_bare() {
	for _ in $(seq 50); do
		[ -z "$(bpftool -j cgroup show "$1" | jq -r '.[]?.name')" ] && return 0
		sleep 0.1
	done
	fail "programs left on $1: $(bpftool cgroup show "$1")"
}

# published_entries: the uplink's published-port map, one line per entry.
published_entries() {
	bpftool -j map dump pinned "$(PINS_UP)/published" | jq -c '.[].formatted // .[]'
}

test_external_client_reaches_container_seen_as_itself() {
	local srv out
	up --publish 8080:80 || return 1
	serve c1 15 "$ROOT/srv" tcp-server 80 1 || return 1
	srv=$SPAWNED
	out=$(peer ext --timeout 10 tcp-clients "$UP_IP" 8080 40000)
	stop "$srv"
	[ "$out" = "40000 $EXT_IP:40000" ] ||
		fail "ext's connection to $UP_IP:8080 saw '$out', expected '40000 $EXT_IP:40000' (c1 sees ext's own address and port)" ||
		return 1
	grep -q "^$EXT_IP:40000" "$ROOT/srv" || fail "c1's server saw: $(cat "$ROOT/srv")" || return 1
	[ "$(bpfbr -j nat show demo | jq -rc '.[] | select(.proto == "tcp") | [.inside_addr, .inside_port, .outside_port, .remote_addr] | @tsv')" = \
		"$(printf '10.40.0.2\t80\t8080\t%s' "$EXT_IP")" ] ||
		fail "nat show does not list the connection: $(bpfbr nat show demo)" || return 1
}

test_udp_answer_leaves_from_published_port() {
	local srv out
	up --publish 5353:53/udp || return 1
	serve c1 15 "$ROOT/srv" udp-server 53 || return 1
	srv=$SPAWNED
	# udp-clients takes an answer only from $UP_IP:5353, the address it asked.
	out=$(peer ext --timeout 10 udp-clients "$UP_IP" 5353 5000)
	stop "$srv"
	[ "$out" = "5000 $EXT_IP:5000" ] ||
		fail "ext's query to $UP_IP:5353 was answered as '$out', expected '5000 $EXT_IP:5000'" ||
		return 1
}

test_range_publishes_each_port() {
	local srv1 srv2 a b
	up --publish 9000-9001:7000-7001/tcp || return 1
	serve c1 15 "$ROOT/s1" tcp-server 7000 1 || return 1
	srv1=$SPAWNED
	serve c1 15 "$ROOT/s2" tcp-server 7001 1 || return 1
	srv2=$SPAWNED
	a=$(peer ext --timeout 10 tcp-clients "$UP_IP" 9000 41000)
	b=$(peer ext --timeout 10 tcp-clients "$UP_IP" 9001 41001)
	stop "$srv1" "$srv2"
	[ "$a $b" = "41000 $EXT_IP:41000 41001 $EXT_IP:41001" ] ||
		fail "9000 -> 7000 and 9001 -> 7001 answered '$a' and '$b'" || return 1
}

test_port_show_lists_the_mappings() {
	local j t
	up --publish 8080:80 --publish 198.51.100.1:5353:53/udp || return 1
	j=$(bpfbr -j port show demo) || fail "port show -j failed: $j" || return 1
	[ "$(jq -rc '.[] | [.netns, .ip, .port, .proto, .host_ip, .host_port, .in_datapath] | @tsv' <<<"$j" | sort)" = \
		"$(printf '/run/netns/%s\t10.40.0.2\t53\tudp\t198.51.100.1\t5353\ttrue\n/run/netns/%s\t10.40.0.2\t80\ttcp\t198.51.100.1\t8080\ttrue' "$(ct c1)" "$(ct c1)")" ] ||
		fail "port show -j: $j" || return 1
	t=$(bpfbr port show) || fail "port show failed: $t" || return 1
	grep -qE "^demo +/run/netns/$(ct c1) +10\.40\.0\.2 +80/tcp +198\.51\.100\.1:8080$" <<<"$t" ||
		fail "port show: $t" || return 1
	[ "$(published_entries | wc -l)" = 2 ] || fail "the map holds: $(published_entries)" || return 1
}

test_detach_removes_mappings_and_node_may_use_the_port() {
	local srv out
	up --publish 8080:80 --publish 5353:53/udp || return 1
	[ "$(published_entries | wc -l)" = 2 ] || fail "the map holds: $(published_entries)" || return 1
	check "detach c1" bpfbr detach demo "$(ct c1)" || return 1
	[ -z "$(published_entries)" ] || fail "left in the map after detach: $(published_entries)" || return 1
	[ "$(bpfbr -j port show demo)" = "[]" ] || fail "port show after detach: $(bpfbr port show demo)" ||
		return 1
	# The port is the node's again: its own server answers there.
	serve node 15 "$ROOT/srv" tcp-server 8080 1 || return 1
	srv=$SPAWNED
	out=$(peer ext --timeout 10 tcp-clients "$UP_IP" 8080 40000)
	stop "$srv"
	[ "$out" = "40000 $EXT_IP:40000" ] || fail "the node's own server on 8080 answered '$out'" ||
		return 1
}

# The uplink and its datapath lost (the device made again, its pins gone):
# restore makes the datapath again and publishes the ports anew.
test_restore_publishes_again() {
	local srv out
	up --publish 8080:80 || return 1
	node ip link del up0 || return 1
	rm -r "$(PINS_UP)" || return 1
	ip netns del "$(ct ext)" || return 1
	ext_host || fail "cannot build the external host again" || return 1
	check "restore" bpfbr restore || return 1
	[ "$(published_entries | wc -l)" = 1 ] || fail "after restore the map holds: $(published_entries)" ||
		return 1
	serve c1 15 "$ROOT/srv" tcp-server 80 1 || return 1
	srv=$SPAWNED
	out=$(peer ext --timeout 10 tcp-clients "$UP_IP" 8080 40000)
	stop "$srv"
	[ "$out" = "40000 $EXT_IP:40000" ] || fail "ext through 8080 after restore: '$out'" || return 1
}

test_conflict_with_another_container_refused_naming_it() {
	local out links
	up --publish 8080:80 || return 1
	links=$(node ip -o link 2>/dev/null | wc -l)
	out=$(bpfbr attach demo "$(ct c3)" --create-netns --publish 8080:81 2>&1) &&
		fail "a second container could publish 8080: $out" && return 1
	grep -q "published already by namespace /run/netns/$(ct c1) of network demo" <<<"$out" ||
		fail "the refusal does not name c1: $out" || return 1
	[ "$(echo "$out" | wc -l)" = 1 ] || fail "more than one line: $out" || return 1
	[ "$(node ip -o link 2>/dev/null | wc -l)" = "$links" ] || fail "the refused attach left a device" || return 1
	ip netns list | grep -q "^$(ct c3)\b" && fail "the refused attach left its namespace" && return 1
	[ "$(bpfbr -j status demo | jq '.[0].containers | length')" = 2 ] ||
		fail "the refused attach reached the state: $(bpfbr status demo)" || return 1
	[ "$(published_entries | jq -r '.value.port // empty' | wc -l)" = 1 ] ||
		fail "the map holds: $(published_entries)" || return 1
	# Another host port, or the same number over UDP, is free.
	check "8081 is free" bpfbr attach demo "$(ct c3)" --create-netns --publish 8081:81 \
		--publish 8080:80/udp || return 1
}

test_conflict_with_node_socket_refused() {
	local srv out
	up || return 1
	serve node 20 "$ROOT/srv" tcp-server 9090 1 || return 1
	srv=$SPAWNED
	out=$(bpfbr attach demo "$(ct c3)" --create-netns --publish 9090:80 2>&1)
	rc=$?
	stop "$srv"
	[ "$rc" != 0 ] || fail "published 9090 while the node listens on it: $out" || return 1
	grep -q "port 9090/tcp of $UP_IP is held by a socket of the node" <<<"$out" ||
		fail "the refusal does not say the node holds it: $out" || return 1
	[ -z "$(published_entries)" ] || fail "left in the map: $(published_entries)" || return 1
	ip netns list | grep -q "^$(ct c3)\b" && fail "the refused attach left its namespace" && return 1
	return 0
}

test_bad_input_refused_with_one_line() {
	local spec out
	up || return 1
	for spec in 0:80 8080:0 65536:80 8080:65536 9002-9000:80-82 9000-9002:82-80 \
		9000-9002:80-81 8080:80/sctp 80 10.9.9.9:8080:80 2001:db8::1:80:80; do
		out=$(bpfbr attach demo "$(ct c3)" --create-netns --publish "$spec" 2>&1) &&
			fail "--publish $spec was taken: $out" && return 1
		[ "$(echo "$out" | wc -l)" = 1 ] || fail "--publish $spec: more than one line: $out" ||
			return 1
		grep -qF -- "$spec" <<<"$out" || fail "--publish $spec: the error does not name it: $out" ||
			return 1
		ip netns list | grep -q "^$(ct c3)\b" && fail "--publish $spec left its namespace" && return 1
	done
	out=$(bpfbr attach demo "$(ct c3)" --create-netns --publish 10.9.9.9:8080:80 2>&1)
	grep -q "10.9.9.9 is not the node's address on uplink up0 ($UP_IP)" <<<"$out" ||
		fail "a foreign HOSTIP: $out" || return 1
	[ -z "$(published_entries)" ] || fail "left in the map: $(published_entries)" || return 1
	[ "$(bpfbr -j status demo | jq '.[0].containers | length')" = 2 ] ||
		fail "a refused attach reached the state: $(bpfbr status demo)" || return 1
	check "no masquerade" bpfbr net create plain --subnet 10.41.0.0/24 || return 1
	out=$(bpfbr attach plain "$(ct c3)" --create-netns --publish 8080:80 2>&1) &&
		fail "published on a network without masquerade: $out" && return 1
	grep -q "network plain does not masquerade through an uplink" <<<"$out" ||
		fail "no masquerade: $out" || return 1
}

# From the node itself, to its uplink address and to 127.0.0.1: the socket
# hooks of the test's cgroup send node processes there to the container; a
# process of the same cgroup in another namespace (c2) is left alone, and so
# is a node process outside the cgroup.
test_node_reaches_published_port_on_its_address_and_localhost() {
	local cg srv out
	[ -n "$CG_ROOT" ] || { skip "no cgroup2 hierarchy is mounted"; return 4; }
	cg=$CG_ROOT/$PREFIX-node
	mkdir "$cg" || fail "cannot make cgroup $cg" || return 1
	ext_host || fail "cannot build the external host" || return 1
	check "net create --node-cgroup" bpfbr net create demo --subnet 10.40.0.0/24 --uplink up0 \
		--masquerade --node-cgroup "$cg" || return 1
	check "attach c1" bpfbr attach demo "$(ct c1)" --create-netns --ip 10.40.0.2 \
		--publish 8080:80 --publish 5353:53/udp || return 1
	check "attach c2" bpfbr attach demo "$(ct c2)" --create-netns --ip 10.40.0.3 || return 1
	serve c1 20 "$ROOT/srv" tcp-server 80 2 || return 1
	srv=$SPAWNED
	# The server answers once both are connected: the two clients run at once.
	in_cgroup "$cg" node "$PY" "$PEER" --timeout 10 tcp-clients "$UP_IP" 8080 40000 >"$ROOT/a" &
	in_cgroup "$cg" node "$PY" "$PEER" --timeout 10 tcp-clients 127.0.0.1 8080 40001 >"$ROOT/b"
	wait $!
	stop "$srv"
	out=$(cat "$ROOT/a" "$ROOT/b")
	[ "$(tr '\n' ' ' <<<"$out")" = "40000 10.40.0.1:40000 40001 10.40.0.1:40001 " ] ||
		fail "the node to $UP_IP:8080 and 127.0.0.1:8080 saw: $out" || return 1
	serve c1 15 "$ROOT/usrv" udp-server 53 || return 1
	srv=$SPAWNED
	out=$(in_cgroup "$cg" node "$PY" "$PEER" --timeout 5 udp-clients 127.0.0.1 5353 5000)
	stop "$srv"
	[ "$out" = "5000 10.40.0.1:5000" ] ||
		fail "the node's UDP to 127.0.0.1:5353 was answered as '$out' (from 127.0.0.1:5353 expected); c1 saw: $(cat "$ROOT/usrv")" ||
		return 1
	out=$(in_cgroup "$cg" c2 "$PY" "$PEER" --timeout 3 tcp-clients 127.0.0.1 8080 40002)
	[ "$out" = "40002 -" ] || fail "c2's own 127.0.0.1:8080 was rewritten: '$out'" || return 1
	out=$(node "$PY" "$PEER" --timeout 3 tcp-clients 127.0.0.1 8080 40003)
	[ "$out" = "40003 -" ] || fail "a node process outside the cgroup was rewritten: '$out'" ||
		return 1
	check "net delete" bpfbr net delete demo --force || return 1
	cgroup_bare "$cg" || return 1
}

# Hairpin: another container (c2) and the published container itself (c1), to
# the node's address and the published port, reach c1's server, which sees
# their own addresses; detach forgets a container's namespace.
test_hairpin_from_containers() {
	local cg srv
	[ -n "$CG_ROOT" ] || { skip "no cgroup2 hierarchy is mounted"; return 4; }
	cg=$CG_ROOT/$PREFIX-hairpin
	mkdir "$cg" || fail "cannot make cgroup $cg" || return 1
	ext_host || fail "cannot build the external host" || return 1
	check "net create --node-cgroup" bpfbr net create demo --subnet 10.40.0.0/24 --uplink up0 \
		--masquerade --node-cgroup "$cg" || return 1
	check "attach c1" bpfbr attach demo "$(ct c1)" --create-netns --ip 10.40.0.2 \
		--publish 8080:80 || return 1
	check "attach c2" bpfbr attach demo "$(ct c2)" --create-netns --ip 10.40.0.3 || return 1
	[ "$(bpftool -j map dump pinned "$(PINS_UP)/hairpin_netns" | jq length)" = 2 ] ||
		fail "hairpin_netns: $(bpftool map dump pinned "$(PINS_UP)/hairpin_netns")" || return 1
	serve c1 20 "$ROOT/srv" tcp-server 80 2 || return 1
	srv=$SPAWNED
	in_cgroup "$cg" c2 "$PY" "$PEER" --timeout 10 tcp-clients "$UP_IP" 8080 40010 >"$ROOT/a" &
	in_cgroup "$cg" c1 "$PY" "$PEER" --timeout 10 tcp-clients "$UP_IP" 8080 40011 >"$ROOT/b"
	wait $!
	stop "$srv"
	[ "$(cat "$ROOT/a" "$ROOT/b" | tr '\n' ' ')" = "40010 10.40.0.3:40010 40011 10.40.0.2:40011 " ] ||
		fail "c2 and c1 to $UP_IP:8080 saw: $(cat "$ROOT/a" "$ROOT/b")" || return 1
	check "detach c2" bpfbr detach demo "$(ct c2)" || return 1
	[ "$(bpftool -j map dump pinned "$(PINS_UP)/hairpin_netns" | jq length)" = 1 ] ||
		fail "after detach hairpin_netns: $(bpftool map dump pinned "$(PINS_UP)/hairpin_netns")" ||
		return 1
}

# hairpin_entries MAP: the network's hairpin table MAP (hairpin_ports or hairpin_flows), one line per entry.
hairpin_entries() {
	bpftool -j map dump pinned "$ROOT/sys/fs/bpf/bpfbr/demo/$1" | jq -c '.[].formatted // .[]'
}

# Hairpin in the switch, with no socket hooks (no --node-cgroup, as out of
# the box and under CNI): another container (c2) to the node's address and
# the published port reaches c1's server, which sees c2's own address; c1
# reaches its own published port, seen from the gateway's address (portmap's
# and Docker's masquerade of that case); UDP answers come from the published
# port (udp-clients takes no other). After detach nothing is left and c2's
# connection fails.
test_hairpin_in_the_switch() {
	local srv out
	up --publish 8080:80 --publish 5353:53/udp || return 1
	serve c1 20 "$ROOT/srv" tcp-server 80 2 || return 1
	srv=$SPAWNED
	peer c2 --timeout 10 tcp-clients "$UP_IP" 8080 40010 >"$ROOT/a" &
	peer c1 --timeout 10 tcp-clients "$UP_IP" 8080 40011 >"$ROOT/b"
	wait $!
	stop "$srv"
	[ "$(cat "$ROOT/a" "$ROOT/b" | tr '\n' ' ')" = "40010 10.40.0.3:40010 40011 10.40.0.1:40011 " ] ||
		fail "c2 and c1 to $UP_IP:8080 saw: $(cat "$ROOT/a" "$ROOT/b"); c1's server: $(cat "$ROOT/srv")" ||
		return 1
	serve c1 15 "$ROOT/usrv" udp-server 53 || return 1
	srv=$SPAWNED
	out="$(peer c2 --timeout 5 udp-clients "$UP_IP" 5353 5000) $(peer c1 --timeout 5 udp-clients "$UP_IP" 5353 5001)"
	stop "$srv"
	[ "$out" = "5000 10.40.0.3:5000 5001 10.40.0.1:5001" ] ||
		fail "UDP from c2 and c1 to $UP_IP:5353 answered as '$out'" || return 1
	[ "$(bpfbr -j status demo | jq -r '.[0].events.hairpin_opened // "missing"')" = 4 ] ||
		fail "hairpin_opened: $(bpfbr -j status demo | jq -c '.[0].events')" || return 1
	[ "$(hairpin_entries hairpin_ports | wc -l)" = 2 ] && [ "$(hairpin_entries hairpin_flows | wc -l)" = 4 ] ||
		fail "hairpin tables: ports $(hairpin_entries hairpin_ports), flows $(hairpin_entries hairpin_flows)" ||
		return 1
	check "detach c1" bpfbr detach demo "$(ct c1)" || return 1
	[ -z "$(hairpin_entries hairpin_ports)$(hairpin_entries hairpin_flows)" ] ||
		fail "left after detach: $(hairpin_entries hairpin_ports) $(hairpin_entries hairpin_flows)" ||
		return 1
	out=$(peer c2 --timeout 3 tcp-clients "$UP_IP" 8080 40012)
	[ "$out" = "40012 -" ] || fail "c2 reached $UP_IP:8080 after c1's detach: '$out'" || return 1
}

# CNI: runtimeConfig.portMappings (the portMappings capability) published at
# ADD, verified by CHECK, removed by DEL.
test_cni_port_mappings_add_check_del() {
	local c res srv out pm
	ext_host || fail "cannot build the external host" || return 1
	pm='[{hostPort: 8080, containerPort: 80, protocol: "tcp"},
	     {hostPort: 5353, containerPort: 53, protocol: "udp", hostIP: ""}]'
	c=$(conf podnet 10.40.0.0/24 '.ipMasq = true | .uplink = "up0" |
		.capabilities = {portMappings: true} | .runtimeConfig = {portMappings: '"$pm"'}')
	new_ct c1 c2 || return 1
	cni_add "$c" id1 c1 || return 1
	res=$(out)
	[ "$(published_entries | wc -l)" = 2 ] || fail "after ADD the map holds: $(published_entries)" ||
		return 1
	serve c1 15 "$ROOT/srv" tcp-server 80 1 || return 1
	srv=$SPAWNED
	out=$(peer ext --timeout 10 tcp-clients "$UP_IP" 8080 40000)
	stop "$srv"
	[ "$out" = "40000 $EXT_IP:40000" ] || fail "ext through 8080: '$out'" || return 1
	cni CHECK "$(with_prev "$c" "$res")" id1 c1 || fail "CHECK after ADD: $(out)" || return 1
	cni CHECK "$(with_prev "$(jq -c '.runtimeConfig.portMappings[0].hostPort = 8081' <<<"$c")" "$res")" \
		id1 c1 && fail "CHECK passed asking for 8081" || cni_error 105 "8081:80/tcp" || return 1
	# Another container asking for the same host port is refused, naming id1.
	cni ADD "$c" id2 c2 && fail "id2 published 8080 as well: $(out)" ||
		cni_error "$(jq -r .code <<<"$(out)")" "published already by container id1" || return 1
	[ -z "$(on c2 ip -o link show type veth)" ] || fail "the refused ADD left eth0 in c2" || return 1
	bpftool map delete pinned "$(PINS_UP)/published" key 0xc6 0x33 0x64 0x01 0x1f 0x90 6 0 ||
		return 1
	cni CHECK "$(with_prev "$c" "$res")" id1 c1 && fail "CHECK passed with 8080 gone" ||
		cni_error 105 "host port 8080/tcp" "not in the uplink's datapath" || return 1
	cni DEL "$(with_prev "$c" "$res")" id1 c1 || fail "DEL: $(out)" || return 1
	[ -z "$(published_entries)" ] || fail "left in the map after DEL: $(published_entries)" || return 1
	nothing_left podnet || return 1
}

# CNI "nodeCgroup" (the CLI's --node-cgroup): a node process in that cgroup
# reaches a published port on 127.0.0.1; the hooks go with the network
# (which outlives its last DEL, as every CNI network); without ipMasq the key
# is refused.
test_cni_node_cgroup() {
	local cg c res srv out
	[ -n "$CG_ROOT" ] || { skip "no cgroup2 hierarchy is mounted"; return 4; }
	cg=$CG_ROOT/$PREFIX-cni
	mkdir "$cg" || fail "cannot make cgroup $cg" || return 1
	ext_host || fail "cannot build the external host" || return 1
	c=$(conf podnet 10.40.0.0/24 '.ipMasq = true | .uplink = "up0" | .nodeCgroup = "'"$cg"'" |
		.capabilities = {portMappings: true} |
		.runtimeConfig = {portMappings: [{hostPort: 8080, containerPort: 80, protocol: "tcp"}]}')
	new_ct c1 || return 1
	cni_add "$c" id1 c1 || return 1
	res=$(out)
	serve c1 15 "$ROOT/srv" tcp-server 80 1 || return 1
	srv=$SPAWNED
	out=$(in_cgroup "$cg" node "$PY" "$PEER" --timeout 10 tcp-clients 127.0.0.1 8080 40000)
	stop "$srv"
	[ "$out" = "40000 10.40.0.1:40000" ] ||
		fail "a node process in $cg to 127.0.0.1:8080 saw '$out'" || return 1
	cni DEL "$(with_prev "$c" "$res")" id1 c1 || fail "DEL: $(out)" || return 1
	nothing_left podnet || return 1
	check "net delete" bpfbr net delete podnet || return 1
	cgroup_bare "$cg" || return 1
	c=$(conf podnet 10.40.0.0/24 '.nodeCgroup = "'"$cg"'"')
	cni ADD "$c" id1 c1 && fail "ADD took nodeCgroup without ipMasq" && return 1
	cni_error 7 "nodeCgroup" "ipMasq" || return 1
}

test_cni_port_mappings_bad_input() {
	local c pm
	ext_host || fail "cannot build the external host" || return 1
	new_ct c1 || return 1
	for pm in '[{hostPort: 0, containerPort: 80}]' '[{hostPort: 8080, containerPort: 65536}]' \
		'[{hostPort: 8080, containerPort: 80, protocol: "sctp"}]' \
		'[{hostPort: 8080, containerPort: 80, hostIP: "::1"}]' '{}'; do
		c=$(conf podnet 10.40.0.0/24 '.ipMasq = true | .uplink = "up0" |
			.runtimeConfig = {portMappings: '"$pm"'}')
		cni ADD "$c" id1 c1 && fail "ADD took portMappings $pm" && return 1
		cni_error 7 "runtimeConfig.portMappings" || return 1
	done
	c=$(conf podnet 10.40.0.0/24 '.ipMasq = true | .uplink = "up0" |
		.runtimeConfig = {portMappings: [{hostPort: 8080, containerPort: 80, hostIP: "10.9.9.9"}]}')
	cni ADD "$c" id1 c1 && fail "ADD published on 10.9.9.9" && return 1
	cni_error "$(jq -r .code <<<"$(out)")" "10.9.9.9 is not the node's address" || return 1
	[ -z "$(on c1 ip -o link show type veth)" ] || fail "the refused ADD left eth0 in c1" || return 1
}

# Parity with the portmap plugin chained behind the reference bridge (the
# configuration bpfbr replaces), each node namespace with its own external
# host at the same addresses: from outside, the same answers through the
# published TCP and UDP ports, and the containers see the same clients; the
# node reaches its published port on its own address in both (portmap by
# its OUTPUT rules; bpfbr by its socket hooks, given the node's cgroup).
# Hairpin: another container and the published container itself reach it
# in both. What differs is said: the address a node process is seen from
# (portmap keeps the uplink's, bpfbr's hook connects from the gateway's) and
# the one another container is seen from (portmap masquerades it).
test_parity_with_portmap_behind_the_reference_bridge() {
	local rnode pm res c srv a b cg
	[ -x "$CNI_BIN_DIR/bridge" ] && [ -x "$CNI_BIN_DIR/portmap" ] && [ -x "$CNI_BIN_DIR/host-local" ] ||
		{ skip "bridge, portmap or host-local missing (containernetworking-plugins)"; return 4; }
	[ -n "$CG_ROOT" ] || { skip "no cgroup2 hierarchy is mounted"; return 4; }
	need_feature bridge || return $?
	plugin_dir
	pm='[{hostPort: 8080, containerPort: 80, protocol: "tcp"},
	     {hostPort: 5353, containerPort: 53, protocol: "udp"}]'
	# The reference: bridge + host-local, then portmap with the bridge's result.
	rnode=$(ct refnode)
	ip netns add "$rnode" && own_ns "$rnode" && ip -n "$rnode" link set lo up || return 1
	ns_new refext || return 1
	ip link add up0 netns "$rnode" type veth peer name eth0 netns "$(ct refext)" || return 1
	ip -n "$rnode" addr add "$UP_IP/24" dev up0 && ip -n "$rnode" link set up0 up &&
		on refext ip addr add "$EXT_IP/24" dev eth0 && on refext ip link set eth0 up || return 1
	new_ct r1 c1 r2 c2 || return 1
	c=$(jq -nc --arg dir "$ROOT/ref-ipam" '{cniVersion: "1.0.0", name: "pub", type: "bridge",
		bridge: "cni0", isGateway: true, isDefaultGateway: true, ipMasq: true, hairpinMode: true,
		ipam: {type: "host-local", subnet: "10.40.0.0/24", dataDir: $dir}}')
	res=$(printf '%s' "$c" | nsenter --net="/run/netns/$rnode" env -i PATH="$PATH" CNI_COMMAND=ADD \
		CNI_CONTAINERID=r1 CNI_NETNS="/run/netns/$(ct r1)" CNI_IFNAME=eth0 CNI_PATH="$CNI_PLUGIN_DIR" \
		"$CNI_BIN_DIR/bridge") || fail "bridge ADD: $res" || return 1
	a=$(printf '%s' "$c" | nsenter --net="/run/netns/$rnode" env -i PATH="$PATH" CNI_COMMAND=ADD \
		CNI_CONTAINERID=r2 CNI_NETNS="/run/netns/$(ct r2)" CNI_IFNAME=eth0 CNI_PATH="$CNI_PLUGIN_DIR" \
		"$CNI_BIN_DIR/bridge") || fail "bridge ADD of r2: $a" || return 1
	c=$(jq -nc --argjson prev "$res" '{cniVersion: "1.0.0", name: "pub", type: "portmap",
		capabilities: {portMappings: true}, snat: true, prevResult: $prev,
		runtimeConfig: {portMappings: '"$pm"'}}')
	a=$(printf '%s' "$c" | nsenter --net="/run/netns/$rnode" env -i PATH="$PATH" CNI_COMMAND=ADD \
		CNI_CONTAINERID=r1 CNI_NETNS="/run/netns/$(ct r1)" CNI_IFNAME=eth0 CNI_PATH="$CNI_PLUGIN_DIR" \
		"$CNI_BIN_DIR/portmap") || fail "portmap ADD: $a" || return 1
	# bpfbr: the same network and mappings through its own CNI ADD (the node's
	# cgroup given to the network first, as a node's configuration would).
	ext_host || fail "cannot build the external host" || return 1
	cg=$CG_ROOT/$PREFIX-parity
	mkdir "$cg" || fail "cannot make cgroup $cg" || return 1
	check "net create --node-cgroup" bpfbr net create pub --subnet 10.40.0.0/24 --uplink up0 \
		--masquerade --node-cgroup "$cg" || return 1
	cni_add "$(conf pub 10.40.0.0/24 '.ipMasq = true | .uplink = "up0" |
		.capabilities = {portMappings: true} | .runtimeConfig = {portMappings: '"$pm"'}')" id1 c1 ||
		return 1
	cni_add "$(conf pub 10.40.0.0/24 '.ipMasq = true | .uplink = "up0"')" id2 c2 || return 1
	[ "$(on r1 ip -4 -o addr show dev eth0 | awk '{print $4}') $(on r2 ip -4 -o addr show dev eth0 | awk '{print $4}')" = \
		"$(on c1 ip -4 -o addr show dev eth0 | awk '{print $4}') $(on c2 ip -4 -o addr show dev eth0 | awk '{print $4}')" ] ||
		fail "the containers have different addresses" || return 1
	# From outside: TCP through 8080, seen as the client itself.
	serve r1 15 "$ROOT/rsrv" tcp-server 80 1 || return 1
	srv=$SPAWNED
	a=$(peer refext --timeout 10 tcp-clients "$UP_IP" 8080 40000)
	stop "$srv"
	serve c1 15 "$ROOT/bsrv" tcp-server 80 1 || return 1
	srv=$SPAWNED
	b=$(peer ext --timeout 10 tcp-clients "$UP_IP" 8080 40000)
	stop "$srv"
	[ "$a" = "40000 $EXT_IP:40000" ] && [ "$b" = "$a" ] ||
		fail "TCP through 8080: portmap '$a', bpfbr '$b'" || return 1
	# UDP through 5353, answered from the published port.
	serve r1 15 "$ROOT/rusrv" udp-server 53 || return 1
	srv=$SPAWNED
	a=$(peer refext --timeout 10 udp-clients "$UP_IP" 5353 5000)
	stop "$srv"
	serve c1 15 "$ROOT/busrv" udp-server 53 || return 1
	srv=$SPAWNED
	b=$(peer ext --timeout 10 udp-clients "$UP_IP" 5353 5000)
	stop "$srv"
	[ "$a" = "5000 $EXT_IP:5000" ] && [ "$b" = "$a" ] ||
		fail "UDP through 5353: portmap '$a', bpfbr '$b'" || return 1
	# From the node to its own address: both reach the container.
	serve r1 15 "$ROOT/rnsrv" tcp-server 80 1 || return 1
	srv=$SPAWNED
	a=$(nsenter --net="/run/netns/$rnode" "$PY" "$PEER" --timeout 10 tcp-clients "$UP_IP" 8080 40001)
	stop "$srv"
	serve c1 15 "$ROOT/bnsrv" tcp-server 80 1 || return 1
	srv=$SPAWNED
	b=$(in_cgroup "$cg" node "$PY" "$PEER" --timeout 10 tcp-clients "$UP_IP" 8080 40001)
	stop "$srv"
	[ "$a" = "40001 $UP_IP:40001" ] && [ "$b" = "40001 10.40.0.1:40001" ] ||
		fail "the node to $UP_IP:8080: portmap '$a', bpfbr '$b'" || return 1
	# Hairpin (bpfbr's in the switch: the containers are not in the hooks'
	# cgroup; the reference bridge in hairpin mode, as Docker sets it, else
	# its container cannot reach its own port): both reach c1 from the other
	# container and from c1 itself, which is seen from the gateway's address.
	# The other container is seen as itself behind bpfbr (as behind Docker,
	# whose rule masquerades a container's connection to itself only); portmap
	# masquerades it too, its hairpin rule taking the container's address
	# with the network's mask (-s 10.40.0.0/24), checked below.
	serve r1 20 "$ROOT/rhsrv" tcp-server 80 2 || return 1
	srv=$SPAWNED
	peer r2 --timeout 10 tcp-clients "$UP_IP" 8080 40010 >"$ROOT/ra" &
	peer r1 --timeout 10 tcp-clients "$UP_IP" 8080 40011 >"$ROOT/rb"
	wait $!
	stop "$srv"
	serve c1 20 "$ROOT/bhsrv" tcp-server 80 2 || return 1
	srv=$SPAWNED
	peer c2 --timeout 10 tcp-clients "$UP_IP" 8080 40010 >"$ROOT/ba" &
	peer c1 --timeout 10 tcp-clients "$UP_IP" 8080 40011 >"$ROOT/bb"
	wait $!
	stop "$srv"
	a=$(cat "$ROOT/ra" "$ROOT/rb" | tr '\n' ' ')
	b=$(cat "$ROOT/ba" "$ROOT/bb" | tr '\n' ' ')
	[ "$a" = "40010 10.40.0.1:40010 40011 10.40.0.1:40011 " ] &&
		[ "$b" = "40010 10.40.0.3:40010 40011 10.40.0.1:40011 " ] ||
		fail "hairpin (c2, then c1 to $UP_IP:8080): portmap '$a', bpfbr '$b'" || return 1
	ip netns exec "$rnode" iptables-save -t nat |
		grep -qF -- "-s 10.40.0.0/24 -p tcp -m tcp --dport 8080 -j CNI-HOSTPORT-SETMARK" ||
		fail "portmap's hairpin rule is not the one said above: $(ip netns exec "$rnode" iptables-save -t nat | grep SETMARK)" ||
		return 1
	# UDP: answered from the published port (the source seen as above).
	serve r1 15 "$ROOT/rhusrv" udp-server 53 || return 1
	srv=$SPAWNED
	a=$(peer r2 --timeout 5 udp-clients "$UP_IP" 5353 5002)
	stop "$srv"
	serve c1 15 "$ROOT/bhusrv" udp-server 53 || return 1
	srv=$SPAWNED
	b=$(peer c2 --timeout 5 udp-clients "$UP_IP" 5353 5002)
	stop "$srv"
	[ "$a" = "5002 10.40.0.1:5002" ] && [ "$b" = "5002 10.40.0.3:5002" ] ||
		fail "hairpin UDP (c2 to $UP_IP:5353): portmap '$a', bpfbr '$b'" || return 1
	# And bpfbr did it without a rule or a conntrack entry; portmap with both.
	[ -z "$(node iptables-save -t nat 2>/dev/null | grep -E '^-A ')" ] ||
		fail "bpfbr's node has NAT rules" || return 1
	ip netns exec "$rnode" iptables-save -t nat | grep -q "CNI-HOSTPORT-DNAT" ||
		fail "portmap made no rule (the reference is not what it should be)"
}

test_no_netfilter_rules_and_no_conntrack() {
	local srv out
	up --publish 8080:80 || return 1
	serve c1 15 "$ROOT/srv" tcp-server 80 1 || return 1
	srv=$SPAWNED
	out=$(peer ext --timeout 10 tcp-clients "$UP_IP" 8080 40000)
	stop "$srv"
	[ "$out" = "40000 $EXT_IP:40000" ] || fail "ext through 8080: '$out'" || return 1
	if have_feature iptables; then
		out=$(node iptables-save 2>&1 | grep -v '^#')
		[ -z "$out" ] || fail "iptables-save in the node namespace shows: $(echo "$out" | head -5 | tr '\n' ' ')" ||
			return 1
	fi
	if have_feature nftables; then
		out=$(node nft list ruleset 2>&1)
		[ -z "$out" ] || fail "nft list ruleset in the node namespace shows: $(echo "$out" | head -5 | tr '\n' ' ')" ||
			return 1
	fi
	out=$(node conntrack -L 2>/dev/null)
	[ -z "$out" ] || fail "conntrack -L in the node namespace lists: $(echo "$out" | head -3 | tr '\n' ' ')" ||
		return 1
	out=$(node cat /proc/net/nf_conntrack 2>/dev/null)
	[ -z "$out" ] || fail "/proc/net/nf_conntrack of the node namespace lists: $(echo "$out" | head -3)" ||
		return 1
}

run_tests "$@"
