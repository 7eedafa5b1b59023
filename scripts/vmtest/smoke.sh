#!/bin/bash
# smoke.sh: check, inside a vmtest guest, that the guest can do what the datapath's tests need:
# bpffs, veth, netns, clsact, a BPF program as a tc filter and as native XDP on a veth, traffic
# through them, module autoload; and report whether the kernel has TCX ("tcx: yes|no").
# Prints TAP-like "ok - ..." / "not ok - ..." lines; exits 0 when all pass, 1 otherwise.
#
#   scripts/vmtest.sh 6.12 scripts/vmtest/smoke.sh     (make vmtest runs it by default)
#
# It uses build/vmtest/bpf-probe (built by make vmtest from bpf-probe.c), or builds it in the
# guest when missing. It refuses to run outside the guest: it creates interfaces.
set -uo pipefail # no -e: every check runs and reports

if [ "${BPFBR_VMTEST_GUEST:-}" != 1 ]; then
	echo "smoke.sh: creates network devices, so it runs only inside the VM:" \
		"scripts/vmtest.sh 6.12 $0" >&2
	exit 2
fi
here=$(cd "$(dirname "${BASH_SOURCE[0]}")" && pwd -P)
repo=$(cd "$here/../.." && pwd -P)
probe=${BPFBR_VMTEST_PROBE:-$repo/build/vmtest/bpf-probe}
failed=0
passed=0

check() { # NAME CMD [ARG...]: run CMD, print ok/not ok, and on failure its output
	local name=$1 out
	shift
	if out=$("$@" 2>&1); then
		echo "ok - $name"
		passed=$((passed + 1))
	else
		echo "not ok - $name"
		[ -n "$out" ] && printf '%s\n' "$out" | sed 's/^/#   /'
		failed=$((failed + 1))
	fi
}

# Kernel release as a comparable number: 6.12.117+deb12-amd64 -> 6012
kernel_num() {
	local major minor
	IFS=. read -r major minor _ <<<"$(uname -r)"
	echo $((major * 1000 + minor))
}

# A module was loaded (by the kernel's autoload, as nothing here calls modprobe) or is built in.
module_present() {
	local mod builtin
	builtin=/lib/modules/$(uname -r)/modules.builtin
	for mod in "$@"; do
		if ! [ -d "/sys/module/$mod" ] && ! grep -qs "/$mod\.ko\$" "$builtin"; then
			echo "module $mod is neither loaded nor built in"
			return 1
		fi
	done
}

tcp_echo() { # a TCP connection from the host side into the netns carries a line
	ip netns exec smoke busybox nc -l -p 7777 >/tmp/smoke-tcp &
	local server=$!
	for _ in 1 2 3 4 5 6 7 8 9 10; do
		ip netns exec smoke ss -Hltn 'sport = :7777' | grep -q . && break
		sleep 0.2
	done
	echo "hello over tcp" | timeout 10 busybox nc 10.199.0.2 7777
	wait "$server"
	grep -qx "hello over tcp" /tmp/smoke-tcp
}

echo "kernel: $(uname -r)"
if ! [ -x "$probe" ]; then
	echo "# $probe is missing; building it in the guest (make vmtest builds it on the host)"
	probe=/tmp/bpf-probe
	check "build bpf-probe" sh -c "gcc -O2 -o $probe $here/bpf-probe.c \$(pkg-config --cflags --libs libbpf)"
fi

check "bpffs is mounted at /sys/fs/bpf" test "$(stat -f -c %T /sys/fs/bpf)" = bpf_fs
check "ip link add type veth" ip link add smoke0 type veth peer name smoke1
check "ip netns add" ip netns add smoke
check "veth peer moved into the netns" ip link set smoke1 netns smoke
check "addresses and links up" sh -c '
	ip addr add 10.199.0.1/24 dev smoke0 && ip link set smoke0 up &&
	ip -n smoke addr add 10.199.0.2/24 dev smoke1 && ip -n smoke link set smoke1 up &&
	ip -n smoke link set lo up'
check "tc qdisc add clsact" tc qdisc add dev smoke0 clsact
check "BPF program as a tc filter (cls_bpf, direct action)" sh -c \
	"$probe tc smoke0 && tc filter show dev smoke0 ingress | grep -q 'bpf.*direct-action'"
check "BPF program as native XDP on a veth" sh -c \
	"$probe xdp smoke0 && ip link show dev smoke0 | grep -q 'xdp'"
check "ping through tc and XDP into the netns" ping -c 1 -W 5 10.199.0.2
check "TCP through tc and XDP into the netns" tcp_echo
check "modules autoloaded (veth, sch_ingress, cls_bpf)" module_present veth sch_ingress cls_bpf
check "modprobe act_bpf" modprobe act_bpf

tcx_out=$("$probe" tcx smoke0 2>&1)
case $? in
0) tcx=yes ;;
3) tcx=no ;;
*) tcx=error ;;
esac
echo "tcx: $tcx"
[ "$tcx" = error ] && printf '%s\n' "$tcx_out" | sed 's/^/#   /'
# TCX came with 6.6: a kernel that disagrees is a broken probe or an unusual kernel.
if [ "$(kernel_num)" -ge 6006 ]; then want=yes; else want=no; fi
check "TCX support matches the kernel version (want $want)" test "$tcx" = "$want"

check "cleanup" sh -c 'ip link del smoke0 && ip netns del smoke'
echo "smoke: $passed passed, $failed failed"
[ "$failed" -eq 0 ]
