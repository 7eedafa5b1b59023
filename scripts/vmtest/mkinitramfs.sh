#!/bin/bash
# mkinitramfs.sh KERNEL_DIR: build (or reuse from the cache) the guest's initramfs for the
# kernel in KERNEL_DIR and print its path. It holds a static busybox, scripts/vmtest/init as
# /init, the modprobe wrapper, and the modules /init must load itself before it can reach the
# host's root (VMTEST_BOOT_MODULES plus their dependencies, decompressed for busybox insmod).
# The archive is an uncompressed newc cpio: under TCG, unpacking gzip costs more than it saves.
set -euo pipefail
# shellcheck source=scripts/vmtest/lib.sh
. "$(dirname "${BASH_SOURCE[0]}")/lib.sh"

[ $# -eq 1 ] || die "usage: mkinitramfs.sh KERNEL_DIR"
kdir=$(realpath "$1")
src=$(dirname "$(realpath "${BASH_SOURCE[0]}")")
busybox=/bin/busybox
kernel_probe "$kdir"

# The modules to load, dependencies first, each once, as paths; built-ins need nothing.
modules=()
if [ -n "$KERNEL_MODBASE" ]; then
	mapfile -t modules < <(
		for mod in "${VMTEST_BOOT_MODULES[@]}"; do
			modprobe -d "$KERNEL_MODBASE" -S "$KERNEL_RELEASE" --show-depends "$mod" ||
				echo "missing $mod"
		done | awk '$1 == "insmod" && !seen[$2]++ { print $2 } $1 == "missing" { print }'
	)
	for mod in "${modules[@]}"; do
		[[ $mod != missing\ * ]] || die "kernel $KERNEL_RELEASE in $kdir has no module ${mod#missing }"
	done
else
	log "warning: $kdir has no lib/modules/$KERNEL_RELEASE; virtio_pci, 9p and overlay must be built in"
fi

# Reuse the cached image when nothing that goes into it has changed.
key=$(
	{
		echo "$kdir $KERNEL_RELEASE"
		cat "$src/init" "$src/guest-modprobe" "${BASH_SOURCE[0]}"
		stat -L -c '%n %s %Y' "$busybox" "$KERNEL_IMAGE" ${modules[@]+"${modules[@]}"}
	} | sha256sum | cut -c 1-16
)
outdir=$VMTEST_CACHE/initramfs
prefix=$KERNEL_RELEASE-$(echo "$kdir" | sha256sum | cut -c 1-8) # one kernel directory
out=$outdir/$prefix-$key.cpio
mkdir -p "$outdir"
exec {lock}>"$outdir/.lock"
flock "$lock"
if [ -f "$out" ]; then
	echo "$out"
	exit 0
fi

stage=$(mktemp -d "$outdir/.stage.XXXXXX")
trap 'rm -rf "$stage"' EXIT
root=$stage/root
mkdir -p "$root"/{bin,sbin,usr/bin,usr/sbin,dev,proc,sys,lower,ovl,newroot,vmtest,lib/modules/boot}
cp "$busybox" "$root/bin/busybox"
install -m 0755 "$src/init" "$root/init"
install -m 0755 "$src/guest-modprobe" "$root/sbin/vmtest-modprobe"
# The kernel opens /dev/console for /init before anything is mounted.
mknod -m 0600 "$root/dev/console" c 5 1

for path in ${modules[@]+"${modules[@]}"}; do
	name=$(basename "$path")
	name=${name%%.ko*}
	case "$path" in
	*.ko.xz) xz -dc "$path" >"$root/lib/modules/boot/$name.ko" ;;
	*.ko.gz) gzip -dc "$path" >"$root/lib/modules/boot/$name.ko" ;;
	*.ko.zst) zstd -qdc "$path" >"$root/lib/modules/boot/$name.ko" ;;
	*.ko) cp "$path" "$root/lib/modules/boot/$name.ko" ;;
	*) die "unexpected module file $path" ;;
	esac
	echo "$name" >>"$root/lib/modules/boot.list"
done
touch "$root/lib/modules/boot.list"

(cd "$root" && find . | LC_ALL=C sort | cpio -o -H newc -R 0:0 --quiet) >"$stage/initramfs.cpio"
rm -f "$outdir/$prefix"-*.cpio # older images of this kernel directory
mv "$stage/initramfs.cpio" "$out"
log "built $out ($(du -h "$out" | cut -f 1), ${#modules[@]} modules)"
echo "$out"
