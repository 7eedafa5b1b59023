#!/usr/bin/env bash
# man.sh BPFBR: bpfbr(8) on stdout, its COMMANDS and GLOBAL OPTIONS written
# from the command table of the binary BPFBR (`bpfbr help --commands`)
# between the hand-written sections, so the page cannot drift from --help.
set -euo pipefail
here=$(dirname "$0")
bin=$1
version=$("$bin" --version | awk 'NR == 1 { print $2 }')
table=$("$bin" help --commands)

# roff TEXT: TEXT with roff's specials escaped (backslash, hyphen, a leading
# dot or quote, the ellipsis, which troff reads as bytes).
roff() { sed -e 's/\\/\\e/g' -e 's/-/\\-/g' -e "s/^\\([.']\\)/\\\\\\&\\1/" -e 's/…/\\[u2026]/g'; }

sed -e "s/@VERSION@/$version/" -e "s/@DATE@/$(date -u -d "@${SOURCE_DATE_EPOCH:-$(date +%s)}" +%Y-%m-%d)/" \
	"$here/bpfbr.8.head"
echo ".SH COMMANDS"
# Fields split at \037: a tab is whitespace to read, which would merge an empty field.
awk -F'\t' '$1 == "cmd" || $1 == "detail" || $1 == "opt"' <<<"$table" | tr '\t' '\037' |
	while IFS=$'\037' read -r kind words a b c; do
	case $kind in
	cmd)
		echo ".SS $(printf '%s' "$words $a" | roff)"
		printf '%s.\n' "$b" | roff
		;;
	detail) printf '%s\n' "$a" | roff ;;
	opt)
		echo ".TP"
		if [ -n "$b" ]; then
			echo ".BI \"$(printf '%s' "$a" | roff) \" \"$(printf '%s' "$b" | roff)\""
		else
			echo ".B $(printf '%s' "$a" | roff)"
		fi
		printf '%s\n' "$c" | roff
		;;
	esac
done
echo ".SH GLOBAL OPTIONS"
echo "Global options go anywhere on the line; short ones may be bundled (\\-jv)."
awk -F'\t' '$1 == "global"' <<<"$table" | tr '\t' '\037' |
	while IFS=$'\037' read -r _ flags metavar help; do
	echo ".TP"
	if [ -n "$metavar" ]; then
		echo ".BI \"$(printf '%s' "$flags" | roff) \" \"$(printf '%s' "$metavar" | roff)\""
	else
		echo ".B $(printf '%s' "$flags" | roff)"
	fi
	printf '%s\n' "$help" | roff
done
cat "$here/bpfbr.8.tail"
