# shellcheck shell=bash disable=SC2034  # VARIANT_*/METRIC_* are read by the harness
# Variant "cni": the reference CNI `bridge` plugin with `host-local` IPAM and
# ipMasq (Debian's containernetworking-plugins), driven the way a runtime
# drives it: the runtime (the harness) creates the netns, then execs the
# plugin with CNI_* variables and the network config on stdin. The plugin runs
# inside $NODE_NS, so its bridge, host veths, ip_forward and iptables chains
# all land there, never in the root namespace.

VARIANT_DESC="reference CNI bridge + host-local, ipMasq (containernetworking-plugins), dual stack"
VARIANT_NAT=1
# Dual stack (issue 14): a range set per family, ipMasq for both (the plugin
# runs ip6tables for IPv6), as bpfbr's network is.
VARIANT_IPV6=1
CNI_BIN_DIR=${CNI_BIN_DIR:-/usr/lib/cni}

variant_available() {
	[ -x "$CNI_BIN_DIR/bridge" ] && [ -x "$CNI_BIN_DIR/host-local" ] ||
		{ warn "cni: $CNI_BIN_DIR/bridge or host-local missing (apt-get install containernetworking-plugins)"; return 1; }
}

# The network config, dual stack. host-local keeps its reservations under
# this run's directory (not /var/lib/cni), so nothing outlives the run.
# cni_conf [IP6]: with IP6, the config's "args" (the conventions'
# args.cni.ips) ask host-local for that IPv6 address as well; the IPv4 one
# comes through CNI_ARGS (Debian's plugins 1.1 take one address there).
cni_conf() {
	local args=""
	[ -n "${1:-}" ] && args="\"args\": { \"cni\": { \"ips\": [ \"$1\" ] } },"
	cat <<-JSON
	{
	  "cniVersion": "1.0.0",
	  "name": "$BENCH_PREFIX",
	  "type": "bridge",
	  "bridge": "cni0",
	  "isGateway": true,
	  "ipMasq": true,
	  $args
	  "ipam": {
	    "type": "host-local",
	    "ranges": [ [ { "subnet": "$SUBNET", "gateway": "$GW_IP" } ],
	                [ { "subnet": "$SUBNET6", "gateway": "$GW_IP6" } ] ],
	    "routes": [ { "dst": "0.0.0.0/0" }, { "dst": "::/0" } ],
	    "dataDir": "$BENCH_RUN_DIR/cni-ipam"
	  }
	}
	JSON
}

# cni_exec ADD|DEL NETNS CONTAINERID [IP [IP6]]: one plugin invocation. The
# requested IP goes through CNI_ARGS (host-local's "IP" argument) so c1/c2 get
# the same addresses as in every other variant; IP6 through the config's args
# (without it, host-local hands out the next free IPv6 address, as bpfbr does).
cni_exec() {
	local cmd=$1 ns=$2 id=$3 ip=${4:-} ip6=${5:-} args=""
	[ -n "$ip" ] && args="IgnoreUnknown=1;IP=$ip"
	cni_conf "$ip6" | CNI_COMMAND=$cmd CNI_CONTAINERID=$id CNI_NETNS=/run/netns/$ns CNI_IFNAME=eth0 \
		CNI_PATH=$CNI_BIN_DIR CNI_ARGS=$args \
		ip netns exec "$NODE_NS" "$CNI_BIN_DIR/bridge" >"$BENCH_RUN_DIR/cni-last.json" ||
		die "cni: $cmd for $ns failed: $(cat "$BENCH_RUN_DIR/cni-last.json")"
}

# portmap_exec ADD|DEL: the portmap plugin chained behind the bridge for c2,
# as a runtime runs a conflist's second plugin: c2's ports for the
# published-port metrics (iptables DNAT chains and conntrack in the node).
portmap_exec() {
	[ -x "$CNI_BIN_DIR/portmap" ] || die "cni: $CNI_BIN_DIR/portmap missing (containernetworking-plugins)"
	cni_conf | jq -c --slurpfile prev "$BENCH_RUN_DIR/cni-c2.json" '{cniVersion, name,
		type: "portmap", capabilities: {portMappings: true}, snat: true, prevResult: $prev[0],
		runtimeConfig: {portMappings: [{hostPort: 18114, containerPort: 11114, protocol: "tcp"},
		                               {hostPort: 18214, containerPort: 12014, protocol: "tcp"}]}}' |
		CNI_COMMAND=$1 CNI_CONTAINERID=$C2_NS CNI_NETNS=/run/netns/$C2_NS CNI_IFNAME=eth0 \
		CNI_PATH=$CNI_BIN_DIR ip netns exec "$NODE_NS" "$CNI_BIN_DIR/portmap" \
		>"$BENCH_RUN_DIR/portmap-last.json" ||
		die "cni: portmap $1 failed: $(cat "$BENCH_RUN_DIR/portmap-last.json")"
}

variant_up() {
	mkdir -p "$BENCH_RUN_DIR/cni-ipam"
	bench_uplink_up
	bench_uplink6_up
	cni_exec ADD "$C1_NS" "$C1_NS" "$C1_IP" "$C1_IP6"
	cni_exec ADD "$C2_NS" "$C2_NS" "$C2_IP" "$C2_IP6"
	cp "$BENCH_RUN_DIR/cni-last.json" "$BENCH_RUN_DIR/cni-c2.json"
	portmap_exec ADD
	export PUB_IP=$UPLINK_IP
}

# As a runtime would on container exit; also exercises DEL every round.
variant_down() {
	portmap_exec DEL
	cni_exec DEL "$C1_NS" "$C1_NS"
	cni_exec DEL "$C2_NS" "$C2_NS"
	rm -rf "$BENCH_RUN_DIR/cni-ipam"
}

variant_reset() { nsx "$NODE_NS" conntrack -F >/dev/null 2>&1 || true; }

variant_nat_count() { nsx "$NODE_NS" cat /proc/sys/net/netfilter/nf_conntrack_count; }

# Control plane: one ADD / DEL, each a plugin exec (which itself runs
# host-local and about nine iptables processes for ipMasq).
variant_attach() { cni_exec ADD "$1" "$1" "$2"; }
variant_detach() { cni_exec DEL "$1" "$1"; }
