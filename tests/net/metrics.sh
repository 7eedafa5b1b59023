#!/usr/bin/env bash
# bpfbr metrics (issue 16): every counter of `bpfbr status` in the Prometheus
# text format, parsed with prometheus_client's own parser (Debian's
# python3-prometheus-client) and compared value by value with `status -j`
# (tools/promcheck.py), printed and served over HTTP (curl in the node).
. "$(dirname "$0")/lib.sh"

TOOL=$(cd "$(dirname "$0")" && pwd)/tools/hostile.py
CHECK=$(cd "$(dirname "$0")" && pwd)/tools/promcheck.py
PY=${PYTHON:-/usr/bin/python3}

# Two networks, one masquerading through up0 with a translation, traffic
# and drops on both.
up() {
	local m1 m2
	ext_host || return 1
	check "net create neta" bpfbr net create neta --subnet 10.40.0.0/24 --uplink up0 \
		--masquerade || return 1
	check "net create netb" bpfbr net create netb --subnet 10.41.0.0/24 || return 1
	check "attach a1" bpfbr attach neta "$(ct a1)" --create-netns --ip 10.40.0.2 || return 1
	check "attach a2" bpfbr attach neta "$(ct a2)" --create-netns --ip 10.40.0.3 || return 1
	check "attach b1" bpfbr attach netb "$(ct b1)" --create-netns --ip 10.41.0.2 || return 1
	ping_ok a1 10.40.0.3 && ping_ok a1 "$EXT_IP" && ping_ok b1 10.41.0.1 ||
		fail "the networks do not work" || return 1
	m1=$(on a1 cat /sys/class/net/eth0/address) m2=$(on a2 cat /sys/class/net/eth0/address)
	on a1 "$PY" "$TOOL" udp eth0 "$m2" "$m1" 10.40.0.99 10.40.0.3 5000 --count 3 >/dev/null ||
		fail "cannot send spoofed frames" || return 1
}

# compare FILE-OF-METRICS-COMMAND…: metrics between two status readings,
# until those agree (traffic of the kernel's own, e.g. IPv6 reports, may
# move counters); then promcheck's verdict.
compare() {
	local rc
	for _ in $(seq 10); do
		bpfbr -j status >"$ROOT/before.json" || fail "status failed" || return 1
		"$@" >"$ROOT/metrics.txt" || fail "metrics failed: $*" || return 1
		bpfbr -j status >"$ROOT/after.json" || fail "status failed" || return 1
		"$PY" "$CHECK" "$ROOT/metrics.txt" "$ROOT/before.json" "$ROOT/after.json" \
			>"$ROOT/check.txt"
		rc=$?
		[ $rc = 3 ] || break
		sleep 1
	done
	[ $rc = 0 ] || fail "metrics against status: $(cat "$ROOT/check.txt")"
}

test_metrics_equal_status() {
	up || return 1
	compare bpfbr metrics || return 1
	grep -q '^bpfbr_drops_total{network="neta",reason="ip_spoof"} 3$' "$ROOT/metrics.txt" ||
		fail "no ip_spoof count of 3: $(grep ip_spoof "$ROOT/metrics.txt")" || return 1
	grep -q "^bpfbr_port_receive_packets_total{network=\"neta\",port=\"[^\"]*\",kind=\"container\",container=\"$(ct a1)\"} [1-9]" \
		"$ROOT/metrics.txt" || fail "no receive count for a1's port" || return 1
	grep -q '^bpfbr_nat_flows{uplink="up0"} [1-9]' "$ROOT/metrics.txt" ||
		fail "no NAT flow counted on up0" || return 1
	# One network only: the other's series are not there.
	bpfbr metrics netb >"$ROOT/netb.txt" || fail "metrics netb failed" || return 1
	! grep -q 'network="neta"' "$ROOT/netb.txt" || fail "metrics netb shows neta" || return 1
	grep -q '^bpfbr_network_containers{network="netb"} 1$' "$ROOT/netb.txt" ||
		fail "metrics netb: $(head -c 600 "$ROOT/netb.txt")"
}

scrape() { node curl -sf --max-time 5 "http://127.0.0.1:9435${1:-/metrics}"; }

test_metrics_over_http() {
	local srv code
	up || return 1
	spawn timeout 120 nsenter --net="/run/netns/$NODE" "$BPFBR_BIN" --root "$ROOT" metrics \
		--listen 127.0.0.1:9435 2>"$ROOT/srv.err"
	srv=$(tail -n1 "$ROOT/.pids")
	eventually scrape >/dev/null || fail "nothing serves 127.0.0.1:9435: $(cat "$ROOT/srv.err")" ||
		return 1
	compare scrape || return 1
	node curl -s --max-time 5 -D "$ROOT/head.txt" -o /dev/null http://127.0.0.1:9435/metrics
	grep -qi '^content-type: text/plain; version=0.0.4' "$ROOT/head.txt" ||
		fail "content type: $(cat "$ROOT/head.txt")" || return 1
	code=$(node curl -s --max-time 5 -o /dev/null -w '%{http_code}' http://127.0.0.1:9435/other)
	[ "$code" = 404 ] || fail "GET /other answered $code, expected 404" || return 1
	# A client that sends nothing holds the server up for its timeout only.
	node timeout 20 bash -c 'exec 3<>/dev/tcp/127.0.0.1/9435; sleep 8' &
	sleep 0.5
	eventually scrape >/dev/null || fail "a silent client stopped the server" || return 1
	kill -TERM "$(pgrep -P "$srv" | head -n1)"
	for _ in $(seq 50); do kill -0 "$srv" 2>/dev/null || break; sleep 0.1; done
	! kill -0 "$srv" 2>/dev/null || fail "the server did not stop on SIGTERM"
}

run_tests "$@"
