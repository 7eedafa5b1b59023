#!/usr/bin/env bash
# vm: tc
# netkit ports (issue 20). Where the kernel makes netkit devices (6.7+ with
# CONFIG_NETKIT: the 6.12 VM), --device auto gives a TC network's containers
# netkit pairs and the chapter works on them (netkit_chapter: the core of the
# parity, NAT and hostile files, which the VM does not run whole), upgrade
# swaps the program behind a netkit link in place, and detach and delete
# leave nothing. Where it does not
# (this host, the 6.1 VM), auto gives veth and --device netkit is refused.
# netkit runs no XDP programs: an XDP network gets veth, and --device netkit
# with --mode xdp is refused.
. "$(dirname "$0")/lib.sh"

PY=${PYTHON:-/usr/bin/python3}
TOOL=$(cd "$(dirname "$0")" && pwd)/tools/hostile.py

# What `bpfbr version` finds, probed once for the file (a probe is slow under emulation).
NETKIT_FOUND=$("$BPFBR_BIN" -j version | jq -r '.kernel_features[] | select(.name == "netkit") | .found')
kernel_has_netkit() { [ "$NETKIT_FOUND" = true ]; }

# where_netkit: a TC network on a kernel with netkit (netkit_chapter's ground).
where_netkit() { kernel_has_netkit && [ "${BPFBR_TEST_MODE:-tc}" = tc ]; }

# The network's device, its ports' (the gateway's is a veth) and c1's interface say $1.
device_is() {
	local got
	got=$(bpfbr -j status demo |
		jq -r '.[0] | [.device, .ports[0].device, ([.ports[1:][].device] | unique | join(","))] | join(" ")')
	[ "$got" = "$1 veth $1" ] ||
		fail "kernel $(uname -r), mode ${BPFBR_TEST_MODE:-tc}: network, gateway port, container ports are '$got', expected '$1 veth $1'" ||
		return 1
	on c1 ip -d link show eth0 | grep -qw "$1" || fail "c1's eth0 is no $1: $(on c1 ip -d link show eth0)" ||
		return 1
	bpfbr status demo | grep -q "  device $1  " || fail "status does not say device $1"
}

# port_devices: "ENDPOINT-SUFFIX:DEVICE" of demo's container ports, sorted.
port_devices() {
	bpfbr -j status demo | jq -r '[.[0].ports[1:][] | "\(.endpoint | split("-") | last):\(.device)"] | sort | join(" ")'
}

# Where a network gets veth, attach --device netkit (no netkit in the kernel,
# or an XDP network) is refused in one line, leaving nothing; --device veth is taken.
test_device_auto_follows_kernel() {
	local out
	where_netkit && { skip "netkit_chapter creates its network with auto here"; return; }
	check "net create" bpfbr net create demo --subnet 10.40.0.0/24 || return 1
	check "attach c1" bpfbr attach demo "$(ct c1)" --create-netns || return 1
	device_is veth || return 1
	out=$(bpfbr attach demo "$(ct c2)" --create-netns --device netkit 2>&1) && fail "attached: $out" && return 1
	[ "$(wc -l <<<"$out")" = 1 ] && grep -q -- "--device veth" <<<"$out" ||
		fail "the refusal is not one line saying what to use: $out" || return 1
	[ "$(port_devices)" = c1:veth ] || fail "ports after the refusal: $(port_devices)" || return 1
	[ "$(node ip -o link show | grep -cE '^[0-9]+: (veth|nk)[0-9a-f]{8}')" = 1 ] ||
		fail "port devices after the refusal: $(node ip -o link show | grep -E '^[0-9]+: (veth|nk)')" || return 1
	check "attach c2 --device veth" bpfbr attach demo "$(ct c2)" --create-netns --device veth || return 1
	[ "$(port_devices)" = "c1:veth c2:veth" ] || fail "ports: $(port_devices)"
}

