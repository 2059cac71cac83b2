#!/usr/bin/env python3
# SPDX-FileCopyrightText: 2026 The qpybak authors
# SPDX-License-Identifier: Apache-2.0
"""Bounded stack: every frame of the core, and the worst-case stack depth of
each public entry point, checked against stated limits.

    python3 tests/static/stack.py [--target host|cortex-m4|all] [--verbose]

For each target the core (src/*.c, as the firmware builds it) is compiled
with -fstack-usage (frame size per function; a dynamic frame - a VLA or
alloca - fails) and -fcallgraph-info=su (the call graph, GCC >= 10).  The
worst-case depth of an entry point is the heaviest path through the call
graph from it; recursion anywhere (a cycle) fails.

Indirect calls are resolved by the table INDIRECT below, matched against the
source text at each call site: a call through the port or a user callback
costs what the port/callback costs (not the core's; docs/porting.md), a call
through one of the core's own function pointers may reach any function of
that kind.  Every indirect call site must match a rule and every function
whose address is taken must belong to a kind, so a new function pointer
fails this check until the table is updated.

Limits (bytes, beyond the caller's work buffer):
"""
import argparse
import glob
import os
import re
import shutil
import subprocess
import sys
import tempfile

HERE = os.path.dirname(os.path.abspath(__file__))
ROOT = os.path.normpath(os.path.join(HERE, "..", ".."))

TARGETS = {
    # name: (compiler, flags, largest frame, deepest entry point)
    "host": ("gcc", ["-Os"], 512, 2048),
    "cortex-m4": ("arm-none-eabi-gcc", ["-Os", "-mthumb", "-mcpu=cortex-m4"], 320, 1024),
}
__doc__ += "".join("  %-10s frame <= %d, depth of every entry point <= %d\n" % (t, f, d)
                   for t, (_, _, f, d) in TARGETS.items())

# Public entry points whose depth is checked (all qpybak_* functions are
# reported).
ENTRIES = ["qpybak_boot", "qpybak_status", "qpybak_calc", "qpybak_fota_apply", "qpybak_flag_read",
           "qpybak_reader_next", "qpybak_writer_entry", "qpybak_report_end", "qpybak_name_check"]

# Functions outside the core it may call: compiler-generated calls to the C
# library's memory/string primitives and the ARM EABI runtime.  They are
# leaf functions; each is charged this many bytes.
LIBC = re.compile(r"^(__builtin_)?(memset|memcpy|memmove|memcmp|strlen|__aeabi_\w+|__udivdi3|__umoddi3|__divdi3)$")
LIBC_FRAME = 32

# Indirect call sites: (calling function or None for any, regex matching
# the whole called expression at the call site, kind).  First match wins.
PORT, USER = "port", "user callback"
INDIRECT = [
    (None, r"c->port->list", "port list"),         # the port calls back batch_add
    (None, r"c->port->\w+", PORT),
    (None, r"c->cfg->on_(file|update)", USER),
    ("capped_read", r"c->read", "flag source"),    # the flag's source, wrapped
    (None, r"r->read", "reader source"),           # a reader's byte source
    (None, r"o->write", "jout output"),
    (None, r"fn", "rewrite hook"),                 # the manifest rewrite's value hook
    (None, r"ahead", "entry hook"),                # choose_source's, boot's reading ahead
]
# The core's functions of each kind (the functions whose address is
# taken).  A kind may also reach a caller's function (the public readers
# take any qpybak_read_fn): that is the caller's stack, not the core's.
KINDS = {
    "flag source": ["handle_read"],                       # boot's read_flag
    "reader source": ["capped_read", "mfile_read", "compare_read"],
    "jout output": ["outfile_write"],
    "rewrite hook": ["take_factory_value", "take_journal_value", "set_value"],
    "port list": ["batch_add"],
    "entry hook": ["read_ahead"],
}


class Fail(Exception):
    pass


def core_sources():
    srcs = sorted(glob.glob(os.path.join(ROOT, "src", "*.c")) +
                  glob.glob(os.path.join(ROOT, "src", "crc", "*.c")))
    # the default build: the 1 KiB table, no other CRC backend
    skip = ("crc32_slice8.c", "crc32_braid.c", "crc32_isal.c")
    return [s for s in srcs if not s.endswith(skip)]


def source_name(name):
    """The name in the source of a symbol: src/prefix.h renames the core's
    internal functions to qpybak__NAME at link time."""
    return name[len("qpybak__"):] if name.startswith("qpybak__") else name


