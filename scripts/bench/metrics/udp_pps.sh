# shellcheck shell=bash disable=SC2034  # VARIANT_*/METRIC_* are read by the harness
# 64-byte UDP packets/s from one sender core, c1 -> c2 (through c1's next
# hop: c2, or the gateway when c2 is on another node). trafgen writes
# prebuilt frames through an AF_PACKET TX ring (qdisc bypassed), so the
# sender costs almost nothing and the rate is set by the datapath. Counted at
# c2's IP layer (Ip InReceives in c2's /proc/net/snmp), in steady state: after
# a warm-up, between two reads BENCH_DURATION apart. Nobody listens on the
# port; the packets die in c2's UDP layer (ICMP errors are rate-limited).
# udp_pps6.sh sources this file with PPS_FAMILY=6: the same over IPv6.
METRIC_DESC="64 B UDP packets/s c1->c2, one sender core (trafgen, counted by Ip InReceives in c2)"
PPS_FAMILY=${PPS_FAMILY:-4}

# next_hop_mac: where c1 sends c2's packets: c2's own MAC on one segment,
# the gateway's when c2 is routed (on another node, the cross-node variants).
next_hop_mac() {
	local via dst=$C2_IP
	[ "$PPS_FAMILY" = 6 ] && dst=$C2_IP6
	via=$(ip -n "$C1_NS" -j route get "$dst" | jq -r '.[0].gateway // empty')
	if [ -z "$via" ]; then
		nsx "$C2_NS" cat /sys/class/net/eth0/address
		return
	fi
	nsx "$C1_NS" ping -c1 -W1 "$via" >/dev/null 2>&1 || true
	ip -n "$C1_NS" -j neigh show "$via" dev eth0 | jq -r '.[0].lladdr'
}

in_receives() {
	if [ "$PPS_FAMILY" = 6 ]; then
		nsx "$C2_NS" awk '$1 == "Ip6InReceives" { print $2 }' /proc/net/snmp6
	else
		nsx "$C2_NS" awk '/^Ip:/ && ++n == 2 { print $4 }' /proc/net/snmp
	fi
}

# The frame: 60 B + FCS over IPv4 (18 B of UDP payload); over IPv6 the
# smallest UDP frame, 62 B + FCS (no payload: the IPv6 header alone is 40 B).
frame_cfg() {
	local m1=$1 m2=$2
	if [ "$PPS_FAMILY" = 6 ]; then
		cat <<-CFG
		cpu($BENCH_CPU): {
		  eth(da=$m2, sa=$m1, type=0x86dd),
		  ipv6(sa=$C1_IP6, da=$C2_IP6, hl=64),
		  udp(sp=4000, dp=4001)
		}
		CFG
		return
	fi
	cat <<-CFG
	cpu($BENCH_CPU): {
	  eth(da=$m2, sa=$m1, type=0x0800),
	  ipv4(saddr=$C1_IP, daddr=$C2_IP, ttl=64, df),
	  udp(sport=4000, dport=4001),
	  fill(0x00, 18)
	}
	CFG
}

metric_run() {
	local m1 m2 cfg=$BENCH_RUN_DIR/trafgen.cfg a b t0 t1
	m1=$(nsx "$C1_NS" cat /sys/class/net/eth0/address)
	m2=$(next_hop_mac)
	# trafgen forks one worker per CPU and pins worker i to CPU i, overriding
	# taskset; "cpu(N):" gives the frame to worker N only (the others exit).
	frame_cfg "$m1" "$m2" >"$cfg"
	# --no-sock-mem and -Q: trafgen must not retune the (global) core socket
	# memory sysctls or IRQ affinities; it touches nothing outside c1.
	bg_start trafgen "$C1_NS" trafgen -o eth0 -i "$cfg" -P "$((BENCH_CPU + 1))" --no-sock-mem -Q
	local tg=$BG_PID
	sleep 0.5
	a=$(in_receives)
	t0=$EPOCHREALTIME
	sleep "$BENCH_DURATION"
	b=$(in_receives)
	t1=$EPOCHREALTIME
	bg_stop "$tg"
	((b > a)) || die "no packet reached c2 (trafgen: $(tail -3 "$BENCH_RUN_DIR/trafgen.log"))"
	emit pps "$(awk -v a="$a" -v b="$b" -v t0="$t0" -v t1="$t1" 'BEGIN { printf "%.0f", (b - a) / (t1 - t0) }')" \
		pkt/s higher
}
