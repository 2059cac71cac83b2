#!/usr/bin/env python3
# SPDX-FileCopyrightText: 2026 The qpybak authors
# SPDX-License-Identifier: Apache-2.0
"""The QuecPython compatibility suite: golden devices through the real binary.

    python3 tests/compat/compat.py QPYBAK_BINARY CASE          # one case
    python3 tests/compat/compat.py QPYBAK_BINARY --list        # the cases
    python3 tests/compat/compat.py QPYBAK_BINARY --self-test   # wrong expectations fail
    python3 tests/compat/compat.py QPYBAK_BINARY CASE --show   # what the binary does

Every directory tests/compat/cases/NAME/ with a case.json is one case and
one CTest test, compat.NAME.  README.md in this folder describes the case
format; in short: the device (bak/, usr/, app/) is copied from the case's
base device and its own files into a fresh temporary directory, the steps
of case.json run the real `qpybak` there one after the other, and after
each step the runner checks, exactly:

- the exit status;
- stdout: the JSON document (`json`, compared as parsed JSON: every member,
  every entry, every warning, nothing more) or the text (`stdout`);
- stderr, as text (empty unless the step says otherwise);
- the files: the step's `files` lists every file the command wrote,
  created or removed, with the bytes each must hold; every other file of
  the device (both partitions, the app folder, a canary beside them) must be
  untouched: same bytes, same inode, same modification time.

--self-test runs every case once, then checks each step again against
expectations made wrong on purpose (another exit status, a state, a
warning, a reason, `dropped`, a byte of a file, a file left out of
`files`...): each must fail, or the comparison is not exact.  It also runs
one case through a subprocess with a wrong expectation, to see that a
failure is a non-zero exit status.
"""
import copy
import hashlib
import json
import os
import shutil
import stat
import subprocess
import sys
import tempfile
import zlib

HERE = os.path.dirname(os.path.abspath(__file__))
CASES = os.path.join(HERE, "cases")
ROOTS = ("bak", "usr", "app")  # what a case's device may hold


class Fail(Exception):
    pass


def crc(data):
    """QuecPython's file_crc32.calc: zlib's CRC-32 seeded with 0xFFFFFFFF."""
    return zlib.crc32(data, 0xFFFFFFFF) & 0xFFFFFFFF


# --------------------------------------------------------------- the case


def case_names():
    return sorted(n for n in os.listdir(CASES)
                  if os.path.isfile(os.path.join(CASES, n, "case.json")))


def load_case(name):
    d = os.path.join(CASES, name)
    with open(os.path.join(d, "case.json"), "rb") as f:
        spec = json.loads(f.read().decode("utf-8"))
    for key in spec:
        if key not in ("about", "base", "make", "form", "steps"):
            raise Fail("case.json: unknown member %r" % key)
    if not spec.get("about") or not spec.get("steps"):
        raise Fail("case.json: `about` and `steps` are required")
    spec["dir"] = d
    spec["name"] = name
    return spec


def copy_tree(src, dst):
    """Copies the roots (bak/, usr/, app/) of src into dst, byte for byte."""
    for root in ROOTS:
        s = os.path.join(src, root)
        if os.path.isdir(s):
            shutil.copytree(s, os.path.join(dst, root), dirs_exist_ok=True, symlinks=True)


def make_files(spec, dev):
    """The case's generated files: long runs of one byte, files by the
    dozen, copies.  Each item: {"path": P, ...} with one of
        "zeros": N                   N zero bytes
        "text": T                    T (UTF-8)
        "copy": Q                    the bytes of the device's file Q
        "remove": true               no file (one of the base device's removed)
    and optionally "count": N: P and T are then Python format strings of
    the item's number i (0 .. N-1), e.g. "usr/d/f{i:02d}.txt"."""
    for item in spec.get("make", []):
        count = item.get("count")
        for i in range(count if count is not None else 1):
            path = item["path"].format(i=i) if count is not None else item["path"]
            p = os.path.join(dev, path)
            if item.get("remove"):
                os.remove(p)
                continue
            if "zeros" in item:
                data = bytes(item["zeros"])
            elif "text" in item:
                t = item["text"]
                data = (t.format(i=i) if count is not None else t).encode("utf-8")
            elif "copy" in item:
                with open(os.path.join(dev, item["copy"]), "rb") as f:
                    data = f.read()
            else:
                raise Fail("make: %r has no content" % item)
            os.makedirs(os.path.dirname(p), exist_ok=True)
            with open(p, "wb") as f:
                f.write(data)


