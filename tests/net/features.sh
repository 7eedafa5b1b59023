#!/usr/bin/env bash
# modes: tc
# vm: yes
# The probes for optional kernel features (tests/net/lib.sh: have_feature,
# need_feature): each answers on this kernel and leaves nothing behind, the
# multicast routing probe agrees with procfs, a feature hidden by
# BPFBR_TEST_NO_FEATURES makes a test skip with the feature's kernel option
# in the reason, and a name without a probe fails instead of skipping. In
# the VMs (vm: yes) the probes meet other kernel builds.
. "$(dirname "$0")/lib.sh"

# in_sub CMD…: CMD in a subshell with a root of its own for fail/skip's
# reason; prints "RC REASON".
in_sub() {
	local sub=$ROOT/sub.$RANDOM
	mkdir "$sub" || return 1
	(ROOT=$sub; "$@" 2>/dev/null; echo "$? $(cat "$ROOT/.why" 2>/dev/null)")
}

# node_view: the node's links, addresses, routes and firewall rules.
node_view() {
	node ip -o link show | sed 's/^[0-9]*: //'
	node ip -o addr show
	node ip route show table all
	node iptables-save 2>/dev/null | grep -v '^#'
	node nft list ruleset 2>/dev/null
}

# Every probe answers, from a namespace of its own: run in the node, it
# leaves the node as it was.
test_every_probe_answers_and_leaves_nothing() {
	local f rc before
	before=$(node_view)
	for f in $KERNEL_FEATURES; do
		feature_what "$f" | grep -q 'CONFIG_' || fail "'$f' does not name its kernel option" || return 1
		node bash -c "$(declare -f feature_probe); feature_probe $f" >/dev/null 2>&1
		rc=$?
		echo "  $f: $([ "$rc" = 0 ] && echo present || echo "missing")" >&2
	done
	[ "$(node_view)" = "$before" ] ||
		fail "the probes changed the node: $(diff <(echo "$before") <(node_view) | grep '^[<>]' | head -5 | tr '\n' ' ')" ||
		return 1
}

# A fresh namespace has /proc/net/ip_mr_vif exactly when the kernel routes multicast.
test_mroute_probe_agrees_with_procfs() {
	local proc probe=missing
	proc=$(node sh -c '[ -e /proc/net/ip_mr_vif ] && echo present || echo missing')
	have_feature mroute && probe=present
	[ "$probe" = "$proc" ] ||
		fail "the mroute probe says $probe ($FEATURE_SAID), /proc/net/ip_mr_vif says $proc" || return 1
}

test_hidden_feature_skips_with_its_reason() {
	local f got want
	for f in $KERNEL_FEATURES; do
		got=$(BPFBR_TEST_NO_FEATURES="other $f" in_sub need_feature "$f")
		[[ "$got" == "4 needs "*"CONFIG_"*"which this kernel lacks: BPFBR_TEST_NO_FEATURES hides it" ]] ||
			fail "need_feature $f, hidden: '$got', expected a skip (4) naming its kernel option" ||
			return 1
	done
	# Only the names listed are hidden.
	have_feature bridge
	want=$?
	got=$(BPFBR_TEST_NO_FEATURES="bridge6 mroute" in_sub have_feature bridge)
	[ "${got%% *}" = "$want" ] ||
		fail "BPFBR_TEST_NO_FEATURES=\"bridge6 mroute\" changes the bridge probe's answer" || return 1
}

test_unknown_feature_fails() {
	local got
	got=$(in_sub need_feature vxlan-gbp-typo)
	[ "$got" = "1 need_feature: no probe for 'vxlan-gbp-typo'" ] ||
		fail "need_feature of a name without a probe: '$got', expected a failure (1)" || return 1
}

run_tests "$@"
