#!/usr/bin/env bash
# bpfbr monitor (issue 16): what the datapath drops, live. Containers a1
# (10.40.0.2) and a2 (.3) on network neta. Each test starts a monitor with
# -j, makes one kind of drop happen, stops the monitor (SIGTERM) and reads
# the events back: reason, port, container, addresses and ports parsed by
# jq; the monitor's last line on stderr counts what it saw and lost. A
# monitor that is killed outright (SIGKILL), or never started, leaves the
# consumer slot empty and the datapath as it was. -w writes a pcapng file
# that tcpdump reads. --type trace shows switching decisions (a frame to an
# unknown MAC is flooded, not dropped).
. "$(dirname "$0")/lib.sh"

TOOL=$(cd "$(dirname "$0")" && pwd)/tools/hostile.py
PY=${PYTHON:-/usr/bin/python3}

up() {
	check "net create neta" bpfbr net create neta --subnet 10.40.0.0/24 "$@" || return 1
	check "attach a1" bpfbr attach neta "$(ct a1)" --create-netns --ip 10.40.0.2 || return 1
	check "attach a2" bpfbr attach neta "$(ct a2)" --create-netns --ip 10.40.0.3 || return 1
}

mac() { on "$1" cat /sys/class/net/eth0/address; }
gw_mac() {
	local dev
	dev=$(bpfbr -j net list | jq -r '.[] | select(.name == "neta") | .gateway_dev')
	node ip -j link show "$dev" | jq -r '.[0].address'
}
port_of() { bpfbr -j status neta | jq -r --arg c "$(ct "$1")" '.[0].ports[] | select(.endpoint == $c) | .port'; }
hostile() {
	local c=$1
	shift
	on "$c" "$PY" "$TOOL" "$@" >/dev/null || fail "hostile.py $* in $c failed"
}

# What holds the consumer slot of a datapath's pins DIR: bpftool's entries.
consumer_entries() {
	bpftool -j map dump pinned "$ROOT/sys/fs/bpf/bpfbr/$1/monitor_consumer" 2>/dev/null |
		jq '[.[] | select((.value | type) == "array")] | length'
}

consumer_free() { [ "$(consumer_entries "$1")" = 0 ]; }

# mon_start NAME ARGS…: `bpfbr monitor ARGS…` in the background, stdout to
# $ROOT/NAME.out, stderr to $ROOT/NAME.err; waits until it monitors. MON_PID
# is the monitor's own pid.
MON_PID=""
mon_start() {
	local name=$1 t
	shift
	spawn timeout 120 nsenter --net="/run/netns/$NODE" "$BPFBR_BIN" --root "$ROOT" -j monitor "$@" \
		>"$ROOT/$name.out" 2>"$ROOT/$name.err"
	t=$(tail -n1 "$ROOT/.pids")
	for _ in $(seq 100); do
		grep -q '^monitoring' "$ROOT/$name.err" 2>/dev/null && break
		kill -0 "$t" 2>/dev/null || break
		sleep 0.1
	done
	grep -q '^monitoring' "$ROOT/$name.err" ||
		fail "the monitor did not start: $(cat "$ROOT/$name.err")" || return 1
	MON_PID=$(pgrep -P "$t" | head -n1)
	[ -n "$MON_PID" ] || MON_PID=$t
}

# mon_stop NAME: SIGTERM, then its summary line must be there.
mon_stop() {
	kill -TERM "$MON_PID" 2>/dev/null
	for _ in $(seq 50); do
		kill -0 "$MON_PID" 2>/dev/null || break
		sleep 0.1
	done
	! kill -0 "$MON_PID" 2>/dev/null || fail "the monitor did not stop on SIGTERM" || return 1
	grep -q 'events seen' "$ROOT/$1.err" ||
		fail "no summary from the monitor: $(cat "$ROOT/$1.err")" || return 1
}

# events NAME JQ-FILTER: how many events of NAME.out match the filter.
events() { jq -c "select($2)" "$ROOT/$1.out" | grep -c .; }

