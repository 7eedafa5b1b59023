#!/usr/bin/env bash
# containerd on bpfbr networks (issue 10): Debian 12's containerd 1.6 and
# `ctr run --cni` (go-cni over libcni 1.1.2), runc, offline, in the test's
# node namespace. containerd is the test's own (root, state, socket and
# config under $RT, CRI plugin off), started with nsenter --net (ip netns
# exec would hide the cgroup tree runc needs). ctr reads its networks from
# /etc/cni/net.d and its plugins from /opt/cni/bin:/usr/lib/cni, which the
# test's mount namespace covers with $RT's (runtime/lib.sh); the image is an
# OCI layout made from busybox-static. Every CNI call is read back from
# bpfbr's call log, and nothing is left once the containers are gone.
. "$(dirname "$0")/runtime/lib.sh"

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
	nsenter --mount="/proc/$(holder)/ns/mnt" --net="/run/netns/$NODE" \
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

# Two conflists in the directory: `ctr run --cni` uses the first only
# (go-cni's WithDefaultConf), so a container on two networks at once cannot
# be asked for through ctr; that bpfb is never touched is checked.
test_two_containers_reach_each_other_the_gateway_and_outside() {
	local ip1 ip2 got
	containerd_start || return
	ext_host || return 1
	net_a
	net_b
	run_cni c1 || return 1
	run_cni c2 || return 1
	ip1=$(eth0 c1)
	ip2=$(eth0 c2)
	[[ "$ip1" == 10.88.10.* && "$ip2" == 10.88.10.* && "$ip1" != "$ip2" ]] ||
		fail "eth0 of c1 '$ip1', of c2 '$ip2'" || return 1
	got=$(in_ct c1 ip -o link show | awk -F': ' '{print $2}' | sed 's/@.*//' | tr '\n' ' ')
	[ "$got" = "lo eth0 " ] || fail "c1's interfaces: $got" || return 1
	in_ct c1 ip -4 route show default | grep -q "via 10.88.10.1 dev eth0" ||
		fail "c1 has no default route via the gateway: $(in_ct c1 ip -4 route)" || return 1
	[ "$(bpfbr -j status bpfa | jq -c --arg a "$PREFIX-c1" --arg b "$PREFIX-c2" \
		'[.[0].ports[] | select(.cni) | .id] | sort == ([$a, $b] | sort)')" = true ] ||
		fail "bpfbr's ports are not ctr's containers: $(bpfbr status bpfa)" || return 1

	reaches c1 10.88.10.1 || return 1
	reaches c1 "$ip2" || return 1
	reaches c2 "$ip1" || return 1
	ext_listen || return 1
	seen_outside c1 || return 1
	seen_outside c2 || return 1
	[ "$(bpfbr -j status bpfa | jq '.[0].uplink.events.nat_created')" -ge 2 ] ||
		fail "bpfbr's masquerade made no translation: $(bpfbr status bpfa)" || return 1

	stop_task c1 || return 1
	stop_task c2 || return 1
	calls_ok || return 1
	# ctr's IDs are NAMESPACE-NAME; ADD gets the task's /proc/PID/ns/net and no
	# CNI_ARGS, DEL (after the task exited) an empty CNI_NETNS; the plugin
	# directories are go-cni's defaults.
	for got in c1 c2; do
		[ "$(calls_of "$PREFIX-$got" | tr '\n' ';')" = "ADD bpfa eth0;DEL bpfa eth0;" ] ||
			fail "calls for $got: $(calls_of "$PREFIX-$got" | tr '\n' ';')" || return 1
	done
	[ "$(wc -l <"$CALLS")" = 4 ] || fail "calls beyond ADD and DEL: $(cat "$CALLS")" || return 1
	jq -se 'all(.[]; .args == "" and .path == "/opt/cni/bin:/usr/lib/cni" and .cniVersion == "1.0.0") and
		all(.[] | select(.command == "ADD"); .netns | test("^/proc/[0-9]+/ns/net$")) and
		all(.[] | select(.command == "DEL"); .netns == "")' "$CALLS" >/dev/null ||
		fail "ctr's calls are not as expected: $(cat "$CALLS")" || return 1
	[ ! -e "$ROOT/var/lib/bpfbr/networks/bpfb.json" ] || fail "ctr used the second network" || return 1

	rt_stop "$(cat "$RT/containerd.pid")"
	rt_nothing_left bpfa
}

# `ctr run -d --cni` (detached) never calls DEL: ctr calls it only from the
# foreground run when the task exits. The container's namespace goes with
# its task, so its veth does too; `bpfbr gc` forgets the attachment whose
# port is gone, with its address and translations.
test_detached_run_is_never_deleted_and_gc_reclaims_it() {
	containerd_start || return
	ext_host || return 1
	net_a
	check "ctr run -d --cni" cr run -d --cni "$IMAGE" d1 sleep 600 || return 1
	reaches d1 10.88.10.1 || return 1
	ext_listen || return 1
	seen_outside d1 || return 1
	check "ctr task rm -f" cr task rm -f d1 || return 1
	check "ctr containers rm" cr containers rm d1 || return 1
	[ "$(calls_of "$PREFIX-d1" | tr '\n' ';')" = "ADD bpfa eth0;" ] ||
		fail "calls for d1: $(calls_of "$PREFIX-d1" | tr '\n' ';')" || return 1
	[ "$(state bpfa | jq -c '[.attachments[].id]')" = "[\"$PREFIX-d1\"]" ] ||
		fail "attachments after ctr removed d1: $(state bpfa | jq -c '[.attachments[].id]')" || return 1
	check "bpfbr gc" bpfbr gc bpfa || return 1
	calls_ok || return 1
	rt_stop "$(cat "$RT/containerd.pid")"
	rt_nothing_left bpfa
}

run_tests "$@"
