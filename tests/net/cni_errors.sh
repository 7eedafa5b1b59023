#!/usr/bin/env bash
# modes: tc
# The CNI plugin given bad input: every refusal is a CNI error on stdout with
# the spec's code (or bpfbr's 100+), a message naming what is wrong, exit
# status 1, and nothing built.
. "$(dirname "$0")/cni/lib.sh"

NET=podnet
SUBNET=10.40.0.0/24

# refused CODE WORDS... -- CONF: an ADD of c1 with CONF fails with CODE and WORDS.
refused() {
	local code=$1 words=() c
	shift
	while [ "$1" != -- ]; do words+=("$1"); shift; done
	c=$2
	cni ADD "$c" id1 c1 && { fail "accepted: $c"; return 1; }
	[ "$(wc -l <"$CNI_OUT")" -ge 1 ] && jq -e . "$CNI_OUT" >/dev/null ||
		{ fail "stdout is not JSON: $(out)"; return 1; }
	cni_error "$code" "${words[@]}" || { echo "  config: $c" >&2; return 1; }
}

# built_nothing: no network, no veth, nothing in the container.
built_nothing() {
	[ -z "$(ls "$ROOT/var/lib/bpfbr/networks" 2>/dev/null)" ] ||
		fail "a network was made: $(ls "$ROOT/var/lib/bpfbr/networks")" || return 1
	[ -z "$(node ip -o link show type veth)" ] || fail "veths in the node: $(node ip -o link show type veth)" ||
		return 1
	[ -z "$(on c1 ip -o link show type veth)" ] || fail "an interface was left in c1" || return 1
}

test_malformed_json() {
	new_ct c1 || return 1
	refused 6 "not valid JSON" "line 1" -- '{"cniVersion": "1.1.0", "name": ' || return 1
	refused 6 "not valid JSON" -- '' || return 1
	refused 6 "JSON object" -- '["cniVersion"]' || return 1
	refused 6 "duplicate" -- '{"name": "a", "name": "b"}' || return 1
	built_nothing || return 1
}

test_missing_fields() {
	new_ct c1 || return 1
	refused 1 cniVersion -- "$(conf $NET $SUBNET 'del(.cniVersion)')" || return 1
	refused 7 '"name"' -- "$(conf $NET $SUBNET 'del(.name)')" || return 1
	refused 7 '"type"' -- "$(conf $NET $SUBNET 'del(.type)')" || return 1
	refused 7 subnet ipam -- "$(conf $NET $SUBNET 'del(.subnet)')" || return 1
	refused 7 ipam type host-local -- "$(conf $NET $SUBNET 'del(.subnet) | .ipam = {subnet: "10.0.0.0/8"}')" ||
		return 1
	refused 7 dst "routes[0]" -- "$(conf $NET $SUBNET '.routes = [{gw: "10.40.0.1"}]')" || return 1
	built_nothing || return 1
}

test_wrong_types() {
	new_ct c1 || return 1
	refused 7 mtu integer '"1400"' -- "$(conf $NET $SUBNET '.mtu = "1400"')" || return 1
	refused 7 mtu 68 -- "$(conf $NET $SUBNET '.mtu = 20')" || return 1
	refused 7 ipMasq "true or false" -- "$(conf $NET $SUBNET '.ipMasq = "yes"')" || return 1
	refused 7 subnet string -- "$(conf $NET $SUBNET '.subnet = 24')" || return 1
	refused 7 name string -- "$(conf $NET $SUBNET '.name = ["a"]')" || return 1
	refused 7 dns.nameservers -- "$(conf $NET $SUBNET '.dns = {nameservers: "10.0.0.1"}')" || return 1
	refused 7 dns.nameservers "IP address" -- \
		"$(conf $NET $SUBNET '.dns = {nameservers: ["10.0.0.1\nnameserver 6.6.6.6"]}')" || return 1
	refused 7 runtimeConfig.mac "MAC" -- "$(conf $NET $SUBNET '.runtimeConfig = {mac: "zz"}')" || return 1
	refused 7 prevResult object -- "$(conf $NET $SUBNET '.prevResult = 1')" || return 1
	refused 7 datapath '"ebpf"' -- "$(conf $NET $SUBNET '.datapath = "ebpf"')" || return 1
	refused 7 name "letters" -- "$(conf "../etc" $SUBNET)" || return 1
	refused 7 ipam.type "/" -- "$(conf $NET $SUBNET 'del(.subnet) | .ipam = {type: "../../bin/sh"}')" ||
		return 1
	built_nothing || return 1
}

