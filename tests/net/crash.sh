#!/usr/bin/env bash
# Crash consistency (issue 7, issue 10): bpfbr killed with SIGKILL at random
# points of `attach`, `detach`, CNI ADD, CNI DEL, `net delete` and `upgrade`;
# after each kill one reconcile (`bpfbr gc`, or simply the next command) must
# leave no leaked device, address reservation, map entry, NAT entry or pin,
# every hook must run its pinned program, and no address may ever be held
# twice.
#
# Kill points are deterministic where strace is installed: the command runs
# under `strace -e inject=all:signal=KILL:when=N`, which kills it on entry to
# its N-th system call, before that call runs. Everything a command changes
# outside itself goes through a system call, so "before call N" for N = 1..M
# are all the distinct points at which a kill can leave the system. N is
# drawn (seeded) from the calls of 1..M that are not a read(2), M being what
# the same command needed when it last ran to the end: a read changes nothing
# outside the process, so the point before it is the point before the next
# call that is not one, and every distinct point stays reachable (a program
# load reads the kernel's BTF in some 1 300 reads, which would otherwise take
# most of the draws). strace is required (scripts/deps.sh installs it); with
# BPFBR_CRASH_KILL=timing the kill comes from `kill -9` after a random delay
# of up to the command's own duration instead.
#
#   BPFBR_CRASH_SEED=S   the seed (printed by each run) reproduces the sequence;
#                        default seeds 1 and 3 (TC), 3 and 4 (XDP), a fresh one in a soak
#                        of commands and kill points
#   BPFBR_SOAK=1         250 kills instead of 30
#   BPFBR_CRASH_KILL=timing   kill -9 after a delay even where strace exists
#   BPFBR_CRASH_MASQ=0   the CLI network without masquerade (to look past NAT)
#   BPFBR_CRASH_RECONCILE=gc|cli|cni   reconcile only that way (default: any of
#                        bpfbr gc, the next CLI command, the next CNI command)
. "$(dirname "$0")/reliability/lib.sh"

KILLS=$(sized 30 250)
POOL=6
SEED=""
KILL_BY=${BPFBR_CRASH_KILL:-strace}
MASQ=${BPFBR_CRASH_MASQ:-1}
RECONCILE=${BPFBR_CRASH_RECONCILE:-any}
OP_TIMEOUT=30

declare -A EST      # what an op needed when it last ran to the end: calls (strace) or µs
declare -A HOLDER   # address -> the owner that got it last
declare -A SEEN     # problems seen already (not counted twice)
declare -a OPCMD    # the command of the op chosen by pick_op
OPNAME=""
CONF_DEMO=""
CONF_POD=""
NEWNS=""

# rnd N: R = a seeded random number in 0..N-1 (no subshell: a subshell reseeds RANDOM).
R=0
rnd() { R=$(((RANDOM * 32768 + RANDOM) % $1)); }

