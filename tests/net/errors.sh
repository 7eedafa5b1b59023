#!/usr/bin/env bash
# modes: tc
# Bad input: every refusal is one stderr line that names the object and the
# fix, a non-zero exit status, and nothing half-built left behind.
. "$(dirname "$0")/lib.sh"

# snapshot: everything a refused command must leave as it was: the node's
# links, addresses and routes, the pins, the state files (checksummed), this
# run's namespaces with their links, addresses and routes, and what the
# datapath holds (ports, flood list, forwarding table).
snapshot() {
	local n
	echo "## node links"
	node ip -o link show | awk -F': ' '{ sub(/@.*/, "", $2); print $1 ": " $2 }'
	echo "## node addresses and routes"
	node ip -o -4 addr show | awk '{ print $2, $4 }'
	node ip -4 route show table all
	echo "## pins"
	[ -d "$ROOT/sys/fs/bpf/bpfbr" ] && (cd "$ROOT/sys/fs/bpf" && find bpfbr | sort)
	echo "## state files"
	[ -d "$ROOT/var/lib/bpfbr" ] &&
		(cd "$ROOT" && find var/lib/bpfbr -type f -exec sha256sum {} + | sort -k2)
	echo "## namespaces of this run"
	for n in $(ip netns list | awk '{ print $1 }' | grep "^$PREFIX-" | sort); do
		[ "$n" = "$NODE" ] && continue
		echo "# $n"
		ip -n "$n" -o link show | awk -F': ' '{ sub(/@.*/, "", $2); print $1 ": " $2 }'
		# lo is left out: an attach brings it up first, and rolling that back
		# would only take it down again.
		ip -n "$n" -o -4 addr show | awk '$2 != "lo" { print $2, $4 }'
		ip -n "$n" -4 route show
	done
	echo "## datapath"
	if [ -n "$(ls "$ROOT/var/lib/bpfbr/networks" 2>/dev/null)" ]; then
		bpfbr -j status 2>&1 | jq -c '.[] | {name, maps: [.maps[] | {name, entries}],
			ports: [.ports[] | {slot, port, ifindex, ip, mac, attached: .hook.attached}]}'
		bpfbr -j fdb show 2>&1 | jq -c 'map({network, mac, dev, ifindex, state}) | sort_by(.mac)'
	fi
}