test_device_netkit_refused_where_missing() {
	local out
	kernel_has_netkit && { skip "kernel $(uname -r) has netkit"; return; }
	[ "${BPFBR_TEST_MODE:-tc}" = tc ] || { skip "with --mode xdp the XDP refusal comes first (netkit_with_xdp_refused)"; return; }
	out=$(bpfbr net create demo --subnet 10.40.0.0/24 --device netkit 2>&1) && fail "created: $out" && return 1
	[ "$(wc -l <<<"$out")" = 1 ] || fail "not one line: $out" || return 1
	grep -q "no netkit devices" <<<"$out" && grep -q -- "--device veth or auto" <<<"$out" ||
		fail "the refusal does not say why and what to use: $out" || return 1
	[ "$(bpfbr -j net list | jq length)" = 0 ] || fail "a network was left: $(bpfbr -j net list)" || return 1
	[ -z "$(node ip -o link show | grep -E 'bpfbr|probe')" ] || fail "devices left: $(node ip -o link show)" ||
		return 1
}

test_netkit_with_xdp_refused() {
	local out
	[ "${BPFBR_TEST_MODE:-tc}" = tc ] || { skip "names --mode xdp itself: runs in tc mode"; return; }
	out=$(bpfbr net create demo --subnet 10.40.0.0/24 --mode xdp --device netkit 2>&1) &&
		fail "created: $out" && return 1
	grep -q "netkit devices run no XDP programs; use --mode tc with --device netkit" <<<"$out" ||
		fail "refusal: $out" || return 1
	[ "$(bpfbr -j net list | jq length)" = 0 ] || fail "a network was left" || return 1
}

# port_hook IP: "LINK-ID PROG-ID" of the netkit hook of the port with that address.
port_hook() {
	bpfbr -j status demo | jq -r --arg ip "$1" '.[0].ports[] | select(.ip == $ip) | .hook |
		select(.mode == "netkit" and .attached) | "\(.link_id) \(.prog_id)"'
}

BCAST=ff:ff:ff:ff:ff:ff
mac() { on "$1" cat /sys/class/net/eth0/address; }
gw_dev() { bpfbr -j net list | jq -r '.[] | select(.name == "demo") | .gateway_dev'; }
# counters: demo's drop reasons and c1's port drops, one "NAME COUNT" a line.
counters() {
	bpfbr -j status demo | jq -r --arg c "$(ct c1)" \
		'.[0] | (.drops | to_entries[] | "\(.key) \(.value)"),
		 (.ports[] | select(.endpoint == $c) | "c1_port \(.stats.drops)")'
}
# moved BEFORE AFTER NAME: how far counter NAME moved between the two snapshots.
moved() { echo $(($(awk -v n="$3" '$1 == n {print $2}' <<<"$2") - $(awk -v n="$3" '$1 == n {print $2}' <<<"$1"))); }
# refused N ARGS…: tools/hostile.py --once in c1 sends N frames, all of which the
# switch drops; on netkit it runs in c1's own send, which fails (ENOBUFS) for each.
refused() {
	local n=$1 out
	shift
	out=$(on c1 "$PY" "$TOOL" --once "$@") || fail "hostile.py $* in c1 failed" || return 1
	[ "$out" = "sent $n refused $n" ] ||
		fail "hostile.py $*: '$out', expected each of the $n sends refused (ENOBUFS)"
}
# lines TAG PATTERN: how many frames of capture TAG match the extended regex PATTERN.
lines() { grep -cE "$2" "$ROOT/$1.cap"; }