def build_device(spec, dev):
    os.makedirs(dev)
    if spec.get("base"):
        base = os.path.normpath(os.path.join(spec["dir"], spec["base"]))
        if not os.path.isdir(base):
            raise Fail("base %s does not exist" % spec["base"])
        copy_tree(base, dev)
    copy_tree(spec["dir"], dev)
    make_files(spec, dev)
    # A canary beside the two roots: nothing may ever write it.
    with open(os.path.join(dev, "outside"), "wb") as f:
        f.write(b"canary: outside both roots, never written\n")


def crc_texts(doc):
    return [e["crc32"] for e in doc if isinstance(e, dict) and isinstance(e.get("crc32"), str)]


# What the golden data claims to be (case.json "form"): checked before the
# case runs, so that an editor or git converting a golden file cannot
# leave a case testing something else than it says.
FORMS = {
    # ujson.dumps of a list of dicts, what QuecPython's own code writes:
    # the same bytes as Python's json.dumps with ensure_ascii=False.
    "ujson": lambda data, doc: data == json.dumps(doc, ensure_ascii=False).encode("utf-8"),
    "compact": lambda data, doc: data == json.dumps(doc, ensure_ascii=False,
                                                    separators=(",", ":")).encode("utf-8"),
    "crlf": lambda data, doc: (data.endswith(b"\r\n")
                               and data.count(b"\n") == data.count(b"\r\n") == data.count(b"\r")),
    # every crc32 as Python's hex() writes it: no padding, lower case
    "hex": lambda data, doc: all(t == hex(int(t, 16)) for t in crc_texts(doc)),
    # every crc32 has an upper-case X or hex digit
    "upper": lambda data, doc: all(any(c in "XABCDEF" for c in t) for t in crc_texts(doc)),
}


def check_forms(spec, tree0):
    for rel, kinds in spec.get("form", {}).items():
        data = golden_bytes(spec, tree0, rel)
        doc = json.loads(data.decode("utf-8"))
        for kind in kinds:
            if kind not in FORMS:
                raise Fail("form: unknown form %r" % kind)
            if not FORMS[kind](data, doc):
                raise Fail("golden %s is not in the form %r it claims: %r" % (rel, kind, data[:200]))


# ------------------------------------------------------------ the device


def snapshot(dev):
    """{relative path: (kind, mode, inode, mtime_ns, bytes)} of everything
    below dev, links not followed."""
    out = {}
    for dirpath, dirnames, filenames in os.walk(dev):
        for name in dirnames + filenames:
            p = os.path.join(dirpath, name)
            rel = os.path.relpath(p, dev)
            st = os.lstat(p)
            if stat.S_ISREG(st.st_mode):
                with open(p, "rb") as f:
                    out[rel] = ("file", st.st_mode, st.st_ino, st.st_mtime_ns, f.read())
            elif stat.S_ISDIR(st.st_mode):
                out[rel] = ("dir", st.st_mode, None, None, None)
            elif stat.S_ISLNK(st.st_mode):
                out[rel] = ("link", st.st_mode, st.st_ino, st.st_mtime_ns,
                            os.readlink(p).encode())
            else:
                out[rel] = ("special", st.st_mode, st.st_ino, st.st_mtime_ns, None)
    return out


def golden_bytes(spec, tree0, rel):
    """The bytes a string file spec names: a file of the device as the case
    began (bak/..., usr/..., app/...), else a file of the case's folder
    (expect/...)."""
    if rel in tree0:
        if tree0[rel][0] != "file":
            raise Fail("golden %s is not a file" % rel)
        return tree0[rel][4]
    p = os.path.join(spec["dir"], rel)
    if not os.path.isfile(p):
        raise Fail("golden %s: no such file in the device or in %s" % (rel, spec["dir"]))
    with open(p, "rb") as f:
        return f.read()


def command(spec, step):
    run = step["run"]
    args = run.split() if isinstance(run, str) else list(run)
    return args


def run_step(binary, dev, args):
    env = dict(os.environ)
    env["LC_ALL"] = "C"
    env.pop("QPYBAK_PROGRESS_AFTER", None)
    p = subprocess.run([binary] + args, cwd=dev, stdin=subprocess.DEVNULL,
                       stdout=subprocess.PIPE, stderr=subprocess.PIPE, env=env, timeout=30)
    if p.returncode < 0:
        raise Fail("qpybak %s: killed by signal %d (it must never crash)"
                   % (" ".join(args), -p.returncode))
    return p.returncode, p.stdout, p.stderr