test_bad_cidrs_and_addresses() {
	local v
	new_ct c1 || return 1
	for v in 10.40.0.0/33 10.40.0/24 300.1.1.0/24 abc "" fd00::/64; do
		refused 7 subnet "\"$v\"" CIDR -- "$(conf $NET "$v")" || return 1
	done
	refused 7 "host bits" "use 10.40.0.0/24" -- "$(conf $NET 10.40.0.7/24)" || return 1
	refused 7 "prefix between" -- "$(conf $NET 10.40.0.0/31)" || return 1
	refused 7 gateway 10.41.0.1 "not a host address" -- "$(conf $NET $SUBNET '.gateway = "10.41.0.1"')" || return 1
	refused 7 gateway "IPv4" -- "$(conf $NET $SUBNET '.gateway = "10.40.0.x"')" || return 1
	refused 7 "range" "10.40.1.5" -- "$(conf $NET $SUBNET '.rangeStart = "10.40.1.5"')" || return 1
	refused 7 "range" "start <= end" -- \
		"$(conf $NET $SUBNET '.rangeStart = "10.40.0.50" | .rangeEnd = "10.40.0.40"')" || return 1
	refused 7 "routes[0].dst" "host bits" -- "$(conf $NET $SUBNET '.routes = [{dst: "192.0.2.1/24"}]')" ||
		return 1
	refused 7 "192.0.2.1" "not in the network's subnet" -- \
		"$(conf $NET $SUBNET '.routes = [{dst: "198.51.100.0/24", gw: "192.0.2.1"}]')" || return 1
	built_nothing || return 1
}

# Subnets that cannot work are invalid configs (code 7): a reserved range, the
# node's own addresses and routes, another bpfbr network's subnet.
test_subnets_that_cannot_work() {
	new_ct c1 || return 1
	ext_host || return 1
	refused 7 "127.0.0.0/8" "private subnet" -- "$(conf $NET 127.0.0.0/24)" || return 1
	refused 7 "224.0.0.0/4" -- "$(conf $NET 224.0.0.0/24)" || return 1
	refused 7 "198.51.100.1/24 on up0" "overlaps" -- "$(conf $NET 198.51.100.0/24)" || return 1
	[ -z "$(ls "$ROOT/var/lib/bpfbr/networks" 2>/dev/null)$(node_veths)" ] ||
		fail "something was built: $(ls "$ROOT/var/lib/bpfbr/networks") $(node_veths)" || return 1
	check "net create" bpfbr net create other --subnet 10.50.0.0/24 || return 1
	refused 7 "overlaps network other" -- "$(conf $NET 10.50.0.0/16)" || return 1
	[ "$(ls "$ROOT/var/lib/bpfbr/networks")" = other.json ] || fail "a network was made" || return 1
}

# A later ADD must agree with the network on every setting the README
# lists; each difference is refused with 101 naming the setting.
test_every_setting_must_agree() {
	local c key other otherdev
	ext_host || return 1
	c=$(conf $NET $SUBNET)
	new_ct c1 c2 || return 1
	cni_add "$c" id1 c1 || return 1
	other=$([ "${BPFBR_TEST_MODE:-tc}" = tc ] && echo xdp || echo tc)
	otherdev=$([ "$(state $NET | jq -r .device)" = veth ] && echo netkit || echo veth)
	while IFS='%' read -r key filter; do
		cni ADD "$(jq -c "$filter" <<<"$c")" id2 c2 && fail "ADD with another $key joined the network" ||
			cni_error 101 "$key" || return 1
	done <<EOF_SETTINGS
subnet%.subnet = "10.40.0.0/25"
gateway%.gateway = "10.40.0.254"
address range%.rangeStart = "10.40.0.100"
ipMasq%.ipMasq = true | .uplink = "up0"
mtu%.mtu = 1400
hairpinMode%.hairpinMode = true
macspoofchk%.macspoofchk = false
datapath%.datapath = "$other"
device%.device = "$otherdev"
gatewayAllow%.gatewayAllow = ["tcp/80"]
EOF_SETTINGS
	[ -z "$(on c2 ip -o link show type veth)" ] || fail "a refused ADD left eth0 in c2" || return 1
}

