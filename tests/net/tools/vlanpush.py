#!/usr/bin/env python3
"""A TC program that puts every frame it sees into a VLAN tag carried outside
the frame (skb->vlan_tci), as a VLAN device does on a device with TX VLAN
offload (veth has it). Stands in for the 8021q module, which kernels may lack.

  vlanpush.py PIN VID
      loads the program (bpf_skb_vlan_push with 802.1Q and VID) and pins it at
      PIN, in a mounted bpffs; attach it with
      tc filter add dev DEV egress bpf object-pinned PIN direct-action
"""
import ctypes
import struct
import sys

BPF_PROG_TYPE_SCHED_CLS = 3
BPF_FUNC_skb_vlan_push = 18


def insn(code, dst=0, src=0, off=0, imm=0):
    return struct.pack("<BBhi", code, (src << 4) | dst, off, imm)


def main():
    if len(sys.argv) != 3:
        print(__doc__, file=sys.stderr)
        return 2
    pin, vid = sys.argv[1].encode(), int(sys.argv[2])
    prog = b"".join([
        insn(0xb7, dst=2, imm=0x0081),  # r2 = htons(ETH_P_8021Q)
        insn(0xb7, dst=3, imm=vid),  # r3 = the tag (r1 is still the skb)
        insn(0x85, imm=BPF_FUNC_skb_vlan_push),
        insn(0xb7, dst=0, imm=0),  # TC_ACT_OK
        insn(0x95),
    ])
    lib = ctypes.CDLL("libbpf.so.1", use_errno=True)
    lib.bpf_prog_load.argtypes = [ctypes.c_int, ctypes.c_char_p, ctypes.c_char_p,
                                  ctypes.c_char_p, ctypes.c_size_t, ctypes.c_void_p]
    fd = lib.bpf_prog_load(BPF_PROG_TYPE_SCHED_CLS, b"vlanpush", b"GPL", prog,
                           len(prog) // 8, None)
    if fd < 0:
        print(f"vlanpush: cannot load the program: errno {ctypes.get_errno()}", file=sys.stderr)
        return 1
    if lib.bpf_obj_pin(fd, pin) < 0:
        print(f"vlanpush: cannot pin it at {pin.decode()}: errno {ctypes.get_errno()}",
              file=sys.stderr)
        return 1
    return 0


if __name__ == "__main__":
    sys.exit(main())
