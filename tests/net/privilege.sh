#!/usr/bin/env bash
# Privilege (issue 7): what bpfbr writes is root's alone; names cannot lead
# out of their directory; the CNI plugin takes nothing from its environment
# beyond the spec's CNI_* variables (BPFBR_ROOT ignored, CNI_NETNS must be a
# network namespace file, CNI_PATH searched for the IPAM plugin only, absolute
# directories only).
. "$(dirname "$0")/reliability/lib.sh"

# snapshot: every path under the test's root and /run, to see that a refused
# command made nothing (the lock and its directory aside).
snapshot() {
	{ find "$ROOT" -path "$ROOT/run/bpfbr" -prune -o -print; find /run -maxdepth 1; } 2>/dev/null |
		grep -v "/cni-out\.\|/snap\." | sort
}

# refused WHAT CMD…: CMD fails and creates nothing anywhere under the root or in /run.
REFUSED=0
refused() {
	local what=$1 before after out
	shift
	before=$(snapshot)
	if out=$("$@" 2>&1); then
		fail "$what was accepted: '$*': $out"
		return 1
	fi
	after=$(snapshot)
	[ "$before" = "$after" ] ||
		{ fail "$what, refused, still made: $(diff <(echo "$before") <(echo "$after") | grep '^>' | tr '\n' ' ')"; return 1; }
	REFUSED=$((REFUSED + 1))
}