test_exhausted_range() {
	local c
	c=$(conf $NET $SUBNET '.rangeStart = "10.40.0.10" | .rangeEnd = "10.40.0.11"')
	new_ct c1 c2 c3 || return 1
	cni_add "$c" idA c2 || return 1
	cni_add "$c" idB c3 || return 1
	refused 102 "no free address" "10.40.0.10-10.40.0.11" -- "$c" || return 1
	[ "$(state $NET | jq '.attachments | length')" = 2 ] || fail "reservations: $(state $NET)" || return 1
	[ "$(node_veths | wc -l)" = 2 ] || fail "veths: $(node_veths | tr '\n' ' ')" || return 1
	[ -z "$(on c1 ip -o link show type veth)" ] || fail "eth0 left in c1" || return 1
	# Freed, the address is given out again.
	cni DEL "$c" idA c2 || fail "DEL: $(out)" || return 1
	cni_add "$c" id1 c1 || return 1
}

test_unknown_versions() {
	local v
	new_ct c1 || return 1
	for v in 0.1.0 0.2.0 1.2.0 9.9.9 x; do
		refused 1 "incompatible CNI version" "\"$v\"" "1.1.0" -- "$(conf $NET $SUBNET ".cniVersion = \"$v\"")" ||
			return 1
	done
	cni_net GC "$(conf $NET $SUBNET '.cniVersion = "1.0.0" | .["cni.dev/valid-attachments"] = []')" &&
		fail "GC with 1.0.0 passed" || cni_error 1 GC "1.1.0" || return 1
	built_nothing || return 1
}

test_unsupported_keys() {
	new_ct c1 || return 1
	refused 2 '"frobnicate"' '42' -- "$(conf $NET $SUBNET '.frobnicate = 42')" || return 1
	refused 2 isGateway -- "$(conf $NET $SUBNET '.isGateway = false')" || return 1
	refused 2 vlan VLAN -- "$(conf $NET $SUBNET '.vlan = 100')" || return 1
	refused 2 promiscMode -- "$(conf $NET $SUBNET '.promiscMode = true')" || return 1
	refused 2 "routes[0].mtu" -- "$(conf $NET $SUBNET '.routes = [{dst: "192.0.2.0/24", mtu: 1400}]')" || return 1
	refused 2 dns.sortlist -- "$(conf $NET $SUBNET '.dns = {sortlist: []}')" || return 1
	refused 7 isDefaultGateway 0.0.0.0/0 -- "$(conf $NET $SUBNET '.routes = [{dst: "0.0.0.0/0"}]')" || return 1
	refused 7 "ipam" "bpfbr's own" -- "$(conf $NET $SUBNET '.ipam = {type: "host-local"}')" || return 1
	built_nothing || return 1
	# What the bridge plugin's configs carry at harmless values is accepted.
	cni_add "$(conf $NET $SUBNET '.bridge = "cni0" | .isGateway = true | .forceAddress = false |
		.promiscMode = false | .vlan = 0 | .enabledad = false | .capabilities = {portMappings: true} |
		.runtimeConfig = {portMappings: [], mac: "02:00:00:00:00:42"} | .args = {labels: {a: "b"}}')" id1 c1 ||
		return 1
	[ "$(on c1 cat /sys/class/net/eth0/address)" = 02:00:00:00:00:42 ] ||
		fail "runtimeConfig.mac was not used" || return 1
}

