#!/usr/bin/env bash
# Parity over IPv6 (issue 14): the chapter's network dual stack as a kernel
# bridge would make it (parity/chapter.sh, then fd00:40::1/64 on br0,
# fd00:40::2 and ::3 on the containers with a default route via ::1, IPv6
# forwarding on and `ip6tables -t nat -A POSTROUTING -s fd00:40::/64 ! -o
# br0 -j MASQUERADE`, in a node namespace of its own) and bpfbr's dual-stack
# network with --masquerade, side by side. Outside the uplink up0
# (2001:db8:51::1) a router (2001:db8:51::254, 2001:db8:52::1) leads to the
# external host ext (2001:db8:52::2), which has no route to the containers.
# What the containers and ext observe must be the same once MAC values are
# replaced by whose they are: addresses, routes, the gateway's neighbour
# entry, reachability, hop limits, the source ext sees, traceroute6's hops.
# PARITY_SHOW=1 prints both observations also when they agree.
. "$(dirname "$0")/lib.sh"

HERE=$(cd "$(dirname "$0")" && pwd)
V6=fd00:40::
UP6=2001:db8:51::1
R0=2001:db8:51::254
R1=2001:db8:52::1
EXT6=2001:db8:52::2

# The observed world: namespaces of the node, the router, ext, c1 and c2; the gateway device.
W_NODE="" W_ROUTER="" W_EXT="" W_C1="" W_C2="" W_GW=""

use_world() {
	case $1 in
	kernel) W_NODE=$(ct knode) W_ROUTER=$(ct krouter) W_EXT=$(ct kext) W_C1=$(ct k1) W_C2=$(ct k2) W_GW=br0 ;;
	bpfbr)
		W_NODE=$NODE W_ROUTER=$(ct router) W_EXT=$(ct ext) W_C1=$(ct c1) W_C2=$(ct c2)
		W_GW=$(bpfbr -j net list | jq -r '.[0].gateway_dev // "bpfbr0"')
		;;
	esac
}

# at WHO CMD…: CMD in node, router, ext, c1 or c2 of the observed world.
at() {
	local who=$1 ns
	shift
	case $who in
	node) ns=$W_NODE ;;
	router) ns=$W_ROUTER ;;
	ext) ns=$W_EXT ;;
	c1) ns=$W_C1 ;;
	c2) ns=$W_C2 ;;
	esac
	ip netns exec "$ns" "$@"
}

mk_ns() {
	ip netns add "$1" || return 1
	own_ns "$1"
	ip -n "$1" link set lo up
}

# outside: up0 -- router -- ext, IPv6 (without DAD); up0 has its IPv4 address
# too (bpfbr's dual-stack masquerade needs one).
outside() {
	mk_ns "$W_ROUTER" && mk_ns "$W_EXT" || return 1
	ip link add up0 netns "$W_NODE" type veth peer name r0 netns "$W_ROUTER" || return 1
	ip link add r1 netns "$W_ROUTER" type veth peer name eth0 netns "$W_EXT" || return 1
	at router sysctl -qw net.ipv6.conf.all.forwarding=1 &&
		at router ip -6 addr add "$R0/64" dev r0 nodad &&
		at router ip -6 addr add "$R1/64" dev r1 nodad &&
		at router ip link set r0 up && at router ip link set r1 up &&
		at ext ip -6 addr add "$EXT6/64" dev eth0 nodad && at ext ip link set eth0 up &&
		at ext ip -6 route add default via "$R1" &&
		at node ip -6 addr add "$UP6/64" dev up0 nodad && at node ip addr add "$UP_IP/24" dev up0 &&
		at node ip link set up0 up &&
		at node ip -6 route add default via "$R0"
}

# settled: no address of the world is still tentative (link-local addresses do DAD), up to 5 s.
settled() {
	local who
	for _ in $(seq 50); do
		for who in node c1 c2 router ext; do
			[ -z "$(at "$who" ip -6 addr show tentative)" ] || break
			[ "$who" = ext ] && return 0
		done
		sleep 0.1
	done
	return 1
}

