#!/usr/bin/env python3
"""What a hostile container sends, as raw frames out of an interface
(AF_PACKET, so nothing of the container's own stack gets in the way).

  hostile.py eth IFACE DST SRC [--type 0x88b5] [--count N] [--vlan TAG]...
      N frames DST <- SRC of that ethertype (a recognisable payload);
      each --vlan pushes an 802.1Q tag, "ad:TAG" an 802.1ad one (outermost last)
  hostile.py macflood IFACE COUNT [--seed S]
      COUNT broadcast frames, each from a different random unicast MAC
  hostile.py udp IFACE DST-MAC SRC-MAC SRC-IP DST-IP DPORT [--count N] [--vlan TAG]...
                 [--frag BYTES] [--opts HEX] [--sport P] [--next-port]
      N UDP datagrams (checksums right) from any address the caller likes
      (source port P, default 40000; --next-port: P, P+1, ...);
      --frag sends each as two fragments, the first with BYTES (a multiple
      of 8) after the IPv4 header; --opts puts IPv4 options in the header
  hostile.py udp6 IFACE DST-MAC SRC-MAC SRC-IP6 DST-IP6 DPORT [--count N] [--vlan TAG]...
      the same over IPv6
  hostile.py arp IFACE ETH-DST ETH-SRC OP SHA SPA THA TPA [--count N]
      N ARP packets (OP: request or reply), every field as given
  hostile.py syn IFACE DST-MAC SRC-MAC SRC-IP DST-IP DPORT [--wait S] [--sport P]
                 [--vlan TAG]... [--frag BYTES]
      one TCP SYN; prints "answered" if a SYN-ACK comes back within S
      seconds (default 2), else "silent"
  hostile.py synackflood IFACE DST-MAC SRC-MAC SRC-IP DST-IP COUNT
      COUNT made-up SYN-ACKs, each followed by an ACK, every one on ports of its own
  hostile.py tcp IFACE DST-MAC SRC-MAC SRC-IP DST-IP SPORT DPORT FLAGS [--count N]
      N TCP segments with FLAGS (letters of FSRPAU, e.g. SA for a SYN-ACK)

MACs are aa:bb:cc:dd:ee:ff; "random" is a fresh random unicast MAC.
A send the device refuses with ENOBUFS is tried again (up to 1000 times:
a device in XDP mode runs out of room now and then). With --once (before
the command) each frame is sent once, and the frames the device refused are
counted: "sent N refused M". On a netkit port bpfbr's switch runs in the
sender's own transmit, so every frame it drops is refused there.
"""
import argparse
import errno
import os
import random
import socket
import struct
import sys
import time

PAYLOAD = b"bpfbr hostile-container test".ljust(46, b".")


def mac(s):
    if s == "random":
        b = bytearray(os.urandom(6))
        b[0] = (b[0] & 0xFC) | 0x02  # locally administered unicast
        return bytes(b)
    return bytes.fromhex(s.replace(":", ""))


def ip(s):
    return socket.inet_aton(s)