test_missing_and_invalid_cni_variables() {
	local c
	c=$(conf $NET $SUBNET)
	new_ct c1 || return 1
	cni_env "$c" bpfbr CNI_COMMAND=ADD CNI_CONTAINERID=id1 CNI_IFNAME=eth0 && fail "ADD without CNI_NETNS" ||
		cni_error 4 "CNI_NETNS" "missing" || return 1
	cni_env "$c" bpfbr CNI_COMMAND=ADD CNI_NETNS="/run/netns/$(ct c1)" && fail "ADD without id and ifname" ||
		cni_error 4 "CNI_CONTAINERID CNI_IFNAME" || return 1
	cni_env "$c" bpfbr CNI_COMMAND=DEL CNI_CONTAINERID=id1 && fail "DEL without CNI_IFNAME" ||
		cni_error 4 "CNI_IFNAME" || return 1
	cni_env "$c" bpfbr CNI_COMMAND=GC && fail "GC without CNI_PATH" || cni_error 4 "CNI_PATH" || return 1
	cni_env "$c" bpfbr CNI_COMMAND=FROB && fail "CNI_COMMAND=FROB" || cni_error 4 "FROB" || return 1
	cni ADD "$c" id1 c1 abcdefghijklmnop && fail "a 16-byte CNI_IFNAME" || cni_error 4 "CNI_IFNAME" || return 1
	cni ADD "$c" "-bad" c1 && fail "CNI_CONTAINERID -bad" || cni_error 4 "CNI_CONTAINERID" || return 1
	cni_env "$c" bpfbr CNI_COMMAND=ADD CNI_CONTAINERID=id1 CNI_IFNAME=eth0 CNI_NETNS="run/netns/$(ct c1)" &&
		fail "a relative CNI_NETNS" || cni_error 4 "CNI_NETNS" "absolute" || return 1
	cni_env "$c" bpfbr CNI_COMMAND=ADD CNI_CONTAINERID=id1 CNI_IFNAME=eth0 CNI_NETNS="$ROOT/none" &&
		fail "a missing CNI_NETNS" || cni_error 3 "$ROOT/none" "does not exist" || return 1
	cni_env "$c" bpfbr CNI_COMMAND=ADD CNI_CONTAINERID=id1 CNI_IFNAME=eth0 CNI_NETNS=/proc/self/ns/uts &&
		fail "a UTS namespace as CNI_NETNS" || cni_error 4 "not a network namespace" || return 1
	cni ADD "$c" id1 c1 eth0 "K8S_POD_NAME=x" && fail "unknown CNI_ARGS" ||
		cni_error 4 "K8S_POD_NAME" "IgnoreUnknown" || return 1
	cni ADD "$c" id1 c1 eth0 "garbage" && fail "CNI_ARGS garbage" || cni_error 4 "KEY=VALUE" || return 1
	built_nothing || return 1
	# Without CNI_COMMAND it is the command line, which wants arguments.
	printf '%s' "$c" | node env -i PATH="$PATH" "$BPFBR_BIN" >"$ROOT/cli.out" 2>&1
	[ $? = 2 ] && grep -q "Commands:" "$ROOT/cli.out" ||
		fail "without CNI_COMMAND: $(head -2 "$ROOT/cli.out")" || return 1
}

test_requested_addresses() {
	local c
	c=$(conf $NET $SUBNET)
	new_ct c1 c2 || return 1
	refused 103 "10.41.0.5" "outside the subnet" -- "$(conf $NET $SUBNET '.runtimeConfig = {ips: ["10.41.0.5/24"]}')" ||
		return 1
	cni ADD "$c" id1 c1 eth0 "IgnoreUnknown=1;IP=fd00::5" && fail "an IPv6 IP" ||
		cni_error 103 "IPv4 only" || return 1
	cni ADD "$c" id1 c1 eth0 "IP=10.40.0.1" && fail "the gateway address" ||
		cni_error 103 "10.40.0.1" "gateway" || return 1
	cni ADD "$(conf $NET $SUBNET '.args = {cni: {ips: ["10.40.0.8"]}} | .runtimeConfig = {ips: ["10.40.0.9"]}')" \
		id1 c1 && fail "two addresses asked" || cni_error 103 "10.40.0.9" "10.40.0.8" || return 1
	[ -z "$(on c1 ip -o link show type veth)" ] || fail "a refused ADD left eth0" || return 1
	# The config's addresses win over CNI_ARGS IP, which is then ignored (CONVENTIONS.md).
	cni_add "$(conf $NET $SUBNET '.args = {cni: {ips: ["10.40.0.8"]}}')" id1 c1 eth0 "IP=10.40.0.9" || return 1
	[ "$(out | jq -r '.ips[0].address')" = 10.40.0.8/24 ] || fail "args.cni.ips not used: $(out)" || return 1
	cni DEL "$c" id1 c1 || fail "DEL: $(out)" || return 1
	cni_add "$c" id1 c1 eth0 "IgnoreUnknown=1;K8S_POD_NAME=x;IP=10.40.0.9" || return 1
	[ "$(out | jq -r '.ips[0].address')" = 10.40.0.9/24 ] || fail "CNI_ARGS IP not used: $(out)" || return 1
	cni ADD "$c" id2 c2 eth0 "IP=10.40.0.9" && fail "a taken address" ||
		cni_error 103 "10.40.0.9" "already assigned" || return 1
	cni_add "$(conf $NET $SUBNET '.runtimeConfig = {ips: ["10.40.0.77/24"]}')" id2 c2 || return 1
	[ "$(out | jq -r '.ips[0].address')" = 10.40.0.77/24 ] || fail "runtimeConfig.ips not used" || return 1
}