def compile_core(cc, flags, out, srcs):
    for s in srcs:
        obj = os.path.join(out, os.path.basename(s)[:-2] + ".o")
        cmd = [cc, "-std=c99"] + flags + ["-ffunction-sections", "-fstack-usage",
                                          "-fcallgraph-info=su", "-I", os.path.join(ROOT, "include"),
                                          "-c", s, "-o", obj]
        r = subprocess.run(cmd, cwd=out, capture_output=True, text=True)
        if r.returncode != 0:
            raise Fail("%s failed:\n%s" % (" ".join(cmd), r.stderr))
    return srcs


def parse(out):
    """Frames {function: (bytes, qualifier, where)}, edges {caller: [(callee,
    call site)]}, names of static functions keyed by their graph title."""
    frames, edges = {}, {}
    for su in glob.glob(os.path.join(out, "*.su")):
        for line in open(su):
            where, size, qual = line.rstrip("\n").split("\t")
            name = source_name(where.rsplit(":", 1)[1])
            frames[name] = (int(size), qual, where.rsplit(":", 1)[0])
    title = {}
    for ci in glob.glob(os.path.join(out, "*.ci")):
        text = open(ci).read()
        for m in re.finditer(r'node: \{ title: "([^"]*)" label: "([^"\\]*)', text):
            title[m.group(1)] = source_name(m.group(2))
        for m in re.finditer(r'edge: \{ sourcename: "([^"]*)" targetname: "([^"]*)"(?: label: "([^"]*)")?', text):
            src = title.get(m.group(1), source_name(m.group(1).rsplit(":", 1)[-1]))
            dst = m.group(2)
            dst = title.get(dst, source_name(dst.rsplit(":", 1)[-1])) if dst != "__indirect_call" else dst
            edges.setdefault(src, []).append((dst, m.group(3)))
    return frames, edges


def source_at(site):
    """The source text at FILE:LINE:COL."""
    path, line, col = site.rsplit(":", 2)
    with open(path, encoding="utf-8", errors="replace") as f:
        text = f.read().splitlines()[int(line) - 1]
    return text[int(col) - 1:]


def address_taken(srcs, defined):
    """Functions of the core named anywhere but in a call or a definition."""
    taken = set()
    for s in srcs + glob.glob(os.path.join(ROOT, "src", "*.h")):
        text = open(s, encoding="utf-8").read()
        text = re.sub(r"/\*.*?\*/", " ", text, flags=re.S)
        text = re.sub(r"\\\n", " ", text)
        text = re.sub(r"^\s*#.*$", " ", text, flags=re.M)  # macros alias, they take no address
        text = re.sub(r'"(\\.|[^"\\])*"', '""', text)
        text = re.sub(r"\b(struct|union|enum)\s+\w+", " ", text)
        for m in re.finditer(r"\b([A-Za-z_]\w*)\b(\s*\()?", text):
            if m.group(1) in defined and not m.group(2):
                taken.add(m.group(1))
    return taken