# rejects WHAT 'WORD|WORD…' CMD…: CMD must exit non-zero, print nothing on
# stdout and exactly one line on stderr that holds every WORD (case does not
# matter), and leave the snapshot unchanged.
rejects() {
	local what=$1 words=$2 before after rc err w
	local -a ws
	shift 2
	before=$(snapshot)
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

# A network to attach to: demo, 10.40.0.0/24.
mknet() { check "net create demo" bpfbr net create demo --subnet 10.40.0.0/24; }

# The datapath's own view, counters left out: ports, maps and fdb.
dp_view() {
	bpfbr -j status demo | jq -S 'map(del(.drops, .events) | .ports |= map(del(.stats)))'
	bpfbr -j fdb show demo | jq -S 'map(del(.age_s, .expired)) | sort_by(.mac)'
}

test_bad_cidr_forms() {
	local v
	for v in 10.40.0.0 10.40.0/24 300.1.1.0/24 10.40.0.0/ 10.40.0.0/-1 10.40.0.0/x abc /24 \
		"10.40.0.0/24 " ""; do
		rejects "subnet '$v'" "\"$v\"|CIDR|such as 10.40.0.0/24" \
			bpfbr net create demo --subnet "$v" || return 1
	done
	rejects "no subnet" "demo|--subnet|10.40.0.0/24" bpfbr net create demo || return 1
}

test_subnet_with_host_bits() {
	rejects "subnet with host bits" "10.50.0.1/24|host bits|use 10.50.0.0/24" \
		bpfbr net create demo --subnet 10.50.0.1/24 || return 1
	rejects "subnet with host bits, /16" "10.50.3.0/16|use 10.50.0.0/16" \
		bpfbr net create demo --subnet 10.50.3.0/16 || return 1
}

test_prefix_out_of_range() {
	local p
	for p in 0 7 31 32; do
		rejects "prefix /$p" "/$p|demo|prefix|/8|/30" \
			bpfbr net create demo --subnet "10.0.0.0/$p" || return 1
	done
	rejects "prefix /33" "10.0.0.0/33|CIDR" bpfbr net create demo --subnet 10.0.0.0/33 || return 1
}

test_gateway_outside_subnet_or_reserved() {
	local gw
	for gw in 10.51.0.1 10.50.0.0 10.50.0.255 192.168.1.1; do
		rejects "gateway $gw" "gateway $gw|demo|10.50.0.0/24|omit --gateway" \
			bpfbr net create demo --subnet 10.50.0.0/24 --gateway "$gw" || return 1
	done
	rejects "gateway not an address" "--gateway|\"10.50.0\"|IPv4" \
		bpfbr net create demo --subnet 10.50.0.0/24 --gateway 10.50.0 || return 1
}

test_mtu_out_of_range() {
	local m
	for m in 0 67 65536 4294967296 -1 abc 1500x; do
		rejects "mtu '$m'" "--mtu|\"$m\"|68|65535" \
			bpfbr net create demo --subnet 10.40.0.0/24 --mtu "$m" || return 1
	done
}

test_interface_name_over_15_bytes() {
	mknet || return 1
	rejects "16-byte --ifname" "abcdefghijklmnop|15 bytes" \
		bpfbr attach demo "$(ct c1)" --create-netns --ifname abcdefghijklmnop || return 1
	rejects "--ifname with a slash" "a/b|interface name" \
		bpfbr attach demo "$(ct c1)" --create-netns --ifname a/b || return 1
	# 15 bytes is the kernel's limit and must work.
	check "15-byte --ifname" bpfbr attach demo "$(ct c1)" --create-netns --ifname abcdefghijklmno || return 1
	on c1 ip link show abcdefghijklmno >/dev/null 2>&1 || fail "c1 has no abcdefghijklmno" || return 1
}

test_invalid_network_names() {
	local long name
	long=$(printf 'a%.0s' {1..64})
	for name in ../x / "$long" .hidden "a b" ""; do
		rejects "net create '$name'" "\"$name\"|invalid|letters, digits" \
			bpfbr net create "$name" --subnet 10.40.0.0/24 || return 1
	done
	mknet || return 1
	for name in ../x / "$long"; do
		rejects "attach to '$name'" "\"$name\"|invalid" \
			bpfbr attach "$name" "$(ct c1)" --create-netns || return 1
		rejects "status of '$name'" "\"$name\"|invalid" bpfbr status "$name" || return 1
		rejects "net delete '$name'" "\"$name\"|invalid" bpfbr net delete "$name" || return 1
	done
	# 63 bytes is the documented limit and must work.
	check "63-byte name" bpfbr net create "${long:1}" --subnet 10.41.0.0/24 || return 1
}

test_unknown_network() {
	ip netns add "$(ct ext)" || return 1
	rejects "attach" "nonet|does not exist|bpfbr net create nonet" \
		bpfbr attach nonet "$(ct c1)" --create-netns || return 1
	rejects "attach existing ns" "nonet|bpfbr net create nonet" \
		bpfbr attach nonet "$(ct ext)" || return 1
	rejects "detach" "nonet|bpfbr net create nonet" bpfbr detach nonet "$(ct ext)" || return 1
	rejects "net delete" "nonet|does not exist" bpfbr net delete nonet || return 1
	rejects "status" "nonet|bpfbr net create nonet" bpfbr status nonet || return 1
	rejects "fdb show" "nonet|bpfbr net create nonet" bpfbr fdb show nonet || return 1
	mknet || return 1
	rejects "attach, with another network present" "nonet|bpfbr net create nonet" \
		bpfbr attach nonet "$(ct ext)" || return 1
}

test_missing_namespace() {
	mknet || return 1
	rejects "attach a namespace that does not exist" \
		"$(ct c1)|not found|ip netns add $(ct c1)|--create-netns" \
		bpfbr attach demo "$(ct c1)" || return 1
	rejects "attach a path that does not exist" "$ROOT/nons|does not exist|/proc/PID/ns/net" \
		bpfbr attach demo "$ROOT/nons" || return 1
	[ ! -e "/run/netns/$(ct c1)" ] || fail "attach created /run/netns/$(ct c1)" || return 1
}

test_create_netns_on_existing_namespace() {
	mknet || return 1
	ip netns add "$(ct c1)" || return 1
	rejects "--create-netns on an existing namespace" \
		"$(ct c1)|already exists|drop --create-netns" \
		bpfbr attach demo "$(ct c1)" --create-netns || return 1
	[ -e "/run/netns/$(ct c1)" ] || fail "the refused attach deleted the user's namespace" || return 1
	rejects "--create-netns with a path" "/run/netns/$(ct c1)|name" \
		bpfbr attach demo "/run/netns/$(ct c1)" --create-netns || return 1
}

test_attach_same_namespace_twice() {
	mknet || return 1
	check "attach c1" bpfbr attach demo "$(ct c1)" --create-netns || return 1
	rejects "second attach by name" "$(ct c1)|already attached|bpfbr detach demo $(ct c1)" \
		bpfbr attach demo "$(ct c1)" || return 1
	rejects "second attach by path" "already attached|bpfbr detach demo" \
		bpfbr attach demo "/run/netns/$(ct c1)" || return 1
	rejects "second attach with another --ifname" "$(ct c1)|already attached|detach" \
		bpfbr attach demo "$(ct c1)" --ifname eth1 || return 1
	rejects "second attach with --create-netns" "$(ct c1)|already exists" \
		bpfbr attach demo "$(ct c1)" --create-netns || return 1
	[ -e "/run/netns/$(ct c1)" ] || fail "a refused attach deleted c1's namespace" || return 1
	ping_ok c1 10.40.0.1 || fail "c1 lost the gateway after the refused attaches" || return 1
}

test_address_refused() {
	local ip why
	mknet || return 1
	check "attach c1" bpfbr attach demo "$(ct c1)" --create-netns --ip 10.40.0.2 || return 1
	ip netns add "$(ct c2)" || return 1
	while read -r ip why; do
		rejects "--ip $ip" "$ip|$(ct c2)|demo|$why" bpfbr attach demo "$(ct c2)" --ip "$ip" ||
			return 1
	done <<-EOF
		10.40.0.2 already assigned
		10.41.0.2 outside the subnet
		10.40.0.1 gateway
		10.40.0.0 network address
		10.40.0.255 broadcast address
	EOF
	rejects "--ip not an address" "--ip|\"10.40.0.300\"|IPv4" \
		bpfbr attach demo "$(ct c2)" --ip 10.40.0.300 || return 1
	# A namespace made for the attach goes away with the refusal.
	rejects "--ip in use with --create-netns" "10.40.0.2|already assigned" \
		bpfbr attach demo "$(ct c3)" --create-netns --ip 10.40.0.2 || return 1
	[ ! -e "/run/netns/$(ct c3)" ] || fail "refused attach left namespace $(ct c3)" || return 1
}

test_mac_refused() {
	local mac1 gwmac m
	mknet || return 1
	check "attach c1" bpfbr attach demo "$(ct c1)" --create-netns || return 1
	ip netns add "$(ct c2)" || return 1
	mac1=$(on c1 cat /sys/class/net/eth0/address)
	gwmac=$(node ip -j link show bpfbr0 | jq -r '.[0].address')
	for m in 01:00:5e:00:00:01 33:33:00:00:00:01 ff:ff:ff:ff:ff:ff 00:00:00:00:00:00; do
		rejects "--mac $m" "MAC $m|demo|not a unicast address" \
			bpfbr attach demo "$(ct c2)" --mac "$m" || return 1
	done
	rejects "--mac of c1" "MAC $mac1|already in use" bpfbr attach demo "$(ct c2)" --mac "$mac1" ||
		return 1
	rejects "--mac of the gateway" "MAC $gwmac|already in use" \
		bpfbr attach demo "$(ct c2)" --mac "$gwmac" || return 1
	for m in zz 02:00:00:00:00 02:00:00:00:00:0g 02-00-00-00-00-01; do
		rejects "--mac '$m'" "--mac|\"$m\"|such as" bpfbr attach demo "$(ct c2)" --mac "$m" ||
			return 1
	done
}

test_detach_unknown_container() {
	mknet || return 1
	check "attach c1" bpfbr attach demo "$(ct c1)" --create-netns || return 1
	ip netns add "$(ct c2)" || return 1
	rejects "detach of a namespace never attached" "$(ct c2)|not attached|demo|bpfbr status demo" \
		bpfbr detach demo "$(ct c2)" || return 1
	rejects "detach of a namespace that does not exist" "$(ct gone)|not attached" \
		bpfbr detach demo "$(ct gone)" || return 1
	rejects "detach of an interface c1 does not have" "$(ct c1)|eth7|not attached" \
		bpfbr detach demo "$(ct c1)" --ifname eth7 || return 1
	check "detach c1" bpfbr detach demo "$(ct c1)" || return 1
	rejects "second detach" "$(ct c1)|not attached" bpfbr detach demo "$(ct c1)" || return 1
}

test_create_existing_network() {
	mknet || return 1
	rejects "same name, same subnet" "network demo already exists|bpfbr net delete demo" \
		bpfbr net create demo --subnet 10.40.0.0/24 || return 1
	rejects "same name, other subnet" "demo|already exists" \
		bpfbr net create demo --subnet 10.60.0.0/24 || return 1
}

test_overlapping_subnets() {
	local s
	mknet || return 1
	for s in 10.40.0.0/24 10.40.0.0/16 10.40.0.128/25 10.0.0.0/8; do
		rejects "subnet $s" "$s|other|overlaps|demo|10.40.0.0/24|disjoint" \
			bpfbr net create other --subnet "$s" || return 1
	done
	check "an adjacent subnet is fine" bpfbr net create other --subnet 10.40.1.0/24 || return 1
}

# Subnets no container network can use, and subnets on top of the node's own
# addresses or routes (which broke masquerade of every other network).
test_subnets_that_cannot_work() {
	local s
	ext_host || return 1
	check "a route of the node" node ip route add 10.77.0.0/16 dev up0 || return 1
	for s in 0.0.0.0/8 127.0.0.0/24 169.254.0.0/16 224.0.0.0/24 240.0.0.0/8 255.255.255.0/30; do
		rejects "reserved subnet $s" "$s|network x|lies in|choose a private subnet" \
			bpfbr net create x --subnet "$s" || return 1
	done
	rejects "the uplink's subnet" "198.51.100.0/24|network x|overlaps|198.51.100.1/24 on up0|disjoint" \
		bpfbr net create x --subnet 198.51.100.0/24 || return 1
	rejects "a subnet around the uplink's" "198.51.0.0/16|up0|overlaps" \
		bpfbr net create x --subnet 198.51.0.0/16 || return 1
	rejects "a subnet inside a node route" "10.77.3.0/24|route to 10.77.0.0/16 on up0|disjoint" \
		bpfbr net create x --subnet 10.77.3.0/24 || return 1
	# The default route is no conflict, and neither is a neighbouring subnet.
	check "default route" node ip route add default via $EXT_IP || return 1
	check "a subnet beside the node's" bpfbr net create x --subnet 10.78.0.0/24 || return 1
}

test_delete_with_containers_refused_then_force() {
	mknet || return 1
	ip netns add "$(ct ext)" || return 1
	check "attach c1" bpfbr attach demo "$(ct c1)" --create-netns || return 1
	check "attach ext" bpfbr attach demo "$(ct ext)" || return 1
	rejects "net delete with containers" "network demo|2 attached|detach|--force" \
		bpfbr net delete demo || return 1
	ping_ok c1 10.40.0.1 || fail "c1 lost the gateway after the refused delete" || return 1
	check "net delete --force" bpfbr net delete demo --force || return 1
	[ -z "$(node ip -o link show | grep -v ': lo:')" ] ||
		fail "links left in the node namespace: $(node ip -o link show | awk -F': ' '{print $2}' | tr '\n' ' ')" ||
		return 1
	[ ! -e "$ROOT/sys/fs/bpf/bpfbr/demo" ] || fail "pins left: $(find "$ROOT/sys/fs/bpf/bpfbr")" ||
		return 1
	[ -z "$(ls "$ROOT/var/lib/bpfbr/networks" 2>/dev/null)" ] ||
		fail "state left: $(ls "$ROOT/var/lib/bpfbr/networks")" || return 1
	[ ! -e "/run/netns/$(ct c1)" ] || fail "namespace made by --create-netns left" || return 1
	[ -e "/run/netns/$(ct ext)" ] || fail "--force deleted a namespace bpfbr did not create" || return 1
	[ -z "$(on ext ip -o link show type veth)" ] || fail "veth left in $(ct ext)" || return 1
	[ -z "$(bpfbr net list | tail -n +2)" ] || fail "net list still lists: $(bpfbr net list)" ||
		return 1
}

# as_nobody ARGS…: bpfbr run by an unprivileged user in the node namespace.
as_nobody() {
	node setpriv --reuid=nobody --regid=nogroup --clear-groups "$BPFBR_BIN" --root "$ROOT" "$@"
}

test_not_root() {
	rejects "net create as nobody" "needs root|run it as root" \
		as_nobody net create demo --subnet 10.40.0.0/24 || return 1
	mknet || return 1
	rejects "attach as nobody" "needs root|run it as root" \
		as_nobody attach demo "$(ct c1)" --create-netns || return 1
	rejects "net list as nobody" "needs root" as_nobody net list || return 1
	rejects "status as nobody" "needs root" as_nobody status || return 1
	rejects "net delete as nobody" "needs root" as_nobody net delete demo || return 1
}

# nobpf ARGS…: bpfbr with a root directory whose sys/fs/bpf is no bpffs.
nobpf() { node "$BPFBR_BIN" --root "$ROOT/nobpf" "$@"; }

test_bpffs_not_mounted() {
	local dir=$ROOT/nobpf/sys/fs/bpf
	mkdir -p "$dir" || return 1
	rejects "net create" "bpffs not mounted at $dir|mount -t bpf bpf $dir" \
		nobpf net create demo --subnet 10.40.0.0/24 || return 1
	rejects "attach" "bpffs not mounted|mount -t bpf" \
		nobpf attach demo "$(ct c1)" --create-netns || return 1
	rejects "net list" "bpffs not mounted|mount -t bpf" nobpf net list || return 1
	rejects "status" "bpffs not mounted|mount -t bpf" nobpf status || return 1
	[ -z "$(find "$ROOT/nobpf" -mindepth 1 ! -path "$ROOT/nobpf/sys" ! -path "$ROOT/nobpf/sys/fs" ! -path "$dir")" ] ||
		fail "files created under the unmounted root: $(find "$ROOT/nobpf" -mindepth 1 | tr '\n' ' ')" ||
		return 1
	# A root without even the directory: the same message.
	rejects "root without sys/fs/bpf" "bpffs not mounted at $ROOT/empty/sys/fs/bpf|mount -t bpf" \
		node "$BPFBR_BIN" --root "$ROOT/empty" net list || return 1
	[ ! -e "$ROOT/empty" ] || fail "bpfbr created $ROOT/empty" || return 1
}

test_unknown_command_and_option() {
	mknet || return 1
	rejects "unknown command" "\"frobnicate\"|unknown command|bpfbr --help" bpfbr frobnicate ||
		return 1
	rejects "unknown subcommand" "\"frob\"|unknown|bpfbr net --help" bpfbr net frob ||
		return 1
	rejects "unknown option" "--bogus|unknown option|bpfbr attach --help" \
		bpfbr attach demo "$(ct c1)" --create-netns --bogus || return 1
	rejects "option of another command" "--create-netns|unknown option|bpfbr net create --help" \
		bpfbr net create other --subnet 10.41.0.0/24 --create-netns || return 1
	rejects "flag given a value" "--create-netns|takes no value" \
		bpfbr attach demo "$(ct c1)" --create-netns=yes || return 1
	rejects "extra argument" "\"extra\"|unexpected argument|bpfbr attach --help" \
		bpfbr attach demo "$(ct c1)" extra --create-netns || return 1
	rejects "missing arguments" "bpfbr attach|NAME NETNS|usage" bpfbr attach demo || return 1
	rejects "net create without a name" "bpfbr net create|NAME" bpfbr net create || return 1
}

test_missing_option_value() {
	mknet || return 1
	rejects "--subnet" "--subnet|needs a value|CIDR" bpfbr net create other --subnet || return 1
	rejects "--mtu" "--mtu|needs a value" bpfbr net create other --subnet 10.41.0.0/24 --mtu ||
		return 1
	rejects "--ip" "--ip|needs a value" bpfbr attach demo "$(ct c1)" --create-netns --ip || return 1
	rejects "--ifname" "--ifname|needs a value" bpfbr attach demo "$(ct c1)" --create-netns --ifname ||
		return 1
	rejects "--root at the end" "--root|needs a directory" bpfbr net list --root || return 1
	rejects "--root alone" "--root|needs a directory" node "$BPFBR_BIN" --root || return 1
}

# The veth pair cannot be made: the container already has an eth0.
test_attach_with_eth0_taken_rolls_back() {
	local before
	mknet || return 1
	check "attach c1" bpfbr attach demo "$(ct c1)" --create-netns || return 1
	ip netns add "$(ct c2)" || return 1
	on c2 ip link add eth0 type veth peer name eth0p || return 1
	before=$(dp_view)
	rejects "attach with eth0 taken" "eth0|$(ct c2)|already exists|--ifname" \
		bpfbr attach demo "$(ct c2)" --ifname eth0 || return 1
	[ "$before" = "$(dp_view)" ] ||
		fail "datapath changed: $(diff <(echo "$before") <(dp_view) | grep '^[<>]' | tr '\n' ' ')" ||
		return 1
	[ "$(bpfbr -j status demo | jq '.[0].ports | length')" = 2 ] ||
		fail "status lists $(bpfbr -j status demo | jq '.[0].ports | length') ports, expected 2" ||
		return 1
	check "attach c2 with another --ifname" bpfbr attach demo "$(ct c2)" --ifname eth1 || return 1
	ping_ok c2 10.40.0.2 || fail "c2 (eth1) cannot ping c1 after the failed attach" || return 1
}

# A namespace with a default route of its own keeps it (as Docker does on a
# second network): no second one is added, and the attach succeeds. (The
# roll-back of an attach whose last step fails, which this once provoked, is
# in cni_errors.sh: a CNI ADD still refuses to replace a default route.)
test_attach_keeps_the_namespace_default_route() {
	mknet || return 1
	ip netns add "$(ct c2)" || return 1
	on c2 ip link add x0 type veth peer name x1 &&
		on c2 ip addr add 192.168.9.2/24 dev x0 &&
		on c2 ip link set x0 up &&
		on c2 ip route add default via 192.168.9.1 || return 1
	check "attach into a namespace with a default route" bpfbr attach demo "$(ct c2)" || return 1
	[ "$(on c2 ip route show default | wc -l)" = 1 ] &&
		on c2 ip route show default | grep -q "^default via 192.168.9.1 dev x0" ||
		fail "the container's default routes: $(on c2 ip route show default)" || return 1
	on c2 ip -4 -o addr show dev eth0 | grep -q "10.40.0.2/24" || fail "c2 has no address on eth0" || return 1
	ping_ok c2 10.40.0.1 || fail "c2 cannot ping the gateway" || return 1
	check "detach" bpfbr detach demo "$(ct c2)" || return 1
}

# net create fails after the gateway pair exists: its pin directory cannot be
# made (a pinned map sits where the bpfbr directory belongs).
test_net_create_failing_midway_rolls_back() {
	bpftool map create "$ROOT/sys/fs/bpf/bpfbr" type array key 4 value 4 entries 1 name blocker ||
		return 1
	rejects "net create with a blocked pin directory" "$ROOT/sys/fs/bpf/bpfbr" \
		bpfbr net create demo --subnet 10.40.0.0/24 || return 1
	rm -f "$ROOT/sys/fs/bpf/bpfbr"
	check "net create once the path is free" bpfbr net create demo --subnet 10.40.0.0/24 || return 1
	node ip link show bpfbr0 >/dev/null 2>&1 || fail "the retried network did not get bpfbr0" || return 1
}

# The node namespace is where the gateway lives; attaching it as a container
# would put the container address and a default route on the node itself.
test_attach_refuses_the_node_namespace() {
	mknet || return 1
	rejects "attach the node namespace" "/run/netns/$NODE|node" \
		bpfbr attach demo "/run/netns/$NODE" --ifname ctr0 || return 1
}

# A network belongs to the namespace it was made in while that one lives:
# from any other namespace, every command on it is refused, the network
# untouched; once that namespace is gone (a reboot), it is the loader's.
test_commands_from_another_namespace_refused() {
	mknet || return 1
	ns_new other || return 1
	ip netns exec "$(ct other)" ip link set lo up
	rejects "attach from another namespace" "network demo|another network namespace|nsenter" \
		ip netns exec "$(ct other)" "$BPFBR_BIN" --root "$ROOT" attach demo "$(ct c1)" \
		--create-netns || return 1
	rejects "net delete from another namespace" "network demo|another network namespace" \
		ip netns exec "$(ct other)" "$BPFBR_BIN" --root "$ROOT" net delete demo || return 1
	[ -z "$(ip -n "$(ct other)" -o link show | grep -v ': lo:')" ] ||
		fail "a device was made in the other namespace" || return 1
}

run_tests "$@"
