#!/usr/bin/env python3
"""Peers for the masquerade namespace tests: servers that say whom they see,
clients that use chosen source ports, and a multicast route on the node.

Servers print "ready" on stderr once they listen.
  natpeer.py tcp-server PORT N [--progress FILE]   accept until N connections are
      open at once, answer each with the "ADDR:PORT" it came from (also appended to
      FILE as they come), close them all, print one line per connection, exit 0
      (1 on timeout, after printing what it saw)
  natpeer.py tcp-clients HOST PORT SPORTS   connect from each source port at once
      (SPORTS: 40000 | 20000-20499 | 0 for a kernel-chosen port), hold them until the
      server closes them (or --timeout), print "SPORT SEEN-AS" per connection (SEEN-AS
      "-" without the server's answer); exit 0 if every connection was answered
  natpeer.py tcp-sink PORT                  accept one connection, read it to the end,
      print "SHA256 RCV-MSS" (the largest segment the kernel saw, GRO or not)
  natpeer.py udp-server PORT [--bind ADDR]  answer every datagram with "ADDR:PORT"
  natpeer.py udp-clients HOST PORT SPORTS   one request per source port (unconnected
      sockets, bound to --bind ADDR if given), print "SPORT SEEN-AS" ("-" without an
      answer from HOST:PORT); --rounds N --pause S repeats that on the same sockets;
      --together sends every socket's request first, then waits --wait once for all
      (when most are expected to go unanswered); exit 0 if every request got its answer
  natpeer.py mroute IIF OIF SRC GROUP       the node routes GROUP from SRC, arriving
      on IIF, out of OIF (kernel multicast routing, while this runs)
  natpeer.py udp-send HOST PORT TTL        one datagram to HOST (or a group) with that
      TTL; --dev IFACE sends multicast out of IFACE, --src ADDR sends from ADDR, not
      necessarily the sender's own (IP_TRANSPARENT: as if forwarded for ADDR)
  natpeer.py tcx IFACE                      the program ids attached to IFACE by TCX,
      per direction ("none"), as bpftool 7.1 cannot list them

Every command stops by itself (--timeout, default 20 s).
"""
import argparse
import hashlib
import os
import resource
import selectors
import socket
import struct
import sys
import time


def ports(spec):
    if "-" in spec:
        lo, hi = spec.split("-")
        return list(range(int(lo), int(hi) + 1))
    return [int(p) for p in spec.split(",")]


def addr(a):
    return f"{a[0]}:{a[1]}"


def tcp_server(o):
    ls = socket.socket()
    ls.setsockopt(socket.SOL_SOCKET, socket.SO_REUSEADDR, 1)
    ls.bind(("0.0.0.0", o.port))
    ls.listen(4096)
    print("ready", file=sys.stderr, flush=True)
    ls.settimeout(0.2)
    conns, seen = [], []
    end = time.monotonic() + o.timeout
    while len(conns) < o.n and time.monotonic() < end:
        try:
            c, a = ls.accept()
        except socket.timeout:
            continue
        c.sendall((addr(a) + "\n").encode())
        conns.append(c)
        seen.append(addr(a))
        if o.progress:
            with open(o.progress, "a") as f:
                f.write(addr(a) + "\n")
    for c in conns:
        c.close()
    print("\n".join(seen))
    return 0 if len(conns) >= o.n else 1


def tcp_clients(o):
    sel = selectors.DefaultSelector()
    state = {}
    for sp in ports(o.sports):
        s = socket.socket()
        s.setsockopt(socket.SOL_SOCKET, socket.SO_REUSEADDR, 1)
        s.bind(("0.0.0.0", sp))
        s.setblocking(False)
        s.connect_ex((o.host, o.port))
        state[s] = [s.getsockname()[1], b""]
        sel.register(s, selectors.EVENT_READ)
    done = {}
    end = time.monotonic() + o.timeout
    while len(done) < len(state) and time.monotonic() < end:
        for key, _ in sel.select(timeout=0.2):
            s = key.fileobj
            try:
                data = s.recv(256)
            except OSError:
                data = b""
            if data:
                state[s][1] += data
                continue
            sel.unregister(s)
            done[s] = True
    ok = 0
    for s, (sp, got) in state.items():
        # The server's answer is one whole line; the connection may still be open
        # when another one failed and the server gave up waiting.
        line = got.decode(errors="replace")
        seen = line.strip() if line.endswith("\n") else "-"
        ok += seen != "-"
        print(sp, seen)
        s.close()
    return 0 if ok == len(state) else 1


