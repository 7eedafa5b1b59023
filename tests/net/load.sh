#!/usr/bin/env bash
# Load (issue 7): many containers on one network, all reachable; many
# concurrent translations; attach/detach churn that leaks no kernel object.
#   bounded (make check)     50 containers,  10 000 flows,  100 cycles
#   BPFBR_SOAK=1 (make soak) 250 containers, 100 000 flows, 1 000 cycles
. "$(dirname "$0")/reliability/lib.sh"

CONTAINERS=$(sized 50 250)
FLOWS=$(sized 10000 100000)
CYCLES=$(sized 100 1000)

# Reachability is checked completely, not by sampling: tools/pingall.py sends
# a unicast echo request to every container's address from one raw socket
# (one process, resends to the silent ones), once from the node (through the
# gateway port) and once from a container (container to container, each first
# resolved by an ARP broadcast that the switch floods to every port). A
# broadcast ping would prove neither the unicast path nor each container's
# own forwarding entry.
test_many_containers_all_reachable() {
	local i start attach_ms addrs=() out1 out2 rc1 rc2 from=""
	check "net create" bpfbr net create demo --subnet 10.40.0.0/23 || return 1
	start=$(date +%s%N)
	for ((i = 1; i <= CONTAINERS; i++)); do
		check "attach p$i" bpfbr attach demo "$(ct "p$i")" --create-netns || return 1
	done
	attach_ms=$(ms_since "$start")
	mapfile -t addrs < <(state demo | jq -r '.attachments[].ip')
	[ ${#addrs[@]} = "$CONTAINERS" ] || fail "${#addrs[@]} attachments, expected $CONTAINERS" || return 1
	# pingall exits 0 only when every address answered; its status and its
	# count are both checked (a tool that cannot run prints no count).
	out1=$(node "$PY" "$TOOLS/pingall.py" "${addrs[@]}")
	rc1=$?
	from=${addrs[0]}
	out2=$(on p1 "$PY" "$TOOLS/pingall.py" "${addrs[@]:1}")
	rc2=$?
	audit
	figure "containers=$CONTAINERS from_node=$(sed -n 's/answered=\([0-9]*\).*/\1/p' <<<"$out1")" \
		"from_container=$(sed -n 's/answered=\([0-9]*\).*/\1/p' <<<"$out2")/$((CONTAINERS - 1))" \
		"attach_ms_avg=$((attach_ms / CONTAINERS)) leaks=$AUDIT_PROBLEMS"
	[ $rc1 = 0 ] && grep -qx "answered=$CONTAINERS of=$CONTAINERS" <<<"$out1" ||
		fail "from the node (exit $rc1): ${out1:-no output}" || return 1
	[ $rc2 = 0 ] && grep -qx "answered=$((CONTAINERS - 1)) of=$((CONTAINERS - 1))" <<<"$out2" ||
		fail "from $from (exit $rc2): ${out2:-no output}" || return 1
	[ "$AUDIT_PROBLEMS" = 0 ] || fail "$(grep -m1 -E '^(LEAK|BROKEN)' "$ROOT/audit.out")"
}

# Two containers open FLOWS/2 UDP flows each (one packet per flow, distinct
# source ports, to different ports of ext so their outside ports may
# coincide), all at once in the table; a new flow still works, and a detach
# removes its container's half at once.
test_many_concurrent_nat_flows() {
	local ff half max share flows drops start fill_ms
	ff=$(flowfill_bin) || fail "cannot build flowfill" || return 1
	half=$((FLOWS / 2))
	max=$((FLOWS + FLOWS / 4))
	share=$((half + 1000))
	node_net_demo --nat-max "$max" --nat-share "$share" || return 1
	check "attach f1" bpfbr attach demo "$(ct f1)" --create-netns --ip 10.40.0.11 || return 1
	check "attach f2" bpfbr attach demo "$(ct f2)" --create-netns --ip 10.40.0.12 || return 1
	ping_ok f1 "$EXT_IP" || fail "f1 cannot reach ext" || return 1
	start=$(date +%s%N)
	on f1 "$ff" -s 10.40.0.11 -d "$EXT_IP" -p 9 -l 2000 -n "$half" -r 20000 >"$ROOT/ff1" 2>&1 &
	local p1=$!
	on f2 "$ff" -s 10.40.0.12 -d "$EXT_IP" -p 10 -l 2000 -n "$half" -r 20000 >"$ROOT/ff2" 2>&1
	wait $p1 || fail "flowfill in f1: $(cat "$ROOT/ff1")" || return 1
	fill_ms=$(ms_since "$start")
	# The last datagrams may still be on their way (softirq, late on a busy
	# machine): read the table once it holds them all, or after 10 s.
	for _ in $(seq 20); do
		bpfbr -j status demo >"$ROOT/status.json" || fail "status failed" || return 1
		flows=$(jq '.[0].uplink.flows' "$ROOT/status.json")
		[ "$flows" -ge "$FLOWS" ] && break
		sleep 0.5
	done
	drops=$(jq '[.[0].uplink.drops | to_entries[] | select(.key | startswith("nat_")) | .value] | add' \
		"$ROOT/status.json")
	# The ICMP flow of the first ping is there too.
	ping_ok f1 "$EXT_IP" || fail "f1 cannot open a new flow with $flows in the table" || return 1
	local after before
	before=$(bpfbr -j status demo | jq '.[0].uplink.flows')
	check "detach f2" bpfbr detach demo "$(ct f2)" || return 1
	after=$(bpfbr -j status demo | jq '.[0].uplink.flows')
	figure "flows=$flows of $FLOWS sent nat_max=$max nat_drops=$drops fill_ms=$fill_ms" \
		"after_detaching_one=$after"
	[ "$flows" -ge "$FLOWS" ] || fail "$flows flows in the table, $FLOWS sent: $(cat "$ROOT/ff1" "$ROOT/ff2" | tr '\n' ' ')" ||
		return 1
	[ "$drops" = 0 ] || fail "$drops NAT drops: $(jq -c '.[0].uplink.drops' "$ROOT/status.json")" || return 1
	[ "$after" = $((before - half)) ] || fail "$after flows left after f2's detach (had $before)" || return 1
}

# kobjects: counts of this test's kernel objects (tools/audit.py --kobjects).
kobjects() {
	"$PY" "$TOOLS/audit.py" --root "$ROOT" --node "$NODE" --ct-prefix "$PREFIX" --kobjects
}
kv() { sed -n "s/.*\b$1=\([0-9]*\).*/\1/p" <<<"$2"; }

# Attach and detach CYCLES times (CLI with --create-netns, and CNI ADD/DEL on
# a namespace that stays, by turns) on a masquerading network, with a
# translation each time. Every kernel object that is this test's is counted
# before and after (BPF programs using its maps, those maps, the BPF links
# running them, pins, devices, namespaces, the maps' memory):
# they must come back exactly. The machine's Slab and Percpu memory are
# reported as a trend (other processes move them too).
test_churn_leaks_nothing() {
	local c i before after k start cycle_ms bad=""
	node_net_demo --nat-max 4096 || return 1
	c=$(conf demo 10.40.0.0/24 '.ipMasq = true | .uplink = "up0"')
	check "attach stay" bpfbr attach demo "$(ct stay)" --create-netns || return 1
	ns_new cn || return 1
	# Warm up (first-use allocations), then count.
	for i in 1 2 3; do
		bpfbr attach demo "$(ct churn)" --create-netns >/dev/null && bpfbr detach demo "$(ct churn)" >/dev/null
	done
	before=$(kobjects) || fail "cannot count kernel objects" || return 1
	start=$(date +%s%N)
	for ((i = 1; i <= CYCLES; i++)); do
		if [ $((i % 2)) = 1 ]; then
			bpfbr attach demo "$(ct churn)" --create-netns >"$ROOT/op" 2>&1 || { fail "cycle $i attach: $(cat "$ROOT/op")"; return 1; }
			on churn ping -c1 -W1 -q "$EXT_IP" >/dev/null || { fail "cycle $i: no translation"; return 1; }
			bpfbr detach demo "$(ct churn)" >"$ROOT/op" 2>&1 || { fail "cycle $i detach: $(cat "$ROOT/op")"; return 1; }
		else
			cni ADD "$c" "churn$i" cn || { fail "cycle $i ADD: $(out)"; return 1; }
			on cn ping -c1 -W1 -q "$EXT_IP" >/dev/null || { fail "cycle $i: no translation (CNI)"; return 1; }
			cni DEL "$c" "churn$i" cn || { fail "cycle $i DEL: $(out)"; return 1; }
		fi
	done
	cycle_ms=$(($(ms_since "$start") / CYCLES))
	after=$(kobjects) || fail "cannot count kernel objects" || return 1
	audit --flows
	echo "  before: $before"
	echo "  after:  $after"
	# (state_bytes is reported, not compared: the last address handed out is in it.)
	for k in bpf_progs bpf_maps bpf_links pins devices netns map_memlock; do
		[ "$(kv $k "$before")" = "$(kv $k "$after")" ] || bad="$bad $k:$(kv $k "$before")->$(kv $k "$after")"
	done
	figure "cycles=$CYCLES cycle_ms=$cycle_ms grown=${bad:-none} leaks=$AUDIT_PROBLEMS" \
		"slab_kb_delta=$(($(kv slab_kb "$after") - $(kv slab_kb "$before")))" \
		"percpu_kb_delta=$(($(kv percpu_kb "$after") - $(kv percpu_kb "$before")))"
	[ -z "$bad" ] || fail "kernel objects grew over $CYCLES cycles:$bad" || return 1
	[ -z "$(our_bpfbr_running)" ] || fail "bpfbr processes left: $(our_bpfbr_running)" || return 1
	[ "$AUDIT_PROBLEMS" = 0 ] || fail "$(grep -m1 -E '^(LEAK|BROKEN)' "$ROOT/audit.out")"
}

run_tests "$@"
