#!/usr/bin/env bash
# modes: tc
# What bpfbr shows of itself and of a network: net inspect (every setting,
# the containers, the pins), version (the build, libbpf, the kernel features
# found by trying them), and the status table's columns.
. "$(dirname "$0")/lib.sh"

test_net_inspect_shows_every_setting() {
	local j t
	ext_host || return 1
	check "net create" bpfbr net create demo --subnet 10.40.0.0/24 --gateway 10.40.0.254 --mtu 1400 \
		--ageing 100 --hairpin --no-spoofchk --gateway-allow udp/53 --dns 10.40.0.254 \
		--dns-search a.test --uplink up0 --masquerade --nat-ports 62000-62999 --nat-max 1024 \
		--nat-share 64 || return 1
	check "attach c1" bpfbr attach demo "$(ct c1)" --create-netns --ip 10.40.0.7 || return 1
	j=$(bpfbr -j net inspect demo) || fail "net inspect -j failed" || return 1
	[ "$(jq -r '.[0] | [.name, .subnet, .gateway, .mtu, .ageing_s, .hairpin, .spoofchk,
		.gateway_allow, .uplink, .masquerade, .nat.port_lo, .nat.port_hi, .nat.nat_max,
		.nat.nat_share, .dns.servers[0], .dns.search[0], .attach_mode, .datapath,
		.container_list[0].ip, .container_list[0].ifname] | map(tostring) | join(" ")' <<<"$j")" = \
		"demo 10.40.0.0/24 10.40.0.254 1400 100 true false udp/53,tcp/53 up0 true 62000 62999 1024 64 10.40.0.254 a.test $(bpfbr -j net list | jq -r '.[0].attach_mode') tc 10.40.0.7 eth0" ] ||
		fail "net inspect -j: $(jq -c . <<<"$j")" || return 1
	jq -r '.[0].pins[]' <<<"$j" | grep -q "^$ROOT/sys/fs/bpf/bpfbr/demo/fdb$" ||
		fail "the pins lack the fdb: $(jq -c '.[0].pins' <<<"$j")" || return 1
	jq -r '.[0].pins[]' <<<"$j" | grep -q "^$ROOT/sys/fs/bpf/bpfbr/uplinks/up0/" ||
		fail "the pins lack the uplink's: $(jq -c '.[0].pins' <<<"$j")" || return 1
	t=$(bpfbr net inspect demo) || return 1
	for w in "subnet: *10.40.0.0/24" "nat ports: *62000-62999" "gateway-allow: *udp/53" \
		"$(ct c1) eth0 10.40.0.7" "$ROOT/sys/fs/bpf/bpfbr/demo/fdb" "ageing: *100s" "hairpin: *yes"; do
		grep -q "$w" <<<"$t" || fail "net inspect lacks '$w': $t" || return 1
	done
	bpfbr net inspect nonet 2>"$ROOT/.err" && fail "inspect of a missing network passed"
	grep -q "network nonet does not exist" "$ROOT/.err" || fail "inspect nonet: $(cat "$ROOT/.err")" || return 1
}

# The version and the features: each probed, and agreeing with what a
# network then uses.
test_version_reports_build_and_kernel_features() {
	local j mode
	j=$(bpfbr -j version) || fail "-j version failed" || return 1
	jq -e '.version != "" and (.git_revision | test("^[0-9a-f]{40}(-dirty)?$|^unknown$"))' <<<"$j" >/dev/null ||
		fail "version -j: $j" || return 1
	[ "$(jq -r .libbpf <<<"$j")" = "$(pkg-config --modversion libbpf | cut -d. -f1,2)" ] ||
		fail "libbpf $(jq -r .libbpf <<<"$j"), pkg-config says $(pkg-config --modversion libbpf)" || return 1
	[ "$(jq -r '[.kernel_features[].name] | join(" ")' <<<"$j")" = "tcx xdp_veth netkit btf mac_follow" ] ||
		fail "kernel features: $(jq -c .kernel_features <<<"$j")" || return 1
	[ "$(bpfbr -V -j | jq -c 'del(.kernel_features)')" = "$(jq -c 'del(.kernel_features)' <<<"$j")" ] ||
		fail "-V -j differs from version -j" || return 1
	bpfbr --version | grep -q "^bpfbr $(jq -r .version <<<"$j") (git " || fail "--version: $(bpfbr --version)" ||
		return 1
	check "net create" bpfbr net create demo --subnet 10.40.0.0/24 || return 1
	mode=$(bpfbr -j net list | jq -r '.[0].attach_mode')
	[ "$(jq -r '.kernel_features[] | select(.name == "tcx") | .found' <<<"$j")" = "$([ "$mode" = tcx ] && echo true || echo false)" ] ||
		fail "version says tcx $(jq -c '.kernel_features[0]' <<<"$j"), the network's hooks are $mode" || return 1
	# Probing leaves nothing behind in the node.
	[ -z "$(node ip -o link show | grep probe)" ] || fail "the probe left devices in the node" || return 1
}

test_status_columns() {
	local t hdr col want
	ext_host || return 1
	check "net create" bpfbr net create demo --subnet 10.40.0.0/24 --uplink up0 --masquerade || return 1
	check "attach c1" bpfbr attach demo "$(ct c1)" --create-netns || return 1
	bpfbr -j status demo | jq -r '.[0].uplink.programs[].name' | grep -qx bpfbr_uplink_out ||
		fail "the uplink program's name is cut: $(bpfbr -j status demo | jq -c '.[0].uplink.programs')" ||
		return 1
	t=$(bpfbr status demo) || return 1
	grep -q "program bpfbr_uplink_out id" <<<"$t" || fail "status cuts program names: $t" || return 1
	hdr=$(grep "SLOT" <<<"$t")
	for col in RX_PKTS TX_PKTS DROPS XDP; do
		grep -q " $col " <<<"$hdr " || fail "no $col column: $hdr" || return 1
	done
	grep -q "RX_PKTS, TX_PKTS, DROPS: packets" <<<"$t" || fail "the units are not stated: $t" || return 1
	# Every row's counters end where the header's RX_PKTS does.
	col=$(awk '/SLOT/ { print index($0, "RX_PKTS") + 6 }' <<<"$t")
	grep -A2 SLOT <<<"$t" | tail -2 | while IFS= read -r l; do
		[[ "${l:$((col - 1)):2}" =~ ^[0-9]\ $ ]] || { echo "misaligned row: '$l'"; exit 1; }
	done || fail "a port row is not aligned with the header: $t" || return 1
	# A TC network's ports have no XDP hook to show; an XDP network's have it on.
	want="- "
	[ "${BPFBR_TEST_MODE:-tc}" = xdp ] && want=on
	col=$(awk '/SLOT/ { print index($0, " XDP ") + 1 }' <<<"$t")
	grep -A2 SLOT <<<"$t" | tail -2 | while IFS= read -r l; do
		[ "${l:$((col - 1)):2}" = "$want" ] || { echo "XDP column of '$l'"; exit 1; }
	done || fail "the XDP column is not '$want': $t" || return 1
}

run_tests "$@"
