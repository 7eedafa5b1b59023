#!/usr/bin/env bash
# CNI helpers on top of tests/net/lib.sh: the plugin run exactly as a runtime
# runs it (a clean environment with CNI_* variables, the config on stdin, no
# arguments, in the node namespace), configs under the test's own root, and
# checks of the CNI error JSON.
. "$(dirname "${BASH_SOURCE[0]}")/../lib.sh"

CNI_BIN_DIR=${CNI_BIN_DIR:-/usr/lib/cni}
# Where a runtime would find plugins: the reference ones, and bpfbr itself.
CNI_PLUGIN_DIR=""
CNI_OUT=""

# conf NAME SUBNET [JQ-FILTER]: a bpfbr network config under $ROOT, 1.1.0,
# changed by the jq filter (e.g. '.ipMasq = true'); in the datapath mode the
# suite runs in (BPFBR_TEST_MODE, see lib.sh).
conf() {
	jq -nc --arg name "$1" --arg subnet "$2" --arg root "$ROOT" \
		'{cniVersion: "1.1.0", name: $name, type: "bpfbr", root: $root, subnet: $subnet,
		  isDefaultGateway: true} | '"${3:-.}" | in_mode
}

# in_mode: a config (on stdin) with the suite's datapath mode, unless it names one.
in_mode() {
	if [ "${BPFBR_TEST_MODE:-tc}" = tc ]; then
		jq -c .
	else
		jq -c --arg m "$BPFBR_TEST_MODE" 'if has("datapath") then . else .datapath = $m end'
	fi
}

# plugin_dir: a CNI_PATH directory holding bpfbr (named as its type) and the
# reference plugins.
plugin_dir() {
	[ -n "$CNI_PLUGIN_DIR" ] && return 0
	CNI_PLUGIN_DIR=$ROOT/cni-bin
	mkdir -p "$CNI_PLUGIN_DIR"
	ln -sf "$BPFBR_BIN" "$CNI_PLUGIN_DIR/bpfbr"
	local p
	for p in "$CNI_BIN_DIR"/*; do ln -sf "$p" "$CNI_PLUGIN_DIR/"; done
}

# cni_env CONF PLUGIN VAR=VALUE...: runs PLUGIN (bpfbr or a reference plugin's
# name) in the node namespace with only PATH and the given variables; stdout
# goes to $CNI_OUT (a file), the status is returned.
cni_env() {
	local conf=$1 plugin=$2
	shift 2
	plugin_dir
	CNI_OUT=$ROOT/cni-out.$RANDOM
	printf '%s' "$conf" | nsenter --net="/run/netns/$NODE" env -i PATH="$PATH" "$@" \
		"$CNI_PLUGIN_DIR/$plugin" >"$CNI_OUT" 2>"$CNI_OUT.err"
}

# cni CMD CONF ID [NETNS-NAME|-] [IFNAME] [CNI_ARGS]: bpfbr as a runtime calls it;
# NETNS-NAME is a container name for ct (or "-": no CNI_NETNS, as DEL may be).
cni() {
	local cmd=$1 conf=$2 id=$3 ns=${4:--} ifname=${5:-eth0} args=${6:-} netns=""
	[ "$ns" != - ] && netns=/run/netns/$(ct "$ns")
	plugin_dir
	cni_env "$conf" bpfbr CNI_COMMAND="$cmd" CNI_CONTAINERID="$id" CNI_NETNS="$netns" \
		CNI_IFNAME="$ifname" CNI_PATH="$CNI_PLUGIN_DIR" CNI_ARGS="$args"
}

# cni_net CMD CONF: GC or STATUS, which name no container.
cni_net() {
	plugin_dir
	cni_env "$2" bpfbr CNI_COMMAND="$1" CNI_PATH="$CNI_PLUGIN_DIR"
}

# out: what the last plugin run printed.
out() { cat "$CNI_OUT"; }

# with_prev CONF RESULT: CONF with prevResult set, as a runtime passes it.
with_prev() { jq -c --argjson p "$2" '. + {prevResult: $p}' <<<"$1"; }

# cni_add CONF ID NETNS-NAME [IFNAME] [CNI_ARGS]: ADD that must succeed; the
# result is in $CNI_OUT.
cni_add() {
	cni ADD "$1" "$2" "$3" "${4:-eth0}" "${5:-}" ||
		fail "ADD $2: $(out | jq -c . 2>/dev/null || out) $(cat "$CNI_OUT.err")"
}

# cni_error CODE WORDS...: the last run failed with exit status 1 and printed
# a CNI error with that code whose msg (and details) contain each word.
cni_error() {
	local code=$1 json got w
	shift
	json=$(out)
	got=$(jq -r '.code' <<<"$json" 2>/dev/null) ||
		{ fail "not a CNI error on stdout: '$json'"; return 1; }
	[ "$got" = "$code" ] || { fail "code $got, expected $code: $(jq -c . <<<"$json")"; return 1; }
	jq -e '(.cniVersion | type) == "string" and (.msg | type) == "string" and .msg != ""' \
		<<<"$json" >/dev/null || { fail "error JSON lacks cniVersion or msg: $json"; return 1; }
	for w in "$@"; do
		jq -r '.msg + " " + (.details // "")' <<<"$json" | grep -qiF -- "$w" ||
			{ fail "error message lacks '$w': $(jq -c . <<<"$json")"; return 1; }
	done
}

# new_ct NAME...: empty container namespaces, as a runtime makes them.
new_ct() {
	local n
	for n in "$@"; do
		ip netns add "$(ct "$n")" || return 1
		own_ns "$(ct "$n")"
	done
}

# state NET: the network's state file.
state() { cat "$ROOT/var/lib/bpfbr/networks/$1.json"; }

# node_veths: the node ends of container veths (bpfbr names them vethXXXXXXXX).
# ip's complaints about other runs' namespaces vanishing meanwhile (it looks
# up the peers' netns names machine-wide) are not this test's.
node_veths() {
	node ip -o link show type veth 2>/dev/null | awk -F': ' '{print $2}' | sed 's/@.*//' | grep '^veth'
}

# nothing_left NET: no container veth, port, forwarding entry, reservation or
# pinned link of a container is left on network NET (the gateway's stay).
nothing_left() {
	local net=$1 v
	v=$(node_veths)
	[ -z "$v" ] || { fail "veths left in the node namespace: $v"; return 1; }
	[ "$(state "$net" | jq '.attachments | length')" = 0 ] ||
		{ fail "reservations left: $(state "$net" | jq -c '.attachments')"; return 1; }
	[ "$(bpfbr -j status "$net" | jq '.[0].ports | length')" = 1 ] ||
		{ fail "ports left: $(bpfbr status "$net")"; return 1; }
	[ "$(bpfbr -j fdb show "$net" | jq '[.[] | select(.dev | test("^bpfbr[0-9]+-sw$") | not)] | length')" = 0 ] ||
		{ fail "forwarding entries left: $(bpfbr fdb show "$net")"; return 1; }
	v=$(for f in "$ROOT/sys/fs/bpf/bpfbr/$net/links"/*; do
		case ${f##*/} in bpfbr* | '*') ;; *) echo "${f##*/}" ;; esac
	done)
	[ -z "$v" ] || { fail "pinned links left: $v"; return 1; }
}

# host_local_ips DIR: how many addresses host-local keeps reserved in DIR.
host_local_ips() {
	local f n=0
	for f in "$1"/10.*; do [ -e "$f" ] && n=$((n + 1)); done
	echo $n
}
