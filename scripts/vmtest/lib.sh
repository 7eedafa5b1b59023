# shellcheck shell=bash disable=SC2034 # the variables here are used by the scripts sourcing it
# Helpers shared by scripts/vmtest.sh and the scripts under scripts/vmtest/ (sourced, not run).

# Exit codes of scripts/vmtest.sh besides the command's own status. They sit just below the
# shell's 126/127 so that they meet neither a test's 0 pass / 1 fail / 4 skip nor the 124 of a
# `timeout` the command may use itself.
readonly VMTEST_EXIT_CRASH=121   # the guest died (kernel panic, QEMU died) while the command ran
readonly VMTEST_EXIT_SETUP=122   # usage, host setup, or the kernel never reached the command
readonly VMTEST_EXIT_TIMEOUT=123 # the command was still running when the timeout expired

# Outside the repository: two unpacked kernels are ~1 GB and survive `git clean`.
# Absolute and without symlinks: the guest reaches the modules in it through the 9p mount.
VMTEST_CACHE=$(realpath -m "${BPFBR_VMTEST_CACHE:-/var/cache/bpfbr-vmtest}")

# The modules the guest's /init loads itself to reach the host's root: virtio PCI, 9p over
# virtio, overlayfs. modprobe --show-depends adds their dependencies; built-ins are skipped.
# Every other module (veth, sch_ingress, cls_bpf, ...) is autoloaded from the full tree.
VMTEST_BOOT_MODULES=(virtio_pci 9pnet_virtio 9p overlay)

# Debian packages the host needs: QEMU, a static busybox for the initramfs, depmod/modprobe
# to resolve modules, xz for Debian's .ko.xz modules, cpio to pack the initramfs.
VMTEST_HOST_PACKAGES=(qemu-system-x86 busybox-static kmod xz-utils cpio)

log() { printf 'vmtest: %s\n' "$*" >&2; }
die() {
	log "error: $*"
	exit "$VMTEST_EXIT_SETUP"
}

# Single-quote a string for /bin/sh (also busybox sh).
shquote() {
	local s=${1//\'/\'\\\'\'}
	printf "'%s'" "$s"
}

pkg_installed() {
	[ "$(dpkg-query -W -f='${db:Status-Status}' "$1" 2>/dev/null)" = installed ]
}

# Install the host packages that are missing; a no-op (no apt call) when all are present.
ensure_host_packages() {
	local pkg missing=()
	for pkg in "${VMTEST_HOST_PACKAGES[@]}"; do
		pkg_installed "$pkg" || missing+=("$pkg")
	done
	[ ${#missing[@]} -eq 0 ] && return 0
	[ "$(id -u)" -eq 0 ] ||
		die "missing host packages: ${missing[*]}; run: sudo apt-get install ${missing[*]}"
	log "installing host packages: ${missing[*]}"
	export DEBIAN_FRONTEND=noninteractive
	apt-get install -y -q --no-install-recommends "${missing[@]}" >&2 && return 0
	# Stale package lists are the usual cause; refresh once and retry.
	apt-get update -q >&2 || true
	apt-get install -y -q --no-install-recommends "${missing[@]}" >&2 ||
		die "could not install ${missing[*]} with apt-get"
}

# The release string a bzImage carries in its setup header (boot protocol >= 2.0): a 16-bit
# offset at 0x20e points, relative to 0x200, at "6.1.0-56-amd64 (builder) #1 SMP ...".
bzimage_release() {
	local img=$1 off
	[ "$(dd if="$img" bs=1 skip=514 count=4 2>/dev/null)" = HdrS ] || return 1
	off=$(od -An -tu2 -j 526 -N 2 "$img" | tr -d ' ')
	[ -n "$off" ] && [ "$off" -gt 0 ] || return 1
	dd if="$img" bs=1 skip=$((off + 512)) count=256 2>/dev/null | tr '\0' '\n' | head -n 1 |
		cut -d ' ' -f 1
}

# Find the pieces of a kernel directory and set KERNEL_IMAGE, KERNEL_RELEASE, KERNEL_MODBASE
# (the -d base of lib/modules/REL, empty when there is none) and KERNEL_CONFIG (may be empty).
# Layouts: an unpacked Debian package (boot/vmlinuz-REL, boot/config-REL, lib/modules/REL),
# or a self-built kernel (bzImage or arch/x86/boot/bzImage, .config, and optionally the
# modules installed with `make modules_install INSTALL_MOD_PATH=DIR`).
kernel_probe() {
	local dir=$1 cand
	KERNEL_IMAGE="" KERNEL_RELEASE="" KERNEL_MODBASE="" KERNEL_CONFIG=""
	[ -d "$dir" ] || die "kernel directory $dir does not exist"
	for cand in "$dir/bzImage" "$dir/arch/x86/boot/bzImage" "$dir"/boot/vmlinuz-* "$dir"/vmlinuz*; do
		if [ -f "$cand" ]; then
			KERNEL_IMAGE=$cand
			break
		fi
	done
	[ -n "$KERNEL_IMAGE" ] ||
		die "no kernel image in $dir (looked for bzImage, arch/x86/boot/bzImage, boot/vmlinuz-*, vmlinuz*)"
	KERNEL_RELEASE=$(bzimage_release "$KERNEL_IMAGE") ||
		die "$KERNEL_IMAGE is not an x86 bzImage (no HdrS setup header)"
	[ -n "$KERNEL_RELEASE" ] || die "$KERNEL_IMAGE carries no release string"
	if [ -d "$dir/lib/modules/$KERNEL_RELEASE" ]; then
		KERNEL_MODBASE=$dir
		[ -f "$dir/lib/modules/$KERNEL_RELEASE/modules.dep" ] ||
			die "$dir/lib/modules/$KERNEL_RELEASE has no modules.dep; run: depmod -b $dir $KERNEL_RELEASE"
	fi
	for cand in "$dir/boot/config-$KERNEL_RELEASE" "$dir/.config" "$dir/config"; do
		if [ -f "$cand" ]; then
			KERNEL_CONFIG=$cand
			break
		fi
	done
}