def analyse(target, verbose, srcs=None, entries=ENTRIES, quiet=False):
    cc, flags, frame_max, depth_max = TARGETS[target]
    if shutil.which(cc) is None:
        raise Fail("%s not found" % cc)
    srcs = srcs or core_sources()
    out = tempfile.mkdtemp(prefix="qpybak-stack.")
    try:
        compile_core(cc, flags, out, srcs)
        frames, edges = parse(out)
    finally:
        shutil.rmtree(out, ignore_errors=True)
    problems = []

    # 1. Every frame: static, and within the limit.
    for name, (size, qual, where) in sorted(frames.items()):
        if qual not in ("static", "dynamic,bounded"):  # bounded: the size given is the bound
            problems.append("%s (%s): %s frame (%d bytes): a VLA or alloca" % (name, where, qual, size))
        if size > frame_max:
            problems.append("%s (%s): frame of %d bytes, limit %d" % (name, where, size, frame_max))

    # 2. Indirect calls and address-taken functions.
    taken = address_taken(srcs, set(frames))
    kinds_of = {f: k for k, fs in KINDS.items() for f in fs}
    for f in sorted(taken):
        if f not in kinds_of:
            problems.append("%s: its address is taken, but it is in no kind of INDIRECT (update stack.py)" % f)
    for k, fs in KINDS.items():
        for f in fs:
            if f not in frames:
                problems.append("KINDS[%s] names %s, which the core does not define (update stack.py)" % (k, f))
    resolved = {}
    for caller, calls in edges.items():
        new = []
        for callee, site in calls:
            if callee != "__indirect_call":
                new.append((callee, site))
                continue
            text = source_at(site) if site else ""
            called = text.split("(")[0].strip()
            kind = next((k for who, rx, k in INDIRECT
                         if (who is None or who == caller) and re.fullmatch(rx, called)), None)
            if kind is None:
                problems.append("%s: indirect call at %s (%r) matches no rule of INDIRECT" % (caller, site, text[:40]))
                continue
            for f in KINDS.get(kind, []):
                new.append((f, site))
        resolved[caller] = new

    # 3. Worst-case depth, no recursion.
    memo, path = {}, []

    def depth(f):
        if f in memo:
            return memo[f]
        if f in path:
            raise Fail("recursion: " + " -> ".join(path[path.index(f):] + [f]))
        if f not in frames:
            if LIBC.match(f):
                return LIBC_FRAME, [f + " (libc, assumed)"]
            raise Fail("%s calls %s, which is neither the core's nor a known runtime function" % (path[-1], f))
        path.append(f)
        best, chain = 0, []
        for callee, _ in resolved.get(f, []):
            d, c = depth(callee)
            if d > best:
                best, chain = d, c
        path.pop()
        memo[f] = (frames[f][0] + best, ["%s %d" % (f, frames[f][0])] + chain)
        return memo[f]

    report = []
    try:
        for f in sorted(frames):
            depth(f)
    except Fail as e:
        problems.append(str(e))  # no depth without a bound
        return problems
    for f in entries:
        if f not in frames:
            problems.append("entry point %s not found" % f)
            continue
        d, chain = depth(f)
        report.append((f, d, chain))
        if d > depth_max:
            problems.append("%s: worst-case stack %d bytes, limit %d: %s" % (f, d, depth_max, " > ".join(chain)))

    if quiet:
        return problems
    biggest = sorted(frames.items(), key=lambda kv: -kv[1][0])[:5]
    print("== %s (%s %s): %d functions, largest frames: %s" % (
        target, cc, " ".join(flags), len(frames), ", ".join("%s %d" % (n, v[0]) for n, v in biggest)))
    for f, d, chain in report:
        print("   %-22s %5d bytes%s" % (f, d, ("  " + " > ".join(chain)) if verbose or f == "qpybak_boot" else ""))
    print("   (plus the port's and the callbacks' own frames; limits: frame %d, depth %d)" % (frame_max, depth_max))
    return problems


SELFTEST = r"""
#include "qpybak.h"
#define NI __attribute__((noinline))
NI static int deep(volatile int *n) { int k = *n; if (k) { *n = k - 1; k ^= deep(n) * 3; } return k; }
NI static int vla(int n) { volatile char b[n]; b[0] = 1; return b[0]; }  /* a VLA */
NI static int big(void) { volatile char b[4000]; b[9] = 1; return b[9]; } /* a big frame */
static int (*hook)(int);                                            /* unknown pointer */
static int other(int n) { return n; }
int qpybak_selftest(int n) { volatile int v = n; return deep(&v) + vla(n) + big() + hook(n); }
int qpybak_selftest2(int n) { hook = other; return n; }
"""


def selftest():
    """The checker must catch recursion, a VLA, a big frame and an indirect
    call it cannot resolve."""
    d = tempfile.mkdtemp(prefix="qpybak-stack-selftest.")
    try:
        src = os.path.join(d, "t.c")
        open(src, "w").write(SELFTEST)
        problems = analyse("host", False, [src], ["qpybak_selftest"], quiet=True)
    except Fail as e:
        problems = [str(e)]
    finally:
        shutil.rmtree(d, ignore_errors=True)
    text = "\n".join(problems)
    want = ["recursion", "a VLA or alloca", "frame of", "matches no rule", "address is taken"]
    missing = [w for w in want if w not in text]
    if missing:
        print("FAIL: the checker's self-test missed: %s\n%s" % (", ".join(missing), text))
    return not missing


def main():
    ap = argparse.ArgumentParser(description=__doc__, formatter_class=argparse.RawDescriptionHelpFormatter)
    ap.add_argument("--target", default="all", choices=["all"] + list(TARGETS))
    ap.add_argument("--verbose", action="store_true")
    args = ap.parse_args()
    targets = list(TARGETS) if args.target == "all" else [args.target]
    failed = not selftest()
    for t in targets:
        try:
            problems = analyse(t, args.verbose)
        except Fail as e:
            problems = [str(e)]
        for p in problems:
            print("FAIL: [%s] %s" % (t, p))
        failed |= bool(problems)
    return 1 if failed else 0


if __name__ == "__main__":
    sys.exit(main())