# modes_ok: every directory bpfbr made is 0700 at most, every file 0600 at
# most, and all of it is root's. Counts in CHECKED.
CHECKED=0
modes_ok() {
	local f m u bad=""
	while read -r m u f; do
		CHECKED=$((CHECKED + 1))
		[ "$u" = 0 ] || bad="$bad $f(uid $u)"
		[ $((8#$m & 8#077)) = 0 ] || bad="$bad $f($m)"
	done < <(find "$ROOT/var/lib/bpfbr" "$ROOT/run/bpfbr" "$ROOT/sys/fs/bpf/bpfbr" -printf '%m %U %p\n')
	[ -z "$bad" ] || fail "readable or writable by others:$bad"
}

test_pins_state_and_lock_are_roots_alone() {
	local c nobody_read=0 f
	# Whatever the caller's umask.
	umask 000
	node_net_demo || return 1
	c=$(conf demo 10.40.0.0/24 '.ipMasq = true | .uplink = "up0"')
	check "attach c1" bpfbr attach demo "$(ct c1)" --create-netns || return 1
	ns_new c2 || return 1
	cni_add "$c" id2 c2 || return 1
	# The journal exists while a command runs: kill one as it is about to add
	# to its record (its second rename: the first wrote the record).
	command -v strace >/dev/null || { fail "strace missing (scripts/deps.sh installs it)"; return 1; }
	nsenter --net="/run/netns/$NODE" strace -qq -o /dev/null -e inject=rename:signal=KILL:when=2 \
		"$BPFBR_BIN" --root "$ROOT" attach demo "$(ct c3)" --create-netns >/dev/null 2>&1 &
	wait $! 2>/dev/null
	[ -e "$ROOT/var/lib/bpfbr/journal" ] || fail "no journal left by a killed attach" || return 1
	modes_ok || return 1
	# Others cannot reach any of it, even where the directories above are open.
	chmod 0755 "$ROOT" "$ROOT/var" "$ROOT/var/lib" "$ROOT/run" "$ROOT/sys" "$ROOT/sys/fs"
	for f in "$ROOT/var/lib/bpfbr/networks/demo.json" "$ROOT/run/bpfbr/lock" \
		"$ROOT/sys/fs/bpf/bpfbr/demo/fdb" "$ROOT/var/lib/bpfbr/journal"; do
		[ -e "$f" ] || continue
		setpriv --reuid=65534 --regid=65534 --clear-groups cat "$f" >/dev/null 2>&1 &&
			nobody_read=$((nobody_read + 1))
		setpriv --reuid=65534 --regid=65534 --clear-groups bpftool map dump pinned "$f" >/dev/null 2>&1 &&
			nobody_read=$((nobody_read + 1))
	done
	check "gc" bpfbr gc || return 1
	modes_ok || return 1
	figure "paths_checked=$CHECKED readable_by_nobody=$nobody_read umask=000"
	[ $nobody_read = 0 ] || fail "nobody read $nobody_read of bpfbr's files"
}

test_names_that_escape_are_refused() {
	local n long
	long=$(printf 'n%.0s' $(seq 64))
	check "net create demo" bpfbr net create demo --subnet 10.40.0.0/24 || return 1
	ns_new c1 || return 1
	for n in "../x" "/" "a/b" "." ".." "x/../../y" "$long" "" "-x" ".hidden" "a b"; do
		refused "network name '$n'" bpfbr net create "$n" --subnet 10.41.0.0/24 || return 1
	done
	for n in "../x" "a/b" "." ".." "$long"; do
		refused "network name '$n' (attach)" bpfbr attach "$n" "$(ct c1)" || return 1
		refused "network name '$n' (detach)" bpfbr detach "$n" "$(ct c1)" || return 1
		refused "network name '$n' (net delete)" bpfbr net delete "$n" --force || return 1
		refused "network name '$n' (gc)" bpfbr gc "$n" || return 1
		refused "network name '$n' (upgrade)" bpfbr upgrade "$n" || return 1
		refused "network name '$n' (status)" bpfbr status "$n" || return 1
		refused "network name '$n' (fdb show)" bpfbr fdb show "$n" || return 1
		refused "network name '$n' (nat show)" bpfbr nat show "$n" || return 1
	done
	for n in "../x" "a/b" "." ".." "eth0123456789012" "a:b" "a b"; do
		refused "interface name '$n'" bpfbr attach demo "$(ct c1)" --ifname "$n" || return 1
	done
	for n in "../$PREFIX-x" ".." "." "a/b" "/run/$PREFIX-x"; do
		refused "namespace '$n' to create" bpfbr attach demo "$n" --create-netns || return 1
	done
	for n in "/etc/passwd" "/run" "/proc/self/ns/mnt" "../$PREFIX-x" ".."; do
		refused "namespace '$n'" bpfbr attach demo "$n" || return 1
	done
	for n in "../up0" "up0/../x" "$long"; do
		refused "uplink '$n'" bpfbr net create up --subnet 10.42.0.0/24 --uplink "$n" --masquerade ||
			return 1
	done
	figure "refused=$REFUSED created_anything=0"
}

# evil_dir: executables under every name bpfbr could be tempted to run; each
# leaves a mark in $ROOT/marks if it ever runs.
evil_dir() {
	local d=$ROOT/evil n
	mkdir -p "$d" "$ROOT/marks"
	for n in bpfbr host-local static dhcp ip tc bpftool iptables nft sysctl modprobe mount sh bash \
		nsenter env ipam evil; do
		printf '#!/bin/sh\ntouch %s/%s\nexit 1\n' "$ROOT/marks" "$n" >"$d/$n"
		chmod 755 "$d/$n"
	done
	echo "$d"
}

test_cni_trusts_no_path_from_the_environment() {
	local c evil good=0
	evil=$(evil_dir)
	c=$(conf demo 10.40.0.0/24)
	new_ct c1 c2 c3 || return 1
	# BPFBR_ROOT, PATH and CNI_PATH pointing at the evil directory: ADD works
	# under the config's root and runs nothing.
	mkdir -p "$ROOT/other"
	cni_env "$c" bpfbr CNI_COMMAND=ADD CNI_CONTAINERID=id1 CNI_NETNS="/run/netns/$(ct c1)" CNI_IFNAME=eth0 \
		CNI_PATH="$evil" BPFBR_ROOT="$ROOT/other" PATH="$evil:$PATH" ||
		fail "ADD with BPFBR_ROOT, PATH and CNI_PATH set: $(out) $(cat "$CNI_OUT.err")" || return 1
	good=$((good + 1))
	[ -z "$(ls -A "$ROOT/other")" ] || fail "BPFBR_ROOT was used: $(find "$ROOT/other")" || return 1
	[ -f "$ROOT/var/lib/bpfbr/networks/demo.json" ] || fail "the config's root was not used" || return 1
	cni_env "$c" bpfbr CNI_COMMAND=DEL CNI_CONTAINERID=id1 CNI_NETNS="/run/netns/$(ct c1)" CNI_IFNAME=eth0 \
		CNI_PATH="$evil" BPFBR_ROOT="$ROOT/other" PATH="$evil:$PATH" || fail "DEL: $(out)" || return 1
	# CNI_NETNS must be an absolute path to a network namespace file.
	for n in "relative/ns" "/etc/passwd" "/proc/self/ns/mnt" "/run" "$ROOT/nonexistent"; do
		cni_env "$c" bpfbr CNI_COMMAND=ADD CNI_CONTAINERID=id2 CNI_NETNS="$n" CNI_IFNAME=eth0 \
			CNI_PATH=/nonexistent && { fail "CNI_NETNS $n accepted"; return 1; }
		jq -e '.code == 3 or .code == 4' "$CNI_OUT" >/dev/null || fail "CNI_NETNS $n: $(out)" || return 1
		REFUSED=$((REFUSED + 1))
	done
	# Container ID and interface name as the spec defines them.
	for n in "../x" "a/b" "$(printf 'x%.0s' $(seq 300))/" ""; do
		cni_env "$c" bpfbr CNI_COMMAND=ADD CNI_CONTAINERID="$n" CNI_NETNS="/run/netns/$(ct c2)" \
			CNI_IFNAME=eth0 CNI_PATH=/nonexistent && { fail "container ID '$n' accepted"; return 1; }
		cni_error 4 || return 1
		REFUSED=$((REFUSED + 1))
	done
	for n in "../x" "a/b" "." ".." "eth0123456789012"; do
		cni_env "$c" bpfbr CNI_COMMAND=ADD CNI_CONTAINERID=id2 CNI_NETNS="/run/netns/$(ct c2)" \
			CNI_IFNAME="$n" CNI_PATH=/nonexistent && { fail "interface '$n' accepted"; return 1; }
		cni_error 4 || return 1
		REFUSED=$((REFUSED + 1))
	done
	# The config's name and root.
	for n in '.name = "../x"' '.name = "a/b"' '.root = "relative"' '.root = "/tmp/../etc"' \
		'.root = "/tmp/./x"'; do
		cni ADD "$(jq -c "$n" <<<"$c")" id2 c2 && { fail "config $n accepted"; return 1; }
		cni_error 7 || return 1
		REFUSED=$((REFUSED + 1))
	done
	# IPAM plugin names are names, not paths; CNI_PATH's relative directories are skipped.
	mkdir -p "$evil/sub"
	for n in '../evil' '/bin/sh' 'a/evil'; do
		cni_env "$(jq -c --arg t "$n" 'del(.subnet) | .ipam = {type: $t}' <<<"$c")" bpfbr CNI_COMMAND=ADD \
			CNI_CONTAINERID=id2 CNI_NETNS="/run/netns/$(ct c2)" CNI_IFNAME=eth0 CNI_PATH="$evil/sub" &&
			fail "IPAM type $n accepted" && return 1
		REFUSED=$((REFUSED + 1))
	done
	mkdir -p "$ROOT/rel"
	cp "$evil/evil" "$ROOT/rel/host-local"
	(cd "$ROOT" && cni_env "$(jq -c 'del(.subnet) | .ipam = {type: "host-local"}' <<<"$c")" bpfbr CNI_COMMAND=ADD \
		CNI_CONTAINERID=id3 CNI_NETNS="/run/netns/$(ct c3)" CNI_IFNAME=eth0 CNI_PATH="rel:./rel") &&
		fail "an IPAM plugin was found through relative CNI_PATH entries" && return 1
	[ -z "$(ls -A "$ROOT/marks")" ] || fail "bpfbr ran: $(ls "$ROOT/marks" | tr '\n' ' ')" || return 1
	nothing_left demo || return 1
	figure "refused=$REFUSED evil_programs_run=0 bpfbr_root_used=0"
}

run_tests "$@"