def run_case(binary, spec, show=False):
    """Runs every step; returns the list of (step, actual) where actual is
    what the checks compare: exit status, output, the device before and
    after.  With show, prints what each step did instead of checking."""
    work = tempfile.mkdtemp(prefix="qpybak-compat.")
    results = []
    try:
        dev = os.path.join(work, "dev")
        build_device(spec, dev)
        tree0 = snapshot(dev)
        check_forms(spec, tree0)
        for n, step in enumerate(spec["steps"]):
            before = snapshot(dev)
            args = command(spec, step)
            rc, out, err = run_step(binary, dev, args)
            after = snapshot(dev)
            actual = {"rc": rc, "stdout": out, "stderr": err, "before": before, "after": after,
                      "tree0": tree0}
            results.append((step, actual))
            if show:
                show_step(n, args, actual)
    finally:
        shutil.rmtree(work, ignore_errors=True)
    return results


def show_step(n, args, a):
    print("== step %d: qpybak %s" % (n, " ".join(args)))
    print("exit %d" % a["rc"])
    print("--- stdout\n%s--- stderr\n%s---" % (a["stdout"].decode("utf-8", "replace"),
                                              a["stderr"].decode("utf-8", "replace")))
    for rel in sorted(set(a["before"]) | set(a["after"])):
        b, c = a["before"].get(rel), a["after"].get(rel)
        if b != c and (c is None or c[0] != "dir"):
            print("written: %s%s" % (rel, " (removed)" if c is None else ""))
            if c is not None and c[0] == "file":
                print("  %r" % c[4][:600])


# --------------------------------------------------------------- checking


def describe(entry):
    if entry is None:
        return "absent"
    kind, mode, ino, mtime, data = entry
    if kind == "file":
        return "file of %d bytes (sha256 %s...)" % (len(data), hashlib.sha256(data).hexdigest()[:12])
    return kind


def json_diff(want, got, path="$"):
    """The places where got differs from want, exactly (types included:
    1 is not true, 1 is not 1.0)."""
    if type(want) is not type(got):
        return ["%s: expected %s, got %s" % (path, json.dumps(want), json.dumps(got))]
    if isinstance(want, dict):
        out = []
        for k in want:
            if k not in got:
                out.append("%s.%s: missing (expected %s)" % (path, k, json.dumps(want[k])))
            else:
                out += json_diff(want[k], got[k], "%s.%s" % (path, k))
        for k in got:
            if k not in want:
                out.append("%s.%s: not expected, got %s" % (path, k, json.dumps(got[k])))
        return out
    if isinstance(want, list):
        out = []
        for i in range(max(len(want), len(got))):
            if i >= len(got):
                out.append("%s[%d]: missing (expected %s)" % (path, i, json.dumps(want[i])))
            elif i >= len(want):
                out.append("%s[%d]: not expected, got %s" % (path, i, json.dumps(got[i])))
            else:
                out += json_diff(want[i], got[i], "%s[%d]" % (path, i))
        return out
    return [] if want == got else ["%s: expected %s, got %s" % (path, json.dumps(want),
                                                                  json.dumps(got))]


def parse_json(data, what):
    try:
        return json.loads(data.decode("utf-8"))
    except (UnicodeDecodeError, ValueError) as e:
        raise Fail("%s is not one JSON document (%s): %r" % (what, e, data[:300]))


def expected_file(spec, step, actual, rel, want):
    """(kind, bytes or parsed JSON) a `files` spec asks for."""
    if want is None:
        return ("absent", None)
    if isinstance(want, str):
        return ("bytes", golden_bytes(spec, actual["tree0"], rel=want))
    if isinstance(want, dict) and len(want) == 1:
        if "text" in want:
            return ("bytes", want["text"].encode("utf-8"))
        if "json" in want:
            return ("json", want["json"])
        if want.get("report") is True:
            # boot.json: the step's --json document, minus the entries
            # that are ok (docs/format.md, the boot report).
            if "json" not in step:
                raise Fail("files %s: {\"report\": true} needs a step with `json`" % rel)
            doc = copy.deepcopy(step["json"])
            doc["files"] = [f for f in doc["files"] if f.get("state") != "ok"]
            return ("json", doc)
    raise Fail("files %s: unknown spec %r" % (rel, want))


