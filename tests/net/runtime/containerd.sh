#!/usr/bin/env bash
# containerd for the runtime tests: Debian 12's containerd 1.6 and `ctr run
# --cni` (go-cni over libcni 1.1.2), runc, offline. Each containerd is the
# test's own (root, state, socket and config under $RT, CRI plugin off),
# started with nsenter --net in the runtime's node namespace (ip netns exec
# would hide the cgroup tree runc needs); the image is an OCI layout made
# from busybox-static. A test of many nodes runs one per node (rt_use).
. "$(dirname "${BASH_SOURCE[0]}")/lib.sh"

IMAGE=localhost/bbox:latest

# cr ARGS...: ctr against the test's containerd, in a namespace named for the
# run (so its cgroups are /sys/fs/cgroup/*/$PREFIX/NAME).
cr() { in_rt ctr --address "$RT/containerd.sock" --namespace "$PREFIX" "$@"; }

# containerd_start: containerd up with the image imported, and one container
# without a network run: a runtime that cannot do that here skips with its
# reason (nothing of bpfbr is involved yet).
containerd_start() {
	local i out
	rt_need containerd containerd || return
	rt_need ctr containerd || return
	rt_need runc runc || return
	[ -x /bin/busybox ] || { skip "/bin/busybox is missing (Debian package busybox-static)"; return; }
	rt_init || return 1
	cat >"$RT/config.toml" <<-EOF
		version = 2
		root = "$RT/root"
		state = "$RT/state"
		disabled_plugins = ["io.containerd.grpc.v1.cri"]
		[grpc]
		  address = "$RT/containerd.sock"
		[ttrpc]
		  address = "$RT/containerd.sock.ttrpc"
		[plugins."io.containerd.internal.v1.opt"]
		  path = "$RT/opt"
	EOF
	rt_start || return
	python3 "$TOOLS/bbox_image.py" oci "$RT/bbox.tar" "$IMAGE" || return 1
	nsenter --mount="/proc/$(holder)/ns/mnt" --net="/run/netns/$(rt_net)" \
		containerd --config "$RT/config.toml" </dev/null >"$RT/containerd.log" 2>&1 &
	echo $! >"$RT/containerd.pid"
	for ((i = 0; i < 150; i++)); do
		cr version >/dev/null 2>&1 && break
		kill -0 "$(cat "$RT/containerd.pid")" 2>/dev/null || i=150
		sleep 0.2
	done
	((i < 150)) || { skip "containerd did not start: $(tail -1 "$RT/containerd.log")"; return; }
	out=$(cr images import "$RT/bbox.tar" 2>&1) ||
		{ skip "ctr cannot import an image here: $(echo "$out" | tail -1)"; return; }
	out=$(cr run --rm "$IMAGE" probe true 2>&1) ||
		{ skip "ctr cannot run a container here: $(echo "$out" | tail -1)"; return; }
}

# run_cni NAME: `ctr run --cni --rm` of a container that sleeps, in the
# background as ctr must stay (it calls DEL when the task exits), until the
# task runs with its network set up.
run_cni() {
	local i
	cr run --cni --rm "$IMAGE" "$1" sleep 600 >"$RT/$1.out" 2>&1 &
	for ((i = 0; i < 300; i++)); do
		cr task ls 2>/dev/null | grep -Eq "^$1 +[0-9]+ +RUNNING" && return 0
		sleep 0.2
	done
	fail "ctr run --cni $1 did not start: $(cat "$RT/$1.out") $(cat "$CALLS" 2>/dev/null)"
}

# in_ct NAME CMD...: CMD in the container (runtime/lib.sh's checks use it).
in_ct() {
	local name=$1
	shift
	cr task exec --exec-id "x$RANDOM$RANDOM" "$name" "$@"
}

# stop_task NAME: kills the container; its ctr run calls DEL and removes it.
stop_task() {
	local i
	check "ctr task kill $1" cr task kill -s KILL "$1" || return 1
	for ((i = 0; i < 300; i++)); do
		cr containers ls -q 2>/dev/null | grep -qx "$1" || return 0
		sleep 0.2
	done
	fail "ctr run --rm did not remove $1: $(cat "$RT/$1.out")"
}

# eth0 NAME: the container's eth0 address (ctr shows none).
eth0() { in_ct "$1" ip -4 -o addr show dev eth0 | awk '{print $4}' | cut -d/ -f1; }

