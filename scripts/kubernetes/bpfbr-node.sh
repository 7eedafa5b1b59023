#!/bin/sh
# bpfbr on a Kubernetes node: what the DaemonSet's container runs
# (scripts/kubernetes/bpfbr.yaml mounts this file from the ConfigMap
# bpfbr-node). On its node it
#   1. installs the bpfbr binary as the CNI plugin (a copy and a rename: a
#      kubelet calling it meanwhile runs the old one or the new one, whole);
#   2. waits for the node's spec.podCIDR (the controller manager allocates it);
#   3. declares the cluster (bpfbr cluster set) and imports the nodes from
#      `kubectl get nodes -o json` (bpfbr node import: exactly those nodes);
#   4. writes the conflist naming the node's pod CIDR (written whole, then
#      renamed: the kubelet never reads half of it); the first CNI ADD makes
#      the pod network;
#   5. imports the nodes again every RESYNC seconds, so that added, removed
#      and re-addressed nodes converge (ONESHOT=1: once, then exit).
# Its environment (the DaemonSet sets it):
#   NODE_NAME     this node's name (the downward API's spec.nodeName)
#   CLUSTER_CIDR  the cluster's pod CIDR (the controller manager's --cluster-cidr)
#   SERVICE_CIDR  the service CIDRs, comma-separated (the API server's
#                 --service-cluster-ip-range): pods' packets to them take the
#                 node's stack, where kube-proxy's rules are (default: none)
#   UPLINK        the interface towards the other nodes (default: that of the
#                 default route)
#   MASQUERADE    masquerade what leaves the cluster (default true)
#   BPFBR         the binary to install (default /usr/sbin/bpfbr)
#   KUBECTL       kubectl (default kubectl, with the pod's service account)
#   CNI_BIN_DIR   the host's CNI plugin directory (default /host/opt/cni/bin)
#   CNI_NET_DIR   the host's CNI config directory (default /host/etc/cni/net.d)
#   BPFBR_ROOT    bpfbr's root, when not / (bpfbr reads it; the conflist gets it)
#   RESYNC        seconds between imports (default 30); ONESHOT=1: no loop
#   PODCIDR_WAIT  seconds to wait for the pod CIDR (default 300)
set -eu

BPFBR=${BPFBR:-/usr/sbin/bpfbr}
KUBECTL=${KUBECTL:-kubectl}
CNI_BIN_DIR=${CNI_BIN_DIR:-/host/opt/cni/bin}
CNI_NET_DIR=${CNI_NET_DIR:-/host/etc/cni/net.d}
MASQUERADE=${MASQUERADE:-true}
RESYNC=${RESYNC:-30}
PODCIDR_WAIT=${PODCIDR_WAIT:-300}
CONFLIST=$CNI_NET_DIR/10-bpfbr.conflist

die() {
	echo "bpfbr-node: $*" >&2
	exit 1
}

[ -n "${NODE_NAME:-}" ] || die "NODE_NAME is not set: give the container spec.nodeName (downward API)"
[ -n "${CLUSTER_CIDR:-}" ] || die "CLUSTER_CIDR is not set: give it the controller manager's --cluster-cidr"
case $MASQUERADE in true | false) ;; *) die "MASQUERADE is '$MASQUERADE', not true or false" ;; esac

# default_uplink: the interface of the IPv4 default route (/proc/net/route:
# destination and mask 00000000).
default_uplink() {
	awk '$2 == "00000000" && $8 == "00000000" { print $1; exit }' /proc/net/route
}

# install_plugin: the binary into the CNI directory, replaced whole.
install_plugin() {
	mkdir -p "$CNI_BIN_DIR"
	cp "$BPFBR" "$CNI_BIN_DIR/.bpfbr.new"
	chmod 755 "$CNI_BIN_DIR/.bpfbr.new"
	mv -f "$CNI_BIN_DIR/.bpfbr.new" "$CNI_BIN_DIR/bpfbr"
}

# pod_cidr: the node's spec.podCIDR, waiting PODCIDR_WAIT seconds for it.
pod_cidr() {
	i=0
	while [ "$i" -lt "$PODCIDR_WAIT" ]; do
		c=$("$KUBECTL" get node "$NODE_NAME" -o 'jsonpath={.spec.podCIDR}' 2>/dev/null || true)
		if [ -n "$c" ]; then
			echo "$c"
			return 0
		fi
		i=$((i + 1))
		sleep 1
	done
	die "node $NODE_NAME has no spec.podCIDR after ${PODCIDR_WAIT}s: start the controller manager with --allocate-node-cidrs"
}

# import_nodes: the cluster's nodes, exactly those of the API's list (a
# kubectl that fails gives no list, which the import refuses, changing nothing).
import_nodes() {
	"$KUBECTL" get nodes -o json | "$BPFBR" node import -
}

# write_conflist SUBNET UPLINK: the conflist, replaced whole. The values are
# checked before they are written into JSON.
write_conflist() {
	echo "$1" | grep -Eqx '[0-9]{1,3}(\.[0-9]{1,3}){3}/[0-9]{1,2}' ||
		die "node $NODE_NAME's podCIDR '$1' is not an IPv4 CIDR"
	echo "$2" | grep -Eqx '[A-Za-z0-9_.-]{1,15}' || die "uplink '$2' is not an interface name"
	root=""
	if [ -n "${BPFBR_ROOT:-}" ]; then
		echo "$BPFBR_ROOT" | grep -Eqx '/[A-Za-z0-9_./-]*' || die "BPFBR_ROOT '$BPFBR_ROOT' is not a plain path"
		root=", \"root\": \"$BPFBR_ROOT\""
	fi
	cat >"$CONFLIST.new" <<-EOF
		{
		  "cniVersion": "1.0.0",
		  "name": "pod",
		  "plugins": [
		    {
		      "type": "bpfbr",
		      "subnet": "$1",
		      "uplink": "$2",
		      "ipMasq": $MASQUERADE,
		      "isDefaultGateway": true$root
		    }
		  ]
		}
	EOF
	mv -f "$CONFLIST.new" "$CONFLIST"
}

uplink=${UPLINK:-$(default_uplink)}
[ -n "$uplink" ] || die "no default route to take the uplink from: set UPLINK"
mkdir -p "$CNI_NET_DIR"
install_plugin
subnet=$(pod_cidr)
"$BPFBR" cluster set --cidr "$CLUSTER_CIDR" --self "$NODE_NAME" --service-cidr "${SERVICE_CIDR:-}"
import_nodes
write_conflist "$subnet" "$uplink"
echo "bpfbr-node: $NODE_NAME ready: pod CIDR $subnet on $uplink"
[ "${ONESHOT:-0}" = 1 ] && exit 0
while :; do
	sleep "$RESYNC"
	import_nodes || echo "bpfbr-node: importing the nodes failed; retrying in ${RESYNC}s" >&2
done
