# bash completion for bpfbr(8): commands, options, network names and
# namespace names. The commands and options come from the binary itself
# (`bpfbr help --commands`), so they cannot drift from its --help.

# _bpfbr_table: the command table, read once per shell.
_bpfbr_table() {
	[ -n "${_bpfbr_tab:-}" ] || _bpfbr_tab=$("${_bpfbr_bin:-bpfbr}" help --commands 2>/dev/null)
	printf '%s\n' "$_bpfbr_tab"
}

_bpfbr() {
	local cur=${COMP_WORDS[COMP_CWORD]} prev=${COMP_WORDS[COMP_CWORD - 1]}
	local -a root=() words=()
	local i w cmd="" npos=0 takes
	_bpfbr_bin=${COMP_WORDS[0]}
	COMPREPLY=()
	# The words before the cursor: the root, the command's words, how many arguments.
	for ((i = 1; i < COMP_CWORD; i++)); do
		w=${COMP_WORDS[i]}
		case $w in
		--root) root=(--root "${COMP_WORDS[i + 1]}"); i=$((i + 1)); continue ;;
		--root=*) root=("$w"); continue ;;
		-*)
			# An option with a value takes the next word.
			takes=$(_bpfbr_table | awk -F'\t' -v c="$cmd" -v o="$w" '$1 == "opt" && $2 == c && $3 == o && $4 != "" { print 1 }')
			[ -n "$takes" ] && i=$((i + 1))
			continue ;;
		esac
		if [ -z "$cmd" ] || ! _bpfbr_table | awk -F'\t' -v c="$cmd" '$1 == "cmd" && $2 == c { f = 1 } END { exit !f }'; then
			cmd=${cmd:+$cmd }$w
		else
			npos=$((npos + 1))
		fi
	done
	if [ "$prev" = --root ]; then
		mapfile -t COMPREPLY < <(compgen -d -- "$cur")
		return
	fi
	if [ "$prev" = --uplink ]; then
		mapfile -t COMPREPLY < <(compgen -W "$(ls /sys/class/net 2>/dev/null)" -- "$cur")
		return
	fi
	if [[ $cur == -* ]]; then
		mapfile -t COMPREPLY < <(compgen -W "$(_bpfbr_table | awk -F'\t' -v c="$cmd" '
			$1 == "opt" && $2 == c { print $3 }
			$1 == "global" { n = split($2, f, ", "); for (i = 1; i <= n; i++) print f[i] }')" -- "$cur")
		return
	fi
	# The command's words: the first, or a group's second.
	if ! _bpfbr_table | awk -F'\t' -v c="$cmd" '$1 == "cmd" && $2 == c { f = 1 } END { exit !f }'; then
		mapfile -t COMPREPLY < <(compgen -W "$(_bpfbr_table | awk -F'\t' -v c="$cmd" '
			$1 != "cmd" { next }
			c == "" { split($2, w, " "); print w[1]; next }
			index($2, c " ") == 1 { print substr($2, length(c) + 2) }' | sort -u)" -- "$cur")
		return
	fi
	# Arguments: NAME is a network, NETNS a namespace.
	w=$(_bpfbr_table | awk -F'\t' -v c="$cmd" '$1 == "cmd" && $2 == c { print $3 }' | tr -d '[]' |
		awk -v n=$((npos + 1)) '{ print (n <= NF ? $n : $NF) }')
	case $w in
	NAME) mapfile -t COMPREPLY < <(compgen -W "$("$_bpfbr_bin" "${root[@]}" net list 2>/dev/null |
		awk 'NR > 1 { print $1 }')" -- "$cur") ;;
	NETNS) mapfile -t COMPREPLY < <(compgen -W "$(ls /run/netns 2>/dev/null)" -- "$cur") ;;
	COMMAND) mapfile -t COMPREPLY < <(compgen -W "$(_bpfbr_table | awk -F'\t' '$1 == "cmd" { split($2, w, " "); print w[1] }' | sort -u)" -- "$cur") ;;
	esac
}
complete -F _bpfbr bpfbr