test_check_and_gc_input() {
	local c
	c=$(conf $NET $SUBNET)
	new_ct c1 || return 1
	cni_add "$c" id1 c1 || return 1
	cni CHECK "$(with_prev "$c" '{"ips": [{"address": "10.40.0.2"}]}')" id1 c1 && fail "a prefix-less address" ||
		cni_error 6 "prevResult" "ips[0].address" || return 1
	cni CHECK "$(with_prev "$c" '{"interfaces": [], "ips": [{"address": "10.40.0.2/24", "interface": 3}]}')" \
		id1 c1 && fail "an interface index out of range" || cni_error 6 "interface" || return 1
	cni_net GC "$c" && fail "GC without valid attachments" || cni_error 7 "cni.dev/valid-attachments" || return 1
	cni_net GC "$(jq -c '.["cni.dev/valid-attachments"] = [{containerID: 1}]' <<<"$c")" &&
		fail "GC with a bad list" || cni_error 7 "containerID" || return 1
	[ "$(state $NET | jq '.attachments | length')" = 1 ] || fail "a refused GC removed something" || return 1
}

# no_flags: the last error names none of the command line's flags.
no_flags() {
	! out | jq -r '.msg + " " + (.details // "")' | grep -q -- '--' ||
		fail "a CNI error quotes a command-line flag: $(out | jq -c .)"
}

# The core's refusals name what a CNI user writes (config keys, what the
# runtime must do), never the command line's flags (nat_errors.sh and
# errors.sh check the CLI's words for the same refusals).
test_core_errors_name_config_keys() {
	local c
	new_ct c1 || return 1
	c=$(conf $NET $SUBNET)
	cni CHECK "$(with_prev "$c" '{"interfaces": [], "ips": []}')" id1 c1 && fail "CHECK of a network never made" ||
		cni_error 105 "network $NET does not exist" "an ADD with network config \"$NET\" creates it" ||
		return 1
	no_flags || return 1
	node ip link add upna0 type veth peer name upna1 && node ip link set upna0 up || return 1
	refused 100 upna0 "IPv4 address" 'pass another "uplink"' -- \
		"$(conf $NET $SUBNET '.ipMasq = true | .uplink = "upna0"')" || return 1
	no_flags || return 1
	node ip link del upna0 || return 1
	built_nothing || return 1
	# A network of another node namespace (errors.sh: the CLI names nsenter).
	cni_add "$c" id1 c1 || return 1
	ns_new other || return 1
	NODE=$(ct other) cni CHECK "$(with_prev "$c" "$(out)")" id1 c1 && fail "CHECK from another namespace" ||
		cni_error 105 "another network namespace" "the runtime must run the plugin in that namespace" ||
		return 1
	no_flags
}

# The veth pair, port and program are in place when the last step fails: the
# container already has a default route (a CNI ADD with isDefaultGateway does
# not replace one). All of it is undone; the container's own route stays.
test_add_failing_midway_rolls_back() {
	local c
	c=$(conf $NET $SUBNET)
	new_ct c1 || return 1
	on c1 ip link add x0 type veth peer name x1 &&
		on c1 ip addr add 192.168.9.2/24 dev x0 &&
		on c1 ip link set x0 up &&
		on c1 ip route add default via 192.168.9.1 || return 1
	cni ADD "$c" id1 c1 && fail "ADD into a namespace with a default route succeeded" || true
	cni_error 104 "0.0.0.0/0" "File exists" || return 1
	[ -z "$(on c1 ip -o link show eth0 2>/dev/null)" ] || fail "eth0 was left in c1" || return 1
	[ -z "$(node ip -o link show type veth | grep -v ' bpfbr[0-9]')" ] ||
		fail "a port was left in the node: $(node ip -o link show type veth)" || return 1
	[ -z "$(find "$ROOT/sys/fs/bpf/bpfbr/$NET/links" -name 'veth*' 2>/dev/null)" ] ||
		fail "link pins left: $(ls "$ROOT/sys/fs/bpf/bpfbr/$NET/links")" || return 1
	on c1 ip route show default | grep -q "via 192.168.9.1 dev x0" ||
		fail "the container's own default route was touched: $(on c1 ip route)" || return 1
	# The address went back: the next ADD gets the first one again.
	on c1 ip route del default || return 1
	cni_add "$c" id1 c1 || return 1
	[ "$(jq -r '.ips[0].address' "$CNI_OUT")" = 10.40.0.2/24 ] ||
		fail "the second ADD got $(jq -r '.ips[0].address' "$CNI_OUT")" || return 1
}

run_tests "$@"
