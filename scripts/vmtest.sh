#!/bin/bash
# scripts/vmtest.sh KERNEL CMD [ARG...]
#
# Boot KERNEL in QEMU (TCG: this machine has no KVM) and run CMD inside it, in the same working
# directory: the guest sees the host's root read-only over 9p under a throwaway tmpfs overlay,
# so CMD runs the host's binaries against the guest's kernel and can write anywhere without
# touching the host. CMD's output (stdout and stderr together) streams to stdout; this script's
# own messages and QEMU's go to stderr.
#
# KERNEL   6.1 | 6.12 (any Debian series X.Y): the newest linux-image-*-amd64 build of that series
#          in the apt archive, downloaded and unpacked into the cache, never installed.
#          DIR: a self-built kernel: DIR/bzImage or DIR/arch/x86/boot/bzImage, optionally
#          DIR/lib/modules/REL (make modules_install INSTALL_MOD_PATH=DIR) and DIR/.config.
#          Without modules, virtio_pci, 9p and overlay must be built in.
#
# Exit status:
#   0..255   CMD's own status (128+N: CMD was killed by signal N), except:
#   121      the guest died while CMD ran (kernel panic, QEMU died): see the console log on stderr
#   122      could not set up: usage, host packages, kernel download, initramfs, or the kernel
#            never got as far as starting CMD (boot failure or boot hang)
#   123      CMD was still running when BPFBR_VMTEST_TIMEOUT expired
#   If CMD itself exits 121..123, it is reported as 1 (with a warning), so that the three
#   codes above always mean what they say.
#
# Environment:
#   BPFBR_VMTEST_TIMEOUT  hard limit for the whole VM in seconds, boot included (default 600);
#                         the guest's watchdog fires a little earlier so that CMD's output and
#                         status still reach the host
#   BPFBR_VMTEST_CACHE    kernels and initramfs images (default /var/cache/bpfbr-vmtest)
#   BPFBR_VMTEST_VERBOSE  1: stream the guest's kernel console to stderr as well
#   BPFBR_VMTEST_KEEP     1: keep the per-run directory (scripts/vmtest/runs/run.*) for debugging
#   BPFBR_VMTEST_APPEND   more kernel command line (e.g. "loglevel=7 initcall_debug")
# Every exported BPFBR_* variable is passed on to CMD, which also gets BPFBR_VMTEST_GUEST=1 and
# BPFBR_VMTEST_KERNEL=<release>.
#
# Example: scripts/vmtest.sh 6.1 tests/run.sh --vm
set -euo pipefail
here=$(cd "$(dirname "${BASH_SOURCE[0]}")" && pwd -P)
# shellcheck source=scripts/vmtest/lib.sh
. "$here/vmtest/lib.sh"

usage() {
	sed -n '2,/^set -euo/{ /^set -euo/d; s/^# \{0,1\}//; p; }' "${BASH_SOURCE[0]}" >&2
	exit "$1"
}