kernel_up() {
	local c n=2
	need_feature bridge || return $?
	need_feature ipv6 || return $?
	use_world kernel
	mk_ns "$W_NODE" || return 1
	check "the chapter's bridge commands" \
		nsenter --net="/run/netns/$W_NODE" bash "$HERE/parity/chapter.sh" "$W_C1" "$W_C2" || return 1
	check "br0's IPv6 address" at node ip -6 addr add "${V6}1/64" dev br0 nodad || return 1
	for c in c1 c2; do
		check "$c's IPv6" at "$c" ip -6 addr add "${V6}$n/64" dev eth0 nodad &&
			check "$c's IPv6 default route" at "$c" ip -6 route add default via "${V6}1" || return 1
		n=$((n + 1))
	done
	outside || fail "cannot build the outside of the kernel world" || return 1
	check "IPv6 forwarding" at node sysctl -qw net.ipv6.conf.all.forwarding=1 || return 1
	if ! at node ip6tables -t nat -A POSTROUTING -s "$V6/64" ! -o br0 -j MASQUERADE 2>"$ROOT/ip6t"; then
		skip "needs ip6tables' MASQUERADE (CONFIG_IP6_NF_NAT or CONFIG_NFT_COMPAT): $(tail -1 "$ROOT/ip6t")"
		return $?
	fi
	settled || fail "the kernel world's addresses stay tentative: $(at c1 ip -6 addr)"
}

bpfbr_up() {
	use_world bpfbr
	outside || fail "cannot build the outside of the bpfbr world" || return 1
	check "net create" bpfbr net create demo --subnet 10.40.0.0/24 --subnet "$V6/64" \
		--uplink up0 --masquerade || return 1
	check "attach c1" bpfbr attach demo "$W_C1" --create-netns --ip 10.40.0.2 --ip "${V6}2" || return 1
	check "attach c2" bpfbr attach demo "$W_C2" --create-netns --ip 10.40.0.3 --ip "${V6}3" || return 1
	use_world bpfbr
	settled || fail "the bpfbr world's addresses stay tentative: $(at c1 ip -6 addr)"
}

mac_of() { at "$1" ip -j link show dev "$2" | jq -r '.[0].address'; }
# ll_of WHO DEV: DEV's link-local address.
ll_of() { at "$1" ip -6 -j addr show dev "$2" scope link | jq -r '[.[0].addr_info[] | select(.local)][0].local // "none"'; }

# normalise: MACs and link-local addresses become whose they are, the gateway device GWDEV.
normalise() {
	local c1mac c2mac gwmac c1ll c2ll gwll
	c1mac=$(mac_of c1 eth0) c2mac=$(mac_of c2 eth0) gwmac=$(mac_of node "$W_GW")
	c1ll=$(ll_of c1 eth0) c2ll=$(ll_of c2 eth0) gwll=$(ll_of node "$W_GW")
	sed -E -e "s/$c1mac/<c1-mac>/gI; s/$c2mac/<c2-mac>/gI; s/$gwmac/<gateway-mac>/gI" \
		-e "s/$c1ll/<c1-ll>/g; s/$c2ll/<c2-ll>/g; s/$gwll/<gateway-ll>/g" \
		-e 's/([0-9a-f]{2}:){5}[0-9a-f]{2}/<other-mac>/gI' -e "s/\\b$W_GW\\b/GWDEV/g" \
		-e 's/time=[0-9.]+ ms/time=T/g'
}

compare() {
	local aspect=$1 w rc
	kernel_up
	rc=$?
	[ $rc = 0 ] || return $rc
	bpfbr_up || return 1
	for w in kernel bpfbr; do
		use_world "$w"
		"observe_$aspect" >"$ROOT/$w.raw" 2>&1
		normalise <"$ROOT/$w.raw" >"$ROOT/$w.obs"
	done
	[ -s "$ROOT/kernel.obs" ] || fail "no $aspect observed" || return 1
	if [ -n "${PARITY_SHOW:-}" ]; then
		for w in kernel bpfbr; do
			echo "  --- $aspect, $w:" >&2
			sed 's/^/  | /' "$ROOT/$w.obs" >&2
		done
	fi
	if ! diff -u --label "kernel bridge + ip6tables" --label bpfbr \
		"$ROOT/kernel.obs" "$ROOT/bpfbr.obs" >"$ROOT/diff"; then
		echo "  --- $aspect: what the containers and ext observe differs:" >&2
		sed 's/^/  | /' "$ROOT/diff" >&2
		fail "$aspect differ: $(grep -E '^[-+][^-+]' "$ROOT/diff" | head -4 | tr '\n' ';')"
		return 1
	fi
	reference_ok "$aspect" "$ROOT/kernel.obs"
}

# reference_ok ASPECT FILE: lines the kernel world must show (two equally broken worlds fail).
reference_ok() {
	local line
	while IFS= read -r line; do
		[ -n "$line" ] || continue
		grep -qxF -- "$line" "$2" && continue
		sed 's/^/  | /' "$2" >&2
		fail "the kernel reference lacks '$line' ($1): is the environment broken?"
		return 1
	done <<<"$(reference_"$1" 2>/dev/null)"
}

