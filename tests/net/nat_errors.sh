#!/usr/bin/env bash
# modes: tc
# Bad masquerade input: every refusal is one stderr line that names the object
# and the fix, a non-zero exit status, and nothing half-built left behind: the
# node's links, addresses, routes and sysctls, pins, state files, and what is
# attached to the uplink up0 (tc filters, TCX links) are as before.
. "$(dirname "$0")/lib.sh"

PEER=$(cd "$(dirname "$0")" && pwd)/tools/natpeer.py
PY=${PYTHON:-/usr/bin/python3}

# uplink [ADDR]: up0 in the node, its peer in ext; with ADDR (default
# 198.51.100.1/24) unless ADDR is "none".
uplink() {
	ip netns add "$(ct ext)" || return 1
	own_ns "$(ct ext)"
	ip link add up0 netns "$NODE" type veth peer name eth0 netns "$(ct ext)" || return 1
	node ip link set up0 up && on ext ip link set eth0 up || return 1
	on ext ip addr add "$EXT_IP/24" dev eth0 || return 1
	[ "${1:-}" = none ] || node ip addr add "${1:-$UP_IP/24}" dev up0
}

# snapshot: everything a refused command must leave as it was. The node's
# part runs as one shell in the node namespace (process starts are slow).
snapshot() {
	node env PY="$PY" PEER="$PEER" sh -c '
		echo "## node links"
		# 2>/dev/null: ip resolves peer namespaces by name, and may find one
		# of another run being deleted ("Peer netns reference is invalid").
		ip -o link show 2>/dev/null | awk -F": " "{ sub(/@.*/, \"\", \$2); print \$1 \": \" \$2 }"
		echo "## node addresses and routes"
		ip -o addr show | awk "{ print \$2, \$3, \$4 }"
		ip -4 route show table all
		echo "## node sysctls"
		cd /proc/sys/net/ipv4 && grep -H . ip_forward ip_local_port_range conf/*/forwarding \
			conf/*/rp_filter conf/*/accept_local conf/*/proxy_arp conf/*/send_redirects | sort
		if ip link show up0 >/dev/null 2>&1; then
			echo "## attached to up0: tc ingress, tc egress, TCX, XDP"
			tc filter show dev up0 ingress
			tc filter show dev up0 egress
			"$PY" "$PEER" tcx up0
			ip -j link show dev up0 | jq -c ".[0].xdp // \"no xdp\""
		fi'
	echo "## pins (the empty base directory bpfbr/ left out)"
	[ -d "$ROOT/sys/fs/bpf/bpfbr" ] && (cd "$ROOT/sys/fs/bpf" && find bpfbr -mindepth 1 | sort)
	echo "## state files"
	[ -d "$ROOT/var/lib/bpfbr" ] &&
		(cd "$ROOT" && find var/lib/bpfbr -type f -exec sha256sum {} + | sort -k2)
	echo "## networks"
	bpfbr -j net list 2>&1
}

# rejects WHAT 'WORD|WORD…' CMD…: CMD must exit non-zero, print nothing on
# stdout and exactly one line on stderr that holds every WORD (case does not
# matter), and leave the snapshot unchanged. In a loop of refusals, SNAP may
# hold the snapshot from before the loop (snapshots are slow).
SNAP=""
rejects() {
	local what=$1 words=$2 before after rc err w
	local -a ws
	shift 2
	before=${SNAP:-$(snapshot)}
	"$@" >"$ROOT/.stdout" 2>"$ROOT/.stderr"
	rc=$?
	after=$(snapshot)
	err=$(cat "$ROOT/.stderr")
	[ "$rc" -ne 0 ] || fail "$what: '$*' exited 0 (stderr: $err)" || return 1
	[ "$(awk 'END { print NR }' "$ROOT/.stderr")" = 1 ] ||
		fail "$what: '$*' printed $(awk 'END { print NR }' "$ROOT/.stderr") lines on stderr, expected one: $err" ||
		return 1
	[ ! -s "$ROOT/.stdout" ] || fail "$what: '$*' printed on stdout: $(head -c 200 "$ROOT/.stdout")" ||
		return 1
	IFS='|' read -ra ws <<<"$words"
	for w in "${ws[@]}"; do
		grep -qiF -- "$w" "$ROOT/.stderr" ||
			fail "$what: the message does not say '$w': $err" || return 1
	done
	[ "$before" = "$after" ] ||
		fail "$what: '$*' left changes behind: $(diff <(echo "$before") <(echo "$after") | grep '^[<>]' | tr '\n' ' ')" ||
		return 1
}

# create ARGS…: bpfbr net create demo on 10.40.0.0/24 with ARGS.
create() { bpfbr net create demo --subnet 10.40.0.0/24 "$@"; }

test_uplink_missing() {
	rejects "uplink that does not exist" "nosuch0|does not exist|uplink" \
		create --uplink nosuch0 --masquerade || return 1
	# With another uplink present, the missing one is still refused.
	uplink || return 1
	rejects "uplink that does not exist, up0 present" "nosuch0|does not exist" \
		create --uplink nosuch0 --masquerade || return 1
}

test_uplink_without_ipv4_address() {
	uplink none || return 1
	node ip addr add 2001:db8::1/64 dev up0 nodad || return 1
	rejects "uplink without an IPv4 address" "up0|IPv4 address|ip addr|another --uplink" \
		create --uplink up0 --masquerade || return 1
}

test_nat_ports_overlap_node_ephemeral_range() {
	local r
	uplink || return 1
	node sysctl -qw net.ipv4.ip_local_port_range="40000 50000" || return 1
	SNAP=$(snapshot)
	for r in 45000-46000 30000-40000 50000-60000 1024-65535 40000-50000; do
		rejects "--nat-ports $r overlapping 40000-50000" \
			"--nat-ports $r|40000-50000|ip_local_port_range|50001-65535" \
			create --uplink up0 --masquerade --nat-ports "$r" || return 1
	done
	SNAP=""
	# Next to the range on either side is fine, and shown as configured.
	check "--nat-ports 50001-65535" create --uplink up0 --masquerade --nat-ports 50001-65535 ||
		return 1
	[ "$(bpfbr -j status demo | jq -c '.[0].uplink | [.port_lo, .port_hi]')" = "[50001,65535]" ] ||
		fail "status shows ports $(bpfbr -j status demo | jq -c '.[0].uplink | [.port_lo, .port_hi]'), expected [50001,65535]" ||
		return 1
	check "net delete" bpfbr net delete demo || return 1
	check "--nat-ports 1024-39999" create --uplink up0 --masquerade --nat-ports 1024-39999 || return 1
}

test_no_ports_left_by_the_ephemeral_range() {
	uplink || return 1
	node sysctl -qw net.ipv4.ip_local_port_range="1024 65535" || return 1
	rejects "the ephemeral range takes every port" "1024-65535|--nat-ports" \
		create --uplink up0 --masquerade || return 1
}

test_default_nat_ports_above_ephemeral_range() {
	uplink || return 1
	node sysctl -qw net.ipv4.ip_local_port_range="20000 40000" || return 1
	check "net create" create --uplink up0 --masquerade || return 1
	[ "$(bpfbr -j status demo | jq -c '.[0].uplink | [.port_lo, .port_hi]')" = "[40001,65535]" ] ||
		fail "default ports $(bpfbr -j status demo | jq -c '.[0].uplink | [.port_lo, .port_hi]'), expected [40001,65535]" ||
		return 1
}

test_malformed_nat_ports() {
	local v
	uplink || return 1
	SNAP=$(snapshot)
	for v in 100 2000-1000 0-100 1000-70000 abc-def 1000- -5 61000-65535x "" 1-2-3 " 61000-62000" \
		61000--62000 0x100-0x200; do
		rejects "--nat-ports '$v'" "--nat-ports|\"$v\"|LO-HI" \
			create --uplink up0 --masquerade --nat-ports "$v" || return 1
	done
	SNAP=""
}

test_nat_max_zero_and_out_of_range() {
	local v
	uplink || return 1
	SNAP=$(snapshot)
	for v in 0 -1 abc 4194305 4294967296 "" 8x; do
		rejects "--nat-max '$v'" "--nat-max|\"$v\"|1 to 4194304" \
			create --uplink up0 --masquerade --nat-max "$v" || return 1
	done
	for v in 0 -1 abc ""; do
		rejects "--nat-share '$v'" "--nat-share|\"$v\"" \
			create --uplink up0 --masquerade --nat-share "$v" || return 1
	done
	SNAP=""
}

# The share is checked against the table only once the uplink's datapath is
# loaded and attached: the refusal must take it all back.
test_nat_share_larger_than_table() {
	uplink || return 1
	rejects "--nat-share 9 with --nat-max 8" "--nat-share 9|--nat-max 8|demo" \
		create --uplink up0 --masquerade --nat-max 8 --nat-share 9 || return 1
}

test_masquerade_without_uplink() {
	uplink || return 1
	rejects "--masquerade alone" "--masquerade|--uplink|demo" create --masquerade || return 1
}

# --uplink alone routes (tests/net/routed.sh); the NAT settings need --masquerade.
test_nat_settings_without_masquerade() {
	uplink || return 1
	rejects "--nat-max without --masquerade" "--nat-max|--masquerade" create --nat-max 8 || return 1
	rejects "--nat-ports without --masquerade" "--nat-ports|--masquerade" \
		create --nat-ports 61000-62000 || return 1
}

test_uplink_is_a_bpfbr_device() {
	uplink || return 1
	check "net create demo" create || return 1
	rejects "a gateway device as uplink" "bpfbr0|bpfbr|uplink" \
		bpfbr net create other --subnet 10.41.0.0/24 --uplink bpfbr0 --masquerade || return 1
	rejects "a gateway port as uplink" "bpfbr0-sw|bpfbr|uplink" \
		bpfbr net create other --subnet 10.41.0.0/24 --uplink bpfbr0-sw --masquerade || return 1
}

# Loopback leads nowhere: translating to 127.0.0.1 cannot be what was meant.
test_uplink_is_loopback() {
	uplink || return 1
	rejects "lo as uplink" "lo|loopback|uplink" create --uplink lo --masquerade || return 1
}

# A second network on the same uplink must agree with the first on the
# table; refusing it must not disturb the first network's masquerade.
test_second_network_conflicting_table_options() {
	uplink || return 1
	check "net create demo" create --uplink up0 --masquerade --nat-max 64 --nat-ports 61000-62000 ||
		return 1
	check "attach c1" bpfbr attach demo "$(ct c1)" --create-netns --ip 10.40.0.2 || return 1
	ping_ok c1 "$EXT_IP" || fail "c1 cannot ping $EXT_IP" || return 1
	rejects "other with --nat-max 128" "up0|--nat-max 64|--nat-max" \
		bpfbr net create other --subnet 10.41.0.0/24 --uplink up0 --masquerade --nat-max 128 ||
		return 1
	rejects "other with --nat-ports 62000-63000" "up0|61000-62000|--nat-ports" \
		bpfbr net create other --subnet 10.41.0.0/24 --uplink up0 --masquerade \
		--nat-ports 62000-63000 || return 1
	ping_ok c1 "$EXT_IP" || fail "c1 lost $EXT_IP after another network was refused" || return 1
	[ "$(bpfbr -j nat show demo | jq -r '.[] | select(.proto == "icmp") | .inside_addr' | sort -u)" = 10.40.0.2 ] ||
		fail "c1's translation is gone: $(bpfbr nat show demo)" || return 1
}

run_tests "$@"
