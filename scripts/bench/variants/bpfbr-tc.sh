# shellcheck shell=bash disable=SC2034  # VARIANT_*/METRIC_* are read by the harness
# Variant "bpfbr-tc": bpfbr in its default datapath (TC programs, TCX links
# where the kernel has them), as a user runs it on a node: `bpfbr net create`
# with an uplink and masquerade, then `bpfbr attach` of the containers'
# namespaces (the harness's c1/c2, created empty as a runtime creates them).
# variants/bpfbr-xdp.sh sources this file with BPFBR_MODE=xdp, and
# variants/bpfbr-netkit.sh with BPFBR_DEVICE=netkit. The device is named
# (--device veth by default): on a kernel with netkit, auto would make this
# variant a netkit one.
#
# bpfbr runs inside $NODE_NS (nsenter --net) under a private root: pins in
# a bpffs of its own at ROOT/sys/fs/bpf, state and lock under ROOT. That bpffs
# is mounted inside a mount namespace held by one `sleep` process (the
# "holder"), never in the machine's mount table: whatever happens to the run
# (failure, Ctrl-C, SIGKILL of the harness), the bpffs and every pin in it go
# away with that process, and no mount is left behind. Every bpfbr command
# enters that mount namespace with the node's network namespace.

BPFBR_MODE=${BPFBR_MODE:-tc}
BPFBR_DEVICE=${BPFBR_DEVICE:-veth}
BPFBR=${BPFBR_BIN:-$BENCH_ROOT/build/bpfbr}
PROGCOST=$BENCH_BIN/progcost
if [ "$BPFBR_MODE" = xdp ]; then
	VARIANT_DESC="bpfbr, XDP mode (net create --mode xdp; external host's eth0 tx checksum offload off)"
elif [ "$BPFBR_DEVICE" = netkit ]; then
	VARIANT_DESC="bpfbr, default mode on netkit ports (net create --device netkit)"
else
	VARIANT_DESC="bpfbr, default mode (TC programs on TCX links, BPF masquerade)"
fi
VARIANT_NAT=1
# Dual stack (issue 14): --subnet fd00:40::/64 too, NAT66 to the uplink's
# 2001:db8:51::1 (BPFBR_IPV6=0: IPv4 only, as before). The cross-node
# variants source this file and are IPv4 only.
BPFBR_IPV6=${BPFBR_IPV6:-1}
VARIANT_IPV6=$BPFBR_IPV6

# Masquerade table: the 100k pre-fill puts 50 000 UDP flows on each container,
# and TCP_CRR through NAT adds up to one flow per client port (about 64 000
# with tw_reuse) on c1 on top of them. The defaults (65 536 slots, half of
# them per container) would refuse most of the fill; a node expecting this
# many flows is configured for them, as conntrack's table would be.
BPFBR_NAT_MAX=${BPFBR_NAT_MAX:-262144}
BPFBR_NAT_SHARE=${BPFBR_NAT_SHARE:-200000}

variant_available() {
	[ -x "$BPFBR" ] || {
		warn "$VARIANT: $BPFBR not built (make)"
		return 1
	}
	command -v nsenter >/dev/null && command -v unshare >/dev/null || {
		warn "$VARIANT: needs nsenter and unshare (util-linux)"
		return 1
	}
	[ "$BPFBR_DEVICE" != netkit ] ||
		[ "$("$BPFBR" -j version | jq -r '.kernel_features[] | select(.name == "netkit") | .found')" = true ] || {
		warn "$VARIANT: kernel $(uname -r) makes no netkit devices (bpfbr version)"
		return 1
	}
}

# The private root and the process whose mount namespace holds its bpffs.
bpfbr_root() { echo "$BENCH_RUN_DIR/$VARIANT-root"; }