# load_atts: every attachment of demo and pod, as "NET ID NETNS IFNAME IP CNI"
# lines in ATTS (one jq run: this machine's process starts are what costs).
ATTS=()
load_atts() {
	local f=() n
	for n in demo pod; do
		[ -f "$ROOT/var/lib/bpfbr/networks/$n.json" ] && f+=("$ROOT/var/lib/bpfbr/networks/$n.json")
	done
	ATTS=()
	[ ${#f[@]} -gt 0 ] || return 0
	mapfile -t ATTS < <(jq -r '.name as $n | .attachments[] | "\($n) \(.id) \(.netns) \(.ifname) \(.ip) \(.cni)"' "${f[@]}")
}

# atts NET FIELD [cni|cli]: one field (id netns ifname ip) of NET's attachments
# in ATTS (the sentinel left out), optionally only those made by CNI or the CLI.
# shellcheck disable=SC2034 # the fields are read through ${!2}
atts() {
	local a net id netns ifname ip cni
	for a in "${ATTS[@]}"; do
		read -r net id netns ifname ip cni <<<"$a"
		[ "$net" = "$1" ] && [ "$ip" != 10.40.0.250 ] || continue
		[ "${3:-}" = cni ] && [ "$cni" != true ] && continue
		[ "${3:-}" = cli ] && [ "$cni" != false ] && continue
		echo "${!2}"
	done
}

# pick_op: a random operation that makes sense in the current state, in
# OPNAME and OPCMD ("cli ARGS…" or "cni CONF CMD ID NETNS IFNAME").
pick_op() {
	local cands=() free=() n s p pool_ns a ifname ip cni
	load_atts
	pool_ns=$(atts demo netns)
	for n in $(seq 1 $POOL); do
		p=/run/netns/$PREFIX-s$n
		grep -qxF "$p" <<<"$pool_ns" || free+=("s$n")
	done
	[ ${#free[@]} -gt 0 ] && cands+=(attach attach add add)
	[ -n "$(atts demo id cli)" ] && cands+=(detach detach)
	[ -n "$(atts demo id cni)$(atts pod id cni)" ] && cands+=(del del)
	cands+=(add_pod)
	[ -f "$ROOT/var/lib/bpfbr/networks/pod.json" ] && [ -z "$(atts pod id)" ] && cands+=(net_delete)
	cands+=(upgrade)
	rnd ${#cands[@]}
	OPNAME=${cands[$R]}
	case $OPNAME in
	attach)
		rnd 4
		if [ $R = 0 ]; then
			NEWNS=$PREFIX-n$RANDOM
			OPCMD=(cli attach demo "$NEWNS" --create-netns)
		else
			rnd ${#free[@]}
			OPCMD=(cli attach demo "$PREFIX-${free[$R]}")
		fi ;;
	detach)
		mapfile -t s < <(atts demo netns cli)
		rnd ${#s[@]}
		OPCMD=(cli detach demo "${s[$R]}") ;;
	add)
		rnd ${#free[@]}
		n=${free[$R]}
		OPCMD=(cni "$CONF_DEMO" ADD "id-$n" "/run/netns/$PREFIX-$n" eth0) ;;
	add_pod)
		rnd $POOL
		n=s$((1 + R))
		if atts pod id | grep -qx "id-$n"; then
			OPNAME=del
			OPCMD=(cni "$CONF_POD" DEL "id-$n" "/run/netns/$PREFIX-$n" eth1)
		else
			OPNAME=add
			OPCMD=(cni "$CONF_POD" ADD "id-$n" "/run/netns/$PREFIX-$n" eth1)
		fi ;;
	del)
		mapfile -t s < <(for a in "${ATTS[@]}"; do
			read -r n p pool_ns ifname ip cni <<<"$a"
			[ "$cni" = true ] && echo "$n $p $pool_ns $ifname"
		done)
		rnd ${#s[@]}
		read -r n p pool_ns s <<<"${s[$R]}"
		# A runtime may call DEL without the namespace.
		rnd 3
		[ $R = 0 ] && pool_ns=""
		if [ "$n" = demo ]; then n=$CONF_DEMO; else n=$CONF_POD; fi
		OPCMD=(cni "$n" DEL "$p" "$pool_ns" "$s") ;;
	net_delete)
		OPCMD=(cli net delete pod) ;;
	upgrade)
		# Every network (demo, pod and demo's uplink) or demo alone.
		rnd 2
		if [ $R = 0 ]; then OPCMD=(cli upgrade); else OPCMD=(cli upgrade demo); fi ;;
	esac
}

# run_op KILL-AT: runs OPCMD; KILL-AT 0: to the end; else "SYSCALL:K" (strace:
# killed on entry to its K-th SYSCALL call) or µs (timing: kill -9 after that
# long). Sets OP_RC (137: killed, 124: hung) and OP_MS; a run to the end under
# strace records its system calls in $ROOT/trace.OPNAME (one name per line).
OP_RC=0
OP_MS=0
run_op() {
	local at=$1 start pre=() env=() what=${OPCMD[0]} pid clean=1
	local out=$ROOT/op.out tr=$ROOT/op.trace
	# A run that reconciles first is longer than usual: not a model to kill by.
	[ -e "$ROOT/var/lib/bpfbr/journal" ] && clean=0
	if [ "$KILL_BY" = strace ]; then
		if [ "$at" = 0 ]; then
			pre=(strace -qq -o "$tr")
		else
			pre=(strace -qq -o /dev/null -e "inject=${at%%:*}:signal=KILL:when=${at#*:}")
		fi
	fi
	start=$(date +%s%N)
	if [ "$what" = cli ]; then
		timeout "$OP_TIMEOUT" nsenter --net="/run/netns/$NODE" "${pre[@]}" "$BPFBR_BIN" --root "$ROOT" \
			"${OPCMD[@]:1}" >"$out" 2>&1 &
	else
		env=(env -i PATH="$PATH" CNI_COMMAND="${OPCMD[2]}" CNI_CONTAINERID="${OPCMD[3]}"
			CNI_NETNS="${OPCMD[4]}" CNI_IFNAME="${OPCMD[5]}" CNI_PATH=/nonexistent)
		printf '%s' "${OPCMD[1]}" >"$out.conf"
		timeout "$OP_TIMEOUT" nsenter --net="/run/netns/$NODE" "${env[@]}" "${pre[@]}" "$BPFBR_BIN" \
			<"$out.conf" >"$out" 2>&1 &
	fi
	pid=$!
	if [ "$KILL_BY" = timing ] && [ "$at" != 0 ]; then
		read -r -t "$(printf '%d.%06d' $((at / 1000000)) $((at % 1000000)))" -u "$SLEEP_FD"
		kill -9 "$pid" 2>/dev/null
	fi
	wait "$pid" 2>/dev/null
	OP_RC=$?
	OP_MS=$(ms_since "$start")
	if [ "$OP_RC" = 124 ]; then
		# What it was doing: the last system calls of its trace.
		[ "$at" = 0 ] && [ "$KILL_BY" = strace ] &&
			grep -v "^---\|^+++" "$tr" | tail -4 | cut -c1-200 | sed "s/^/    hung in: /"
		kill_ours
		return
	fi
	[ "$at" = 0 ] && [ "$OP_RC" != 137 ] && [ $clean = 1 ] || return
	if [ "$KILL_BY" = strace ]; then
		sed -n 's/^\([a-z0-9_]*\)(.*/\1/p' "$tr" >"$ROOT/trace.$OPNAME"
		EST[$OPNAME]=$(wc -l <"$ROOT/trace.$OPNAME")
	else
		EST[$OPNAME]=$((OP_MS * 1000))
	fi
}

# kill_point: where to kill the op picked, uniformly over its last full run:
# "SYSCALL:K" for its N-th system call (the K-th of that name; never a read,
# see the top), or µs.
KILL_N=0
AT=0
kill_point() {
	local m=${EST[$OPNAME]:-0} name points
	if [ "$KILL_BY" = timing ]; then
		rnd "$m"
		KILL_N=$((1 + R))
		AT=$KILL_N
		return
	fi
	mapfile -t points < <(grep -nvx read "$ROOT/trace.$OPNAME" | cut -d: -f1)
	rnd ${#points[@]}
	KILL_N=${points[$R]}
	name=$(sed -n "${KILL_N}p" "$ROOT/trace.$OPNAME")
	AT="$name:$(head -n "$KILL_N" "$ROOT/trace.$OPNAME" | grep -cx "$name")"
}

# describe: the op picked, as one line.
describe() {
	if [ "${OPCMD[0]}" = cli ]; then
		echo "bpfbr ${OPCMD[*]:1}"
	else
		echo "CNI ${OPCMD[2]} $(jq -r .name <<<"${OPCMD[1]}") id=${OPCMD[3]} netns=${OPCMD[4]:-none} if=${OPCMD[5]}"
	fi
}

# track_addresses: every (address, owner) of the state; an address whose new
# owner got it while the previous one still holds it is handed out twice.
HANDED=0
TWICE=0
track_addresses() {
	local a net id ip
	load_atts
	for a in "${ATTS[@]}"; do
		read -r net id _ _ ip _ <<<"$a"
		if [ "${HOLDER[$ip]:-}" != "$net $id" ]; then
			HANDED=$((HANDED + 1))
			HOLDER[$ip]="$net $id"
		fi
	done
	TWICE=$((TWICE + $(printf '%s\n' "${ATTS[@]}" | awk 'NF {print $5}' | sort | uniq -d | wc -l)))
}

# new_problems LABEL: problems of the last audit not reported before, printed
# with LABEL; their number in $NEW.
NEW=0
new_problems() {
	local line
	NEW=0
	while IFS= read -r line; do
		[ -n "${SEEN[$line]:-}" ] && continue
		SEEN[$line]=1
		NEW=$((NEW + 1))
		echo "    $1: $line"
	done < <(grep -E '^(LEAK|BROKEN) ' "$ROOT/audit.out")
}

# crash_run: KILLS kills drawn from $SEED, each reconciled once and audited.
crash_run() {
	local kills=0 up_kills=0 up_moved=0 done_early=0 iter=0 leaks=0 hangs=0 sentinel=0 netns_left=0 at how r killed_ns
	local by_gc=0 by_cli=0 by_cni=0 leaks_gc=0 leaks_cli=0 leaks_cni=0 label t0 masq=()
	t0=$(date +%s%N)
	[ "$KILL_BY" != strace ] || command -v strace >/dev/null ||
		{ fail "strace missing (scripts/deps.sh installs it; BPFBR_CRASH_KILL=timing does without)"; return 1; }
	RANDOM=$SEED
	echo "  seed: $SEED (BPFBR_CRASH_SEED=$SEED reproduces the sequence); kills by $KILL_BY"
	local fifo=$ROOT/sleep.fifo
	mkfifo "$fifo" && exec {SLEEP_FD}<>"$fifo"
	[ "$MASQ" = 1 ] && masq=(--uplink up0 --masquerade --nat-max 1024)
	ext_host || fail "cannot build the external host" || return 1
	check "net create demo" bpfbr net create demo --subnet 10.40.0.0/24 "${masq[@]}" || return 1
	CONF_DEMO=$(conf demo 10.40.0.0/24 "$([ "$MASQ" = 1 ] && echo '.ipMasq = true | .uplink = "up0"' || echo .)")
	CONF_POD=$(conf pod 10.41.0.0/24 '.isDefaultGateway = false')
	for n in $(seq 1 $POOL); do ns_new "s$n" || return 1; done
	# The sentinel: attached once, never touched; it must keep its network throughout.
	check "attach sentinel" bpfbr attach demo "$(ct sen)" --create-netns --ip 10.40.0.250 || return 1
	while [ $kills -lt "$KILLS" ] && [ $iter -lt $((KILLS * 3)) ]; do
		iter=$((iter + 1))
		NEWNS=""
		pick_op
		# The first run of each kind runs to the end, to learn its length;
		# later ones go to the end once in 8 too, to follow the state's growth.
		rnd 8
		if [ -z "${EST[$OPNAME]:-}" ] || [ $R = 0 ]; then
			run_op 0
			[ "$OP_RC" != 124 ] || { hangs=$((hangs + 1)); fail "$(describe) hung"; break; }
			continue
		fi
		kill_point
		at=$AT
		if [ "$KILL_BY" = strace ]; then
			label="kill $((kills + 1)) ($(describe), killed on entry to ${at%%:*} call #${at#*:}, system call $KILL_N of ${EST[$OPNAME]})"
		else
			label="kill $((kills + 1)) ($(describe), after $at µs of ~${EST[$OPNAME]})"
		fi
		run_op "$at"
		killed_ns=$NEWNS
		if [ "$OP_RC" = 124 ]; then
			hangs=$((hangs + 1))
			fail "$label: the command hung for ${OP_TIMEOUT}s (killed): $(tail -3 "$ROOT/op.out" | tr '\n' ' ')"
			break
		fi
		if [ "$OP_RC" != 137 ]; then
			done_early=$((done_early + 1))
			continue
		fi
		kills=$((kills + 1))
		if [ "$OPNAME" = upgrade ]; then
			up_kills=$((up_kills + 1))
			# Killed once its programs were staged: pins move, hooks switch.
			jq -e .step "$ROOT/var/lib/bpfbr/journal" >/dev/null 2>&1 && up_moved=$((up_moved + 1))
		fi
		# One reconcile: bpfbr gc, or whatever command comes next.
		local r=$RECONCILE
		if [ "$r" = any ]; then
			rnd 3
			r=$(echo "$R" | sed 's/0/gc/; s/1/cli/; s/2/cni/')
		fi
		how=gc
		if [ "$r" != gc ]; then
			for _ in $(seq 20); do
				pick_op
				[ "${OPCMD[0]}" = "$r" ] && how=$r && break
			done
		fi
		if [ "$how" = gc ]; then
			OPNAME=gc
			OPCMD=(cli gc)
			label="$label, then bpfbr gc"
		else
			label="$label, then the next command: $(describe)"
		fi
		run_op 0
		if [ "$OP_RC" = 124 ]; then
			hangs=$((hangs + 1))
			fail "$label: hung for ${OP_TIMEOUT}s (killed): $(tail -3 "$ROOT/op.out" | tr '\n' ' ')"
			break
		fi
		# --create-netns namespaces of killed attaches that nothing records.
		load_atts
		if [ -n "$killed_ns" ] && [ -e "/run/netns/$killed_ns" ] &&
			! atts demo netns | grep -qxF "/run/netns/$killed_ns"; then
			netns_left=$((netns_left + 1))
			echo "    $label: namespace $killed_ns (made by --create-netns) is left, attached to nothing"
			ip netns del "$killed_ns"
		fi
		audit --flows
		new_problems "$label"
		leaks=$((leaks + NEW))
		eval "by_$how=\$((by_$how + 1)); leaks_$how=\$((leaks_$how + NEW))"
		track_addresses
		ping_ok sen 10.40.0.1 || sentinel=$((sentinel + 1))
	done
	[ -z "$(our_bpfbr_running)" ] || fail "bpfbr processes left running: $(our_bpfbr_running)" || return 1
	figure "kills=$kills upgrade_kills=$up_kills upgrade_kills_after_staging=$up_moved finished_before_kill=$done_early leaks=$leaks hangs=$hangs" \
		"twice=$TWICE addresses_handed=$HANDED netns_left=$netns_left sentinel_lost=$sentinel" \
		"reconciled_by(kills/leaks): gc=$by_gc/$leaks_gc next_cli=$by_cli/$leaks_cli" \
		"next_cni=$by_cni/$leaks_cni seed=$SEED by=$KILL_BY" \
		"seconds=$(( $(ms_since "$t0") / 1000 ))"
	[ $hangs = 0 ] || return 1
	[ $kills -ge "$KILLS" ] || fail "only $kills kills in $iter commands" || return 1
	[ $leaks = 0 ] || fail "$leaks leaks or broken attachments after $kills kills (seed $SEED): $(grep -m1 -E '^(LEAK|BROKEN)' "$ROOT/audit.out")" || return 1
	[ $TWICE = 0 ] || fail "an address was held twice" || return 1
	[ $sentinel = 0 ] || fail "the untouched sentinel container lost its gateway $sentinel times" || return 1
	[ $netns_left = 0 ] || fail "$netns_left namespaces made by killed attach --create-netns were left" || return 1
}

# Two fixed seeds per datapath mode in make check (each seed draws other
# commands and kill points); BPFBR_CRASH_SEED replays one, make soak draws
# fresh ones.
test_kill_anywhere_then_reconcile() {
	SEED=$(seed_of CRASH 1 3)
	crash_run
}

test_kill_anywhere_then_reconcile_second_seed() {
	SEED=$(seed_of CRASH 3 4)
	crash_run
}

run_tests "$@"
