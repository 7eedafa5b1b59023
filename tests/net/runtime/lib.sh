#!/usr/bin/env bash
# Real container runtimes (podman, containerd) on top of tests/net/cni/lib.sh.
# They reach bpfbr only through what a user would write: conflists naming
# type "bpfbr", with "root" (this test's $ROOT) and "logFile" (the call log
# the tests read back). Everything of theirs stays inside the test:
#   - one mount namespace of the test's own (rt_start), held by a sleep,
#     with private tmpfs on /run, /var/lib and /dev/shm (runtime state,
#     netns handles, libcni's cache, podman's locks) and the CNI directories a
#     runtime cannot be pointed elsewhere bind-mounted from $RT; every runtime
#     command runs in it and in the node's network namespace (in_rt);
#   - configs, image, storage and state under $RT ($ROOT/rt);
#   - cgroups under /sys/fs/cgroup/*/$PREFIX, removed by the test.
# world_teardown (called by lib.sh's cleanup, even after a failure) ends
# every process of the test by pid and removes its cgroups. A test of many
# nodes runs a runtime on each: rt_use picks the node and its $RT.
. "$(dirname "${BASH_SOURCE[0]}")/../cni/lib.sh"

RT=""
RT_NET="" # the network namespace the runtime runs in (default: the test's node)
CALLS=""
TOOLS=$TOP/tests/net/tools

# rt_need CMD PACKAGE...: skips (returns 4) when CMD is not installed.
rt_need() {
	command -v "$1" >/dev/null ||
		skip "$1 is not installed (Debian package ${*:2}; scripts/deps.sh installs it)"
}

# rt_use DIR NETNS: the runtime of the node in NETNS, under DIR (rt_init
# makes it), for the commands that follow.
rt_use() {
	RT=$1
	RT_NET=$2
	CALLS=$1/cni-calls.log
}

# rt_init: $RT (default $ROOT/rt) with a plugin directory holding bpfbr, and
# an empty directory of network configs; the call log is $CALLS.
rt_init() {
	RT=${RT:-$ROOT/rt}
	CALLS=${CALLS:-$ROOT/cni-calls.log}
	mkdir -p "$RT/cni/bin" "$RT/cni/net.d" "$RT/tmp" || return 1
	ln -s "$BPFBR_BIN" "$RT/cni/bin/bpfbr"
}

# net_conflist FILE NAME SUBNET [JQ-FILTER]: a conflist in $RT/cni/net.d as a
# user writes it: cniVersion 1.0.0 (libcni 1.1.2 cannot parse newer results),
# one bpfbr plugin under $ROOT with the call log, the suite's datapath mode,
# changed by the filter (e.g. '.ipMasq = true').
net_conflist() {
	local plugin
	plugin=$(jq -nc --arg root "$ROOT" --arg log "$CALLS" --arg subnet "$3" \
		'{type: "bpfbr", root: $root, logFile: $log, subnet: $subnet} | '"${4:-.}" | in_mode)
	jq -n --arg name "$2" --argjson p "$plugin" '{cniVersion: "1.0.0", name: $name, plugins: [$p]}' \
		>"$RT/cni/net.d/$1"
}

# The first network: masquerade through up0, the default route.
net_a() { net_conflist 10-bpfa.conflist bpfa 10.88.10.0/24 '.ipMasq = true | .uplink = "up0" | .isDefaultGateway = true'; }
# The second: routed to the gateway only.
net_b() { net_conflist 20-bpfb.conflist bpfb 10.88.11.0/24; }