def tcp_sink(o):
    ls = socket.socket()
    ls.setsockopt(socket.SOL_SOCKET, socket.SO_REUSEADDR, 1)
    ls.bind(("0.0.0.0", o.port))
    ls.listen(1)
    ls.settimeout(o.timeout)
    print("ready", file=sys.stderr, flush=True)
    c, _ = ls.accept()
    c.settimeout(o.timeout)
    h = hashlib.sha256()
    rcv_mss = 0
    while True:
        data = c.recv(1 << 20)
        if not data:
            break
        h.update(data)
        info = c.getsockopt(socket.IPPROTO_TCP, socket.TCP_INFO, 104)
        rcv_mss = max(rcv_mss, struct.unpack_from("I", info, 20)[0])
    print(h.hexdigest(), rcv_mss, flush=True)
    c.close()
    return 0


def udp_server(o):
    s = socket.socket(socket.AF_INET, socket.SOCK_DGRAM)
    s.bind((o.bind, o.port))
    s.settimeout(0.5)
    print("ready", file=sys.stderr, flush=True)
    end = time.monotonic() + o.timeout
    while time.monotonic() < end:
        try:
            _, a = s.recvfrom(2048)
        except socket.timeout:
            continue
        s.sendto(addr(a).encode(), a)
    return 0


def udp_clients(o):
    socks = []
    for sp in ports(o.sports):
        s = socket.socket(socket.AF_INET, socket.SOCK_DGRAM)
        s.bind((o.bind, sp))
        s.settimeout(o.wait)
        socks.append(s)
    ok = 0
    for r in range(o.rounds):
        if r:
            time.sleep(o.pause)
        if o.together:
            ok += udp_together(o, socks)
            continue
        for s in socks:
            seen = "-"
            for _ in range(o.tries):
                s.sendto(b"hello", (o.host, o.port))
                try:
                    data, a = s.recvfrom(2048)
                    if a == (o.host, o.port):
                        seen = data.decode(errors="replace")
                        break
                except socket.timeout:
                    pass
            ok += seen != "-"
            print(s.getsockname()[1], seen, flush=True)
    for s in socks:
        s.close()
    return 0 if ok == len(socks) * o.rounds else 1


def udp_together(o, socks):
    """One round of udp-clients --together: returns how many were answered."""
    seen = {s: "-" for s in socks}
    for _ in range(o.tries):
        waiting = [s for s in socks if seen[s] == "-"]
        if not waiting:
            break
        sel = selectors.DefaultSelector()
        for s in waiting:
            s.sendto(b"hello", (o.host, o.port))
            s.setblocking(False)
            sel.register(s, selectors.EVENT_READ)
        end = time.monotonic() + o.wait
        while any(seen[s] == "-" for s in waiting) and time.monotonic() < end:
            for key, _ in sel.select(max(0.0, end - time.monotonic())):
                try:
                    data, a = key.fileobj.recvfrom(2048)
                except BlockingIOError:
                    continue
                if a == (o.host, o.port):
                    seen[key.fileobj] = data.decode(errors="replace")
        sel.close()
        for s in waiting:
            s.settimeout(o.wait)
    for s in socks:
        print(s.getsockname()[1], seen[s], flush=True)
    return sum(seen[s] != "-" for s in socks)


BPF_PROG_QUERY, BPF_TCX_INGRESS, BPF_TCX_EGRESS = 16, 46, 47
SYS_BPF = {"x86_64": 321, "aarch64": 280}


def tcx(o):
    """Program ids attached to IFACE through TCX (bpftool 7.1 does not list TCX)."""
    import ctypes
    libc = ctypes.CDLL(None, use_errno=True)
    ifindex = socket.if_nametoindex(o.iface)
    for name, atype in (("ingress", BPF_TCX_INGRESS), ("egress", BPF_TCX_EGRESS)):
        ids = (ctypes.c_uint32 * 64)()
        attr = ctypes.create_string_buffer(64)
        struct.pack_into("III", attr, 0, ifindex, atype, 0)
        struct.pack_into("QI", attr, 16, ctypes.addressof(ids), 64)
        if libc.syscall(SYS_BPF[os.uname().machine], BPF_PROG_QUERY, attr, 64):
            err = ctypes.get_errno()
            print(name, "error", os.strerror(err))
            continue
        cnt = struct.unpack_from("I", attr, 24)[0]
        print(name, " ".join(str(ids[i]) for i in range(cnt)) or "none")
    return 0