def csum(data):
    if len(data) % 2:
        data += b"\0"
    s = sum(struct.unpack("!%dH" % (len(data) // 2), data))
    while s >> 16:
        s = (s & 0xFFFF) + (s >> 16)
    return ~s & 0xFFFF


def ipv4(src, dst, proto, payload, opts=b"", frag=0x4000, ident=None):
    """An IPv4 packet; frag is the flags-and-offset field (default DF)."""
    opts += b"\0" * (-len(opts) % 4)
    hl = 20 + len(opts)
    ident = random.getrandbits(16) if ident is None else ident
    hdr = struct.pack("!BBHHHBBH4s4s", 0x40 | hl // 4, 0, hl + len(payload), ident, frag, 64,
                      proto, 0, ip(src), ip(dst)) + opts
    return hdr[:10] + struct.pack("!H", csum(hdr)) + hdr[12:] + payload


def fragments(pkt, first):
    """The IPv4 packet pkt (no options) as two fragments: the first carries
    `first` bytes (a multiple of 8) after the IPv4 header, the second the rest."""
    src, dst = socket.inet_ntoa(pkt[12:16]), socket.inet_ntoa(pkt[16:20])
    ident, proto, body = struct.unpack("!H", pkt[4:6])[0], pkt[9], pkt[20:]
    return [ipv4(src, dst, proto, body[:first], frag=0x2000, ident=ident),
            ipv4(src, dst, proto, body[first:], frag=first // 8, ident=ident)]


def l4_csum(src, dst, proto, seg):
    return csum(ip(src) + ip(dst) + struct.pack("!BBH", 0, proto, len(seg)) + seg)


def udp(src, dst, sport, dport, data, opts=b""):
    seg = struct.pack("!HHHH", sport, dport, 8 + len(data), 0) + data
    c = l4_csum(src, dst, 17, seg) or 0xFFFF
    return ipv4(src, dst, 17, seg[:6] + struct.pack("!H", c) + seg[8:], opts)


TCP_FLAGS = {"F": 0x01, "S": 0x02, "R": 0x04, "P": 0x08, "A": 0x10, "U": 0x20}


def tcp_flags(letters):
    return sum(TCP_FLAGS[c] for c in letters.upper())


def tcp_seg(src, dst, sport, dport, seq, ack=0, flags=0x02):
    seg = struct.pack("!HHIIBBHHH", sport, dport, seq, ack, 5 << 4, flags, 64240, 0, 0)
    c = l4_csum(src, dst, 6, seg)
    return ipv4(src, dst, 6, seg[:16] + struct.pack("!H", c) + seg[18:])


def eth(dst, src, etype, payload, tags=()):
    hdr = dst + src
    for t in reversed(tags):  # the first --vlan is the innermost tag
        tpid, tci = t
        hdr += struct.pack("!HH", tpid, tci)
    return hdr + struct.pack("!H", etype) + payload


def sock(iface):
    s = socket.socket(socket.AF_PACKET, socket.SOCK_RAW, socket.htons(0x0003))
    s.bind((iface, 0))
    return s


ONCE = False


def send(iface, frames):
    s = sock(iface)
    refused = 0
    for f in frames:
        if ONCE:
            try:
                s.send(f)
            except OSError as e:
                if e.errno != errno.ENOBUFS:
                    raise
                refused += 1
            continue
        for _ in range(1000):  # a device in XDP mode runs out of room now and then
            try:
                s.send(f)
                break
            except OSError as e:
                if e.errno != errno.ENOBUFS:
                    raise
                time.sleep(0.001)
    s.close()
    print(f"sent {len(frames)}" + (f" refused {refused}" if ONCE else ""))


def tags(spec):
    out = []
    for t in spec or []:
        if t.startswith("ad:"):
            out.append((0x88A8, int(t[3:])))
        else:
            out.append((0x8100, int(t)))
    return out


def cmd_eth(o):
    f = eth(mac(o.dst), mac(o.src), int(o.type, 0), PAYLOAD, tags(o.vlan))
    send(o.iface, [f] * o.count)


def cmd_macflood(o):
    random.seed(o.seed)
    frames = []
    for _ in range(o.count):
        m = bytearray(random.getrandbits(8) for _ in range(6))
        m[0] = (m[0] & 0xFC) | 0x02
        frames.append(eth(b"\xff" * 6, bytes(m), 0x88B5, PAYLOAD))
    send(o.iface, frames)


def frames_of(o, pkt, etype=0x0800):
    """pkt in Ethernet frames as o asks: whole, or in two fragments (--frag)."""
    pkts = fragments(pkt, o.frag) if getattr(o, "frag", 0) else [pkt]
    return [eth(mac(o.dst_mac), mac(o.src_mac), etype, p, tags(o.vlan)) for p in pkts]


def cmd_udp(o):
    frames = []
    for i in range(o.count):
        sport = o.sport + i if o.next_port else o.sport
        data = udp(o.src_ip, o.dst_ip, sport, o.dport, PAYLOAD, bytes.fromhex(o.opts))
        frames += frames_of(o, data)
    send(o.iface, frames)


def cmd_synackflood(o):
    """COUNT made-up SYN-ACKs, each followed by an ACK, every one a flow of its own."""
    frames = []
    for i in range(o.count):
        sport, dport = 1024 + i % 60000, 1024 + i // 60000
        for flags in (0x12, 0x10):
            seg = tcp_seg(o.src_ip, o.dst_ip, sport, dport, i, i, flags)
            frames.append(eth(mac(o.dst_mac), mac(o.src_mac), 0x0800, seg))
    send(o.iface, frames)


def udp6(src, dst, sport, dport, data):
    s6, d6 = socket.inet_pton(socket.AF_INET6, src), socket.inet_pton(socket.AF_INET6, dst)
    seg = struct.pack("!HHHH", sport, dport, 8 + len(data), 0) + data
    c = csum(s6 + d6 + struct.pack("!IxxxB", len(seg), 17) + seg) or 0xFFFF
    hdr = struct.pack("!IHBB16s16s", 6 << 28, len(seg), 17, 64, s6, d6)
    return hdr + seg[:6] + struct.pack("!H", c) + seg[8:]


def cmd_udp6(o):
    data = udp6(o.src_ip, o.dst_ip, 40000, o.dport, PAYLOAD)
    send(o.iface, frames_of(o, data, 0x86DD) * o.count)


def cmd_arp(o):
    op = {"request": 1, "reply": 2}[o.op]
    body = struct.pack("!HHBBH6s4s6s4s", 1, 0x0800, 6, 4, op, mac(o.sha), ip(o.spa),
                       mac(o.tha), ip(o.tpa))
    send(o.iface, [eth(mac(o.eth_dst), mac(o.eth_src), 0x0806, body)] * o.count)


def cmd_tcp(o):
    seg = tcp_seg(o.src_ip, o.dst_ip, o.sport, o.dport, random.getrandbits(32),
                  random.getrandbits(32), tcp_flags(o.flags))
    send(o.iface, [eth(mac(o.dst_mac), mac(o.src_mac), 0x0800, seg)] * o.count)


def cmd_syn(o):
    sport = o.sport or random.randint(20000, 60000)
    seq = random.getrandbits(32)
    s = sock(o.iface)
    s.settimeout(0.2)
    for f in frames_of(o, tcp_seg(o.src_ip, o.dst_ip, sport, o.dport, seq, flags=0x02)):
        s.send(f)
    end = time.monotonic() + o.wait
    while time.monotonic() < end:
        try:
            f = s.recv(2048)
        except socket.timeout:
            continue
        if len(f) < 54 or f[12:14] != b"\x08\x00" or f[23] != 6:
            continue
        ihl = (f[14] & 0xF) * 4
        tcp = f[14 + ihl:]
        if len(tcp) < 14:
            continue
        src_port, dst_port = struct.unpack("!HH", tcp[:4])
        ack = struct.unpack("!I", tcp[8:12])[0]
        if (src_port == o.dport and dst_port == sport and tcp[13] & 0x12 == 0x12
                and ack == (seq + 1) & 0xFFFFFFFF):
            print("answered")
            return 0
    print("silent")
    return 0


def main():
    p = argparse.ArgumentParser(description=__doc__,
                                formatter_class=argparse.RawDescriptionHelpFormatter)
    p.add_argument("--once", action="store_true")
    sub = p.add_subparsers(dest="cmd", required=True)
    c = sub.add_parser("eth")
    c.add_argument("iface")
    c.add_argument("dst")
    c.add_argument("src")
    c.add_argument("--type", default="0x88b5")
    c.add_argument("--count", type=int, default=1)
    c.add_argument("--vlan", action="append")
    c = sub.add_parser("macflood")
    c.add_argument("iface")
    c.add_argument("count", type=int)
    c.add_argument("--seed", type=int, default=7)
    for name in ("udp", "udp6"):
        c = sub.add_parser(name)
        for a in ("iface", "dst_mac", "src_mac", "src_ip", "dst_ip"):
            c.add_argument(a)
        c.add_argument("dport", type=int)
        c.add_argument("--count", type=int, default=1)
        c.add_argument("--vlan", action="append")
        if name == "udp":
            c.add_argument("--frag", type=int, default=0)
            c.add_argument("--opts", default="")
            c.add_argument("--sport", type=int, default=40000)
            c.add_argument("--next-port", action="store_true",
                           help="each datagram from the next source port")
    c = sub.add_parser("arp")
    for a in ("iface", "eth_dst", "eth_src", "op", "sha", "spa", "tha", "tpa"):
        c.add_argument(a)
    c.add_argument("--count", type=int, default=1)
    c = sub.add_parser("syn")
    for a in ("iface", "dst_mac", "src_mac", "src_ip", "dst_ip"):
        c.add_argument(a)
    c.add_argument("dport", type=int)
    c.add_argument("--wait", type=float, default=2.0)
    c.add_argument("--sport", type=int, default=0)
    c.add_argument("--vlan", action="append")
    c.add_argument("--frag", type=int, default=0)
    c = sub.add_parser("synackflood")
    for a in ("iface", "dst_mac", "src_mac", "src_ip", "dst_ip"):
        c.add_argument(a)
    c.add_argument("count", type=int)
    c = sub.add_parser("tcp")
    for a in ("iface", "dst_mac", "src_mac", "src_ip", "dst_ip"):
        c.add_argument(a)
    c.add_argument("sport", type=int)
    c.add_argument("dport", type=int)
    c.add_argument("flags")
    c.add_argument("--count", type=int, default=1)
    o = p.parse_args()
    global ONCE
    ONCE = o.once
    return {"eth": cmd_eth, "macflood": cmd_macflood, "udp": cmd_udp, "arp": cmd_arp,
            "syn": cmd_syn, "tcp": cmd_tcp, "udp6": cmd_udp6,
            "synackflood": cmd_synackflood}[o.cmd](o) or 0


if __name__ == "__main__":
    sys.exit(main())