# rt_start: the test's mount namespace (see the top). ctr reads its networks
# from /etc/cni/net.d and its plugins from /opt/cni/bin and /usr/lib/cni
# (go-cni's defaults, not configurable in `ctr run --cni`): $RT's directories
# are bind-mounted over those that exist, inside the namespace only.
rt_start() {
	local i pid mnt
	[ -d /etc/cni/net.d ] || {
		skip "/etc/cni/net.d does not exist: there is nothing to mount the test's networks over"
		return
	}
	unshare --mount --propagation slave sh -c '
		set -e
		for d in /run /var/lib /dev/shm; do mount -t tmpfs -o mode=755 rt "$d"; done
		mount --bind "$1/cni/net.d" /etc/cni/net.d
		for d in /usr/lib/cni /opt/cni/bin; do
			[ ! -d "$d" ] || mount --bind "$1/cni/bin" "$d"
		done
		touch "$1/.ready"
		exec sleep 3600' rt "$RT" </dev/null >/dev/null 2>"$RT/holder.err" &
	pid=$!
	for ((i = 0; i < 100; i++)); do
		[ -e "$RT/.ready" ] && break
		kill -0 $pid 2>/dev/null || break
		sleep 0.05
	done
	mnt=$(mnt_id $pid)
	[ -e "$RT/.ready" ] && [ -n "$mnt" ] && [ "$mnt" != "$(mnt_id self)" ] ||
		{
			kill $pid 2>/dev/null
			fail "the test's mount namespace did not come up: $(cat "$RT/holder.err")"
			return 1
		}
	echo "$pid $mnt" >"$RT/.holder"
}

# mnt_id PID: the inode number of the process's mount namespace.
mnt_id() { readlink "/proc/$1/ns/mnt" 2>/dev/null | tr -dc 0-9; }
# holder: the pid of the process holding the test's mount namespace.
holder() { cut -d' ' -f1 "$RT/.holder" 2>/dev/null; }

# in_rt CMD...: CMD in the test's mount namespace and the node's network
# namespace, bounded to 120 s.
in_rt() { timeout 120 nsenter --mount="/proc/$(holder)/ns/mnt" --net="/run/netns/$(rt_net)" "$@"; }
# rt_net: the name of the network namespace the runtime runs in.
rt_net() { echo "${RT_NET:-$NODE}"; }

