#!/usr/bin/env bash
# modes: tc
# What `bpfbr attach` picks when it is not told, as Docker does: the next
# free interface name and the namespace's own default route on a second
# network, and a resolver a container can reach.
. "$(dirname "$0")/lib.sh"

# The resolv.conf `ip netns exec` shows container c1 (bpfbr's, else none).
resolv_of() { cat "/etc/netns/$(ct "$1")/resolv.conf" 2>/dev/null; }
# nameservers_of c1: its nameservers on one line.
nameservers_of() { resolv_of "$1" | awk '$1 == "nameserver" { print $2 }' | paste -sd' '; }

test_second_network_takes_eth1_and_keeps_the_default_route() {
	local out
	check "net create a" bpfbr net create a --subnet 10.40.0.0/24 || return 1
	check "net create b" bpfbr net create b --subnet 10.41.0.0/24 || return 1
	check "attach a" bpfbr attach a "$(ct c1)" --create-netns || return 1
	out=$(bpfbr -j attach b "$(ct c1)") || fail "attach to a second network without flags failed" || return 1
	[ "$(jq -r .ifname <<<"$out")" = eth1 ] || fail "the second network's interface: $out" || return 1
	[ "$(on c1 ip route show default | wc -l)" = 1 ] &&
		on c1 ip route show default | grep -q "^default via 10.40.0.1 dev eth0" ||
		fail "c1's default routes: $(on c1 ip route show default)" || return 1
	ping_ok c1 10.41.0.1 || fail "c1 cannot reach b's gateway over eth1" || return 1
	ping_ok c1 10.40.0.1 || fail "c1 cannot reach a's gateway over eth0" || return 1
	check "detach b" bpfbr detach b "$(ct c1)" || return 1
	check "detach a" bpfbr detach a "$(ct c1)" || return 1
}

# The node's resolver is systemd-resolved's 127.0.0.53: the container gets
# the servers resolved uses upstream, or Docker's fallback without them.
test_loopback_nameservers_replaced() {
	mkdir -p "$ROOT/etc" "$ROOT/run/systemd/resolve" || return 1
	printf 'nameserver 127.0.0.53\noptions edns0 trust-ad\nsearch node.test\n' >"$ROOT/etc/resolv.conf"
	check "net create" bpfbr net create demo --subnet 10.40.0.0/24 || return 1
	check "attach c1" bpfbr attach demo "$(ct c1)" --create-netns || return 1
	[ "$(nameservers_of c1)" = "8.8.8.8 8.8.4.4" ] ||
		fail "c1's nameservers without resolved's list: '$(nameservers_of c1)'" || return 1
	resolv_of c1 | grep -q "^search node.test$" || fail "c1 lost the node's search: $(resolv_of c1)" || return 1
	printf 'nameserver 192.0.2.53\nnameserver 127.0.0.1\n' >"$ROOT/run/systemd/resolve/resolv.conf"
	check "attach c2" bpfbr attach demo "$(ct c2)" --create-netns || return 1
	[ "$(nameservers_of c2)" = 192.0.2.53 ] || fail "c2's nameservers: '$(nameservers_of c2)'" || return 1
	check "detach c1" bpfbr detach demo "$(ct c1)" || return 1
	check "detach c2" bpfbr detach demo "$(ct c2)" || return 1
	[ ! -e "/etc/netns/$(ct c1)" ] || fail "detach left /etc/netns/$(ct c1)" || return 1
}

# A node resolver the container can reach is shown as it is (no file);
# --dns-search alone adds the node's nameservers to the network's search.
test_dns_search_without_dns() {
	mkdir -p "$ROOT/etc" || return 1
	printf 'nameserver 192.0.2.1\nnameserver 127.0.0.1\nsearch node.test\n' >"$ROOT/etc/resolv.conf"
	check "net create a" bpfbr net create a --subnet 10.40.0.0/24 --dns-search a.test || return 1
	check "attach c1" bpfbr attach a "$(ct c1)" --create-netns || return 1
	[ "$(nameservers_of c1)" = 192.0.2.1 ] || fail "c1's nameservers: '$(nameservers_of c1)'" || return 1
	resolv_of c1 | grep -q "^search a.test$" || fail "c1's search: $(resolv_of c1)" || return 1
	check "detach c1" bpfbr detach a "$(ct c1)" || return 1
	printf 'nameserver 192.0.2.1\n' >"$ROOT/etc/resolv.conf"
	check "net create b" bpfbr net create b --subnet 10.41.0.0/24 || return 1
	check "attach c2" bpfbr attach b "$(ct c2)" --create-netns || return 1
	[ -z "$(resolv_of c2)" ] || fail "a file was written for a reachable node resolver: $(resolv_of c2)" || return 1
	check "detach c2" bpfbr detach b "$(ct c2)" || return 1
}

run_tests "$@"