def check_step(spec, n, step, actual):
    """Every difference between step's expectations and what happened."""
    errs = []
    for key in step:
        if key not in ("run", "about", "exit", "json", "stdout", "stderr", "files"):
            errs.append("step %d: unknown member %r" % (n, key))
    if "exit" not in step or ("json" in step) == ("stdout" in step):
        errs.append("step %d: needs `exit` and one of `json`, `stdout`" % n)
        return errs
    if actual["rc"] != step["exit"]:
        errs.append("exit status: expected %d, got %d" % (step["exit"], actual["rc"]))
    if "json" in step:
        try:
            got = parse_json(actual["stdout"], "stdout")
            errs += ["stdout " + d for d in json_diff(step["json"], got)]
        except Fail as e:
            errs.append(str(e))
    elif actual["stdout"] != step["stdout"].encode("utf-8"):
        errs.append("stdout: expected %r, got %r" % (step["stdout"], actual["stdout"].decode("utf-8", "replace")))
    want_err = step.get("stderr", "")
    if actual["stderr"] != want_err.encode("utf-8"):
        errs.append("stderr: expected %r, got %r" % (want_err, actual["stderr"].decode("utf-8", "replace")))
    errs += check_files(spec, step, actual)
    return errs


def expand_files(files, tree0):
    """`files` with each folder spec, "DIR/": {"tree": "SRC/"} (DIR holds
    a copy of every file below SRC as the case began), made one spec per
    file."""
    out = {}
    for rel, want in files.items():
        if rel.endswith("/"):
            if not (isinstance(want, dict) and list(want) == ["tree"] and want["tree"].endswith("/")):
                raise Fail("files %s: a folder needs {\"tree\": \"SRC/\"}" % rel)
            src = want["tree"]
            found = [k for k in tree0 if k.startswith(src) and tree0[k][0] == "file"]
            if not found:
                raise Fail("files %s: %s holds no files" % (rel, src))
            for k in found:
                out[rel + k[len(src):]] = k
        else:
            out[rel] = want
    return out


def check_files(spec, step, actual):
    before, after = actual["before"], actual["after"]
    try:
        files = expand_files(step.get("files", {}), actual["tree0"])
    except Fail as e:
        return [str(e)]
    errs = []
    # Folders a listed file made: allowed to appear.
    made_dirs = set()
    for rel in files:
        d = os.path.dirname(rel)
        while d:
            made_dirs.add(d)
            d = os.path.dirname(d)
    for rel in sorted(set(before) | set(after) | set(files)):
        b, a = before.get(rel), after.get(rel)
        if rel in files:
            try:
                kind, want = expected_file(spec, step, actual, rel, files[rel])
            except Fail as e:
                errs.append(str(e))
                continue
            if b is not None and a is not None and b[:4] == a[:4] and b[4] == a[4]:
                errs.append("files %s: listed, but the command did not write it" % rel)
            elif kind == "absent":
                if a is not None:
                    errs.append("files %s: should have been removed, is %s" % (rel, describe(a)))
                elif b is None:
                    errs.append("files %s: listed as removed, but was never there" % rel)
            elif a is None or a[0] != "file":
                errs.append("files %s: expected a file, is %s" % (rel, describe(a)))
            elif kind == "bytes" and a[4] != want:
                errs.append("files %s: bytes differ:\n    expected %r\n    got      %r"
                            % (rel, want[:400], a[4][:400]))
            elif kind == "json":
                try:
                    got = parse_json(a[4], "files " + rel)
                    errs += ["files %s %s" % (rel, d) for d in json_diff(want, got)]
                except Fail as e:
                    errs.append(str(e))
            continue
        if b is None and a is not None and a[0] == "dir" and rel in made_dirs:
            continue
        if b != a:
            if b is None:
                errs.append("files %s: created (%s), not listed" % (rel, describe(a)))
            elif a is None:
                errs.append("files %s: removed, not listed" % rel)
            else:
                errs.append("files %s: written (%s -> %s, inode %s -> %s), not listed"
                            % (rel, describe(b), describe(a), b[2], a[2]))
    return errs


def check_case(spec, results):
    errs = []
    for n, (step, actual) in enumerate(results):
        for e in check_step(spec, n, step, actual):
            errs.append("step %d (qpybak %s): %s" % (n, " ".join(command(spec, step)), e))
    return errs


