#!/usr/bin/env bash
# The chapter's two-container network, built by bpfbr: no bridge, BPF switch.
. "$(dirname "$0")/lib.sh"

# up: network demo 10.40.0.0/24 with c1 (.2) and c2 (.3), as the chapter has it.
up() {
	check "net create" bpfbr net create demo --subnet 10.40.0.0/24 || return 1
	check "attach c1" bpfbr attach demo "$(ct c1)" --create-netns --ip 10.40.0.2 || return 1
	check "attach c2" bpfbr attach demo "$(ct c2)" --create-netns --ip 10.40.0.3 || return 1
}

test_ping_between_containers_and_gateway() {
	up || return 1
	ping_ok c1 10.40.0.3 || fail "c1 cannot ping c2" || return 1
	ping_ok c2 10.40.0.2 || fail "c2 cannot ping c1" || return 1
	ping_ok c1 10.40.0.1 || fail "c1 cannot ping the gateway" || return 1
	ping_ok c2 10.40.0.1 || fail "c2 cannot ping the gateway" || return 1
}

test_container_view_matches_chapter() {
	local addr route
	up || return 1
	addr=$(on c1 ip -4 -o addr show dev eth0 | awk '{print $4}')
	[ "$addr" = 10.40.0.2/24 ] || fail "c1 eth0 has '$addr', expected 10.40.0.2/24" || return 1
	route=$(on c1 ip -4 route show default)
	[[ "$route" == "default via 10.40.0.1 dev eth0"* ]] ||
		fail "c1 default route is '$route'" || return 1
	[ "$(on c1 cat /sys/class/net/lo/operstate)" != down ] || on c1 ping -c1 -W1 127.0.0.1 >/dev/null ||
		fail "lo is not up in c1" || return 1
}

test_arp_entries_name_the_right_macs() {
	local mac2 gwmac seen
	up || return 1
	ping_ok c1 10.40.0.3 && ping_ok c1 10.40.0.1 || fail "ping failed" || return 1
	mac2=$(on c2 cat /sys/class/net/eth0/address)
	gwmac=$(node cat /sys/class/net/bpfbr0/address 2>/dev/null || node ip -j link show bpfbr0 | jq -r '.[0].address')
	seen=$(on c1 ip -j neigh show 10.40.0.3 | jq -r '.[0].lladdr')
	[ "$seen" = "$mac2" ] || fail "c1 resolves 10.40.0.3 to $seen, c2 has $mac2" || return 1
	seen=$(on c1 ip -j neigh show 10.40.0.1 | jq -r '.[0].lladdr')
	gwmac=$(node ip -j link show bpfbr0 | jq -r '.[0].address')
	[ "$seen" = "$gwmac" ] || fail "c1 resolves the gateway to $seen, bpfbr0 has $gwmac" || return 1
}

test_ttl_unchanged_between_containers() {
	local ttl
	up || return 1
	ttl=$(on c1 ping -c1 -W2 10.40.0.3 | sed -n 's/.*ttl=\([0-9]*\).*/\1/p')
	[ "$ttl" = 64 ] || fail "reply TTL from c2 is '$ttl', expected 64 (no router between)" || return 1
}

test_node_reaches_containers() {
	up || return 1
	node ping -c1 -W2 10.40.0.2 >/dev/null || fail "node cannot ping c1" || return 1
	node ping -c1 -W2 10.40.0.3 >/dev/null || fail "node cannot ping c2" || return 1
	node ip route get 10.40.0.2 | grep -q "dev bpfbr0" ||
		fail "node does not route 10.40.0.0/24 via bpfbr0: $(node ip route get 10.40.0.2)" || return 1
}

test_no_bridge_and_no_netfilter_rules() {
	up || return 1
	[ -z "$(node ip -o link show type bridge)" ] || fail "a bridge exists in the node namespace" || return 1
	! grep -qE '^-A ' <<<"$(node iptables-save 2>/dev/null)" || fail "iptables rules in the node namespace" || return 1
	[ -z "$(node nft list ruleset 2>/dev/null)" ] || fail "nftables rules in the node namespace" || return 1
}

