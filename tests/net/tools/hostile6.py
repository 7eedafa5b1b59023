#!/usr/bin/env python3
"""What a hostile container sends over IPv6, as raw frames out of an
interface (AF_PACKET: nothing of the container's own stack gets in the way).
Checksums are right (the ICMPv6 and UDP pseudo-header), hop limits as NDP
wants them (255).

  hostile6.py udp IFACE DST-MAC SRC-MAC SRC DST SPORT DPORT [--count N] [--rh0 ADDR]
      N UDP datagrams from any address; --rh0 puts a routing header of
      type 0 (RFC 2460, deprecated by RFC 5095) listing ADDR before them
  hostile6.py na IFACE DST-MAC SRC-MAC SRC DST TARGET LLADDR [--count N]
      N neighbour advertisements (override, solicited) saying TARGET is at
      LLADDR (the target link-layer address option)
  hostile6.py ns IFACE DST-MAC SRC-MAC SRC DST TARGET LLADDR [--count N]
      N neighbour solicitations for TARGET whose source link-layer address
      option says SRC is at LLADDR
  hostile6.py ra IFACE SRC-MAC SRC PREFIX [--count N]
      N router advertisements to all nodes (router lifetime 1800 s) with an
      autonomous prefix information option for PREFIX (a /64)
  hostile6.py macflood IFACE COUNT [--seed S]
      COUNT IPv6 frames to all nodes (UDP from ::), each from a different
      random unicast MAC

MACs are aa:bb:cc:dd:ee:ff.
"""
import argparse
import errno
import random
import socket
import struct
import sys
import time

PAYLOAD = b"bpfbr hostile-container test over IPv6".ljust(46, b".")
ALL_NODES_MAC = bytes.fromhex("333300000001")


def mac(s):
    return bytes.fromhex(s.replace(":", ""))


def a6(s):
    return socket.inet_pton(socket.AF_INET6, s)


