#!/usr/bin/env bash
# The chapter's two-container network, built by bpfbr inside a sandbox.
#   scripts/demo.sh           bring it up, show it working, tear it down
#   scripts/demo.sh --keep    leave it up (then explore, see below)
#   scripts/demo.sh --down    remove a demo left up with --keep
# Everything lives in namespaces the demo creates (demo-node plays the host,
# demo-c1/demo-c2 are the containers, demo-ext is a host out on TEST-NET-2
# behind the node's uplink) and under /run/bpfbr-demo (pins and state): the
# machine's own interfaces, routes and firewall are not touched.
set -euo pipefail
cd "$(dirname "$0")/.."

# DEMO_PREFIX and DEMO_ROOT rename the namespaces and move the root (the
# test of the demo, tests/net/demo.sh, runs one beside a user's).
PREFIX=${DEMO_PREFIX:-demo}
NODE=$PREFIX-node
C1=$PREFIX-c1
C2=$PREFIX-c2
EXT=$PREFIX-ext
ROOT=${DEMO_ROOT:-/run/bpfbr-demo}
BIN=${BPFBR_BIN:-$PWD/build/bpfbr}

bpfbr() { nsenter --net="/run/netns/$NODE" "$BIN" --root "$ROOT" "$@"; }
say() { printf '\n\033[1m$ %s\033[0m\n' "$*"; }
run() { say "$*"; "$@"; }

down() {
	local n
	for n in "$C1" "$C2" "$EXT" "$NODE"; do ip netns del "$n" 2>/dev/null || true; done
	umount "$ROOT/sys/fs/bpf" 2>/dev/null || true
	rm -rf "$ROOT"
}

up() {
	if [ -e "/run/netns/$NODE" ] || [ -e "$ROOT" ]; then
		echo "demo: a demo is already up; remove it with: scripts/demo.sh --down" >&2
		exit 1
	fi
	mkdir -p "$ROOT/sys/fs/bpf"
	mount -t bpf bpf "$ROOT/sys/fs/bpf"
	ip netns add "$NODE"
	ip -n "$NODE" link set lo up
	# The node's uplink up0 (198.51.100.1) leads to an external host (198.51.100.2).
	ip netns add "$EXT"
	ip -n "$NODE" link add up0 type veth peer name eth0 netns "$EXT"
	ip -n "$NODE" addr add 198.51.100.1/24 dev up0
	ip -n "$NODE" link set up0 up
	ip -n "$EXT" addr add 198.51.100.2/24 dev eth0
	ip -n "$EXT" link set eth0 up
	ip -n "$EXT" link set lo up
	echo "demo: node namespace $NODE plays the host; bpfbr runs inside it with --root $ROOT"
	echo "demo: $EXT is an external host (198.51.100.2) behind the node's uplink up0"
	run bpfbr net create demo --subnet 10.40.0.0/24 --gateway 10.40.0.1 --uplink up0 --masquerade
	run bpfbr attach demo "$C1" --create-netns --ip 10.40.0.2
	run bpfbr attach demo "$C2" --create-netns --ip 10.40.0.3
}

show() {
	run ip -n "$C1" -4 addr show dev eth0
	run ip -n "$C1" route
	run ip netns exec "$C1" ping -c2 -W2 10.40.0.3
	run ip netns exec "$C1" ping -c2 -W2 10.40.0.1
	run ip netns exec "$NODE" ping -c1 -W2 10.40.0.2
	say "ip netns exec $C1 ping -c2 198.51.100.2   # masqueraded: $EXT sees the uplink address"
	ip netns exec "$EXT" timeout 5 tcpdump -lni eth0 -c2 'icmp[icmptype] = icmp-echo' 2>/dev/null &
	local dump=$!
	sleep 1
	ip netns exec "$C1" ping -c2 -W2 198.51.100.2
	wait "$dump" || true
	run bpfbr nat show demo
	say "firewall rules in $NODE (iptables-save, nft list ruleset): none expected"
	echo "iptables rules: $(ip netns exec "$NODE" iptables-save | grep -c '^-A')," \
		"nftables ruleset lines: $(ip netns exec "$NODE" nft list ruleset | wc -l)"
	say "ip -n $NODE -o link show type bridge   # no bridge anywhere"
	ip -n "$NODE" -o link show type bridge
	run bpfbr fdb show demo
	run bpfbr status demo
	say "bpftool map dump pinned $ROOT/sys/fs/bpf/bpfbr/demo/fdb"
	# The whole table (a few entries): cut short, bpftool would die of SIGPIPE.
	bpftool map dump pinned "$ROOT/sys/fs/bpf/bpfbr/demo/fdb"
}

case "${1:-}" in
--down) down; echo "demo: removed"; exit 0 ;;
--keep) keep=1 ;;
"") keep=0 ;;
*) echo "usage: $0 [--keep|--down]" >&2; exit 2 ;;
esac
[ "$(id -u)" = 0 ] || { echo "demo: run as root (it creates network namespaces)" >&2; exit 1; }
[ -x "$BIN" ] || { echo "demo: $BIN is missing; run make first" >&2; exit 1; }

if [ "$keep" = 0 ]; then trap down EXIT; fi
up
show
if [ "$keep" = 1 ]; then
	cat <<EOT

The demo is still up. Try:
  ip netns exec $C1 ping 10.40.0.3
  nsenter --net=/run/netns/$NODE $BIN --root $ROOT status
Remove it with: scripts/demo.sh --down   (or: make demo-down)
EOT
else
	printf '\ndemo: tearing down (keep it with: make demo DEMO_ARGS=--keep)\n'
fi
