#!/usr/bin/env bash
# Regenerates vmlinux/vmlinux.h from a kernel's BTF.
#   vmlinux/gen.sh [BTF_FILE]     (default: /sys/kernel/btf/vmlinux)
# The BPF programs only use UAPI types from it (__sk_buff, xdp_md, ethhdr,
# iphdr, bpf_fib_lookup, ...), whose layout every kernel keeps, so a header
# made from any kernel with BTF builds objects that load on 6.1 and later.
set -euo pipefail
btf=${1:-/sys/kernel/btf/vmlinux}
out=$(dirname "$0")/vmlinux.h
bpftool btf dump file "$btf" format c >"$out.tmp"
mv "$out.tmp" "$out"
echo "wrote $out from $btf ($(uname -r))"
