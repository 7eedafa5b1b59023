#!/usr/bin/env bash
# Kubernetes Services (services.sh) in a VXLAN cluster: a pod's flow that
# n1's stack forwards into the tunnel (kube-proxy's DNAT to a backend on
# another node) is remembered on the VXLAN device's egress, so that the
# backend's replies, decapsulated on n1, take the stack too and get the
# service's address back instead of going straight into the pod.
# shellcheck disable=SC2034 # (read by multinode/lib.sh)
MN_CLUSTER_OPTS="--mode vxlan --vni 42"
# shellcheck source=services.sh
. "$(dirname "$0")/services.sh"