if [ $# -ge 1 ] && { [ "$1" = -h ] || [ "$1" = --help ]; }; then
	usage 0
fi
[ $# -ge 2 ] || usage "$VMTEST_EXIT_SETUP"
kernel=$1
shift
timeout_s=${BPFBR_VMTEST_TIMEOUT:-600}
if ! [[ $timeout_s =~ ^[0-9]+$ ]] || [ "$timeout_s" -lt 10 ]; then
	die "BPFBR_VMTEST_TIMEOUT must be a number of seconds >= 10, not '$timeout_s'"
fi
started_at=$(date +%s.%N)

ensure_host_packages
if [[ $kernel =~ ^[0-9]+\.[0-9]+$ ]]; then
	kdir=$("$here/vmtest/fetch-kernel.sh" "$kernel") || exit "$VMTEST_EXIT_SETUP"
elif [ -d "$kernel" ]; then
	kdir=$kernel
else
	die "KERNEL must be a series such as 6.1 or 6.12, or a directory; '$kernel' is neither"
fi
kdir=$(realpath "$kdir") # the guest finds the modules at the same path, resolved on the host
kernel_probe "$kdir"
initrd=$("$here/vmtest/mkinitramfs.sh" "$kdir") || exit "$VMTEST_EXIT_SETUP"
log "kernel $KERNEL_RELEASE ($KERNEL_IMAGE)"

# The per-run directory: the 9p share the guest reads the command from and writes its status to,
# and the console log. Unique per run, git-ignored, removed on exit.
runs=$here/vmtest/runs
new_run() { mkdir -p "$runs" && mktemp -d "$runs/run.XXXXXX"; }
run=$(new_run || new_run) # again if a parallel run's cleanup removed runs/ in between
share=$run/share
mkdir "$share"
qemu_pid=""
tail_pid=""
# shellcheck disable=SC2317 # run by the EXIT trap
cleanup() {
	if [ -n "$tail_pid" ]; then
		kill "$tail_pid" 2>/dev/null || true
		wait "$tail_pid" 2>/dev/null || true
	fi
	if [ -n "$qemu_pid" ] && kill -0 "$qemu_pid" 2>/dev/null; then
		kill -TERM "$qemu_pid" 2>/dev/null || true # timeout(1) passes it on to QEMU
		wait "$qemu_pid" 2>/dev/null || true
	fi
	if [ "${BPFBR_VMTEST_KEEP:-0}" = 1 ]; then
		log "kept the run directory $run"
	else
		rm -rf "$run"
		rmdir "$runs" 2>/dev/null || true
	fi
}
trap cleanup EXIT
trap 'exit 129' HUP
trap 'exit 130' INT
trap 'exit 143' TERM

cwd=$(pwd -P)
# The guest mounts a fresh tmpfs on /tmp, unless that would hide the working directory.
tmp_tmpfs=yes
case "$cwd/" in /tmp/*) tmp_tmpfs=no ;; esac
# The guest's watchdog leaves time for boot and for the output and status to reach the host.
if [ "$timeout_s" -ge 90 ]; then watchdog=$((timeout_s - 30)); else watchdog=$((timeout_s * 2 / 3)); fi
{
	printf 'VMTEST_REL=%s\n' "$(shquote "$KERNEL_RELEASE")"
	printf 'VMTEST_MODDIR=%s\n' "$(shquote "${KERNEL_MODBASE:+$KERNEL_MODBASE/lib/modules/$KERNEL_RELEASE}")"
	printf 'VMTEST_CONFIG=%s\n' "$(shquote "$KERNEL_CONFIG")"
	printf 'VMTEST_CWD=%s\n' "$(shquote "$cwd")"
	printf 'VMTEST_WATCHDOG=%s\n' "$watchdog"
	printf 'VMTEST_TMP_TMPFS=%s\n' "$tmp_tmpfs"
} >"$share/vmtest.conf"
{
	echo '# generated by scripts/vmtest.sh'
	for var in $(compgen -e | grep -E '^BPFBR_[A-Za-z0-9_]*$' || true); do
		printf 'export %s=%s\n' "$var" "$(shquote "${!var}")"
	done
	printf 'export BPFBR_VMTEST_GUEST=1 BPFBR_VMTEST_KERNEL=%s\n' "$(shquote "$KERNEL_RELEASE")"
	printf 'cd %s || exit 1\n' "$(shquote "$cwd")"
	printf 'exec'
	for arg in "$@"; do printf ' %s' "$(shquote "$arg")"; done
	echo
} >"$share/cmd.sh"

qarg() { printf '%s' "${1//,/,,}"; } # QEMU option values escape commas by doubling them
console=$run/console.log
: >"$console"
# shellcheck disable=SC2054 # commas separate QEMU sub-options
qemu=(
	qemu-system-x86_64 -accel tcg,thread=multi -cpu max -m 2G -smp 2
	-nodefaults -no-user-config -display none -nic none -no-reboot
	# ttyS0: the kernel console and /init's messages, to a log; ttyS1: CMD's output, to stdout.
	-chardev "file,id=console,path=$(qarg "$console")" -device isa-serial,chardev=console
	-chardev stdio,id=output,signal=off -device isa-serial,chardev=output
	-virtfs local,path=/,mount_tag=hostroot,readonly=on,security_model=none,multidevs=remap
	-virtfs "local,path=$(qarg "$share"),mount_tag=vmtest,security_model=none"
	-kernel "$KERNEL_IMAGE" -initrd "$initrd"
	-append "console=ttyS0,115200 panic=-1 rdinit=/init mitigations=off quiet ${BPFBR_VMTEST_APPEND:-}"
)
if [ "${BPFBR_VMTEST_VERBOSE:-0}" = 1 ]; then
	tail -n +1 -F "$console" >&2 2>/dev/null &
	tail_pid=$!
fi
boot_at=$(date +%s.%N)
# timeout(1) puts QEMU in its own process group: a terminal's ^C reaches this script, whose
# traps end QEMU through cleanup.
timeout --kill-after=10 "$timeout_s" "${qemu[@]}" </dev/null &
qemu_pid=$!
qemu_rc=0
wait "$qemu_pid" || qemu_rc=$?
qemu_pid=""
end_at=$(date +%s.%N)
# timeout(1) exits 124 when it ended QEMU, 137 when QEMU needed a SIGKILL after that.
timed_out=no
if [ "$qemu_rc" -eq 124 ] ||
	{ [ "$qemu_rc" -eq 137 ] && [ "${end_at%.*}" -ge $((${boot_at%.*} + timeout_s)) ]; }; then
	timed_out=yes
fi

show_console() { # WHY
	if [ -s "$console" ]; then
		log "$1; the guest's console (last 40 lines):"
		tail -n 40 "$console" | sed 's/^/  | /' >&2
	else
		log "$1; the guest's console is empty"
	fi
}
seconds() { awk -v a="$1" -v b="$2" 'BEGIN { printf "%.1f", a - b }'; }

status=""
[ -f "$share/status" ] && status=$(cat "$share/status")
boot_s=""
[ -f "$share/started" ] && boot_s=$(cat "$share/started")
if [[ $status =~ ^[0-9]+$ ]]; then
	rc=$status
	if [ "$rc" -ge "$VMTEST_EXIT_CRASH" ] && [ "$rc" -le "$VMTEST_EXIT_TIMEOUT" ]; then
		log "warning: the command exited $rc, which vmtest.sh reserves; reporting 1"
		rc=1
	fi
elif [ "$status" = timeout ] || { [ -n "$boot_s" ] && [ "$timed_out" = yes ]; }; then
	rc=$VMTEST_EXIT_TIMEOUT
	show_console "the command timed out (BPFBR_VMTEST_TIMEOUT=${timeout_s}s)"
elif [ -n "$boot_s" ]; then
	rc=$VMTEST_EXIT_CRASH
	show_console "the guest died while the command ran (QEMU exited $qemu_rc)"
else
	rc=$VMTEST_EXIT_SETUP
	if [ -f "$share/setup-error" ]; then
		show_console "the guest's setup failed: $(cat "$share/setup-error")"
	elif [ "$timed_out" = yes ]; then
		show_console "the kernel did not start the command within ${timeout_s}s"
	else
		show_console "the kernel failed to boot (QEMU exited $qemu_rc)"
	fi
fi
# The kernel's complaints matter even when CMD passed: a BPF program can warn without failing.
splat=$(grep -nE -m 1 'BUG:|WARNING:|Oops|Call Trace:|Kernel panic|general protection fault' \
	"$console" | cut -d : -f 1 || true)
if [ -n "$splat" ] && [ "$rc" -lt "$VMTEST_EXIT_CRASH" ]; then
	log "warning: the guest kernel logged a warning or oops:"
	sed -n "$splat,$((splat + 40))p" "$console" | sed 's/^/  | /' >&2
fi
log "$KERNEL_RELEASE: exit $rc; boot ${boot_s:-?}s (guest uptime), VM $(
	seconds "$end_at" "$boot_at")s, total $(seconds "$end_at" "$started_at")s"
exit "$rc"