def csum(data):
    if len(data) % 2:
        data += b"\0"
    s = sum(struct.unpack("!%dH" % (len(data) // 2), data))
    while s >> 16:
        s = (s & 0xFFFF) + (s >> 16)
    return ~s & 0xFFFF


def upper_csum(src, dst, proto, seg):
    """The checksum of an upper-layer segment over IPv6's pseudo-header."""
    return csum(src + dst + struct.pack("!IxxxB", len(seg), proto) + seg) or 0xFFFF


def ipv6(src, dst, nh, payload, hops=64):
    return struct.pack("!IHBB16s16s", 6 << 28, len(payload), nh, hops, src, dst) + payload


def udp(src, dst, sport, dport, data):
    seg = struct.pack("!HHHH", sport, dport, 8 + len(data), 0) + data
    return seg[:6] + struct.pack("!H", upper_csum(src, dst, 17, seg)) + seg[8:]


def icmp6(src, dst, typ, body):
    msg = struct.pack("!BBH", typ, 0, 0) + body
    return msg[:2] + struct.pack("!H", upper_csum(src, dst, 58, msg)) + msg[4:]


def eth(dst, src, payload):
    return dst + src + struct.pack("!H", 0x86DD) + payload


def send(iface, frames):
    s = socket.socket(socket.AF_PACKET, socket.SOCK_RAW, socket.htons(0x0003))
    s.bind((iface, 0))
    for f in frames:
        for _ in range(1000):  # a device in XDP mode runs out of room now and then
            try:
                s.send(f)
                break
            except OSError as e:
                if e.errno != errno.ENOBUFS:
                    raise
                time.sleep(0.001)
    s.close()
    print(f"sent {len(frames)}")


def cmd_udp(o):
    src, dst = a6(o.src), a6(o.dst)
    seg = udp(src, dst, o.sport, o.dport, PAYLOAD)
    if o.rh0:
        # Routing header type 0: next header, length (in 8 bytes, one address
        # = 2), type 0, segments left 1, reserved, then the address list.
        rh = struct.pack("!BBBBI", 17, 2, 0, 1, 0) + a6(o.rh0)
        pkt = ipv6(src, dst, 43, rh + seg)
    else:
        pkt = ipv6(src, dst, 17, seg)
    send(o.iface, [eth(mac(o.dst_mac), mac(o.src_mac), pkt)] * o.count)


def cmd_na(o):
    src, dst = a6(o.src), a6(o.dst)
    # Flags: router 0, solicited 1, override 1; option 2: target link-layer address.
    body = struct.pack("!I", 0x60000000) + a6(o.target) + bytes([2, 1]) + mac(o.lladdr)
    pkt = ipv6(src, dst, 58, icmp6(src, dst, 136, body), hops=255)
    send(o.iface, [eth(mac(o.dst_mac), mac(o.src_mac), pkt)] * o.count)


def cmd_ns(o):
    src, dst = a6(o.src), a6(o.dst)
    # Option 1: source link-layer address.
    body = struct.pack("!I", 0) + a6(o.target) + bytes([1, 1]) + mac(o.lladdr)
    pkt = ipv6(src, dst, 58, icmp6(src, dst, 135, body), hops=255)
    send(o.iface, [eth(mac(o.dst_mac), mac(o.src_mac), pkt)] * o.count)


def cmd_ra(o):
    src, dst = a6(o.src), a6("ff02::1")
    # Hop limit 64, no flags, router lifetime 1800 s, reachable and retrans timers 0.
    body = struct.pack("!BBHII", 64, 0, 1800, 0, 0)
    # Option 3: prefix information, /64, on-link and autonomous, lifetimes 1 day.
    body += struct.pack("!BBBBIII16s", 3, 4, 64, 0xC0, 86400, 86400, 0, a6(o.prefix))
    body += bytes([1, 1]) + mac(o.src_mac)
    pkt = ipv6(src, dst, 58, icmp6(src, dst, 134, body), hops=255)
    send(o.iface, [eth(ALL_NODES_MAC, mac(o.src_mac), pkt)] * o.count)


def cmd_macflood(o):
    random.seed(o.seed)
    src, dst = a6("::"), a6("ff02::1")
    pkt = ipv6(src, dst, 17, udp(src, dst, 40000, 9, PAYLOAD))
    frames = []
    for _ in range(o.count):
        m = bytearray(random.getrandbits(8) for _ in range(6))
        m[0] = (m[0] & 0xFC) | 0x02
        frames.append(eth(ALL_NODES_MAC, bytes(m), pkt))
    send(o.iface, frames)


def main():
    p = argparse.ArgumentParser(description=__doc__,
                                formatter_class=argparse.RawDescriptionHelpFormatter)
    sub = p.add_subparsers(dest="cmd", required=True)
    c = sub.add_parser("udp")
    for a in ("iface", "dst_mac", "src_mac", "src", "dst"):
        c.add_argument(a)
    c.add_argument("sport", type=int)
    c.add_argument("dport", type=int)
    c.add_argument("--rh0")
    for name in ("na", "ns"):
        c = sub.add_parser(name)
        for a in ("iface", "dst_mac", "src_mac", "src", "dst", "target", "lladdr"):
            c.add_argument(a)
    c = sub.add_parser("ra")
    for a in ("iface", "src_mac", "src", "prefix"):
        c.add_argument(a)
    for c in sub.choices.values():
        c.add_argument("--count", type=int, default=1)
    c = sub.add_parser("macflood")
    c.add_argument("iface")
    c.add_argument("count", type=int)
    c.add_argument("--seed", type=int, default=7)
    o = p.parse_args()
    return {"udp": cmd_udp, "na": cmd_na, "ns": cmd_ns, "ra": cmd_ra,
            "macflood": cmd_macflood}[o.cmd](o) or 0


if __name__ == "__main__":
    sys.exit(main())
