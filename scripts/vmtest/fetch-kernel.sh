#!/bin/bash
# fetch-kernel.sh SERIES: resolve a Debian kernel series ("6.1", "6.12") to the newest
# linux-image-*-amd64 build the apt archive offers, unpack it into the cache without
# installing it (apt-get download + dpkg-deb -x + depmod -b), and print its directory.
# Older builds of the same series are pruned from the cache: the archive keeps only the newest.
set -euo pipefail
# shellcheck source=scripts/vmtest/lib.sh
. "$(dirname "${BASH_SOURCE[0]}")/lib.sh"

if [ $# -ne 1 ] || ! [[ $1 =~ ^[0-9]+\.[0-9]+$ ]]; then
	die "usage: fetch-kernel.sh SERIES (e.g. 6.1, 6.12)"
fi
series=$1
# 6.1 is named linux-image-6.1.0-ABI-amd64, 6.12 linux-image-6.12.PATCH+debN-amd64; the
# meta packages (linux-image-amd64, linux-image-6.12-amd64) and cloud/rt flavours do not match.
name_re="^linux-image-${series//./\\.}(\\.0-[0-9]+|\\.[0-9]+\\+deb[0-9]+)-amd64\$"
kernels=$VMTEST_CACHE/kernels

# Print "PACKAGE VERSION" of the newest package of the series that has an installable candidate.
resolve() {
	local pkg ver
	for pkg in $(apt-cache pkgnames linux-image- | grep -E "$name_re" | sort -rV); do
		ver=$(apt-cache policy "$pkg" | awk '$1 == "Candidate:" { print $2 }')
		if [ -n "$ver" ] && [ "$ver" != "(none)" ]; then
			echo "$pkg $ver"
			return 0
		fi
	done
	return 1
}

download() { # PACKAGE VERSION DIR
	(cd "$3" && apt-get download -q -o APT::Sandbox::User=root "$1=$2") >&2
}

mkdir -p "$kernels"
exec {lock}>"$kernels/.lock-$series"
flock "$lock" # one download per series, even when runs start in parallel

if ! found=$(resolve); then
	log "no $series kernel in the apt lists; running apt-get update"
	apt-get update -q >&2 || true
	found=$(resolve) || found=""
fi
if [ -z "$found" ]; then
	# Offline with stale lists: fall back to the newest build already unpacked.
	dir=$(find "$kernels" -mindepth 2 -maxdepth 2 -name .complete -printf '%h\n' |
		grep -E "/${series//./\\.}(\\.0-[0-9]+|\\.[0-9]+\\+deb[0-9]+)-amd64_" | sort -V | tail -n 1) ||
		true
	[ -n "$dir" ] || die "apt knows no linux-image package for series $series"
	log "warning: apt offers no $series kernel; using the cached $(basename "$dir")"
	echo "$dir"
	exit 0
fi

read -r pkg ver <<<"$found"
rel=${pkg#linux-image-}
dir=$kernels/${rel}_${ver//:/%}
if [ -f "$dir/.complete" ]; then
	log "kernel $series -> $pkg $ver (release $rel), cached"
	echo "$dir"
	exit 0
fi

log "kernel $series -> $pkg $ver (release $rel), downloading"
tmp=$(mktemp -d "$kernels/.tmp.XXXXXX")
trap 'rm -rf "$tmp"' EXIT
if ! download "$pkg" "$ver" "$tmp"; then
	apt-get update -q >&2 || true
	download "$pkg" "$ver" "$tmp" || die "apt-get download $pkg=$ver failed"
fi
debs=("$tmp"/*.deb)
dpkg-deb -x "${debs[0]}" "$tmp/root"
rm -f "${debs[@]}"
[ -f "$tmp/root/boot/vmlinuz-$rel" ] || die "$pkg has no boot/vmlinuz-$rel"
[ -d "$tmp/root/lib/modules/$rel" ] || die "$pkg has no lib/modules/$rel"
depmod -b "$tmp/root" "$rel" # the package ships no modules.dep (the postinst would make it)
printf '%s %s %s\n' "$pkg" "$ver" "$rel" >"$tmp/root/.complete"
rm -rf "$dir"
mv "$tmp/root" "$dir"

# Prune older builds of this series and their initramfs images.
for old in "$kernels"/*_*; do
	if [ "$old" = "$dir" ] || ! [ -f "$old/.complete" ]; then
		continue
	fi
	old_rel=$(basename "$old")
	old_rel=${old_rel%%_*}
	[[ "linux-image-$old_rel" =~ $name_re ]] || continue
	log "pruning the older build $(basename "$old") from the cache"
	rm -rf "$old" "$VMTEST_CACHE/initramfs/$old_rel"-*
done
log "kernel $series ready in $dir ($(du -sh "$dir" | cut -f 1))"
echo "$dir"
