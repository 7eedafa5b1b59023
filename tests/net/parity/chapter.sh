#!/usr/bin/env bash
# The chapter's "Composing The Primitives: A Two-Container Network" commands,
# as the chapter prints them but without sudo. The only change: the
# container namespaces c1 and c2 get the run-unique names given as $1 and $2.
# Run it inside a node namespace of its own:
#   nsenter --net=/run/netns/NODE bash chapter.sh C1 C2
set -eu
c1=$1
c2=$2

# Bridge with a gateway IP for the container subnet.
ip link add br0 type bridge
ip addr add 10.40.0.1/24 dev br0
ip link set br0 up
# Container namespaces.
ip netns add "$c1"
ip netns add "$c2"
# A veth pair per container. The "h" end stays on the host bridge;
# the "c" end goes into the container namespace and is renamed to eth0
# so the container sees a familiar interface name.
ip link add c1-h type veth peer name c1-c
ip link add c2-h type veth peer name c2-c
ip link set c1-h master br0
ip link set c2-h master br0
ip link set c1-h up
ip link set c2-h up
ip link set c1-c netns "$c1"
ip link set c2-c netns "$c2"
ip -n "$c1" link set c1-c name eth0
ip -n "$c2" link set c2-c name eth0
# Configure the namespaced ends.
ip -n "$c1" addr add 10.40.0.2/24 dev eth0
ip -n "$c2" addr add 10.40.0.3/24 dev eth0
ip -n "$c1" link set lo up
ip -n "$c2" link set lo up
ip -n "$c1" link set eth0 up
ip -n "$c2" link set eth0 up
# Default route via the bridge gateway.
ip -n "$c1" route add default via 10.40.0.1
ip -n "$c2" route add default via 10.40.0.1
