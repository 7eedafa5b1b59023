#!/usr/bin/env bash
# podman on bpfbr networks (issue 10): Debian 12's podman 4.3 with its CNI
# backend (libcni 1.1.2), runc and conmon, offline, in the test's node
# namespace, set up as a user would: conflists naming bpfbr, podman's own
# containers.conf and storage.conf, an image imported from busybox-static.
# Every CNI call podman makes is read back from bpfbr's call log; after
# `podman rm` nothing of the containers is left (runtime/lib.sh).
. "$(dirname "$0")/runtime/lib.sh"

IMAGE=localhost/bbox:latest

# limit NAME VALUE: VALUE or the hard limit NAME (ulimit -H NAME), whichever is lower.
limit() {
	local hard
	hard=$(ulimit -H "$1")
	[ "$hard" = unlimited ] || [ "$hard" -gt "$2" ] && hard=$2
	echo "$hard"
}

# pm ARGS...: podman with the test's config, storage, state and cgroup parent.
pm() {
	in_rt env CONTAINERS_CONF="$RT/containers.conf" CONTAINERS_STORAGE_CONF="$RT/storage.conf" \
		podman --root "$RT/storage" --runroot "$RT/run" --tmpdir "$RT/tmp" "$@"
}

# podman_start: podman configured under $RT with the image imported, and one
# container without a network run: a runtime that cannot do that here skips
# with its reason (nothing of bpfbr is involved yet).
podman_start() {
	local out nofile nproc
	rt_need podman podman || return
	rt_need conmon conmon || return
	rt_need runc runc || return
	[ -x /bin/busybox ] || { skip "/bin/busybox is missing (Debian package busybox-static)"; return; }
	rt_init || return 1
	# Limits podman may set without CAP_SYS_RESOURCE: it asks for 1048576 of
	# each, and starts conmon with nproc at most kernel.pid_max.
	nofile=$(limit -n 4096)
	nproc=$(limit -u "$(cat /proc/sys/kernel/pid_max)")
	nproc=$((nproc < 4096 ? nproc : 4096))
	cat >"$RT/containers.conf" <<-EOF
		[containers]
		default_ulimits = ["nofile=$nofile:$nofile", "nproc=$nproc:$nproc"]
		log_driver = "k8s-file"
		[network]
		network_backend = "cni"
		cni_plugin_dirs = ["$RT/cni/bin"]
		network_config_dir = "$RT/cni/net.d"
		[engine]
		runtime = "runc"
		cgroup_manager = "cgroupfs"
		events_logger = "file"
	EOF
	printf '[storage]\ndriver = "vfs"\ngraphroot = "%s"\nrunroot = "%s"\n' \
		"$RT/storage" "$RT/run" >"$RT/storage.conf"
	rt_start || return
	python3 "$TOOLS/bbox_image.py" rootfs "$RT/rootfs.tar" || return 1
	out=$(pm import "$RT/rootfs.tar" "$IMAGE" 2>&1) ||
		{ skip "podman cannot import an image here: $(echo "$out" | tail -1)"; return; }
	out=$(pm run --rm --network none --cgroup-parent "/$PREFIX" "$IMAGE" true 2>&1) ||
		{ skip "podman cannot run a container here: $(echo "$out" | tail -1)"; return; }
}

# run_on NAME NETWORKS: a container that sleeps, on those networks (a,b).
run_on() {
	check "podman run $1 on $2" pm run -d --name "$1" --network "$2" --cgroup-parent "/$PREFIX" \
		"$IMAGE" sleep 600
}

# addr NAME NETWORK: the container's address on the network, as podman shows it.
addr() { pm inspect "$1" --format "{{(index .NetworkSettings.Networks \"$2\").IPAddress}}"; }

# in_ct NAME CMD...: CMD in the container (runtime/lib.sh's checks use it).
in_ct() { pm exec "$@"; }

# podman_calls_look_right ID NAME: how podman called bpfbr for container ID (named NAME):
# its 64-hex ID, a netns of its own under /run/netns, K8S_POD_NAME, the
# plugin directory of containers.conf, the conflist's version.
podman_calls_look_right() {
	calls "select(.containerID == \"$1\")" | jq -se --arg name "$2" --arg path "$RT/cni/bin" '
		length > 0 and all(.[]; (.containerID | test("^[0-9a-f]{64}$")) and
			(.netns | test("^/run/netns/netns-[0-9a-f-]{36}$")) and
			.args == "IgnoreUnknown=1;K8S_POD_NAME=" + $name and .path == $path and
			.cniVersion == "1.0.0")' >/dev/null ||
		fail "podman's calls for $2 are not as expected: $(calls "select(.containerID == \"$1\")")"
}

