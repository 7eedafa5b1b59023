#!/usr/bin/env python3
"""A paced TCP stream whose both ends count bytes and SHA-256, for the
reliability tests (tests/net/survive.sh, upgrade.sh).

  stream.py sink PORT [--timeout S]
      accept one connection, read it to the end; print "ready" (stderr) once
      listening and "bytes=N sha256=H" when the sender closed; "reset" and exit
      1 if the connection was reset, exit 1 on timeout
  stream.py send HOST PORT BYTES [--rate BPS] [--timeout S]
      connect, send BYTES pseudo-random bytes at BPS bytes/s (default: as fast
      as possible), close; print "bytes=N sha256=H" ("reset" and exit 1 on a reset)

The data is a fixed pseudo-random 1 MiB pattern repeated from a running offset,
so a lost, duplicated or reordered piece changes the count or the digest.
"""
import argparse
import hashlib
import random
import socket
import sys
import time

PATTERN = random.Random(7).randbytes(1 << 20)
CHUNK = 16384


def sink(o):
    ls = socket.socket()
    ls.setsockopt(socket.SOL_SOCKET, socket.SO_REUSEADDR, 1)
    ls.bind(("0.0.0.0", o.port))
    ls.listen(1)
    ls.settimeout(o.timeout)
    print("ready", file=sys.stderr, flush=True)
    try:
        c, peer = ls.accept()
    except socket.timeout:
        print("timeout: no connection", flush=True)
        return 1
    end = time.monotonic() + o.timeout
    h, n = hashlib.sha256(), 0
    c.settimeout(1.0)
    while True:
        if time.monotonic() > end:
            print(f"timeout bytes={n}", flush=True)
            return 1
        try:
            b = c.recv(1 << 16)
        except socket.timeout:
            continue
        except ConnectionResetError:
            print(f"reset after bytes={n}", flush=True)
            return 1
        if not b:
            break
        h.update(b)
        n += len(b)
    print(f"bytes={n} sha256={h.hexdigest()} from={peer[0]}:{peer[1]}", flush=True)
    return 0


def send(o):
    s = socket.create_connection((o.host, o.port), timeout=o.timeout)
    s.settimeout(o.timeout)
    h, n, start = hashlib.sha256(), 0, time.monotonic()
    try:
        while n < o.bytes:
            off = n % len(PATTERN)
            b = PATTERN[off:off + min(CHUNK, o.bytes - n, len(PATTERN) - off)]
            s.sendall(b)
            h.update(b)
            n += len(b)
            if o.rate:
                ahead = n / o.rate - (time.monotonic() - start)
                if ahead > 0:
                    time.sleep(ahead)
        s.shutdown(socket.SHUT_WR)
        # Wait for the sink's close: everything was received by then.
        while s.recv(4096):
            pass
    except (ConnectionResetError, BrokenPipeError) as e:
        print(f"reset after bytes={n}: {e}", flush=True)
        return 1
    except socket.timeout:
        print(f"timeout after bytes={n}", flush=True)
        return 1
    print(f"bytes={n} sha256={h.hexdigest()} seconds={time.monotonic() - start:.1f}", flush=True)
    return 0


def main():
    ap = argparse.ArgumentParser()
    sub = ap.add_subparsers(dest="cmd", required=True)
    a = sub.add_parser("sink")
    a.add_argument("port", type=int)
    a.add_argument("--timeout", type=float, default=60)
    a = sub.add_parser("send")
    a.add_argument("host")
    a.add_argument("port", type=int)
    a.add_argument("bytes", type=int)
    a.add_argument("--rate", type=float, default=0)
    a.add_argument("--timeout", type=float, default=60)
    o = ap.parse_args()
    return sink(o) if o.cmd == "sink" else send(o)


if __name__ == "__main__":
    sys.exit(main())