test_fdb_lists_every_port_mac() {
	local mac1 mac2 gw fdb dump
	up || return 1
	ping_ok c1 10.40.0.3 || fail "ping failed" || return 1
	mac1=$(on c1 cat /sys/class/net/eth0/address)
	mac2=$(on c2 cat /sys/class/net/eth0/address)
	gw=$(node ip -j link show bpfbr0 | jq -r '.[0].address')
	fdb=$(bpfbr -j fdb show demo) || fail "fdb show failed" || return 1
	[ "$(echo "$fdb" | jq length)" = 3 ] || fail "fdb has $(echo "$fdb" | jq length) entries, expected 3" || return 1
	echo "$fdb" | jq -e --arg m "$mac1" '.[] | select(.mac == $m and .state == "static" and (.dev | startswith("veth")))' >/dev/null ||
		fail "no static entry for c1's $mac1" || return 1
	echo "$fdb" | jq -e --arg m "$mac2" '.[] | select(.mac == $m and .state == "static")' >/dev/null ||
		fail "no static entry for c2's $mac2" || return 1
	echo "$fdb" | jq -e --arg m "$gw" '.[] | select(.mac == $m and .dev == "bpfbr0-sw")' >/dev/null ||
		fail "no entry for the gateway $gw on bpfbr0-sw" || return 1
	bpfbr fdb show demo | grep -q "^$mac1 dev veth.* master demo static$" ||
		fail "text fdb listing is not in 'bridge fdb show' form: $(bpfbr fdb show demo)" || return 1
	# bpftool reads the pinned map with BTF: MAC and port are decoded fields.
	# (Read whole first: grep -q stopping early would SIGPIPE bpftool under pipefail.)
	dump=$(bpftool map dump pinned "$ROOT/sys/fs/bpf/bpfbr/demo/fdb") || fail "bpftool: $dump" || return 1
	grep -q '"ifindex":' <<<"$dump" ||
		fail "bpftool does not print the fdb with BTF field names" || return 1
}

test_third_container_attached_later() {
	up || return 1
	check "attach c3" bpfbr attach demo "$(ct c3)" --create-netns || return 1
	[ "$(on c3 ip -4 -o addr show dev eth0 | awk '{print $4}')" = 10.40.0.4/24 ] ||
		fail "c3 did not get the next free address 10.40.0.4" || return 1
	ping_ok c3 10.40.0.2 || fail "c3 cannot ping c1" || return 1
	ping_ok c1 10.40.0.4 || fail "c1 cannot ping c3" || return 1
	ping_ok c3 10.40.0.1 || fail "c3 cannot ping the gateway" || return 1
}

test_detach_removes_veth_and_entries() {
	local host mac
	up || return 1
	host=$(bpfbr -j status demo | jq -r --arg n "$(ct c2)" '.[0].ports[] | select(.endpoint == $n) | .port')
	mac=$(on c2 cat /sys/class/net/eth0/address)
	[ -n "$host" ] && node ip link show "$host" >/dev/null 2>&1 || fail "port of c2 not found" || return 1
	check "detach c2" bpfbr detach demo "$(ct c2)" || return 1
	! node ip link show "$host" >/dev/null 2>&1 || fail "$host still exists after detach" || return 1
	! bpfbr -j fdb show demo | jq -e --arg m "$mac" '.[] | select(.mac == $m)' >/dev/null ||
		fail "fdb still has c2's MAC" || return 1
	[ "$(bpfbr -j status demo | jq '.[0].ports | length')" = 2 ] || fail "status still lists c2's port" || return 1
	[ ! -e "/run/netns/$(ct c2)" ] || fail "namespace created with --create-netns not removed" || return 1
	ping_ok c1 10.40.0.1 || fail "c1 lost the gateway after c2 was detached" || return 1
	check_fails "ping of a detached container" ping_ok c1 10.40.0.3 || return 1
}

test_detach_keeps_namespace_it_did_not_create() {
	ip netns add "$(ct ext)" || return 1
	check "net create" bpfbr net create demo --subnet 10.40.0.0/24 || return 1
	check "attach" bpfbr attach demo "$(ct ext)" || return 1
	check "detach" bpfbr detach demo "$(ct ext)" || return 1
	[ -e "/run/netns/$(ct ext)" ] || fail "detach deleted a namespace bpfbr did not create" || return 1
	[ -z "$(on ext ip -o link show type veth)" ] || fail "the container end of the veth is left" || return 1
}

