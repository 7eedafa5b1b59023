#!/usr/bin/env bash
# Installs, from Debian's archive, whatever the build, tests and demo need and
# is missing. `apt-get update` runs at most once, and only if something is missing.
#   scripts/deps.sh [build|test|all]     (default: all)
set -euo pipefail

build_pkgs=(make gcc pkg-config clang-19 llvm-19 clang-14 libclang-rt-14-dev bpftool
	libbpf-dev libelf-dev zlib1g-dev libmnl-dev libjansson-dev)
test_pkgs=(iproute2 iputils-ping iputils-arping ethtool tcpdump iptables nftables
	containernetworking-plugins traceroute socat kmod util-linux procps jq python3 conntrack
	strace podman conmon runc containerd busybox-static groff-base man-db binutils
	curl python3-prometheus-client)

case "${1:-all}" in
build) want=("${build_pkgs[@]}") ;;
test) want=("${test_pkgs[@]}") ;;
all) want=("${build_pkgs[@]}" "${test_pkgs[@]}") ;;
*) echo "usage: $0 [build|test|all]" >&2; exit 2 ;;
esac

missing=()
for p in "${want[@]}"; do
	dpkg-query -W -f='${Status}' "$p" 2>/dev/null | grep -q "install ok installed" || missing+=("$p")
done
[ ${#missing[@]} -eq 0 ] && exit 0

if [ "$(id -u)" != 0 ]; then
	echo "deps: missing packages: ${missing[*]}; run as root or: apt-get install ${missing[*]}" >&2
	exit 1
fi
echo "deps: installing ${missing[*]}"
export DEBIAN_FRONTEND=noninteractive
apt-get update -q >/dev/null
apt-get install -y -q --no-install-recommends "${missing[@]}" >/dev/null
