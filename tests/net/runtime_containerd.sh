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
. "$(dirname "$0")/runtime/containerd.sh"

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