# --create-netns from any mount namespace: under `ip netns exec` (a slave
# copy of the system's mounts) the namespace is made where everybody sees it;
# where the system's mounts cannot be reached, the attach is refused up front.
test_create_netns_from_any_mount_namespace() {
	local err rc
	check "net create" bpfbr net create demo --subnet 10.40.0.0/24 || return 1
	check "attach under ip netns exec" \
		ip netns exec "$NODE" "$BPFBR_BIN" --root "$ROOT" attach demo "$(ct c1)" --create-netns || return 1
	check "attach under nsenter" bpfbr attach demo "$(ct c2)" --create-netns || return 1
	ping_ok c1 10.40.0.3 || fail "the namespace made under ip netns exec is dead to the system" || return 1
	check "detach under ip netns exec" \
		ip netns exec "$NODE" "$BPFBR_BIN" --root "$ROOT" detach demo "$(ct c1)" || return 1
	[ ! -e "/run/netns/$(ct c1)" ] && ! grep -q " /run/netns/$(ct c1) " /proc/self/mountinfo ||
		fail "detach under ip netns exec left the namespace in the system" || return 1
	# A copy whose original no process is in (the original is kept by a bind
	# mount of its namespace file): nowhere to make the namespace visible.
	mkdir -p "$ROOT/mnt" && mount --bind "$ROOT/mnt" "$ROOT/mnt" && mount --make-private "$ROOT/mnt" &&
		touch "$ROOT/mnt/orig" || { fail "cannot prepare a place for a mount namespace file"; return 1; }
	err=$(node unshare --mount="$ROOT/mnt/orig" sh -c 'mount --make-private /run/netns &&
		mount --make-shared /run/netns &&
		exec unshare -m --propagation slave "$0" --root "$1" attach demo "$2" --create-netns' \
		"$BPFBR_BIN" "$ROOT" "$(ct c3)" 2>&1)
	rc=$?
	umount "$ROOT/mnt/orig"
	umount "$ROOT/mnt"
	[ $rc != 0 ] || fail "attach from an unreachable copy succeeded: $err" || return 1
	grep -q "nsenter --net=" <<<"$err" || fail "the refusal does not name nsenter --net=: $err" || return 1
	[ ! -e "/run/netns/$(ct c3)" ] || fail "the refused attach left a namespace file" || return 1
	[ "$(bpfbr -j status demo | jq '.[0].ports | length')" = 2 ] || fail "the refused attach left a port" || return 1
}

# A container's namespace deleted without a detach: its port is shown as gone
# (never as attached) by every read-only command, which change nothing, and
# bpfbr gc removes it.
test_gone_ports_shown_as_gone() {
	local mac sum out host i
	up || return 1
	mac=$(on c2 cat /sys/class/net/eth0/address)
	host=$(bpfbr -j status demo | jq -r --arg n "$(ct c2)" '.[0].ports[] | select(.endpoint == $n) | .port')
	ip netns del "$(ct c2)" || return 1
	# The kernel dismantles a deleted namespace, and its veths, a moment later.
	for i in $(seq 50); do node ip link show "$host" >/dev/null 2>&1 || break; sleep 0.1; done
	sum=$(sha256sum "$ROOT/var/lib/bpfbr/networks/demo.json")
	out=$(bpfbr -j status demo) || fail "status: $out" || return 1
	jq -e --arg n "$(ct c2)" '.[0].ports[] | select(.endpoint == $n) |
		.state == "gone" and .hook.attached == false and (.why | test("bpfbr gc"))' <<<"$out" >/dev/null ||
		fail "status -j does not show c2's port as gone: $(jq -c '.[0].ports' <<<"$out")" || return 1
	jq -e --arg n "$(ct c1)" '[.[0].ports[] | select(.state == "ok")] | length == 2' <<<"$out" >/dev/null ||
		fail "the gateway's and c1's ports are not ok: $(jq -c '.[0].ports' <<<"$out")" || return 1
	out=$(bpfbr status demo)
	grep -q GONE <<<"$out" && grep -q "bpfbr gc removes" <<<"$out" ||
		fail "status does not say the port is gone and how to remove it: $out" || return 1
	bpfbr -j fdb show demo | jq -e --arg m "$mac" '.[] | select(.mac == $m) | .state == "gone"' >/dev/null ||
		fail "fdb show -j does not mark c2's entry gone: $(bpfbr -j fdb show demo)" || return 1
	bpfbr fdb show demo | grep "$mac" | grep -q "gone.*bpfbr gc" ||
		fail "fdb show does not mark c2's entry gone: $(bpfbr fdb show demo)" || return 1
	[ "$(bpfbr -j net list | jq '.[0] | [.containers, .gone]' -c)" = "[2,1]" ] ||
		fail "net list -j: $(bpfbr -j net list)" || return 1
	bpfbr net list | grep -q "1 gone: bpfbr gc" || fail "net list: $(bpfbr net list)" || return 1
	[ "$(sha256sum "$ROOT/var/lib/bpfbr/networks/demo.json")" = "$sum" ] ||
		fail "a read-only command changed the state" || return 1
	check "gc" bpfbr gc || return 1
	[ "$(bpfbr -j status demo | jq -c '[.[0].ports[].state]')" = '["ok","ok"]' ] ||
		fail "after gc: $(bpfbr -j status demo | jq -c '.[0].ports')" || return 1
}

# status checks each container's port against what bpfbr made of it
# (net_verify, as CNI CHECK does): healthy ports are ok, one broken from
# outside says why, and looking changes nothing.
test_status_verifies_each_port() {
	local out sum h1 mac key
	up || return 1
	out=$(bpfbr -j status demo) || fail "status: $out" || return 1
	jq -e '[.[0].ports[] | select(.kind == "container") | .verify.ok] == [true, true]' <<<"$out" \
		>/dev/null || fail "healthy ports are not ok: $(jq -c '[.[0].ports[].verify]' <<<"$out")" ||
		return 1
	[ "$(bpfbr status demo | grep -c ' ok$')" = 2 ] || fail "status text: $(bpfbr status demo)" || return 1
	h1=$(jq -r --arg n "$(ct c1)" '.[0].ports[] | select(.endpoint == $n) | .port' <<<"$out")
	node ip link set "$h1" down || return 1
	mac=$(on c2 cat /sys/class/net/eth0/address)
	key=$(echo "$mac" | tr ':' ' ' | sed 's/\([0-9a-f][0-9a-f]\)/0x\1/g')
	bpftool map delete pinned "$ROOT/sys/fs/bpf/bpfbr/demo/fdb" key $key 0 0 || return 1
	sum=$(sha256sum "$ROOT/var/lib/bpfbr/networks/demo.json")
	out=$(bpfbr -j status demo) || fail "status: $out" || return 1
	jq -e --arg n "$(ct c1)" '.[0].ports[] | select(.endpoint == $n) |
		.verify.ok == false and (.verify.why | test("node end .* is down"))' <<<"$out" >/dev/null ||
		fail "status -j does not say c1's node end is down: $(jq -c '[.[0].ports[].verify]' <<<"$out")" ||
		return 1
	jq -e --arg n "$(ct c2)" --arg m "$mac" '.[0].ports[] | select(.endpoint == $n) |
		.verify.ok == false and (.verify.why | contains("no static entry for " + $m))' <<<"$out" \
		>/dev/null || fail "status -j does not miss c2's fdb entry: $(jq -c '[.[0].ports[].verify]' <<<"$out")" ||
		return 1
	out=$(bpfbr status demo)
	grep -q "port $h1 ($(ct c1)) is not as bpfbr made it: its node end $h1 is down" <<<"$out" &&
		[ "$(grep -c ' FAIL$' <<<"$out")" = 2 ] || fail "status text: $out" || return 1
	[ "$(sha256sum "$ROOT/var/lib/bpfbr/networks/demo.json")" = "$sum" ] ||
		fail "status changed the state" || return 1
	node ip link show "$h1" | grep -q "state DOWN" || fail "status brought $h1 back up" || return 1
}

# A flooded frame never goes back out of the port it came in by (no
# --hairpin): the sender does not receive its own broadcast, the others do.
# Containers kept quiet (no IPv6) so that only the test's frames count.
test_flood_never_returns_to_its_sender() {
	local n before1 before2
	check "net create" bpfbr net create demo --subnet 10.40.0.0/24 || return 1
	node sysctl -qw net.ipv6.conf.bpfbr0.disable_ipv6=1 || return 1
	for n in c1 c2; do
		ns_new $n && on $n sysctl -qw net.ipv6.conf.default.disable_ipv6=1 &&
			check "attach $n" bpfbr attach demo "$(ct $n)" || return 1
	done
	before1=$(on c1 cat /sys/class/net/eth0/statistics/rx_packets)
	before2=$(on c2 cat /sys/class/net/eth0/statistics/rx_packets)
	on c1 python3 "$TOP/tests/net/tools/hostile.py" eth eth0 ff:ff:ff:ff:ff:ff \
		"$(on c1 cat /sys/class/net/eth0/address)" --count 5 >/dev/null || return 1
	n=$(($(on c2 cat /sys/class/net/eth0/statistics/rx_packets) - before2))
	[ "$n" = 5 ] || fail "c2 received $n of c1's 5 broadcasts" || return 1
	n=$(($(on c1 cat /sys/class/net/eth0/statistics/rx_packets) - before1))
	[ "$n" = 0 ] || fail "c1 received $n of its own broadcasts back" || return 1
}

test_broadcast_reaches_every_other_container() {
	local n mac1
	up || return 1
	check "attach c3" bpfbr attach demo "$(ct c3)" --create-netns --ip 10.40.0.4 || return 1
	mac1=$(on c1 cat /sys/class/net/eth0/address)
	# Every container listens for incoming broadcast ARP; c1 then asks for .99.
	for n in c1 c2 c3; do
		capture "$n" eth0 "arp and ether broadcast" on "$n" || return 1
	done
	on c1 arping -c2 -w2 -I eth0 10.40.0.99 >/dev/null 2>&1
	wait_seen c2 2 && wait_seen c3 2
	end_captures
	for n in c2 c3; do
		grep -q "who-has 10.40.0.99" "$ROOT/$n.cap" || fail "$n did not receive c1's broadcast" || return 1
	done
	! grep -q "who-has 10.40.0.99" "$ROOT/c1.cap" || fail "c1 received its own broadcast back" || return 1
}

run_tests "$@"