test_two_containers_reach_each_other_the_gateway_and_outside() {
	local out id1 id2 ip1 ip2 mac
	podman_start || return
	ext_host || return 1
	net_a
	# podman lists the network only if libcni accepted bpfbr's VERSION answer
	# (else: a warning on stderr and the network skipped).
	out=$(pm network ls --format '{{.Name}} {{.Driver}}' 2>"$RT/ls.err")
	grep -qx "bpfa bpfbr" <<<"$out" || fail "podman network ls: $out $(cat "$RT/ls.err")" || return 1
	[ ! -s "$RT/ls.err" ] || fail "podman network ls warned: $(cat "$RT/ls.err")" || return 1
	out=$(pm network inspect bpfa) || fail "podman network inspect bpfa: $out" || return 1
	jq -e '.[0].name == "bpfa" and .[0].driver == "bpfbr"' <<<"$out" >/dev/null ||
		fail "podman network inspect bpfa: $out" || return 1

	run_on c1 bpfa || return 1
	run_on c2 bpfa || return 1
	id1=$(pm inspect c1 --format '{{.Id}}')
	id2=$(pm inspect c2 --format '{{.Id}}')
	ip1=$(addr c1 bpfa)
	ip2=$(addr c2 bpfa)
	[[ "$ip1" == 10.88.10.* && "$ip2" == 10.88.10.* && "$ip1" != "$ip2" ]] ||
		fail "addresses podman shows: c1 '$ip1', c2 '$ip2'" || return 1
	# What podman took from bpfbr's result is what the container has.
	mac=$(pm exec c1 cat /sys/class/net/eth0/address)
	[ "$(pm inspect c1 --format '{{(index .NetworkSettings.Networks "bpfa").Gateway}} {{(index .NetworkSettings.Networks "bpfa").MacAddress}}')" = "10.88.10.1 $mac" ] ||
		fail "podman shows $(pm inspect c1 --format '{{json .NetworkSettings.Networks}}'), eth0 has $mac" ||
		return 1
	pm exec c1 ip -4 route show default | grep -q "via 10.88.10.1 dev eth0" ||
		fail "c1 has no default route via the gateway: $(pm exec c1 ip -4 route)" || return 1
	[ "$(bpfbr -j status bpfa | jq -c --arg a "$id1" --arg b "$id2" \
		'[.[0].ports[] | select(.cni) | .id] | sort == ([$a, $b] | sort)')" = true ] ||
		fail "bpfbr's ports are not podman's containers: $(bpfbr status bpfa)" || return 1

	reaches c1 10.88.10.1 || return 1
	reaches c1 "$ip2" || return 1
	reaches c2 "$ip1" || return 1
	ext_listen || return 1
	seen_outside c1 || return 1
	seen_outside c2 || return 1
	# podman's host.containers.internal is a node address other than the
	# gateway (here the uplink's), which bpfbr's guard keeps containers from.
	out=$(pm exec c1 awk '$2 == "host.containers.internal" {print $1}' /etc/hosts)
	if [ -n "$out" ] && [ "$out" != 10.88.10.1 ]; then
		! pm exec c1 ping -c1 -W1 host.containers.internal >/dev/null 2>&1 ||
			fail "c1 pinged host.containers.internal ($out), a node address" || return 1
		[ "$(bpfbr -j status bpfa | jq '.[0].drops.node_denied')" -ge 1 ] ||
			fail "no node_denied drop for host.containers.internal: $(bpfbr status bpfa)" || return 1
	fi
	[ "$(bpfbr -j status bpfa | jq '.[0].uplink.events.nat_created')" -ge 2 ] ||
		fail "bpfbr's masquerade made no translation: $(bpfbr status bpfa)" || return 1

	check "podman rm" pm rm -f -t 0 c1 c2 || return 1
	calls_ok || return 1
	[ "$(calls_of "$id1" | tr '\n' ';')" = "ADD bpfa eth0;DEL bpfa eth0;" ] ||
		fail "calls for c1: $(calls_of "$id1" | tr '\n' ';')" || return 1
	[ "$(calls_of "$id2" | tr '\n' ';')" = "ADD bpfa eth0;DEL bpfa eth0;" ] ||
		fail "calls for c2: $(calls_of "$id2" | tr '\n' ';')" || return 1
	[ "$(wc -l <"$CALLS")" = 4 ] || fail "calls beyond ADD and DEL: $(cat "$CALLS")" || return 1
	podman_calls_look_right "$id1" c1 || return 1
	podman_calls_look_right "$id2" c2 || return 1
	rt_nothing_left bpfa
}