# bpfbr_holder_start: a mount namespace (slave of the machine's, so the
# harness's namespace files under /run/netns appear and disappear in it as
# they do everywhere) with a bpffs on ROOT/sys/fs/bpf, kept alive by a sleep.
# Roots of further nodes (BPFBR_EXTRA_ROOTS, the cross-node variants) get a
# bpffs of their own in the same mount namespace.
bpfbr_holder_start() {
	local root i r mounts=()
	root=$(bpfbr_root)
	for r in "$root" ${BPFBR_EXTRA_ROOTS:-}; do
		mkdir -p "$r/sys/fs/bpf"
		mounts+=("$r/sys/fs/bpf")
	done
	unshare --mount --propagation slave \
		sh -c 'for m; do mount -t bpf bpf "$m" || exit 1; done; exec sleep infinity' holder \
		"${mounts[@]}" </dev/null >/dev/null 2>"$BENCH_RUN_DIR/$VARIANT-holder.err" &
	BPFBR_HOLDER=$!
	# The holder is this build's child (a zombie until waited for, so its
	# pid cannot be reused): end it whenever the build's subshell exits.
	# That subshell has no EXIT trap of its own (the harness sets none
	# there); a caller that has one must run the variant in a subshell.
	trap bpfbr_holder_stop EXIT
	for ((i = 0; i < 100; i++)); do
		grep -qF " $root/sys/fs/bpf " "/proc/$BPFBR_HOLDER/mountinfo" 2>/dev/null && return 0
		kill -0 "$BPFBR_HOLDER" 2>/dev/null ||
			die "$VARIANT: cannot mount a private bpffs: $(cat "$BENCH_RUN_DIR/$VARIANT-holder.err")"
		sleep 0.05
	done
	die "$VARIANT: the private bpffs did not appear"
}

bpfbr_holder_stop() {
	[ -n "${BPFBR_HOLDER:-}" ] || return 0
	kill "$BPFBR_HOLDER" 2>/dev/null || true
	wait "$BPFBR_HOLDER" 2>/dev/null || true
	BPFBR_HOLDER=""
}

# node CMD...: CMD in the node's network namespace and the holder's mount
# namespace (where the private bpffs is).
# Root and working directory are the holder's: entering a mount namespace
# resets them to the namespace's own, which under a chroot (the VM runs its
# command in one, scripts/vmtest/init) is not where the run's files are.
node() { nsenter -t "$BPFBR_HOLDER" --mount --root --wd --net="/run/netns/$NODE_NS" "$@"; }
# The run's own copy of build/bpfbr, taken by the first build: others may
# rebuild the tree while a run goes on, and a network must be created,
# measured and deleted by one and the same build (map layouts, counters).
bpfbr_bin() { echo "$BENCH_RUN_DIR/bpfbr"; }
bb() { node "$(bpfbr_bin)" --root "$(bpfbr_root)" "$@"; }

bpfbr_snapshot() {
	[ -x "$(bpfbr_bin)" ] && return 0
	cp "$BPFBR" "$(bpfbr_bin).tmp"
	mv "$(bpfbr_bin).tmp" "$(bpfbr_bin)"
	log "$VARIANT: using a copy of $BPFBR ($(md5sum <"$(bpfbr_bin)" | cut -c1-12), $(date -r "$BPFBR" +%T))"
}