# rt_pids: every process of the test but the holder: those in its mount
# namespace (runtimes, conmon, shims, clients) and those in its cgroups
# (containers, which have mount namespaces of their own).
# The namespace is known by the id saved when it was made, so that a pid
# reused after the holder ended can never widen the search.
rt_pids() {
	local h mnt f
	read -r h mnt <"$RT/.holder" 2>/dev/null
	{
		[ -n "$mnt" ] && find /proc/[0-9]*/ns/mnt -maxdepth 0 -lname "mnt:?$mnt?" 2>/dev/null |
			cut -d/ -f3 | grep -vx "$h"
		for f in /sys/fs/cgroup/*/"$PREFIX" /sys/fs/cgroup/"$PREFIX"; do
			[ -d "$f" ] && find "$f" -name cgroup.procs -exec cat {} + 2>/dev/null
		done
	} | sort -un
}

# rt_cgroups: the cgroup directories under the test's cgroup parent, deepest first.
rt_cgroups() {
	local f
	for f in /sys/fs/cgroup/*/"$PREFIX" /sys/fs/cgroup/"$PREFIX"; do
		[ -d "$f" ] && find "$f" -depth -type d
	done
}

# rt_cgroups_remove: removes the test's cgroup directories (empty ones only:
# rmdir fails on a cgroup with processes); fails naming those that stay.
rt_cgroups_remove() {
	local d left
	for d in $(rt_cgroups); do rmdir "$d" 2>/dev/null; done
	left=$(rt_cgroups)
	[ -z "$left" ] || fail "cgroups left: $(echo "$left" | tr '\n' ' ')"
}

# rt_stop PID: ends one process the test started (TERM, KILL after 10 s).
rt_stop() {
	local i
	kill "$1" 2>/dev/null || return 0
	for ((i = 0; i < 100; i++)); do
		kill -0 "$1" 2>/dev/null || return 0
		sleep 0.1
	done
	kill -KILL "$1" 2>/dev/null
}

# rt_teardown: every runtime the test started (each $RT with a holder under
# $ROOT): every process of the test ends (by pid), then each holder (its
# mounts go with it), then the cgroups. Runs in lib.sh's cleanup, where the
# test's variables are gone: the holders are found by their files.
rt_teardown() {
	local p i h RT # (rt_pids reads this RT)
	[ -n "$ROOT" ] || return 0
	for h in "$ROOT"/.holder "$ROOT"/*/.holder "$ROOT"/*/*/.holder; do
		[ -e "$h" ] || continue
		RT=$(dirname "$h")
		for ((i = 0; i < 3; i++)); do
			p=$(rt_pids)
			[ -z "$p" ] && break
			kill -KILL $p 2>/dev/null
			sleep 0.3
		done
		read -r p i <"$h"
		[ "$(mnt_id "$p")" != "$i" ] || rt_stop "$p"
		rm -f "$h"
	done
	for ((i = 0; i < 20; i++)); do
		for p in $(rt_cgroups); do rmdir "$p" 2>/dev/null; done
		[ -z "$(rt_cgroups)" ] && break
		sleep 0.2
	done
}

# world_teardown: lib.sh's cleanup hook.
world_teardown() { rt_teardown; }

# calls [JQ-FILTER]: the call log, one compact line per call, through the filter.
calls() { jq -c "${1:-.}" "$CALLS" 2>/dev/null; }

# calls_ok: every logged call succeeded (nothing failed unseen).
calls_ok() {
	local bad
	[ -s "$CALLS" ] || { fail "bpfbr logged no call in $CALLS"; return 1; }
	bad=$(calls 'select(.code != 0)')
	[ -z "$bad" ] || fail "calls that failed: $bad"
}

# calls_of ID: what was asked for container ID, as "COMMAND NETWORK IFNAME" lines.
calls_of() { calls "select(.containerID == \"$1\") | \"\\(.command) \\(.network) \\(.ifname)\"" | tr -d '"'; }

# ext_listen: the external host answers TCP port 7000 with the address it sees.
ext_listen() {
	spawn on ext timeout 120 socat TCP-LISTEN:7000,reuseaddr,fork SYSTEM:'echo $SOCAT_PEERADDR' \
		>/dev/null 2>&1
	local i
	for ((i = 0; i < 50; i++)); do
		on ext ss -ltn 2>/dev/null | grep -q ':7000 ' && return 0
		sleep 0.1
	done
	fail "the external host's listener did not start"
}

# The tests' file defines in_ct NAME CMD...: CMD inside container NAME.

# reaches NAME ADDR: the container pings ADDR.
reaches() {
	in_ct "$1" ping -c1 -W2 -w6 "$2" >/dev/null 2>&1 || fail "$1 cannot ping $2"
}

# seen_outside NAME: the container connects to the external host (ext_listen),
# which must see the uplink's address: masqueraded by bpfbr. Three tries, as
# ping_ok makes: a loaded machine may be slow to answer one.
seen_outside() {
	local seen i
	for ((i = 0; i < 3; i++)); do
		seen=$(in_ct "$1" nc -w 5 "$EXT_IP" 7000 </dev/null 2>&1)
		[ "$seen" = "$UP_IP" ] && return 0
	done
	fail "the external host saw '$seen' from $1, expected $UP_IP; $(bpfbr status bpfa | grep -E 'drops|events')"
}

# rt_nothing_left NET...: after the runtime removed its containers: nothing
# of a container on the networks (lib: veths, reservations, ports, forwarding
# entries, pinned links), no device on the node but lo, up0 and the
# gateway pairs, no translation on the first one's uplink, no network namespace
# in the test's /run/netns, no process of the test, and no cgroup (the
# runtimes leave their parent cgroups: removed here, which fails if any
# process is still in one).
rt_nothing_left() {
	local n p
	for n in "$@"; do nothing_left "$n" || return 1; done
	n=$(node ip -o link show 2>/dev/null | awk -F': ' '{print $2}' | sed 's/@.*//' |
		grep -Evx 'lo|up0|bpfbr[0-9]+(-sw)?' | tr '\n' ' ')
	[ -z "$n" ] || fail "devices left on the node: $n" || return 1
	n=$(bpfbr -j status "$1" | jq '.[0].uplink.flows')
	[ "$n" = 0 ] || fail "translations left on up0: $n" || return 1
	n=$(in_rt sh -c '[ ! -d /run/netns ] || ls -A /run/netns' 2>&1)
	[ -z "$n" ] || fail "network namespaces left in the test's /run/netns: $n" || return 1
	p=$(rt_pids)
	[ -z "$p" ] || fail "processes left: $(ps -o pid=,args= -p "$(echo $p | tr ' ' ,)" | tr '\n' ';')" ||
		return 1
	rt_cgroups_remove
}
