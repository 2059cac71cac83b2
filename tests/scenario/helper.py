# SPDX-FileCopyrightText: 2026 The qpybak authors
# SPDX-License-Identifier: Apache-2.0
"""tests/scenario/helper.py - the scenario tests' python side.

One process per test case (python start-up is slow on loaded machines), fed
requests by lib.sh over two FIFOs.  A request is a piece of python code and
its arguments; the code runs with sys.argv = ["-", ARGS...] and these helpers
in scope; the reply is its exit status, its stdout and its stderr.

Wire format (lengths in bytes):
  request:  "ARGC\n", then per argument "LEN\n" + bytes (argument 0: code)
  reply:    "STATUS OUTLEN ERRLEN\n" + stdout bytes + stderr bytes
"""
import hashlib
import io
import json
import os
import re
import stat
import sys
import traceback
import zlib


def crc(path):
    """QuecPython's file_crc32.calc: zlib crc32 seeded with 0xFFFFFFFF."""
    with open(path, "rb") as f:
        return "0x%08x" % zlib.crc32(f.read(), 0xFFFFFFFF)


def crc_bytes(data):
    return "0x%08x" % zlib.crc32(data, 0xFFFFFFFF)


def _walk(root):
    """Every path below root (relative, bytes-sorted), root itself as '.'."""
    out = ["."]
    def rec(rel):
        full = os.path.join(root, rel) if rel != "." else root
        for n in sorted(os.listdir(os.fsencode(full))):
            r = os.fsdecode(n) if rel == "." else rel + "/" + os.fsdecode(n)
            out.append(r)
            p = os.path.join(root, r)
            if stat.S_ISDIR(os.lstat(p).st_mode):
                rec(r)
    rec(".")
    return out


def _sha(path):
    h = hashlib.sha256()
    with open(path, "rb") as f:
        for chunk in iter(lambda: f.read(1 << 16), b""):
            h.update(chunk)
    return h.hexdigest()


def snapshot(root, exclude=None):
    """Type, mode, size, mtime (ns) and content hash of every path below root
    (relative paths matching the regex exclude left out): equal snapshots
    mean nothing was written, created or removed."""
    lines = []
    rx = re.compile(exclude) if exclude else None
    for rel in _walk(root):
        if rx and rx.search(rel):
            continue
        p = os.path.join(root, rel)
        st = os.lstat(p)
        m = st.st_mode
        if stat.S_ISREG(m):
            extra = _sha(p)
        elif stat.S_ISLNK(m):
            extra = "-> " + os.readlink(p)
        else:
            extra = ""
        lines.append(json.dumps([rel, "%o" % m, st.st_size if not stat.S_ISDIR(m) else 0,
                                 st.st_mtime_ns, extra]))
    return "\n".join(lines)


def snapshot_diff(saved, root, exclude=None):
    """Differences between a saved snapshot (text) and root now, both with
    the paths matching exclude left out."""
    rx = re.compile(exclude) if exclude else None
    old = [l for l in saved.split("\n") if l and not (rx and rx.search(json.loads(l)[0]))]
    new = [l for l in snapshot(root, exclude).split("\n") if l]
    return diff_lines(old, new)


def listing(root, exclude=None):
    """Relative paths and content of a tree, no times: for comparing content."""
    lines = []
    rx = re.compile(exclude) if exclude else None
    for rel in _walk(root):
        if rel == ".":
            continue
        if rx and rx.search(rel):
            continue
        p = os.path.join(root, rel)
        m = os.lstat(p).st_mode
        if stat.S_ISDIR(m):
            lines.append("dir  %r" % rel)
        elif stat.S_ISREG(m):
            lines.append("file %r %s" % (rel, _sha(p)))
        else:
            lines.append("other %r" % rel)
    return lines


def diff_lines(a, b):
    sa, sb = set(a), set(b)
    return ["- " + x for x in a if x not in sb] + ["+ " + x for x in b if x not in sa]


def load_strict(path):
    """The one JSON value a file holds (nothing else but whitespace)."""
    with open(path, "rb") as f:
        text = f.read().decode("utf-8")
    return json.loads(text)


def manifest_entries(path, name):
    return [e for e in load_strict(path) if isinstance(e, dict) and e.get("name") == name]


def manifest_entry(path, name):
    m = manifest_entries(path, name)
    return json.dumps(m[0], sort_keys=True) if m else "null"


def check_json(path, expr, what):
    try:
        d = load_strict(path)
    except Exception as e:
        with open(path, "rb") as f:
            raw = f.read(2000)
        sys.exit("%s: %s is not one valid JSON document: %s\n%s"
                 % (what, path, e, raw.decode("utf-8", "replace")))

    def entry(name):
        m = [f for f in d.get("files", []) if f.get("name") == name]
        if len(m) != 1:
            raise KeyError("%d files[] elements named %r" % (len(m), name))
        return m[0]

    def st(name):
        return entry(name)["state"]

    env = {"d": d, "entry": entry, "st": st, "re": re, "json": json}
    try:
        ok = eval(expr, env)
    except Exception as e:
        sys.exit("%s: evaluating %s raised %r\ndocument:\n%s"
                 % (what, expr, e, json.dumps(d, indent=1)[:4000]))
    if not ok:
        sys.exit("%s: expected %s\ndocument:\n%s" % (what, expr, json.dumps(d, indent=1)[:4000]))


def main():
    inp = sys.stdin.buffer
    out = sys.stdout.buffer
    real_out, real_err = sys.stdout, sys.stderr
    base = dict(globals())
    while True:
        line = inp.readline()
        if not line:
            return
        args = []
        for _ in range(int(line)):
            n = int(inp.readline())
            args.append(inp.read(n).decode("utf-8", "surrogateescape"))
        code, argv = args[0], args[1:]
        obuf, ebuf = io.StringIO(), io.StringIO()
        rc = 0
        sys.stdout, sys.stderr, sys.argv = obuf, ebuf, ["-"] + argv
        try:
            exec(compile(code, "<scenario>", "exec"), dict(base, __name__="__main__"))
        except SystemExit as e:
            if isinstance(e.code, int):
                rc = e.code
            elif e.code is not None:
                ebuf.write(str(e.code) + "\n")
                rc = 1
        except BaseException:
            traceback.print_exc(file=ebuf)
            rc = 1
        finally:
            sys.stdout, sys.stderr = real_out, real_err
        o = obuf.getvalue().encode("utf-8", "surrogateescape")
        e = ebuf.getvalue().encode("utf-8", "surrogateescape")
        out.write(b"%d %d %d\n" % (rc, len(o), len(e)))
        out.write(o)
        out.write(e)
        out.flush()


if __name__ == "__main__":
    main()