# wait_events NAME JQ-FILTER N: until N events match (5 s).
wait_events() {
	for _ in $(seq 50); do
		[ "$(events "$1" "$2")" -ge "$3" ] && return 0
		sleep 0.1
	done
	fail "expected $3 events matching $2, got $(events "$1" "$2"): $(head -c 2000 "$ROOT/$1.out")"
}

test_spoofed_frame() {
	local port m1 m2
	up || return 1
	port=$(port_of a1) m1=$(mac a1) m2=$(mac a2)
	mon_start mon neta || return 1
	hostile a1 udp eth0 "$m2" "$m1" 10.40.0.99 10.40.0.3 5000 --count 3 --sport 4444 || return 1
	wait_events mon '.reason == "ip_spoof"' 3 || return 1
	mon_stop mon || return 1
	[ "$(events mon '.reason == "ip_spoof" and .type == "drop"
		and .verdict == "dropped" and .network == "neta" and .port == "'"$port"'"
		and .container == "'"$(ct a1)"'" and .src == "10.40.0.99" and .dst == "10.40.0.3"
		and .proto == "udp" and .sport == 4444 and .dport == 5000
		and .src_mac == "'"$m1"'" and .dst_mac == "'"$m2"'" and .len >= 42')" = 3 ] ||
		fail "the events do not name the drop: $(cat "$ROOT/mon.out")" || return 1
	grep -qE '^[0-9]+ events seen, 0 lost' "$ROOT/mon.err" ||
		fail "summary: $(tail -n1 "$ROOT/mon.err")" || return 1
	[ "$(consumer_entries neta)" = 0 ] || fail "the consumer slot is still taken after the monitor stopped"
}

test_denied_service() {
	up || return 1
	mon_start mon neta --container "$(ct a1)" --type drop || return 1
	on a1 timeout 3 socat -u - TCP:10.40.0.1:7005,connect-timeout=1 </dev/null 2>/dev/null
	on a2 timeout 3 socat -u - TCP:10.40.0.1:7006,connect-timeout=1 </dev/null 2>/dev/null
	wait_events mon '.reason == "node_denied"' 1 || return 1
	mon_stop mon || return 1
	[ "$(events mon '.reason == "node_denied" and .container == "'"$(ct a1)"'"
		and .src == "10.40.0.2" and .dst == "10.40.0.1" and .proto == "tcp"
		and .dport == 7005 and .tcp_flags == "S"')" -ge 1 ] ||
		fail "no node_denied event of a1's SYN to 10.40.0.1:7005: $(cat "$ROOT/mon.out")" || return 1
	[ "$(events mon '.container != "'"$(ct a1)"'" or .dport == 7006')" = 0 ] ||
		fail "--container a1 shows other ports' events: $(cat "$ROOT/mon.out")"
}

test_nat_table_full() {
	local gm m1 m2
	ext_host || return 1
	up --uplink up0 --masquerade --nat-max 4 --nat-share 3 || return 1
	gm=$(gw_mac) m1=$(mac a1) m2=$(mac a2)
	mon_start mon neta --ip 198.51.100.2 || return 1
	# A table of 4: a1 takes 3 flows (its share), a2 the last one; a2's
	# next two find the table full.
	hostile a1 udp eth0 "$gm" "$m1" 10.40.0.2 198.51.100.2 5353 --count 3 --sport 41000 \
		--next-port || return 1
	hostile a2 udp eth0 "$gm" "$m2" 10.40.0.3 198.51.100.2 5353 --count 3 --sport 42000 \
		--next-port || return 1
	wait_events mon '.reason == "nat_table_full"' 2 || return 1
	mon_stop mon || return 1
	[ "$(events mon '.reason == "nat_table_full" and .hook == "uplink_egress"
		and .network == "neta" and .port == "up0" and .src == "10.40.0.3"
		and .dst == "198.51.100.2" and .proto == "udp" and .dport == 5353
		and .sport >= 42001 and .sport <= 42002')" = 2 ] ||
		fail "expected 2 nat_table_full events of a2's flows: $(cat "$ROOT/mon.out")" || return 1
	[ "$(events mon '.reason != "nat_table_full"')" = 0 ] ||
		fail "other drops than nat_table_full: $(cat "$ROOT/mon.out")" || return 1
	[ "$(consumer_entries uplinks/up0)" = 0 ] || fail "the uplink's consumer slot is still taken"
}

# Past its rate the datapath holds events back, and the monitor says how
# many it lost: 30 drops at 1 event a second per CPU. Each of them is seen
# or lost (the kernel's own early IPv6 frames may take the tokens too).
ip_spoof_drops() { bpfbr -j status neta | jq '.[0].drops.ip_spoof'; }
spoof_counted() { [ "$(ip_spoof_drops)" -ge "$1" ]; }
test_loss_is_reported() {
	local m1 m2 seen lost before
	up || return 1
	m1=$(mac a1) m2=$(mac a2)
	before=$(ip_spoof_drops)
	mon_start mon neta --rate 1 --ip 10.40.0.99 || return 1
	hostile a1 udp eth0 "$m2" "$m1" 10.40.0.99 10.40.0.3 5000 --count 30 || return 1
	eventually spoof_counted $((before + 30)) || fail "the 30 drops were not counted" || return 1
	sleep 0.5
	mon_stop mon || return 1
	read -r seen lost < <(sed -nE 's/^([0-9]+) events seen, ([0-9]+) lost.*/\1 \2/p' "$ROOT/mon.err")
	[ -n "$seen" ] && [ $((seen + lost)) -ge 30 ] && [ "$lost" -ge 20 ] ||
		fail "30 drops at 1 event a second: summary '$(tail -n1 "$ROOT/mon.err")', expected seen + lost >= 30, lost >= 20" ||
		return 1
	[ "$(events mon '.src == "10.40.0.99"')" = "$seen" ] ||
		fail "the summary counts $seen events, the output has $(events mon '.src == "10.40.0.99"')"
}

# A flood of a million dropped frames (spoofed sources: 20 runs of flowfill,
# 50 000 frames each) while a monitor runs at its default rate: every drop
# the switch counts is either handed to the monitor or reported lost, the
# summary says how many, and the network keeps forwarding all along (a2 pings
# the gateway through the flood, and after it).
test_flood_while_monitoring() {
	local ff before spoofed drops0 drops1 sent=0 seen lost i out ping_pid
	ff=$(flowfill_bin) || fail "cannot build flowfill" || return 1
	up || return 1
	ping_ok a2 10.40.0.1 || fail "a2 cannot ping the gateway before the flood" || return 1
	before=$(ip_spoof_drops)
	drops0=$(bpfbr -j status neta | jq '[.[0].drops[]] | add')
	mon_start mon neta || return 1
	on a2 ping -n -i 0.2 -c 300 10.40.0.1 >"$ROOT/ping.out" 2>&1 &
	ping_pid=$!
	for i in $(seq 20); do
		out=$(on a1 "$ff" -s 10.40.0.99 -d 10.40.0.3 -p $((1000 + i)) -l 10000 -n 50000 \
			-r 1000000) || fail "flowfill run $i: $out" || break
		sent=$((sent + $(sed -n 's/^sent=\([0-9]*\).*/\1/p' <<<"$out")))
	done
	kill "$ping_pid" 2>/dev/null
	wait "$ping_pid" 2>/dev/null
	[ "$sent" -ge 1000000 ] || fail "flowfill sent $sent frames, not a million" || return 1
	spoofed=$(($(ip_spoof_drops) - before))
	echo "  figure: sent=$sent ip_spoof=$spoofed $(grep -c 'bytes from' "$ROOT/ping.out") ping replies during the flood"
	grep -q 'bytes from 10.40.0.1' "$ROOT/ping.out" ||
		fail "a2 had no answer from the gateway during the flood: $(tail -n3 "$ROOT/ping.out")" ||
		return 1
	ping_ok a2 10.40.0.1 && ping_ok a2 10.40.0.2 || fail "the network stopped forwarding" || return 1
	mon_stop mon || return 1
	drops1=$(bpfbr -j status neta | jq '[.[0].drops[]] | add')
	read -r seen lost < <(sed -nE 's/^([0-9]+) events seen, ([0-9]+) lost.*/\1 \2/p' "$ROOT/mon.err")
	echo "  figure: $(tail -n1 "$ROOT/mon.err")"
	[ "$(grep -c . "$ROOT/mon.out")" = "$seen" ] ||
		fail "the summary counts $seen events, the output has $(grep -c . "$ROOT/mon.out")" ||
		return 1
	[ $((seen + lost)) -ge "$spoofed" ] && [ $((seen + lost)) -le $((drops1 - drops0)) ] &&
		[ "$lost" -gt 0 ] ||
		fail "summary '$(tail -n1 "$ROOT/mon.err")': expected seen + lost between the $spoofed spoofed drops and all $((drops1 - drops0)) drops, some lost" ||
		return 1
}

# A frame to a MAC nobody has is flooded (not a drop in bpfbr, as behind a
# bridge): --type trace shows it, with where the other frames went.
test_unknown_mac_flood_trace() {
	local port m1 m2
	up || return 1
	port=$(port_of a1) m1=$(mac a1) m2=$(mac a2)
	mon_start mon neta --type trace --container "$(ct a1)" || return 1
	hostile a1 eth eth0 02:cc:00:00:00:42 "$m1" --count 2 || return 1
	hostile a1 eth eth0 "$m2" "$m1" --count 1 || return 1
	wait_events mon '.dst_mac == "02:cc:00:00:00:42"' 2 || return 1
	wait_events mon '.dst_mac == "'"$m2"'"' 1 || return 1
	mon_stop mon || return 1
	[ "$(events mon '.type == "trace" and .verdict == "flooded" and .dst_mac == "02:cc:00:00:00:42"
		and .src_mac == "'"$m1"'" and .port == "'"$port"'" and .ethertype == "0x88b5"')" = 2 ] ||
		fail "the frames to an unknown MAC were not traced as flooded: $(cat "$ROOT/mon.out")" ||
		return 1
	[ "$(events mon '.type == "trace" and .verdict == "forwarded" and .dst_mac == "'"$m2"'"
		and .out_port == "'"$(port_of a2)"'" and .out_container == "'"$(ct a2)"'"')" = 1 ] ||
		fail "the frame to a2 was not traced as forwarded to a2's port: $(cat "$ROOT/mon.out")" ||
		return 1
	[ "$(events mon '.type != "trace"')" = 0 ] || fail "--type trace shows drops"
}

# --type nat: each translation made, as conntrack -E shows a new entry: the
# packet before, and the address and port it leaves with.
test_translations_made() {
	local gm m1
	ext_host || return 1
	up --uplink up0 --masquerade || return 1
	gm=$(gw_mac) m1=$(mac a1)
	mon_start mon neta --type nat || return 1
	hostile a1 udp eth0 "$gm" "$m1" 10.40.0.2 198.51.100.2 5353 --count 2 --sport 41000 \
		--next-port || return 1
	hostile a1 udp eth0 "$gm" "$m1" 10.40.0.2 198.51.100.2 5353 --count 2 --sport 41000 \
		--next-port || return 1
	wait_events mon '.type == "nat"' 2 || return 1
	mon_stop mon || return 1
	[ "$(events mon '.type == "nat" and .verdict == "created" and .network == "neta"
		and .hook == "uplink_egress" and .src == "10.40.0.2" and .dst == "198.51.100.2"
		and .proto == "udp" and .dport == 5353 and .nat_addr == "198.51.100.1"
		and .nat_port == .sport and (.sport == 41000 or .sport == 41001)')" = 2 ] ||
		fail "expected one event per translation made (2; the flows' second packets none): $(cat "$ROOT/mon.out")" ||
		return 1
	[ "$(events mon '.type != "nat"')" = 0 ] || fail "--type nat shows other events"
}

# Killed outright (SIGKILL runs no cleanup): the kernel empties the consumer
# slot as the socket closes; the datapath works, counts its drops, and the
# next monitor starts. Never started: the same.
test_killed_monitor_leaves_nothing() {
	local pins before after m1 m2
	up || return 1
	m1=$(mac a1) m2=$(mac a2)
	[ "$(consumer_entries neta)" = 0 ] || fail "the consumer slot is taken before any monitor ran" ||
		return 1
	pins=$(find "$ROOT/sys/fs/bpf" | sort)
	mon_start mon neta || return 1
	[ "$(consumer_entries neta)" = 1 ] || fail "the running monitor holds no consumer slot" ||
		return 1
	! bpfbr monitor neta --count 1 >/dev/null 2>"$ROOT/second.err" &&
		grep -q 'another bpfbr monitor' "$ROOT/second.err" ||
		fail "a second monitor of neta was not refused: $(cat "$ROOT/second.err")" || return 1
	kill -KILL "$MON_PID"
	eventually consumer_free neta ||
		fail "the consumer slot is still taken after SIGKILL" || return 1
	[ "$(find "$ROOT/sys/fs/bpf" | sort)" = "$pins" ] || fail "the pins changed" || return 1
	before=$(bpfbr -j status neta | jq '.[0].drops.ip_spoof')
	hostile a1 udp eth0 "$m2" "$m1" 10.40.0.99 10.40.0.3 5000 --count 2 || return 1
	ping_ok a1 10.40.0.3 && ping_ok a2 10.40.0.1 || fail "the network stopped working" || return 1
	after=$(bpfbr -j status neta | jq '.[0].drops.ip_spoof')
	[ "$after" = $((before + 2)) ] || fail "ip_spoof went from $before to $after, expected +2" ||
		return 1
	mon_start again neta || return 1
	hostile a1 udp eth0 "$m2" "$m1" 10.40.0.98 10.40.0.3 5000 || return 1
	wait_events again '.src == "10.40.0.98"' 1 || return 1
	mon_stop again
}

test_pcapng_opens_in_tcpdump() {
	local m1 m2 n
	up || return 1
	m1=$(mac a1) m2=$(mac a2)
	mon_start mon neta -w "$ROOT/drops.pcapng" --count 4 --ip 10.40.0.99 || return 1
	hostile a1 udp eth0 "$m2" "$m1" 10.40.0.99 10.40.0.3 5000 --count 4 --sport 4444 || return 1
	for _ in $(seq 50); do kill -0 "$MON_PID" 2>/dev/null || break; sleep 0.1; done
	! kill -0 "$MON_PID" 2>/dev/null || fail "the monitor did not stop after --count 4" || return 1
	tcpdump -r "$ROOT/drops.pcapng" -nn -e >"$ROOT/tcpdump.txt" 2>"$ROOT/tcpdump.err" ||
		fail "tcpdump -r: $(cat "$ROOT/tcpdump.err")" || return 1
	n=$(grep -c "$m1 > $m2.*10.40.0.99.4444 > 10.40.0.3.5000: UDP" "$ROOT/tcpdump.txt")
	[ "$n" = 4 ] || fail "tcpdump shows $n of the 4 dropped datagrams: $(cat "$ROOT/tcpdump.txt")" ||
		return 1
	# The event is each packet's comment (tcpdump prints none; the file holds it).
	[ "$(grep -ac 'ip_spoof' "$ROOT/drops.pcapng")" -ge 1 ] ||
		fail "the pcapng file has no event comments" || return 1
	[ "$(jq -c 'select(.reason == "ip_spoof")' "$ROOT/mon.out" | grep -c .)" = 4 ] ||
		fail "the JSON lines miss events"
}

run_tests "$@"