# -------------------------------------------------------------- self-test


def mutations(step, actual):
    """(what, mutated step) pairs: expectations that are wrong by one thing."""
    out = [("exit status", dict(step, exit=(step["exit"] + 1) % 3))]
    if "stdout" in step:
        out.append(("stdout", dict(step, stdout=step["stdout"] + "x")))
        if step["stdout"]:
            out.append(("stdout cut", dict(step, stdout=step["stdout"][:-1])))
    out.append(("stderr", dict(step, stderr=step.get("stderr", "") + "x")))
    if "json" in step:
        doc = step["json"]

        def mut(what, fn):
            d = copy.deepcopy(doc)
            fn(d)
            out.append((what, dict(step, json=d)))

        mut("document warning added", lambda d: d.setdefault("warnings", []).append("x"))
        if doc.get("warnings"):
            mut("document warning removed", lambda d: d["warnings"].pop())
        if "dropped" in doc:
            mut("dropped removed", lambda d: d.pop("dropped"))
            mut("dropped + 1", lambda d: d.__setitem__("dropped", d["dropped"] + 1))
        else:
            mut("dropped added", lambda d: d.__setitem__("dropped", 1))
        mut("enabled flipped", lambda d: d.__setitem__("enabled", not d.get("enabled")))
        if "counts" in doc:
            mut("count ok + 1", lambda d: d["counts"].__setitem__("ok", d["counts"]["ok"] + 1))
        for i, f in enumerate(doc.get("files", [])):
            other = "ok" if f.get("state") != "ok" else "modified"
            mut("files[%d].state" % i, lambda d, i=i, o=other: d["files"][i].__setitem__("state", o))
            if f.get("warnings"):
                mut("files[%d] warning removed" % i, lambda d, i=i: d["files"][i]["warnings"].pop())
                mut("files[%d] warnings dropped" % i, lambda d, i=i: d["files"][i].pop("warnings"))
            else:
                mut("files[%d] warning added" % i,
                    lambda d, i=i: d["files"][i].__setitem__("warnings", ["x"]))
            if "reason" in f:
                mut("files[%d].reason" % i,
                    lambda d, i=i: d["files"][i].__setitem__("reason", d["files"][i]["reason"] + "x"))
            else:
                mut("files[%d] reason added" % i,
                    lambda d, i=i: d["files"][i].__setitem__("reason", "x"))
            mut("files[%d].name" % i,
                lambda d, i=i: d["files"][i].__setitem__("name", str(d["files"][i]["name"]) + "x"))
        if doc.get("files"):
            mut("an entry left out", lambda d: d["files"].pop())
    files = step.get("files", {})
    for rel, want in files.items():
        out.append(("files %s left out" % rel,
                    dict(step, files={k: v for k, v in files.items() if k != rel})))
        if want is not None:
            out.append(("files %s: expected removed" % rel,
                        dict(step, files=dict(files, **{rel: None}))))
        if isinstance(want, str):
            out.append(("files %s: a byte more" % rel,
                        dict(step, files=dict(files, **{rel: {"text": "\0"}}))))
        elif isinstance(want, dict) and "text" in want:
            out.append(("files %s: a byte more" % rel,
                        dict(step, files=dict(files, **{rel: {"text": want["text"] + "\n"}}))))
        elif isinstance(want, dict) and "json" in want:
            out.append(("files %s: another document" % rel,
                        dict(step, files=dict(files, **{rel: {"json": {"x": want["json"]}}}))))
    # A file of the device that the step did not write, said to be written.
    for rel in sorted(actual["after"]):
        e = actual["after"][rel]
        if e[0] == "file" and rel not in files:
            out.append(("untouched %s listed" % rel,
                        dict(step, files=dict(files, **{rel: {"text": e[4].decode("latin-1")}}))))
            break
    return out


def self_test(binary):
    names = case_names()
    total = 0
    bad = []
    passing = []
    for name in names:
        spec = load_case(name)
        results = run_case(binary, spec)
        if not check_case(spec, results):
            passing.append(name)
        for n, (step, actual) in enumerate(results):
            for what, m in mutations(step, actual):
                total += 1
                if not check_step(spec, n, m, actual):
                    bad.append("%s step %d: a wrong expectation passes: %s" % (name, n, what))
        n, b = form_self_test(spec)
        total += n
        bad += b
    # The exit status, as CTest sees it: a copy of a passing case passes,
    # and fails once one expectation is wrong.
    if passing:
        total += 2
        bad += subprocess_check(binary, passing[0])
    else:
        bad.append("no case passes: the exit status of a failing case was not checked")
    for b in bad:
        print("FAIL: " + b)
    print("%s: %d cases (%d pass), %d wrong expectations, %d not caught"
          % ("FAIL" if bad else "ok", len(names), len(passing), total, len(bad)))
    return 1 if bad else 0