# podman run --network bpfa,bpfb: one interface per network, the default
# route through bpfa's, one ADD and one DEL per network. podman 4.3 hands
# out eth0 and eth1 in no fixed order (either network may get eth0): the
# interface of each network is taken from the ADD bpfbr logged.
test_container_on_two_networks() {
	local id1 id2 a1 b1 b2 ifa ifb got
	podman_start || return
	ext_host || return 1
	net_a
	net_b
	run_on c1 bpfa,bpfb || return 1
	run_on c2 bpfb || return 1
	id1=$(pm inspect c1 --format '{{.Id}}')
	id2=$(pm inspect c2 --format '{{.Id}}')
	ifa=$(calls "select(.containerID == \"$id1\" and .network == \"bpfa\") | .ifname" | head -1 | tr -d '"')
	ifb=$(calls "select(.containerID == \"$id1\" and .network == \"bpfb\") | .ifname" | head -1 | tr -d '"')
	[ "$(echo "$ifa $ifb" | tr ' ' '\n' | sort | tr '\n' ' ')" = "eth0 eth1 " ] ||
		fail "c1's interfaces for bpfa and bpfb: '$ifa' '$ifb'" || return 1
	a1=$(addr c1 bpfa)
	b1=$(addr c1 bpfb)
	b2=$(addr c2 bpfb)
	[[ "$a1" == 10.88.10.* && "$b1" == 10.88.11.* && "$b2" == 10.88.11.* ]] ||
		fail "addresses podman shows: c1 '$a1' '$b1', c2 '$b2'" || return 1
	got=$(pm exec c1 ip -4 -o addr show | awk '$2 != "lo" {print $2, $4}' | sort | tr '\n' ';')
	[ "$got" = "$(printf '%s\n' "$ifa $a1/24" "$ifb $b1/24" | sort | tr '\n' ';')" ] ||
		fail "c1's addresses: $got (bpfa on $ifa, bpfb on $ifb)" || return 1
	got=$(pm exec c1 ip -4 route show default | sed 's/ *$//')
	[ "$got" = "default via 10.88.10.1 dev $ifa" ] || fail "c1's default routes: '$got'" || return 1
	[ -z "$(pm exec c2 ip -4 route show default)" ] ||
		fail "c2 got a default route from bpfb: $(pm exec c2 ip -4 route)" || return 1

	reaches c1 10.88.10.1 || return 1
	reaches c1 10.88.11.1 || return 1
	reaches c1 "$b2" || return 1
	reaches c2 "$b1" || return 1
	ext_listen || return 1
	seen_outside c1 || return 1

	check "podman rm" pm rm -f -t 0 c1 c2 || return 1
	calls_ok || return 1
	# libcni sets up a container's networks in no fixed order either.
	got=$(calls_of "$id1" | sort | tr '\n' ';')
	[ "$got" = "ADD bpfa $ifa;ADD bpfb $ifb;DEL bpfa $ifa;DEL bpfb $ifb;" ] ||
		fail "calls for c1: $(calls_of "$id1" | tr '\n' ';')" || return 1
	[ "$(calls "select(.containerID == \"$id1\") | .command" | head -2 | tr -d '"\n')" = ADDADD ] ||
		fail "c1's networks were not both added before the DELs: $(calls_of "$id1" | tr '\n' ';')" ||
		return 1
	[ "$(calls_of "$id2" | tr '\n' ';')" = "ADD bpfb eth0;DEL bpfb eth0;" ] ||
		fail "calls for c2: $(calls_of "$id2" | tr '\n' ';')" || return 1
	[ "$(wc -l <"$CALLS")" = 6 ] || fail "calls beyond ADD and DEL: $(cat "$CALLS")" || return 1
	podman_calls_look_right "$id1" c1 || return 1
	rt_nothing_left bpfa bpfb
}

# page_outside: the page the web container publishes on port 8080 of the
# uplink's address, fetched by the external host (tried for up to 4 s).
page_outside() {
	local i got
	for ((i = 0; i < 20; i++)); do
		got=$(printf 'GET /index.html HTTP/1.0\r\n\r\n' |
			on ext timeout 5 socat -T3 - "TCP:$UP_IP:8080,connect-timeout=3" 2>/dev/null | tail -1)
		[ "$got" = hello-from-web ] && return 0
		sleep 0.2
	done
	fail "the published port does not answer from outside: '$got'"
}

# A container's life as podman drives it: an address and MAC asked for
# (runtimeConfig, declared in capabilities), a published port (portmap
# chained after bpfbr), stop and start, network reload, a container that
# exits by itself; each as ADD and DEL calls, nothing left after rm.
test_lifecycle_static_address_and_published_port() {
	local plugin web short
	podman_start || return
	ext_host || return 1
	cp /usr/lib/cni/portmap "$RT/cni/bin/" || { skip "no portmap plugin (containernetworking-plugins)"; return; }
	plugin=$(jq -nc --arg root "$ROOT" --arg log "$CALLS" '{type: "bpfbr", root: $root, logFile: $log,
		subnet: "10.88.10.0/24", ipMasq: true, uplink: "up0", isDefaultGateway: true,
		capabilities: {ips: true, mac: true}}' | in_mode)
	jq -n --argjson p "$plugin" '{cniVersion: "1.0.0", name: "bpfa",
		plugins: [$p, {type: "portmap", capabilities: {portMappings: true}}]}' >"$RT/cni/net.d/10-bpfa.conflist"
	# portmap's DNAT from outside needs the node to forward (bpfbr does not turn it on).
	node sysctl -qw net.ipv4.conf.all.forwarding=1
	check "podman run web" pm run -d --name web --ip 10.88.10.77 --mac-address 02:00:0a:58:0a:4d \
		-p 8080:80 --network bpfa --cgroup-parent "/$PREFIX" "$IMAGE" \
		sh -c 'echo hello-from-web >/tmp/index.html && exec httpd -f -p 80 -h /tmp' || return 1
	web=$(pm inspect web --format '{{.Id}}')
	[ "$(pm exec web ip -4 -o addr show dev eth0 | awk '{print $4}') $(pm exec web cat /sys/class/net/eth0/address)" = \
		"10.88.10.77/24 02:00:0a:58:0a:4d" ] || fail "web's eth0: $(pm exec web ip addr show eth0)" || return 1
	page_outside || return 1

	check "podman stop" pm stop -t 0 web || return 1
	check "podman start" pm start web || return 1
	[ "$(pm exec web ip -4 -o addr show dev eth0 | awk '{print $4}')" = 10.88.10.77/24 ] ||
		fail "web lost its address across stop and start" || return 1
	check "podman network reload" pm network reload web || return 1
	page_outside || return 1

	check "podman run short" pm run -d --name short --network bpfa --cgroup-parent "/$PREFIX" "$IMAGE" \
		sleep 1 || return 1
	short=$(pm inspect short --format '{{.Id}}')
	for ((i = 0; i < 100; i++)); do
		[ "$(calls_of "$short" | wc -l)" = 2 ] && break
		sleep 0.1
	done
	[ "$(calls_of "$short" | tr '\n' ';')" = "ADD bpfa eth0;DEL bpfa eth0;" ] ||
		fail "calls for a container that exited: $(calls_of "$short" | tr '\n' ';')" || return 1

	check "podman rm" pm rm -f -t 0 web short || return 1
	calls_ok || return 1
	# run, stop, start, reload (DEL then ADD in the same namespace), rm.
	[ "$(calls "select(.containerID == \"$web\") | .command" | tr -d '"' | tr '\n' ' ')" = \
		"ADD DEL ADD DEL ADD DEL " ] || fail "calls for web: $(calls_of "$web" | tr '\n' ';')" || return 1
	[ "$(wc -l <"$CALLS")" = 8 ] || fail "calls beyond those: $(cat "$CALLS")" || return 1
	[ -z "$(node iptables-save -t nat | grep -- '-A CNI-DN-')" ] ||
		fail "portmap's rules for web are left: $(node iptables-save -t nat | grep -- '-A CNI-DN-')" || return 1
	rt_nothing_left bpfa
}

# podman run -p with bpfbr declaring the portMappings capability itself (no
# portmap in the chain): the external host fetches the page through the
# published port, with no firewall rule on the node; rm leaves no mapping.
test_publish_without_portmap() {
	local plugin
	podman_start || return
	ext_host || return 1
	plugin=$(jq -nc --arg root "$ROOT" --arg log "$CALLS" '{type: "bpfbr", root: $root, logFile: $log,
		subnet: "10.88.10.0/24", ipMasq: true, uplink: "up0", isDefaultGateway: true,
		capabilities: {portMappings: true}}' | in_mode)
	jq -n --argjson p "$plugin" '{cniVersion: "1.0.0", name: "bpfa", plugins: [$p]}' \
		>"$RT/cni/net.d/10-bpfa.conflist"
	check "podman run -p 8080:80" pm run -d --name web -p 8080:80 --network bpfa \
		--cgroup-parent "/$PREFIX" "$IMAGE" \
		sh -c 'echo hello-from-web >/tmp/index.html && exec httpd -f -p 80 -h /tmp' || return 1
	page_outside || return 1
	[ -z "$(node iptables-save 2>/dev/null | grep -v '^[#*:]' | grep -v '^COMMIT')" ] ||
		fail "rules on the node: $(node iptables-save | grep -- '^-A')" || return 1
	[ "$(bpftool -j map dump pinned "$ROOT/sys/fs/bpf/bpfbr/uplinks/up0/published" | jq length)" = 1 ] ||
		fail "published map: $(bpftool map dump pinned "$ROOT/sys/fs/bpf/bpfbr/uplinks/up0/published")" ||
		return 1
	check "podman rm" pm rm -f -t 0 web || return 1
	[ "$(bpftool -j map dump pinned "$ROOT/sys/fs/bpf/bpfbr/uplinks/up0/published" | jq length)" = 0 ] ||
		fail "left after rm: $(bpftool map dump pinned "$ROOT/sys/fs/bpf/bpfbr/uplinks/up0/published")" ||
		return 1
	rt_nothing_left bpfa
}

# A dual-stack network (ranges of both families, issue 14): podman shows
# both addresses bpfbr's result gives; the containers reach each other, the
# gateway and the external host over IPv6, which sees the uplink's IPv6
# address (NAT66); rm leaves nothing.
test_dual_stack_network_over_ipv6() {
	local ip1 ip2 a seen
	podman_start || return
	ext_host || return 1
	node ip -6 addr add 2001:db8:51::1/64 dev up0 nodad &&
		on ext ip -6 addr add 2001:db8:51::2/64 dev eth0 nodad || return 1
	net_conflist 10-bpfa.conflist bpfa 10.88.10.0/24 'del(.subnet) |
		.ranges = [[{subnet: "10.88.10.0/24"}], [{subnet: "fd00:88:10::/64"}]] |
		.ipMasq = true | .uplink = "up0" | .isDefaultGateway = true'
	run_on c1 bpfa || return 1
	run_on c2 bpfa || return 1
	ip1=$(pm inspect c1 --format '{{(index .NetworkSettings.Networks "bpfa").GlobalIPv6Address}}')
	ip2=$(pm inspect c2 --format '{{(index .NetworkSettings.Networks "bpfa").GlobalIPv6Address}}')
	[[ "$ip1" == fd00:88:10::* && "$ip2" == fd00:88:10::* && "$ip1" != "$ip2" ]] ||
		fail "IPv6 addresses podman shows: c1 '$ip1', c2 '$ip2'" || return 1
	[[ "$(addr c1 bpfa)" == 10.88.10.* ]] || fail "c1's IPv4 address: '$(addr c1 bpfa)'" || return 1
	a=$(pm exec c1 ip -6 -o addr show dev eth0 scope global | awk '{print $4}')
	[ "$a" = "$ip1/64" ] || fail "c1's eth0 has '$a', podman shows $ip1" || return 1
	pm exec c1 ip -6 route show default | grep -q "via fd00:88:10::1 dev eth0" ||
		fail "c1 has no IPv6 default route: $(pm exec c1 ip -6 route)" || return 1
	for a in fd00:88:10::1 "$ip2" 2001:db8:51::2; do
		pm exec c1 ping -6 -c1 -W2 -w6 "$a" >/dev/null 2>&1 || fail "c1 cannot ping $a" || return 1
	done
	pm exec c2 ping -6 -c1 -W2 -w6 "$ip1" >/dev/null 2>&1 || fail "c2 cannot ping c1 over IPv6" || return 1
	spawn on ext timeout 60 socat TCP6-LISTEN:7006,reuseaddr,fork SYSTEM:'echo $SOCAT_PEERADDR' \
		>/dev/null 2>&1
	listening ext tcp 7006 || fail "the external host does not listen" || return 1
	for _ in 1 2 3; do
		seen=$(pm exec c1 nc -w 5 2001:db8:51::2 7006 </dev/null 2>&1 | tr -d '[]')
		seen=$(python3 -c 'import ipaddress, sys; print(ipaddress.ip_address(sys.argv[1]))' "$seen" 2>/dev/null)
		[ "$seen" = 2001:db8:51::1 ] && break
	done
	[ "$seen" = 2001:db8:51::1 ] || fail "the external host saw '$seen' from c1, not the uplink's 2001:db8:51::1" ||
		return 1
	check "podman rm" pm rm -f -t 0 c1 c2 || return 1
	calls_ok || return 1
	rt_nothing_left bpfa
}

run_tests "$@"