variant_up() {
	local mode=() v6=() c1v6=() c2v6=()
	[ "$BPFBR_MODE" = xdp ] && mode=(--mode xdp)
	if [ "$BPFBR_IPV6" = 1 ]; then
		v6=(--subnet "$SUBNET6" --gateway "$GW_IP6")
		c1v6=(--ip "$C1_IP6") c2v6=(--ip "$C2_IP6")
	fi
	bpfbr_snapshot
	bpfbr_holder_start
	bench_uplink_up
	# NAT66 needs the uplink's IPv6 address before net create.
	if [ "$BPFBR_IPV6" = 1 ]; then bench_uplink6_up; fi
	if [ "$BPFBR_MODE" = xdp ]; then
		# XDP on the uplink (a veth here) receives the external host's
		# frames as XDP frames, and a partial TCP checksum left for
		# offload cannot be completed once redirected into a container.
		# A real NIC delivers complete checksums; the veth peer must be
		# told to compute them (inside the external host's namespace).
		nsx "$EXT_NS" ethtool -K eth0 tx off >/dev/null
	fi
	bb net create "$BENCH_PREFIX" --subnet "$SUBNET" --gateway "$GW_IP" "${v6[@]}" "${mode[@]}" \
		--device "$BPFBR_DEVICE" --uplink up0 --masquerade --nat-max "$BPFBR_NAT_MAX" \
		--nat-share "$BPFBR_NAT_SHARE" >/dev/null
	bb attach "$BENCH_PREFIX" "$C1_NS" --ip "$C1_IP" "${c1v6[@]}" >/dev/null
	# c2's ports for the published-port metrics (pub_tcp_rr, pub_tcp_crr).
	bb attach "$BENCH_PREFIX" "$C2_NS" --ip "$C2_IP" "${c2v6[@]}" --publish 18114:11114 \
		--publish 18214:12014 >/dev/null
	export PUB_IP=$UPLINK_IP
	[ "$(bb -j status "$BENCH_PREFIX" | jq -r '.[0].datapath')" = "$BPFBR_MODE" ] ||
		die "$VARIANT: the network is not in $BPFBR_MODE mode"
	[ "$(bb -j status "$BENCH_PREFIX" | jq -r '.[0].device')" = "$BPFBR_DEVICE" ] ||
		die "$VARIANT: the network's ports are not $BPFBR_DEVICE"
	# bpftool runs the masquerade table's sweep (variant_reset) from this request.
	# struct bpfbr_sweep_req: 14 bytes of room for an Ethernet header, mode
	# (u16, little endian) = BPFBR_SWEEP_ALL, address and padding (2 x u32).
	{ head -c 14 /dev/zero && printf '\004\000' && head -c 8 /dev/zero; } \
		>"$BENCH_RUN_DIR/$VARIANT-sweep-all.bin"
}

variant_down() {
	bb net delete "$BENCH_PREFIX" --force >/dev/null
	bpfbr_holder_stop
	rm -rf "$(bpfbr_root)"
}

# Before each metric, as the iptables variants flush conntrack: empty the
# masquerade table (one TCP_CRR leaves ~50 000 closing flows behind). bpfbr
# has no command for that (no `nat flush`), so the uplink's own sweep program
# is run with mode BPFBR_SWEEP_ALL (4), as the agent runs it at detach: it
# releases every flow with its keys and counters.
variant_reset() {
	node bpftool prog run pinned "$(bpfbr_root)/sys/fs/bpf/bpfbr/uplinks/up0/prog_nat_sweep" \
		data_in "$BENCH_RUN_DIR/$VARIANT-sweep-all.bin" >/dev/null 2>&1 ||
		warn "$VARIANT: could not empty the masquerade table"
	if [ -n "${BPFBR_BENCH_STATUS_DIR:-}" ]; then
		# Debugging aid: the datapath's counters before each metric.
		mkdir -p "$BPFBR_BENCH_STATUS_DIR"
		bb -j status "$BENCH_PREFIX" \
			>"$BPFBR_BENCH_STATUS_DIR/$BENCH_PREFIX-$VARIANT-$(date +%H%M%S.%N).json" || true
	fi
}

# Live translations: the table's own flow count (cheaper than listing 100k).
variant_nat_count() { bb -j status "$BENCH_PREFIX" | jq -r '.[0].uplink.flows'; }

# Control plane. One exec per container with its wrapper into the node's
# namespaces, as the cni variant execs the reference plugin through
# `ip netns exec`: both timings include one wrapper (nsenter here); both get
# the address from the caller, both masquerade (a map entry here, iptables
# chains there); the namespaces are created and deleted untimed for both.
variant_attach() { bb attach "$BENCH_PREFIX" "$1" --ip "$2" >/dev/null; }
variant_detach() { bb detach "$BENCH_PREFIX" "$1" >/dev/null; }

# Per-packet cost of the programs of this mode through BPF_PROG_TEST_RUN, in
# a private network namespace (build/bench/progcost). The egress masquerade is
# a TC program in both modes; it is measured under bpfbr-tc.
variant_prog_cost() {
	[ -x "$PROGCOST" ] || die "$PROGCOST not built (make -f scripts/bench/bench.mk bench-tools)"
	local quick=()
	[ "${BENCH_QUICK:-0}" = 1 ] && quick=(--quick)
	taskset -c "$BENCH_CPU" "$PROGCOST" --mode "$BPFBR_MODE" "${quick[@]}"
}
