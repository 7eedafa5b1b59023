#!/usr/bin/env bash
# Concurrency (issue 7): 20 bpfbr invocations at once on one masquerading
# network, mixed — 5 `attach`, 5 `detach`, 5 CNI ADD, 5 CNI DEL — round after
# round. Every invocation succeeds; afterwards the state holds exactly the
# attachments expected (none lost, none extra: no lost update), with distinct
# addresses, and the audit (tools/audit.py) finds every attachment complete
# (device, port entry, static fdb entry, flood slot, hook, NAT endpoint,
# container address) and nothing else in the maps, pins and devices.
#   BPFBR_SOAK=1: 25 rounds instead of 2.
. "$(dirname "$0")/reliability/lib.sh"

ROUNDS=$(sized 2 25)

test_twenty_at_once_attach_detach_add_del() {
	local c i r pids=() fails=0 calls=0 want got a b start ms=() x y
	node_net_demo --nat-max 4096 || return 1
	c=$(conf demo 10.40.0.0/24 '.ipMasq = true | .uplink = "up0"')
	for i in $(seq 1 5); do
		for x in a b m n; do ns_new "$x$i" || return 1; done
	done
	# Two that nobody touches: their attachments must survive every round.
	check "attach keep1" bpfbr attach demo "$(ct keep1)" --create-netns || return 1
	ns_new keep2 || return 1
	cni_add "$c" keep2 keep2 || return 1
	# Round 0: a* attached by the CLI, b* by CNI.
	for i in $(seq 1 5); do
		check "attach a$i" bpfbr attach demo "$(ct "a$i")" || return 1
		bpfbr_cni ADD "$c" "id-b$i" "b$i" || fail "ADD b$i: $(cat "$ROOT/cni.b$i")" || return 1
	done
	x=a
	y=b
	for ((r = 1; r <= ROUNDS; r++)); do
		# This round detaches x* and DELs y*, and attaches and ADDs the others.
		if [ $x = a ]; then a=n b=m; else a=a b=b; fi
		pids=()
		start=$(date +%s%N)
		for i in $(seq 1 5); do
			bpfbr detach demo "$(ct "$x$i")" >"$ROOT/op.d$i" 2>&1 &
			pids+=($!)
			bpfbr attach demo "$(ct "$a$i")" >"$ROOT/op.a$i" 2>&1 &
			pids+=($!)
			bpfbr_cni DEL "$c" "id-$y$i" "$y$i" &
			pids+=($!)
			bpfbr_cni ADD "$c" "id-$b$i" "$b$i" &
			pids+=($!)
		done
		for i in "${!pids[@]}"; do
			wait "${pids[$i]}" || fails=$((fails + 1))
			calls=$((calls + 1))
		done
		ms+=("$(ms_since "$start")")
		[ $fails = 0 ] || fail "round $r: $fails of 20 invocations failed: $(cat "$ROOT"/op.* "$ROOT"/cni.* | grep -iE 'error|cannot|"code"' | head -3 | tr '\n' ' ')" ||
			break
		# Exactly the expected attachments: the untouched two, a* by the CLI, b* by CNI.
		want=$( (echo "/run/netns/$(ct keep1) false"; echo "keep2 true"
			for i in $(seq 1 5); do echo "/run/netns/$(ct "$a$i") false"; echo "id-$b$i true"; done) | sort)
		got=$(state demo | jq -r '.attachments[] | "\(.id) \(.cni)"' | sort)
		[ "$got" = "$want" ] || fail "round $r: attachments differ from the expected (lost update?): $(diff <(echo "$want") <(echo "$got") | grep '^[<>]' | tr '\n' ' ')" ||
			break
		[ "$(state demo | jq '[.attachments[].ip] | unique | length')" = 12 ] ||
			fail "round $r: addresses are not distinct: $(state demo | jq -c '[.attachments[].ip]')" || break
		for i in $(seq 1 5); do
			[ "$(jq -r '.ips[0].address' "$ROOT/cni.$b$i")" = "$(on "$b$i" ip -4 -o addr show dev eth0 | awk '{print $4}')" ] ||
				fail "round $r: $b$i's address differs from its ADD result" || break 2
		done
		audit --flows || { fail "round $r: $(grep -m1 -E '^(LEAK|BROKEN)' "$ROOT/audit.out")"; audit_report; break; }
		x=$a
		y=$b
	done
	ping_ok keep1 "$EXT_IP" || fail "keep1 lost its network" || return 1
	figure "rounds=$((r - 1))/$ROUNDS invocations=$calls failed=$fails leaks=$AUDIT_PROBLEMS" \
		"round_ms=$(IFS=,; echo "${ms[*]}")"
	[ $((r - 1)) = "$ROUNDS" ]
}

# bpfbr_cni CMD CONF ID NETNS-NAME: the plugin as a runtime runs it; result in
# $ROOT/cni.NETNS-NAME; returns its status.
bpfbr_cni() {
	printf '%s' "$2" | timeout "$BPFBR_TIMEOUT" nsenter --net="/run/netns/$NODE" env -i PATH="$PATH" \
		CNI_COMMAND="$1" CNI_CONTAINERID="$3" CNI_NETNS="/run/netns/$(ct "$4")" CNI_IFNAME=eth0 \
		CNI_PATH=/nonexistent "$BPFBR_BIN" >"$ROOT/cni.$4" 2>&1
}

run_tests "$@"