# The container's IPv6 addresses (with their flags), routes, and the gateway's neighbour entry.
observe_addresses() {
	echo "c1 addresses:"
	at c1 ip -6 -j addr show dev eth0 |
		jq -r '.[0].addr_info[] | "  \(.local)/\(.prefixlen) scope \(.scope)\(if .tentative then " tentative" else "" end)\(if .nodad then " nodad" else "" end)"' |
		sort
	echo "c1 routes:"
	at c1 ip -6 route show | sed -E 's/ +$//; s/^/  /' | sort
	at c1 ping -6 -c1 -W2 -w4 "${V6}1" >/dev/null 2>&1
	at c1 ping -6 -c1 -W2 -w4 "${V6}3" >/dev/null 2>&1
	echo "c1 neighbours:"
	at c1 ip -6 -j neigh show dev eth0 |
		jq -r '.[] | select(.dst | startswith("fe80:") | not) | "  \(.dst) \(.lladdr // "-")\(if has("router") then " router" else "" end)"' |
		sort
}
reference_addresses() {
	echo "  ${V6}2/64 scope global nodad"
	echo "  default via ${V6}1 dev eth0 metric 1024 pref medium"
	echo "  ${V6}1 <gateway-mac> router"
	echo "  ${V6}3 <c2-mac>"
}

# hlim WHO FILTER CMD…: the hop limit of the first packet matching FILTER that
# arrives at WHO's eth0 while CMD (in c1) runs, or "nothing".
hlim() {
	local who=$1 filter=$2 pid h src
	shift 2
	: >"$ROOT/hl" # now, not when the child gets to it
	at "$who" timeout 15 tcpdump -l --immediate-mode -n -v -i eth0 -Q in "$filter" >"$ROOT/hl" 2>&1 &
	pid=$!
	for _ in $(seq 100); do grep -q "listening on" "$ROOT/hl" && break; sleep 0.1; done
	at c1 "$@" >/dev/null 2>&1
	for _ in $(seq 30); do grep -q "hlim" "$ROOT/hl" && break; sleep 0.1; done
	kill "$pid" 2>/dev/null
	wait "$pid" 2>/dev/null
	h=$(grep -m1 -o "hlim [0-9]*" "$ROOT/hl")
	# "… payload length: N) SRC > DST: …"; a port (UDP) goes: MASQUERADE may change it.
	src=$(grep -m1 -oE "\) [0-9a-f:.]+ > " "$ROOT/hl" | sed -E 's/^\) //; s/ > $//; s/\.[0-9]+$//')
	[ -n "$h" ] && echo "$h from $src" || echo "nothing"
}

# pingr ADDR: c1's echo request to ADDR, classified: reply with the hop limit, or none.
pingr() {
	local out
	out=$(at c1 ping -6 -c1 -W2 -w4 "$1" 2>&1)
	if grep -q "bytes from" <<<"$out"; then
		echo "reply $(grep -o 'ttl=[0-9]*' <<<"$out" | head -1)"
	else
		echo "no reply"
	fi
}

# Reachability and hop limits both ways; the source ext sees.
observe_travel() {
	echo "c1 -> gateway: $(pingr "${V6}1")"
	echo "c1 -> c2: $(pingr "${V6}3")"
	echo "c1 -> the node's uplink address: $(pingr "$UP6")"
	echo "c1 -> router: $(pingr "$R1")"
	echo "c1 -> ext: $(pingr "$EXT6")"
	echo "at c2, c1's echo request: $(hlim c2 "icmp6 and ip6[40] == 128" ping -6 -c1 -W2 "${V6}3")"
	echo "at ext, c1's echo request: $(hlim ext "icmp6 and ip6[40] == 128" ping -6 -c1 -W2 "$EXT6")"
	echo "at ext, c1's UDP: $(hlim ext "udp and port 7040" sh -c "echo x | timeout 3 socat -u - UDP6:[$EXT6]:7040")"
}
reference_travel() {
	echo "c1 -> c2: reply ttl=64"
	echo "c1 -> ext: reply ttl=62"
	echo "at ext, c1's echo request: hlim 62 from $UP6"
	echo "at ext, c1's UDP: hlim 62 from $UP6"
}

# traceroute6's hops from c1 to ext: UDP (its default) and ICMPv6 probes.
observe_traceroute() {
	local mode
	for mode in -U -I; do
		echo "traceroute6 $mode: $(at c1 timeout 20 traceroute6 $mode -n -q1 -w2 -m5 "$EXT6" 2>&1 |
			awk 'NR > 1 { printf "%s ", $2 }')"
	done
}
reference_traceroute() {
	echo "traceroute6 -U: ${V6}1 $R0 $EXT6 "
	echo "traceroute6 -I: ${V6}1 $R0 $EXT6 "
}

test_same_addresses_routes_and_neighbours() { compare addresses; }
test_same_reachability_hop_limits_and_source() { compare travel; }
test_same_traceroute6() { compare traceroute; }

run_tests "$@"