MRT_INIT, MRT_ADD_VIF, MRT_ADD_MFC = 200, 202, 204
VIFF_USE_IFINDEX = 0x8


def mroute(o):
    s = socket.socket(socket.AF_INET, socket.SOCK_RAW, socket.IPPROTO_IGMP)
    s.setsockopt(socket.IPPROTO_IP, MRT_INIT, struct.pack("i", 1))
    for vifi, dev in enumerate((o.iif, o.oif)):
        idx = socket.if_nametoindex(dev)
        vif = struct.pack("HBBIiI", vifi, VIFF_USE_IFINDEX, 1, 0, idx, 0)
        s.setsockopt(socket.IPPROTO_IP, MRT_ADD_VIF, vif)
    ttls = bytes([0, 1] + [0] * 30)
    mfc = struct.pack("4s4sH32s2xIIIi", socket.inet_aton(o.src), socket.inet_aton(o.group),
                      0, ttls, 0, 0, 0, 0)
    s.setsockopt(socket.IPPROTO_IP, MRT_ADD_MFC, mfc)
    print("ready", flush=True)
    time.sleep(o.timeout)
    return 0


IP_TRANSPARENT = 19


def udp_send(o):
    s = socket.socket(socket.AF_INET, socket.SOCK_DGRAM)
    s.setsockopt(socket.IPPROTO_IP, socket.IP_TTL, o.ttl)
    s.setsockopt(socket.IPPROTO_IP, socket.IP_MULTICAST_TTL, o.ttl)
    if o.dev:
        mreqn = struct.pack("4s4si", bytes(4), bytes(4), socket.if_nametoindex(o.dev))
        s.setsockopt(socket.IPPROTO_IP, socket.IP_MULTICAST_IF, mreqn)
    if o.src:
        s.setsockopt(socket.IPPROTO_IP, IP_TRANSPARENT, 1)
        s.bind((o.src, 0))
    s.sendto(b"one datagram", (o.host, o.port))
    return 0


def main():
    soft, hard = resource.getrlimit(resource.RLIMIT_NOFILE)
    resource.setrlimit(resource.RLIMIT_NOFILE, (max(soft, min(hard, 8192)), hard))
    p = argparse.ArgumentParser()
    p.add_argument("--timeout", type=float, default=20)
    sub = p.add_subparsers(dest="cmd", required=True)
    c = sub.add_parser("tcp-server")
    c.add_argument("port", type=int)
    c.add_argument("n", type=int)
    c.add_argument("--progress")
    c = sub.add_parser("tcp-clients")
    c.add_argument("host")
    c.add_argument("port", type=int)
    c.add_argument("sports")
    c = sub.add_parser("tcp-sink")
    c.add_argument("port", type=int)
    c = sub.add_parser("udp-server")
    c.add_argument("port", type=int)
    c.add_argument("--bind", default="0.0.0.0")
    c = sub.add_parser("udp-clients")
    c.add_argument("host")
    c.add_argument("port", type=int)
    c.add_argument("sports")
    c.add_argument("--bind", default="0.0.0.0")
    c.add_argument("--wait", type=float, default=2)
    c.add_argument("--tries", type=int, default=2)
    c.add_argument("--rounds", type=int, default=1)
    c.add_argument("--pause", type=float, default=0)
    c.add_argument("--together", action="store_true")
    c = sub.add_parser("mroute")
    for a in ("iif", "oif", "src", "group"):
        c.add_argument(a)
    c = sub.add_parser("tcx")
    c.add_argument("iface")
    c = sub.add_parser("udp-send")
    c.add_argument("host")
    c.add_argument("port", type=int)
    c.add_argument("ttl", type=int)
    c.add_argument("--dev")
    c.add_argument("--src")
    o = p.parse_args()
    fn = {"tcp-server": tcp_server, "tcp-clients": tcp_clients, "tcp-sink": tcp_sink, "udp-server": udp_server,
          "udp-clients": udp_clients, "mroute": mroute, "tcx": tcx, "udp-send": udp_send}[o.cmd]
    sys.exit(fn(o))


if __name__ == "__main__":
    main()
