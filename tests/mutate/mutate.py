#!/usr/bin/env python3
"""Plants each bug of tests/mutate/mutations.txt, one at a time, in a scratch
copy of the tree, runs the tests that should catch it, and writes a table:
mutation, the test that caught it, or SURVIVED.

  tests/mutate/mutate.py [--out FILE] [NAME...]     (make mutate)

A mutation is a block of "key: value" lines, blocks separated by blank lines:
  name:  a short name
  why:   what the bug would do to a user
  file:  the file to change
  from:  text that occurs exactly once in it
  to:    what it becomes ("\\n" and "\\t" are a newline and a tab)
  tests: where it must be caught, space-separated: unit[:TEST] bpf[:TEST]
         net:FILE[:TEST] net-xdp:FILE[:TEST], and any of them inside a VM
         (scripts/vmtest.sh) as vm-KERNEL:SPEC, e.g. vm-6.12:bpf:TEST for
         what only a newer kernel than this machine's can show
The scratch tree is build/mutate/tree: a copy of the working tree and of its
build/, so each mutation rebuilds only what it touches.
"""
import argparse
import os
import re
import shutil
import subprocess
import sys
import time

TOP = os.path.dirname(os.path.dirname(os.path.dirname(os.path.abspath(__file__))))
LIST = os.path.join(TOP, "tests/mutate/mutations.txt")
TREE = os.path.join(TOP, "build/mutate/tree")
TARGETS = ["build/bpfbr", "build/tests/unit-asan", "build/tests/bpf-tests"]
TEST_TIMEOUT = 900


def read_list(path):
    muts, cur = [], {}
    for n, line in enumerate(open(path), 1):
        line = line.rstrip("\n")
        if line.startswith("#"):
            continue
        if not line.strip():
            if cur:
                muts.append(cur)
            cur = {}
            continue
        m = re.match(r"^(name|why|file|from|to|tests):\s?(.*)$", line)
        if not m:
            sys.exit(f"{path}:{n}: not 'key: value': {line}")
        cur[m.group(1)] = m.group(2)
    if cur:
        muts.append(cur)
    for m in muts:
        missing = {"name", "why", "file", "from", "to", "tests"} - set(m)
        if missing:
            sys.exit(f"{path}: mutation {m.get('name', '?')} lacks {', '.join(sorted(missing))}")
    return muts


def unescape(s):
    return s.replace("\\n", "\n").replace("\\t", "\t")


def copy_tree():
    """The working tree (tracked and new files) and its build/ in a fresh scratch tree."""
    shutil.rmtree(TREE, ignore_errors=True)
    os.makedirs(os.path.join(TREE, "build"))
    files = subprocess.run(["git", "-C", TOP, "ls-files", "-co", "--exclude-standard", "-z"],
                           capture_output=True, check=True).stdout
    subprocess.run(f"tar -C '{TOP}' --null -T - -cf - | tar -C '{TREE}' -xf -", shell=True,
                   input=files, check=True)
    subprocess.run(f"tar -C '{TOP}/build' --exclude ./mutate -cf - . | tar -C '{TREE}/build' -xf -",
                   shell=True, check=True)


def build():
    r = subprocess.run(["make", "-C", TREE, "-s"] + TARGETS, capture_output=True, text=True)
    return r.returncode == 0, r.stdout + r.stderr


def run_test(spec, env):
    """Runs one test spec in the scratch tree; returns the failing tests' lines."""
    kind, _, rest = spec.partition(":")
    vm = []
    if kind.startswith("vm-"):
        vm = [os.path.join(TREE, "scripts/vmtest.sh"), kind[3:]]
        kind, _, rest = rest.partition(":")
    if kind in ("unit", "bpf"):
        binary = os.path.join(TREE, "build/tests", "unit-asan" if kind == "unit" else "bpf-tests")
        cmd = [binary, "-s", kind] + ([rest] if rest else [])
    elif kind in ("net", "net-xdp"):
        f, _, test = rest.partition(":")
        cmd = ["bash", os.path.join(TREE, "tests/net", f + ".sh")] + ([test] if test else [])
        env = dict(env, BPFBR_TEST_MODE="xdp" if kind == "net-xdp" else "tc")
    else:
        return [f"FAIL {spec}: unknown kind of test"]
    try:
        r = subprocess.run(vm + cmd, capture_output=True, text=True, env=env, timeout=TEST_TIMEOUT,
                           cwd=TREE)
        out = r.stdout
    except subprocess.TimeoutExpired:
        return [f"FAIL {spec}: timed out after {TEST_TIMEOUT} s"]
    fails = [line for line in out.splitlines() if line.startswith("FAIL ")]
    ran = [line for line in out.splitlines() if re.match(r"^(PASS|FAIL|SKIP) ", line)]
    if not ran:
        return [f"FAIL {spec}: ran no test (exit {r.returncode})"]
    return fails


def plant(m):
    path = os.path.join(TREE, m["file"])
    text = open(path).read()
    frm, to = unescape(m["from"]), unescape(m["to"])
    if text.count(frm) != 1:
        return None, f"'from' occurs {text.count(frm)} times in {m['file']}: the list is stale"
    open(path, "w").write(text.replace(frm, to))
    return text, None


def main():
    ap = argparse.ArgumentParser(description=__doc__.splitlines()[0])
    ap.add_argument("--out", default=os.path.join(TOP, "tests/mutate/RESULTS.md"))
    ap.add_argument("names", nargs="*")
    o = ap.parse_args()
    muts = read_list(LIST)
    if o.names:
        muts = [m for m in muts if m["name"] in o.names]
    copy_tree()
    ok, log = build()
    if not ok:
        sys.exit("the unchanged tree does not build:\n" + log[-2000:])
    env = dict(os.environ, BPFBR_BIN=os.path.join(TREE, "build/bpfbr"))
    rows, survived, start = [], 0, time.time()
    for m in muts:
        t0 = time.time()
        original, err = plant(m)
        if err:
            verdict = "STALE: " + err
        else:
            built, log = build()
            if not built:
                verdict = "DOES NOT BUILD: " + log.strip().splitlines()[-1][:120]
            else:
                caught = []
                for spec in m["tests"].split():
                    caught += run_test(spec, env)
                    if caught:
                        break
                if caught:
                    test, _, why = caught[0][5:].partition(": ")
                    verdict = f"caught by {test} ({why[:80]})"
                else:
                    verdict = "SURVIVED"
            open(os.path.join(TREE, m["file"]), "w").write(original)
        survived += verdict == "SURVIVED" or not verdict.startswith("caught")
        rows.append((m["name"], m["file"], verdict, int(time.time() - t0)))
        print(f"{m['name']}: {verdict} ({rows[-1][3]} s)", flush=True)
    build()
    with open(o.out, "w") as f:
        f.write("# Mutation run\n\n")
        f.write(f"{time.strftime('%Y-%m-%d')}, {len(rows)} mutations from tests/mutate/mutations.txt, "
                f"{len(rows) - survived} caught, {survived} not caught, "
                f"{int(time.time() - start)} s in all (`make mutate`).\n\n")
        f.write("| mutation | file | result | s |\n|---|---|---|---|\n")
        for r in rows:
            f.write(f"| {r[0]} | `{r[1]}` | {r[2]} | {r[3]} |\n")
    print(f"{len(rows) - survived} caught, {survived} not caught; table in {o.out}")
    return 1 if survived else 0


if __name__ == "__main__":
    sys.exit(main())