def form_self_test(spec):
    """Each golden file's form claim, made false by one change: rejected."""
    def padded(doc):
        for e in doc:
            if isinstance(e, dict) and isinstance(e.get("crc32"), str):
                e["crc32"] = "0x0" + e["crc32"][2:]
                return
    breaks = {
        "ujson": lambda data, doc: (data + b" ", doc),
        "compact": lambda data, doc: (data.replace(b",", b", ", 1), doc),
        "crlf": lambda data, doc: (data.replace(b"\r\n", b"\n", 1), doc),
        "hex": lambda data, doc: (data, padded(doc) or doc),
        "upper": lambda data, doc: (data.lower(), json.loads(data.lower().decode("utf-8"))),
    }
    n, bad = 0, []
    work = tempfile.mkdtemp(prefix="qpybak-compat-form.")
    try:
        dev = os.path.join(work, "dev")
        build_device(spec, dev)
        tree0 = snapshot(dev)
        for rel, kinds in spec.get("form", {}).items():
            for kind in kinds:
                data = golden_bytes(spec, tree0, rel)
                n += 1
                d2, doc2 = breaks[kind](data, json.loads(data.decode("utf-8")))
                if FORMS[kind](d2, doc2):
                    bad.append("%s: %s broken as %r still passes" % (spec["name"], rel, kind))
    finally:
        shutil.rmtree(work, ignore_errors=True)
    return n, bad


def subprocess_check(binary, name):
    tmp = tempfile.mkdtemp(prefix="qpybak-compat-self.")
    bad = []
    try:
        shutil.copytree(os.path.join(CASES, name), os.path.join(tmp, name), symlinks=True)
        cj = os.path.join(tmp, name, "case.json")
        with open(cj) as f:
            raw = json.load(f)
        if raw.get("base"):  # keep it pointing at the real base device
            raw["base"] = os.path.normpath(os.path.join(CASES, name, raw["base"]))
        for wrong in (False, True):
            if wrong:
                raw["steps"][0]["exit"] = (raw["steps"][0]["exit"] + 1) % 3
            with open(cj, "w") as f:
                json.dump(raw, f)
            p = subprocess.run([sys.executable, os.path.abspath(__file__), binary, name],
                               env=dict(os.environ, QPYBAK_COMPAT_CASES=tmp),
                               stdout=subprocess.PIPE, stderr=subprocess.STDOUT)
            if p.returncode != (1 if wrong else 0) or (wrong and b"FAIL" not in p.stdout):
                bad.append("%s (a copy, %s): exit %d\n%s"
                           % (name, "one expectation wrong" if wrong else "as it is", p.returncode,
                              p.stdout.decode("utf-8", "replace")))
    finally:
        shutil.rmtree(tmp, ignore_errors=True)
    return bad


# ------------------------------------------------------------------- main


def main():
    global CASES
    CASES = os.environ.get("QPYBAK_COMPAT_CASES", CASES)
    args = sys.argv[1:]
    show = "--show" in args
    args = [a for a in args if a != "--show"]
    if len(args) != 2:
        sys.exit(__doc__)
    binary, case = os.path.abspath(args[0]), args[1]
    if case == "--list":
        print("\n".join(case_names()))
        return 0
    if not os.access(binary, os.X_OK):
        sys.exit("qpybak binary %s is not executable" % binary)
    if case == "--self-test":
        return self_test(binary)
    if case not in case_names():
        sys.exit("no case %r; --list shows them" % case)
    try:
        spec = load_case(case)
        print("== compat %s: %s" % (case, spec["about"]))
        results = run_case(binary, spec, show=show)
        if show:
            return 0
        errs = check_case(spec, results)
    except Fail as e:
        errs = [str(e)]
    if errs:
        for e in errs:
            print("FAIL: [%s] %s" % (case, e))
        return 1
    print("ok: [%s] %d steps" % (case, len(spec["steps"])))
    return 0


if __name__ == "__main__":
    sys.exit(main())