# The chapter on netkit ports, in one world (the VM's time is scarce, so the
# whole parity, NAT and hostile files run on veth only; this is their core):
# what parity.sh compares with the chapter's bridge (c1's address, route and
# neighbour entry for the gateway, TTL 64 between containers and 63 at the
# external host, a broadcast's reach), what nat.sh checks (the masqueraded
# source, replies, a TCP transfer byte for byte), the hostile essentials
# (IP, MAC and ARP spoofing, the node guard, another network), each drop
# counted by reason and on c1's port and refused to c1's own send (ENOBUFS),
# and unseen by the target; a veth port among the netkit ones (attach
# --device veth: the device is a port's); then upgrade, detach and delete.
test_netkit_chapter() {
	local c1mac c2mac gm got before after hook want r
	kernel_has_netkit || { skip "no netkit in kernel $(uname -r)"; return; }
	[ "${BPFBR_TEST_MODE:-tc}" = tc ] || { skip "netkit runs no XDP programs (see test_netkit_with_xdp_refused)"; return; }
	ext_host || fail "cannot build the external host" || return 1
	# --device auto (the default) picks netkit on this kernel.
	check "net create" bpfbr net create demo --subnet 10.40.0.0/24 --uplink up0 --masquerade || return 1
	check "attach c1" bpfbr attach demo "$(ct c1)" --create-netns --ip 10.40.0.2 || return 1
	check "attach c2" bpfbr attach demo "$(ct c2)" --create-netns --ip 10.40.0.3 || return 1
	check "net create other" bpfbr net create other --subnet 10.41.0.0/24 --uplink up0 --masquerade ||
		return 1
	check "attach b1" bpfbr attach other "$(ct b1)" --create-netns --ip 10.41.0.2 || return 1
	device_is netkit || return 1
	# The device is a port's: c3 joins on veth, and reaches the netkit ports and the gateway.
	check "attach c3 --device veth" bpfbr attach demo "$(ct c3)" --create-netns --ip 10.40.0.4 --device veth ||
		return 1
	[ "$(port_devices)" = "c1:netkit c2:netkit c3:veth" ] || fail "ports: $(port_devices)" || return 1
	got=$(on c3 ip -d -j link show eth0 | jq -r '.[0].linkinfo.info_kind')
	[ "$got" = veth ] || fail "c3's eth0 is a '$got'" || return 1
	[ "$(jq -r '.attachments | map(.device // "net") | join(" ")' "$ROOT/var/lib/bpfbr/networks/demo.json")" = "net net veth" ] ||
		fail "the state does not record c3's device: $(head -c 300 "$ROOT/var/lib/bpfbr/networks/demo.json")" ||
		return 1
	ping_ok c1 10.40.0.4 || fail "c1 (netkit) cannot ping c3 (veth)" || return 1
	ping_ok c3 10.40.0.3 || fail "c3 (veth) cannot ping c2 (netkit)" || return 1
	ping_ok c3 10.40.0.1 || fail "c3 (veth) cannot ping the gateway" || return 1
	got=$(on c1 ip -4 -o addr show dev eth0 | awk '{print $4}')" $(on c1 ip -4 route show default)"
	got=$(xargs <<<"$got")
	[ "$got" = "10.40.0.2/24 default via 10.40.0.1 dev eth0" ] ||
		fail "c1's address and default route: '$got'" || return 1
	c1mac=$(mac c1) c2mac=$(mac c2) gm=$(node ip -j link show "$(gw_dev)" | jq -r '.[0].address')
	capture c2 eth0 "(icmp and ip[8] = 64) or arp or udp port 9999 or ether proto 0x88b5" on c2 || return 1
	capture ext eth0 "icmp[icmptype] = icmp-echo and ip[8] = 63" on ext || return 1
	capture gw "$(gw_dev)" "(arp and ether src $c1mac) or udp port 9999" node || return 1
	capture b1 eth0 "udp port 9999" on b1 || return 1
	ping_ok c1 10.40.0.3 || fail "c1 cannot ping c2" || return 1
	ping_ok c2 10.40.0.1 || fail "c2 cannot ping the gateway" || return 1
	ping_ok c1 "$EXT_IP" || fail "c1 cannot reach the external host" || return 1
	ping_ok b1 "$EXT_IP" || fail "b1 cannot reach the external host" || return 1
	# c1's broadcast (an ARP request of its own) passes.
	on c1 "$PY" "$TOOL" --once arp eth0 "$BCAST" "$c1mac" request "$c1mac" 10.40.0.2 \
		00:00:00:00:00:00 10.40.0.99 --count 2 | grep -qx "sent 2 refused 0" ||
		fail "c1's broadcast ARP request was refused" || return 1
	# The attacks, c1 against c2, the node and the other network.
	before=$(counters)
	refused 3 udp eth0 "$c2mac" "$c1mac" 10.40.0.99 10.40.0.3 9999 --count 3 || return 1
	refused 3 eth eth0 "$BCAST" "$c2mac" --count 3 || return 1
	refused 2 arp eth0 "$c2mac" "$c1mac" reply "$c1mac" 10.40.0.1 "$c2mac" 10.40.0.3 --count 2 || return 1
	refused 2 udp eth0 "$gm" "$c1mac" 10.40.0.2 10.40.0.1 9999 --count 2 || return 1
	refused 2 udp eth0 "$gm" "$c1mac" 10.40.0.2 "$UP_IP" 9999 --count 2 || return 1
	refused 2 udp eth0 "$gm" "$c1mac" 10.40.0.2 10.41.0.2 9999 --count 2 || return 1
	after=$(counters)
	for want in ip_spoof:3 mac_spoof:3 arp_spoof:2 node_denied:4 other_network:2 c1_port:14; do
		r=${want%:*}
		[ "$(moved "$before" "$after" "$r")" = "${want#*:}" ] ||
			fail "$r moved by $(moved "$before" "$after" "$r"), expected ${want#*:}" || return 1
	done
	end_captures
	[ "$(lines c2 '10.40.0.2 > 10.40.0.3: ICMP echo request')" -ge 1 ] ||
		fail "c2 saw no echo request with TTL 64 from c1" || return 1
	[ "$(lines c2 'Request who-has 10.40.0.99')" = 2 ] && [ "$(lines gw 'Request who-has 10.40.0.99')" = 2 ] ||
		fail "c1's 2 broadcasts: c2 saw $(lines c2 'who-has 10.40.0.99'), the node $(lines gw 'who-has 10.40.0.99')" ||
		return 1
	[ "$(lines c2 "\.9999: |0x88b5|10.40.0.1 is-at $c1mac")" = 0 ] && [ "$(lines gw '\.9999: ')" = 0 ] &&
		[ "$(seen b1)" = 0 ] || fail "an attack got through: $(grep -hE '9999|0x88b5|is-at' "$ROOT"/{c2,gw,b1}.cap)" ||
		return 1
	[ "$(lines ext "$UP_IP > $EXT_IP: ICMP echo request")" -ge 1 ] ||
		fail "ext saw no echo request with TTL 63 from the uplink $UP_IP: $(head -2 "$ROOT/ext.cap")" || return 1
	for r in c1 c2; do
		got=$(on "$r" ip -j neigh show 10.40.0.1 dev eth0 | jq -r '.[0].lladdr // "none"')
		[ "$got" = "$gm" ] || fail "$r has $got for the gateway, not $gm" || return 1
	done
	# NAT: 256 KiB from the external host over TCP, byte for byte.
	head -c 262144 /dev/urandom >"$ROOT/blob"
	spawn on ext timeout 30 socat -u "OPEN:$ROOT/blob" "TCP-LISTEN:7100,bind=$EXT_IP,reuseaddr"
	listening ext tcp 7100 || fail "no listener on the external host" || return 1
	on c1 timeout 20 socat -u "TCP:$EXT_IP:7100,connect-timeout=5" "CREATE:$ROOT/got" ||
		fail "c1's transfer from the external host failed" || return 1
	cmp -s "$ROOT/blob" "$ROOT/got" ||
		fail "c1 got $(stat -c %s "$ROOT/got") bytes, not the external host's 262144" || return 1
	# upgrade swaps the program behind c1's netkit link in place: same link, new program.
	hook=$(port_hook 10.40.0.2)
	check "upgrade" bpfbr upgrade || return 1
	[ "$(port_hook 10.40.0.2 | cut -d' ' -f1)" = "${hook% *}" ] && [ "$(port_hook 10.40.0.2)" != "$hook" ] ||
		fail "c1's netkit link and program were '$hook', after the upgrade '$(port_hook 10.40.0.2)'" || return 1
	ping_ok c1 10.40.0.3 && ping_ok c3 10.40.0.2 || fail "c1, c2 and c3 lost each other in the upgrade" ||
		return 1
	check "detach c1" bpfbr detach demo "$(ct c1)" || return 1
	ping_ok c2 "$EXT_IP" || fail "c2 lost the external host after c1's detach" || return 1
	check "detach c2" bpfbr detach demo "$(ct c2)" || return 1
	check "detach c3" bpfbr detach demo "$(ct c3)" || return 1
	check "detach b1" bpfbr detach other "$(ct b1)" || return 1
	[ -z "$(node ip -o link show | grep -E '^[0-9]+: (veth|nk)[0-9a-f]{8}')" ] ||
		fail "port devices left: $(node ip -o link show | grep -E '^[0-9]+: (veth|nk)')" || return 1
	check "net delete" bpfbr net delete demo || return 1
	check "net delete other" bpfbr net delete other || return 1
	[ -z "$(find "$ROOT/sys/fs/bpf/bpfbr" -type f 2>/dev/null)" ] || fail "pins left after net delete" || return 1
}

run_tests "$@"
