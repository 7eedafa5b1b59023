#!/usr/bin/env python3
"""Pings every address of a list, each by unicast, from one raw ICMP socket,
for the load test (tests/net/load.sh): complete, not sampled, and one process
instead of one ping per address.

  pingall.py ADDR... [--tries N] [--wait S]

Sends an echo request to every address, then again to those that have not
answered, up to N rounds (default 5) of S seconds (default 1); prints
"answered=A of=N" and, if some never answered, "missing=ADDR,…"; exit 0 when
every address answered.
"""
import argparse
import os
import select
import socket
import struct
import sys
import time


def csum(b):
    if len(b) % 2:
        b += b"\0"
    s = sum(struct.unpack(f"!{len(b) // 2}H", b))
    s = (s >> 16) + (s & 0xFFFF)
    s += s >> 16
    return ~s & 0xFFFF


def echo(ident, seq):
    hdr = struct.pack("!BBHHH", 8, 0, 0, ident, seq)
    payload = b"bpfbr-pingall"
    return struct.pack("!BBHHH", 8, 0, csum(hdr + payload), ident, seq) + payload


def main():
    ap = argparse.ArgumentParser()
    ap.add_argument("addrs", nargs="+")
    ap.add_argument("--tries", type=int, default=5)
    ap.add_argument("--wait", type=float, default=1.0)
    o = ap.parse_args()
    s = socket.socket(socket.AF_INET, socket.SOCK_RAW, socket.IPPROTO_ICMP)
    s.setsockopt(socket.SOL_SOCKET, socket.SO_RCVBUF, 1 << 22)
    ident = os.getpid() & 0xFFFF
    want = {a: i for i, a in enumerate(o.addrs)}
    answered = set()
    for _ in range(o.tries):
        for a in o.addrs:
            if a not in answered:
                s.sendto(echo(ident, want[a] & 0xFFFF), (a, 0))
        end = time.monotonic() + o.wait
        while len(answered) < len(want):
            left = end - time.monotonic()
            if left <= 0 or not select.select([s], [], [], left)[0]:
                break
            pkt, (src, _) = s.recvfrom(2048)
            ihl = (pkt[0] & 0xF) * 4
            typ, _, _, rid, _ = struct.unpack("!BBHHH", pkt[ihl:ihl + 8])
            if typ == 0 and rid == ident and src in want:
                answered.add(src)
        if len(answered) == len(want):
            break
    print(f"answered={len(answered)} of={len(want)}")
    missing = [a for a in o.addrs if a not in answered]
    if missing:
        print("missing=" + ",".join(missing))
    return 0 if not missing else 1


if __name__ == "__main__":
    sys.exit(main())
