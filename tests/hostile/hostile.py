#!/usr/bin/env python3
# SPDX-FileCopyrightText: 2026 The qpybak authors
# SPDX-License-Identifier: Apache-2.0
"""Hostile trees through the real `qpybak` binary.

    python3 tests/hostile/hostile.py QPYBAK_BINARY CASE      # one case
    python3 tests/hostile/hostile.py QPYBAK_BINARY --list    # the cases

Every `case_NAME` below is one CTest test (hostile.NAME).  A case builds a
device in a fresh temporary directory:

    dev/usr/      the user partition (--usr)
    dev/bak/      the backup partition (--bak)
    dev/canary/   a canary directory beside them, with bait files
    dev/outside   a bait file beside them

plants something hostile, and runs the command (status, boot, ...).  After
every run, whatever the case:

- no crash and no hang: the exit status is 0, 1 or 2 (a signal, or 99 from
  valgrind, fails), within a timeout;
- nothing outside the two roots changed: dev/ minus usr/ and bak/ is listed
  (type, mode, sha256 of content, link target) before and after;
- the backup partition is unchanged, listed the same way;
- --json output is one valid JSON document, and human output carries no
  terminal control characters (C0 other than newline, DEL, C1).

QPYBAK_WRAPPER (e.g. "valgrind -q --error-exitcode=99") prefixes every run;
the memory bound checks are skipped then.  A case that needs a privilege the
machine does not give (mounts) exits 77, which CTest reports as skipped.
"""
import hashlib
import json
import os
import resource
import shlex
import shutil
import stat
import subprocess
import sys
import tempfile
import threading
import time
import zlib

SKIP = 77


class Fail(Exception):
    pass


class Skip(Exception):
    pass


def crc(data):
    return zlib.crc32(data, 0xFFFFFFFF) & 0xFFFFFFFF


def hexcrc(data):
    return "0x%08x" % crc(data)


def listing(root, exclude=()):
    """{relative path: description} of everything under root, links not
    followed."""
    out = {}
    if not os.path.lexists(root):
        return out
    for dirpath, dirnames, filenames in os.walk(root, followlinks=False):
        rel_dir = os.path.relpath(dirpath, root)
        if rel_dir != "." and rel_dir.split(os.sep)[0] in exclude:
            continue
        for name in dirnames + filenames:
            rel = os.path.normpath(os.path.join(rel_dir, name))
            if rel.split(os.sep)[0] in exclude:
                continue
            p = os.path.join(dirpath, name)
            st = os.lstat(p)
            if stat.S_ISLNK(st.st_mode):
                desc = "link -> " + os.readlink(p)
            elif stat.S_ISREG(st.st_mode):
                with open(p, "rb") as f:
                    desc = "file %o %s" % (st.st_mode, hashlib.sha256(f.read()).hexdigest())
            elif stat.S_ISDIR(st.st_mode):
                desc = "dir %o" % st.st_mode
            else:
                desc = "special %o" % st.st_mode
            out[rel] = desc
    return out


def diff(before, after):
    lines = []
    for k in sorted(set(before) | set(after)):
        if before.get(k) != after.get(k):
            lines.append("  %s: %s -> %s" % (k, before.get(k, "(none)"), after.get(k, "(none)")))
    return "\n".join(lines[:20])


class Device:
    def __init__(self, binary, case):
        self.binary = binary
        self.case = case
        self.work = tempfile.mkdtemp(prefix="qpybak-hostile.")
        self.dev = os.path.join(self.work, "dev")
        self.usr = os.path.join(self.dev, "usr")
        self.bak = os.path.join(self.dev, "bak")
        self.canary = os.path.join(self.dev, "canary")
        self.usr_arg = self.usr  # what --usr gets (a read-only mount, say)
        for d in (self.usr, self.bak, self.canary):
            os.makedirs(d)
        for name in ("victim", "main.py", "checksum.json", "usr/main.py"):
            self.put(os.path.join(self.canary, name), b"CANARY " + name.encode() + b"\n")
        self.put(os.path.join(self.dev, "outside"), b"CANARY outside\n")
        self.wrapper = shlex.split(os.environ.get("QPYBAK_WRAPPER", ""))
        self.mounts = []
        self.runs = 0

    # ------------------------------------------------------------ building

    @staticmethod
    def put(path, data):
        if isinstance(data, str):
            data = data.encode()
        os.makedirs(os.path.dirname(path), exist_ok=True)
        with open(path, "wb") as f:
            f.write(data)

    def u(self, rel):
        return os.path.join(self.usr, rel)

    def b(self, rel):
        return os.path.join(self.bak, rel)

    APP = {
        "main.py": b"print('hello')\n",
        "lib/net.py": b"import socket\n" * 40,
        "apn_cfg.json": b'{"apn": "cmnet"}\n',
        "empty.txt": b"",
    }

    @staticmethod
    def manifest(entries):
        return "[\n" + ",\n".join(json.dumps(e) for e in entries) + "\n]\n"

    def factory(self, app=None, user_files=True, flag='{"enable": 1}'):
        """A packed device: backup copies, both manifests (with size), flag,
        and (by default) the user files."""
        app = self.APP if app is None else app
        entries = [{"name": "/usr/" + n, "crc32": hexcrc(d), "size": len(d)} for n, d in app.items()]
        m = self.manifest(entries)
        for n, d in app.items():
            self.put(self.b("usr/" + n), d)
            if user_files:
                self.put(self.u(n), d)
        self.put(self.b("checksum.json"), m)
        self.put(self.b("backup_restore.json"), flag)
        self.put(self.u("checksum.json"), m)
        self.put(self.u(".qpybak/checksum.json"), m)
        return entries

    def user_manifest(self, text, shadow=True):
        self.put(self.u("checksum.json"), text)
        sp = self.u(".qpybak/checksum.json")
        if shadow:
            self.put(sp, text)
        elif os.path.lexists(sp):
            os.remove(sp)

    # ------------------------------------------------------------- running

    def snapshot(self):
        return listing(self.dev, exclude=("usr", "bak", "mnt")), listing(self.bak)

    def run(self, *args, timeout=60, expect=None, json_out=None, check_tree=True, measure=False):
        """Runs the command; checks the invariants; returns (status, stdout,
        stderr, JSON document, peak RSS in KiB (measure=True), seconds)."""
        if json_out is None:
            json_out = "--json" in args
        outside0, bak0 = self.snapshot()
        cmd = self.wrapper + [self.binary] + list(args)
        out_path = os.path.join(self.work, "stdout")
        err_path = os.path.join(self.work, "stderr")
        rss_path = os.path.join(self.work, "rss")
        # The peak RSS of the command itself.  A child forked from this
        # (large) python process would inherit its RSS as the start of its
        # ru_maxrss, so the command is started from a small process: GNU
        # time, or else a fresh python launcher (whose own ~10 MiB is then
        # the floor of both measurements compared).
        if measure:
            if os.access("/usr/bin/time", os.X_OK) and not os.environ.get("QPYBAK_HOSTILE_NO_TIME"):
                cmd = ["/usr/bin/time", "-f", "%M", "-o", rss_path] + cmd
            else:
                cmd = [sys.executable, "-c", LAUNCHER, rss_path] + cmd
        t0 = time.monotonic()
        with open(out_path, "wb") as fo, open(err_path, "wb") as fe:
            p = subprocess.Popen(cmd, stdout=fo, stderr=fe, stdin=subprocess.DEVNULL,
                                 start_new_session=True)
            killed = []

            def kill():
                killed.append(1)
                try:
                    os.killpg(p.pid, 9)
                except OSError:
                    pass

            timer = threading.Timer(timeout, kill)
            timer.start()
            p.wait()
            timer.cancel()
        elapsed = time.monotonic() - t0
        peak = 0
        if measure:
            try:
                peak = int(open(rss_path).read().split()[-1])
            except (OSError, ValueError, IndexError):
                raise Fail("no memory measurement for %s" % " ".join(args))
        self.runs += 1
        out = open(out_path, "rb").read()
        err = open(err_path, "rb").read()
        rc = p.returncode
        what = "qpybak " + " ".join(shlex.quote(a) for a in args)
        say = lambda msg: Fail("%s: %s\n--- stdout (start) ---\n%s\n--- stderr ---\n%s" % (
            what, msg, out[:2000].decode("utf-8", "replace"), err[:2000].decode("utf-8", "replace")))
        if killed:
            raise say("no answer after %d s (hang?)" % timeout)
        if rc not in (0, 1, 2):
            raise say("exit status %d (crash, signal or sanitizer/valgrind report)" % rc)
        if expect is not None and rc not in (expect if isinstance(expect, tuple) else (expect,)):
            raise say("exit status %d, expected %s" % (rc, expect))
        if rc == 2 and len(err.strip().splitlines()) != 1:
            raise say("exit 2 must come with one line on stderr")
        if check_tree:
            outside1, bak1 = self.snapshot()
            if outside1 != outside0:
                raise say("something outside the two roots changed:\n" + diff(outside0, outside1))
            if bak1 != bak0:
                raise say("the backup partition changed:\n" + diff(bak0, bak1))
        doc = None
        if json_out and rc != 2:
            try:
                doc = json.loads(out.decode("utf-8"))
            except (UnicodeDecodeError, ValueError) as e:
                raise say("--json output is not one valid JSON document: %s" % e)
        elif not json_out:
            bad = control_characters(out + err)
            if bad:
                raise say("terminal control characters in the output: %r" % bad)
        return rc, out, err, doc, peak, elapsed

    def boot(self, *extra, **kw):
        return self.run("boot", "--usr", self.usr_arg, "--bak", self.bak, *extra, **kw)

    def status(self, *extra, **kw):
        return self.run("status", "--usr", self.usr_arg, "--bak", self.bak, *extra, **kw)

    def both(self, expect=(0, 1), **kw):
        """status (human and JSON), boot --json, boot again; returns boot's
        JSON document."""
        self.status(expect=expect, **kw)
        self.status("--json", expect=expect, **kw)
        doc = self.boot("--json", expect=expect, **kw)[3]
        self.boot(expect=expect, **kw)
        return doc

    # ------------------------------------------------------------- mounts

    def mount(self, *args):
        r = subprocess.run(["mount"] + list(args), capture_output=True)
        if r.returncode != 0:
            raise Skip("mount %s not permitted here: %s" % (" ".join(args),
                                                           r.stderr.decode(errors="replace").strip()))
        self.mounts.append(args[-1])

    def cleanup_canary_changes(self):
        """Puts the canaries and the backup partition back (self-test)."""
        for p in (os.path.join(self.dev, "new"), self.b("usr/new"), self.b("usr/lnk")):
            if os.path.islink(p) or os.path.isfile(p):
                os.remove(p)
            elif os.path.isdir(p):
                shutil.rmtree(p)
        self.put(os.path.join(self.canary, "victim"), b"CANARY victim\n")
        self.factory()

    def cleanup(self):
        for m in reversed(self.mounts):
            subprocess.run(["umount", "-l", m], capture_output=True)
        shutil.rmtree(self.work, ignore_errors=True)


# Runs a command as its child and writes the child's peak RSS (KiB) to a
# file; exits with the child's status (128 + N after signal N, as a shell).
LAUNCHER = """
import os, sys
pid = os.fork()
if pid == 0:
    os.execv(sys.argv[2], sys.argv[2:])
_, status, ru = os.wait4(pid, 0)
open(sys.argv[1], "w").write("%d\\n" % ru.ru_maxrss)
sys.exit(os.WEXITSTATUS(status) if os.WIFEXITED(status) else 128 + os.WTERMSIG(status))
"""


def control_characters(text):
    """C0 controls other than newline and tab, DEL, and C1 controls (UTF-8
    C2 80..C2 9F): what a terminal might obey."""
    bad = [bytes([x]) for x in text if (x < 0x20 and x not in (0x0A, 0x09)) or x == 0x7F]
    i = text.find(b"\xc2")
    while i >= 0 and len(bad) < 5:
        if i + 1 < len(text) and 0x80 <= text[i + 1] <= 0x9F:
            bad.append(text[i:i + 2])
        i = text.find(b"\xc2", i + 1)
    return bad[:5]


def check(cond, msg):
    if not cond:
        raise Fail(msg)


def counts(doc):
    return doc["counts"]


def states(doc):
    return {f["name"]: f["state"] for f in doc["files"] if f["name"] is not None}


# The bait: a hostile name that were followed would copy this over a
# canary, and the entries' crc32 is the bait's, so a restore would "verify".
BAIT = b"PWNED\n"


def plant_bait(d):
    d.put(d.b("usr/x"), BAIT)
    d.put(d.b("x"), BAIT)
    d.put(d.b("usr/a\\b"), BAIT)
    d.put(d.b("usr/sub/x"), BAIT)
    d.put(os.path.join(d.dev, "bait"), BAIT)


def hostile_names_case(d, names, extra_invalid=0):
    """A user manifest of the factory entries plus one entry per name (all
    with the bait's crc32), interleaved; every hostile entry must come out
    invalid, the good ones intact, a deleted good file restored."""
    good = d.factory()
    plant_bait(d)
    os.remove(d.u("apn_cfg.json"))
    bad = [{"name": n, "crc32": hexcrc(BAIT)} for n in names]
    entries = bad[: len(bad) // 2] + good[:2] + bad[len(bad) // 2:] + good[2:]
    d.user_manifest(d.manifest(entries))
    doc = d.both(expect=1)
    c = counts(doc)
    check(c["invalid"] == len(names) + extra_invalid,
          "expected %d invalid entries, report says %s" % (len(names) + extra_invalid, c))
    check(c["ok"] == 3 and c["restored"] == 1, "good entries: %s" % c)
    check(os.path.exists(d.u("apn_cfg.json")), "the deleted good file was not restored")
    for f in doc["files"]:
        if f["state"] != "invalid":
            check(f["name"] in ["/usr/" + n for n in d.APP], "a hostile entry was checked: %r" % f)
    return doc


# ================================================================== cases
# ------------------------------------------------------------------ names


def case_names_dotdot(d):
    hostile_names_case(d, ["/usr/../outside", "/usr/../canary/victim", "/usr/../bak/x",
                           "/usr/../../outside", "/usr/sub/../../outside", "/usr/..", "/usr/x/..",
                           "/usr/../usr/main.py", "/usr/lib/../../bak/usr/x", ".."])


def case_names_dot_and_empty_components(d):
    # /usr/./x, /usr//x, //usr/x and usr/x are /usr/x (docs/format.md, "Names
    # in a form QuecPython resolves"); what stays invalid:
    hostile_names_case(d, ["/usr/./../x", "/usr/x/.", "/usr/.", "/usr//", "/usr/x/", "/usr/",
                           "/usr", "//usr/../x", "usr/../bak/usr/x", "", "/", "//", "./x", "x",
                           "/bak/usr/x", "/bak/x", "/x", "usr/", "/usr/./", "/usr/x//"])


def case_names_backslashes(d):
    hostile_names_case(d, ["/usr/a\\b", "/usr/..\\..\\outside", "\\usr\\x", "/usr/\\", "/usr/x\\",
                           "/usr/lib\\..\\..\\outside"])


def case_names_nul(d):
    # \u0000 decodes to a NUL byte: "/usr/x\0/../../outside" must not be
    # taken for "/usr/x"
    hostile_names_case(d, ["/usr/x\u0000/../../outside", "/usr/main.py\u0000", "\u0000",
                           "/usr/\u0000", "/usr/a\u0000b"])


def case_names_control_characters(d):
    hostile_names_case(d, ["/usr/a\u0001b", "/usr/a\nb", "/usr/a\rb", "/usr/a\u001bb",
                           "/usr/a\u007fb", "/usr/a\u0085b", "/usr/\u009b31m", "/usr/\u001b[2J"])


def case_names_lone_surrogates(d):
    good = d.factory()
    plant_bait(d)
    os.remove(d.u("apn_cfg.json"))
    b = hexcrc(BAIT)
    bad = ['{"name": "/usr/\\ud800", "crc32": "%s"}' % b,
           '{"name": "/usr/\\udfff", "crc32": "%s"}' % b,
           '{"name": "/usr/x\\ud83d", "crc32": "%s"}' % b,
           '{"name": "/usr/\\ude00\\ud83d", "crc32": "%s"}' % b,
           '{"name": "/usr/\\ud83d\\ud83d\\ude00", "crc32": "%s"}' % b,
           '{"name": "/usr/\\ud83dx", "crc32": "%s"}' % b]
    text = "[\n" + ",\n".join(bad + [json.dumps(e) for e in good]) + "\n]\n"
    d.user_manifest(text)
    doc = d.both(expect=1)
    check(counts(doc)["invalid"] == len(bad) and counts(doc)["ok"] == 3, "counts %s" % counts(doc))
    # a valid pair is a valid name
    d.user_manifest('[{"name": "/usr/\\ud83d\\ude00.py", "crc32": "%s"}]' % b)
    d.put(d.b("usr/\U0001F600.py"), BAIT)
    doc = d.boot("--json", expect=0)[3]
    check(counts(doc)["restored"] == 1, "a surrogate pair name: %s" % counts(doc))


def case_names_invalid_utf8(d):
    good = d.factory()
    plant_bait(d)
    b = hexcrc(BAIT)
    raw = [b"/usr/\xff", b"/usr/\xc0\xaf", b"/usr/\xc0\xae\xc0\xae/outside", b"/usr/\xe0\x80\xaf",
           b"/usr/\xed\xa0\x80", b"/usr/\xf4\x90\x80\x80", b"/usr/\xc3", b"/usr/\xe2\x82",
           b"/usr/\xf8\x88\x80\x80\x80", b"/usr/\x80"]
    items = [b'{"name": "' + n + b'", "crc32": "' + b.encode() + b'"}' for n in raw]
    text = b"[\n" + b",\n".join(items + [json.dumps(e).encode() for e in good]) + b"\n]\n"
    d.user_manifest(text)
    doc = d.both(expect=1)
    check(counts(doc)["invalid"] == len(raw) and counts(doc)["ok"] == 4, "counts %s" % counts(doc))


def case_names_100k(d):
    good = d.factory()
    plant_bait(d)
    b = hexcrc(BAIT)
    long_names = ["/usr/" + "x" * 102400, "/usr/" + "d/" * 51200 + "x",
                  "/usr/" + "../" * 34000 + "outside", "/usr/" + "\u20ac" * 34200]
    d.user_manifest(d.manifest([{"name": n, "crc32": b} for n in long_names] + good))
    doc = d.both(expect=1)
    check(counts(doc)["invalid"] == len(long_names) and counts(doc)["ok"] == 4,
          "counts %s" % counts(doc))
    # just over the default limit (255 bytes)
    d.put(d.b("usr/" + "y" * 251), BAIT)
    d.user_manifest(d.manifest([{"name": "/usr/" + "y" * 251, "crc32": b}] + good))
    doc = d.boot("--json", expect=1)[3]
    check(counts(doc)["invalid"] == 1, "a 256-byte name: %s" % counts(doc))
    check(not os.path.exists(d.u("y" * 251)), "a name over the limit was restored")


def case_names_not_strings(d):
    good = d.factory()
    os.remove(d.u("main.py"))
    b = hexcrc(BAIT)
    bad = ['{"name": 1, "crc32": "%s"}' % b, '{"name": null, "crc32": "%s"}' % b,
           '{"name": true, "crc32": "%s"}' % b, '{"name": ["/usr/x"], "crc32": "%s"}' % b,
           '{"name": {"n": "/usr/x"}, "crc32": "%s"}' % b, '{"name": -1e999, "crc32": "%s"}' % b,
           '{"crc32": "%s"}' % b, '"/usr/x"', '17', 'null', '[]', '{}', '[{"name": "/usr/x"}]']
    text = "[\n" + ",\n".join(bad + [json.dumps(e) for e in good]) + "\n]\n"
    d.user_manifest(text)
    doc = d.both(expect=1)
    check(counts(doc)["invalid"] == len(bad) and counts(doc)["ok"] + counts(doc)["restored"] == 4,
          "counts %s" % counts(doc))
    check(sum(1 for f in doc["files"] if f["name"] is None) == len(bad), "names of invalid entries")


def case_names_duplicates(d):
    good = d.factory()
    main = good[0]
    # the same name again with the bait's crc (a duplicate must not let the
    # bait in), and the same name spelled with escapes
    d.put(d.b("usr/main.py"), d.APP["main.py"])
    dup = [dict(main, crc32=hexcrc(BAIT)), dict(main), dict(main, size=1)]
    text = d.manifest(good + dup)[:-3] + ',\n{"name": "\\/usr\\/m\\u0061in.py", "crc32": "0x1"}\n]\n'
    d.user_manifest(text)
    os.remove(d.u("main.py"))
    doc = d.both(expect=1)
    # the exact copy (dict(main)) matches the file boot restored: harmless,
    # ok; so does the one with the factory crc32 and another size (the size
    # rule: the factory content's size is the factory copy's)
    check(counts(doc)["invalid"] == 2, "duplicates: %s" % counts(doc))
    check(open(d.u("main.py"), "rb").read() == d.APP["main.py"], "main.py not the factory copy")
    # 2,000 copies of one name, the file intact: nothing to act on, all ok
    d.user_manifest(d.manifest(good + [dict(main)] * 2000))
    doc = d.boot("--json")[3]
    check(counts(doc)["invalid"] == 0 and counts(doc)["ok"] == len(good) + 2000,
          "2000 harmless duplicates: %s" % counts(doc))
    # 2,000 copies with another value: every one would be acted on, all invalid
    d.user_manifest(d.manifest(good + [dict(main, crc32=hexcrc(BAIT))] * 2000))
    doc = d.boot("--json", expect=1)[3]
    check(counts(doc)["invalid"] == 2000, "2000 duplicates: %s" % counts(doc))
    check(open(d.u("main.py"), "rb").read() == d.APP["main.py"], "main.py not the factory copy")


def case_names_reserved(d):
    good = d.factory()
    b = hexcrc(BAIT)
    names = ["/usr/checksum.json", "/usr/CHECKSUM.JSON", "/usr/.qpybak/checksum.json",
             "/usr/.qpybak/boot.json", "/usr/.QPYBAK/fota.json", "/usr/.qpybak",
             "/usr/main.py.qpybak-tmp", "/usr/.qpybak/good/main.py"]
    for n in names:
        try:
            d.put(d.b(n[1:]), BAIT)
        except IsADirectoryError:
            pass
    d.user_manifest(d.manifest([{"name": n, "crc32": b} for n in names] + good))
    doc = d.both(expect=1)
    check(counts(doc)["invalid"] == len(names), "reserved names: %s" % counts(doc))
    check(b"PWNED" not in open(d.u("checksum.json"), "rb").read(), "the manifest was overwritten")


# ------------------------------------------------------------- malformed


PACKED_FORM = ('[\n{"name": "/usr/main.py", "crc32": "%s", "size": %d},\n'
               '{"name": "/usr/apn_cfg.json", "crc32": "%s", "size": %d}\n]\n')


def spec_text():
    m, a = Device.APP["main.py"], Device.APP["apn_cfg.json"]
    return PACKED_FORM % (hexcrc(m), len(m), hexcrc(a), len(a))


def case_malformed_empty_and_blank(d):
    d.factory()
    os.remove(d.u("main.py"))
    for text in ("", " ", "\n\n", "\ufeff", "\x00", "null", "0", '""', "{}", "[", "]", "\ufeff\ufeff[]"):
        d.user_manifest(text, shadow=False)
        doc = d.boot("--json", expect=(0, 1))[3]
        check(doc["manifest"]["primary"] in ("corrupt", "ok") and doc["manifest"]["source"] in
              ("backup", "primary"), "%r: %s" % (text, doc["manifest"]))
        check(os.path.exists(d.u("main.py")), "%r: main.py not restored from the factory manifest" % text)
        os.remove(d.u("main.py"))


def case_malformed_truncated_everywhere(d):
    """The user manifest cut at every offset (both copies), then only the
    primary: boot falls back and never writes outside, every time."""
    d.factory()
    full = spec_text()
    d.put(d.b("checksum.json"), full)
    data = full.encode()

    def valid(text):
        try:
            return isinstance(json.loads(text.decode()), list)
        except ValueError:
            return False

    for cut in range(len(data)):
        d.user_manifest(data[:cut], shadow=True)
        d.boot(expect=(0, 1), check_tree=(cut % 16 == 0))
        if not valid(data[:cut]):
            check(open(d.u("checksum.json"), "rb").read() == data, "cut at %d: primary not repaired" % cut)
    for cut in range(0, len(data), 3):
        d.put(d.u("checksum.json"), data[:cut])
        d.put(d.u(".qpybak/checksum.json"), data)
        d.boot(expect=(0, 1), check_tree=(cut % 15 == 0))
        if not valid(data[:cut]):
            check(open(d.u("checksum.json"), "rb").read() == data, "cut at %d: not repaired from shadow" % cut)
    # the backup manifest cut everywhere: reported, nothing written to /bak
    d.user_manifest(data)
    for cut in range(0, len(data), 5):
        d.put(d.b("checksum.json"), data[:cut])
        d.boot("--json", expect=(0, 1))


def case_malformed_trailing_commas(d):
    d.factory()
    full = spec_text()
    # one trailing comma, as QuecPython's ujson reads it: read, with a warning
    # (docs/format.md, "What a reader accepts")
    for text in [full.replace("}\n]", "},\n]"),           # after the last entry
                 full.replace("},\n{", ",},\n{")]:         # after the last member
        check(text != full, "a variant equals the original")
        d.user_manifest(text)
        doc = d.boot("--json", expect=(0, 1))[3]
        check(doc["manifest"]["primary"] == "ok", "one trailing comma refused: %r" % text)
        check("trailing comma in a manifest" in doc["warnings"], "no warning: %r" % text)
    variants = [full.replace("},\n{", "},,\n{"),          # two between entries
                full.replace(', "size"', ',, "size"'),     # two between members
                full.replace("[\n{", "[,\n{"),            # before the first entry
                full.replace("}\n]", "}\n],"),            # after the array
                full.replace("}\n]", "},,\n]"),           # two after the last entry
                "[,]", "[{,}]"]
    for text in variants:
        check(text != full, "a variant equals the original")
        d.user_manifest(text)
        doc = d.boot("--json", expect=(0, 1))[3]
        check(doc["manifest"]["primary"] == "corrupt", "misplaced comma accepted: %r" % text)
        d.put(d.b("backup_restore.json"), '{"enable": 1,,}')
        doc = d.boot("--json", expect=0)[3]
        check(doc["enabled"] is False, "a flag with two trailing commas turned the feature on")
        d.put(d.b("backup_restore.json"), '{"enable": 1}')


def case_malformed_nesting_200k(d):
    d.factory()
    deep = "[" * 200000 + "]" * 200000
    deep_obj = '{"a": ' * 200000 + "1" + "}" * 200000
    for text in ('[{"name": "/usr/main.py", "x": %s, "crc32": "0x1"}]' % deep,
                 "[%s]" % deep, deep, "[" * 200000, '[{"x": %s}]' % deep_obj):
        d.user_manifest(text)
        d.both(expect=(0, 1))
        d.put(d.b("checksum.json"), text)  # the factory one too: nothing usable
        d.both(expect=(0, 1))
        d.factory()
    d.put(d.b("backup_restore.json"), '{"x": %s, "enable": 1}' % deep)
    doc = d.boot("--json", expect=0)[3]
    check(doc["enabled"] is False, "a 200,000-deep flag turned the feature on")


def case_malformed_50k_keys(d):
    good = d.factory()
    keys = ", ".join('"k%d": %d' % (i, i) for i in range(50000))
    one = '{%s, "name": "/usr/main.py", "crc32": "%s", "size": %d}' % (
        keys, good[0]["crc32"], good[0]["size"])
    text = "[\n" + one + ",\n" + ",\n".join(json.dumps(e) for e in good[1:]) + "\n]\n"
    d.user_manifest(text)
    os.remove(d.u("main.py"))
    doc = d.both(expect=(0, 1))
    check(counts(doc)["ok"] + counts(doc)["restored"] == 4 and counts(doc)["invalid"] == 0,
          "50,000 unknown keys: the entry must still count: %s" % counts(doc))
    # 50,000 keys all called "name"
    names = ", ".join('"name": "/usr/n%d"' % i for i in range(50000))
    d.user_manifest('[{%s, "crc32": "0x1"}]' % names)
    doc = d.both(expect=(0, 1))
    check(counts(doc)["invalid"] == 1, "50,000 name keys: %s" % counts(doc))
    d.put(d.b("backup_restore.json"), "{%s, \"enable\": 1}" % keys)
    d.boot(expect=0)


def case_malformed_100k_crc32(d):
    good = d.factory()
    os.remove(d.u("main.py"))
    d.put(d.b("usr/x"), BAIT)
    big = ["0x" + "f" * 102400, "f" * 102400, "0x" + "0" * 102392 + hexcrc(BAIT)[2:]]
    d.user_manifest(d.manifest([{"name": "/usr/x", "crc32": c} for c in big] + good))
    doc = d.both(expect=1)
    check(counts(doc)["invalid"] == 3 and counts(doc)["ok"] + counts(doc)["restored"] == 4,
          "100 KiB crc32: %s" % counts(doc))
    check(not os.path.exists(d.u("x")), "an entry with a 100 KiB crc32 was restored")


def case_malformed_numbers_out_of_range(d):
    good = d.factory()
    sizes = ["4294967296", "99999999999999999999999999", "-1", "-0", "1e400", "1.5", "1e2",
             "18446744073709551616", "0.0", "-1e-400"]
    items = ['{"name": "/usr/main.py", "crc32": "%s", "size": %s}' % (good[0]["crc32"], s) for s in sizes]
    text = "[\n" + ",\n".join(items + [json.dumps(e) for e in good[1:]]) + "\n]\n"
    d.user_manifest(text)
    d.status(expect=1)
    doc = d.boot("--json", expect=1)[3]
    check(counts(doc)["invalid"] == len(sizes), "sizes out of range: %s" % counts(doc))
    # no valid entry is left for main.py: the factory floor checks it, and
    # boot's rewrite lists it again and drops the invalid entries
    check(doc.get("dropped") == 1, "main.py not checked as dropped: %s" % doc.get("dropped"))
    doc = d.boot("--json", expect=0)[3]
    check(counts(doc)["invalid"] == 0, "invalid entries kept: %s" % counts(doc))
    for v in ("1e99999", "-99999999999999999999", "0.00000000000000000000001", "123456789" * 200):
        d.put(d.b("backup_restore.json"), '{"enable": %s}' % v)
        doc = d.boot("--json", expect=(0, 1))[3]
        check(doc["enabled"] is True, "enable %s... (non-zero) did not turn the feature on" % v[:20])


def case_malformed_flag_5mib(d):
    d.factory()
    os.remove(d.u("main.py"))
    d.put(d.b("backup_restore.json"), '{"enable": 1, "pad": "' + "p" * (5 << 20) + '"}')
    before = listing(d.usr)
    doc = d.boot("--json", expect=0)[3]
    check(doc["enabled"] is False and doc["off_reason"], "a 5 MiB flag: %s" % doc.get("off_reason"))
    check(listing(d.usr) == before, "a 5 MiB flag: boot changed the user partition")
    d.put(d.b("backup_restore.json"), "[" * (5 << 20))
    d.boot(expect=0)
    d.put(d.b("backup_restore.json"), '{"enable": 1}' + " " * (5 << 20))
    d.boot(expect=0)
    check(listing(d.usr) == before, "a 5 MiB flag: boot changed the user partition")


def case_malformed_binary_garbage(d):
    import random
    rnd = random.Random(4)
    d.factory()
    full = spec_text().encode()
    for i in range(60):
        data = bytearray(full)
        for _ in range(rnd.randint(1, 8)):
            data[rnd.randrange(len(data))] = rnd.randrange(256)
        which = i % 3
        if which == 0:
            d.user_manifest(bytes(data))
        elif which == 1:
            d.put(d.b("checksum.json"), bytes(data))
        else:
            d.put(d.b("backup_restore.json"), bytes(data[:40]))
        d.run("boot", "--usr", d.usr, "--bak", d.bak, "--json", expect=(0, 1), check_tree=(i % 6 == 0))
        d.factory()
    d.put(d.u("checksum.json"), os.urandom(1 << 20))
    d.put(d.b("checksum.json"), os.urandom(1 << 16))
    d.both(expect=(0, 1))


# --------------------------------------------------------------- symlinks


def case_symlink_user_subdir_out(d):
    """/usr/lib is a link to the canary: restoring /usr/lib/net.py must not
    write through it."""
    d.factory()
    shutil.rmtree(d.u("lib"))
    os.symlink("../canary", d.u("lib"))
    d.put(os.path.join(d.canary, "net.py"), b"CANARY net.py\n")
    d.both(expect=(0, 1))
    check(open(os.path.join(d.canary, "net.py"), "rb").read() == b"CANARY net.py\n", "written through")
    # an absolute link, and a link to the backup partition
    os.remove(d.u("lib"))
    os.symlink(d.canary, d.u("lib"))
    d.both(expect=(0, 1))
    os.remove(d.u("lib"))
    os.symlink(d.b("usr/lib"), d.u("lib"))
    d.both(expect=(0, 1))


def case_symlink_tracked_file_out(d):
    d.factory()
    for target in ("../canary/victim", os.path.join(d.canary, "victim"), "/etc/passwd", "/dev/zero",
                   "../bak/usr/main.py", "main.py", "nonexistent"):
        if os.path.lexists(d.u("main.py")):
            os.remove(d.u("main.py"))
        os.symlink(target, d.u("main.py"))
        d.status(expect=1)
        doc = d.boot("--json", expect=(0, 1))[3]
        st = states(doc).get("/usr/main.py")
        check(st in ("restored", "unrecoverable"), "a link as a tracked file: %s" % st)
        if st == "restored":
            check(not os.path.islink(d.u("main.py")) and
                  open(d.u("main.py"), "rb").read() == d.APP["main.py"], "restored through a link")


def case_symlink_backup_copy_out(d):
    d.factory()
    os.remove(d.u("main.py"))
    # the link's target holds exactly the expected content: still refused
    d.put(os.path.join(d.canary, "main.py"), d.APP["main.py"])
    for target in (os.path.join(d.canary, "main.py"), "../../canary/main.py", "/dev/zero",
                   "/dev/urandom", "/proc/self/mem"):
        os.remove(d.b("usr/main.py"))
        os.symlink(target, d.b("usr/main.py"))
        doc = d.boot("--json", expect=1, timeout=30)[3]
        check(states(doc)["/usr/main.py"] == "unrecoverable", "a linked backup copy was used")
        check(not os.path.exists(d.u("main.py")), "a linked backup copy was installed")
    # the backup manifest and the flag as links out
    os.remove(d.b("checksum.json"))
    d.put(os.path.join(d.canary, "checksum.json"), open(d.u("checksum.json"), "rb").read())
    os.symlink("../canary/checksum.json", d.b("checksum.json"))
    d.both(expect=(0, 1))
    os.remove(d.b("backup_restore.json"))
    os.symlink("/dev/zero", d.b("backup_restore.json"))
    doc = d.boot("--json", expect=(0, 1), timeout=30)[3]
    check(doc["enabled"] is False, "a flag that is a link to /dev/zero turned the feature on")


def case_symlink_qpybak_dir_out(d):
    """/usr/.qpybak (shadow, report, temporary files) is a link out; then
    the user manifest; then the temporary names."""
    d.factory()
    shutil.rmtree(d.u(".qpybak"))
    os.symlink("../canary", d.u(".qpybak"))
    os.remove(d.u("main.py"))
    d.both(expect=(0, 1))
    # never followed (the harness checks the canary); boot may put its own
    # folder in the link's place, as the clean-up does with anything there
    # that is not a folder
    q = d.u(".qpybak")
    check(os.path.islink(q) or os.path.isfile(os.path.join(q, "checksum.json")),
          "the link was replaced by something that is not qpybak's folder")
    if os.path.islink(q):
        os.remove(q)
    else:
        shutil.rmtree(q)
    d.factory()
    os.remove(d.u("checksum.json"))
    os.symlink("../canary/checksum.json", d.u("checksum.json"))
    d.both(expect=(0, 1))
    os.remove(d.u("checksum.json"))
    d.factory()
    os.remove(d.u("main.py"))
    for rel in ("main.py.qpybak-tmp", "checksum.json.qpybak-tmp", ".qpybak/checksum.json.qpybak-tmp",
                ".qpybak/boot.json.qpybak-tmp"):
        os.symlink(os.path.join(d.canary, "victim"), d.u(rel))
    d.both(expect=(0, 1))


def case_directory_where_file_belongs(d):
    d.factory()
    os.remove(d.u("main.py"))
    d.put(d.u("main.py/inner.txt"), b"keep me\n")
    doc = d.both(expect=1)
    check(states(doc)["/usr/main.py"] == "unrecoverable", "a directory at a tracked path")
    check(open(d.u("main.py/inner.txt"), "rb").read() == b"keep me\n", "the directory was touched")
    # a file where a parent directory belongs
    shutil.rmtree(d.u("lib"))
    d.put(d.u("lib"), b"a file where a folder belongs\n")
    doc = d.boot("--json", expect=1)[3]
    check(states(doc)["/usr/lib/net.py"] == "unrecoverable", "file in the way of a folder")
    # a directory where a backup copy belongs
    os.remove(d.b("usr/apn_cfg.json"))
    os.makedirs(d.b("usr/apn_cfg.json"))
    os.remove(d.u("apn_cfg.json"))
    doc = d.boot("--json", expect=1)[3]
    check(states(doc)["/usr/apn_cfg.json"] == "unrecoverable", "a directory as a backup copy")


def case_manifest_is_directory(d):
    d.factory()
    for rel in ("checksum.json", ".qpybak/checksum.json"):
        os.remove(d.u(rel))
        os.makedirs(d.u(rel))
        d.put(d.u(rel + "/x"), b"1")
    d.both(expect=(0, 1))
    check(os.path.isdir(d.u("checksum.json")), "the directory was replaced")
    os.remove(d.b("checksum.json"))
    os.makedirs(d.b("checksum.json"))
    d.both(expect=(0, 1))
    os.remove(d.b("backup_restore.json"))
    os.makedirs(d.b("backup_restore.json"))
    doc = d.boot("--json", expect=0)[3]
    check(doc["enabled"] is False, "a flag that is a directory")


def case_special_files(d):
    """FIFOs and devices where files belong: never opened (a FIFO would
    block, a device might have effects)."""
    d.factory()
    os.remove(d.u("main.py"))
    os.mkfifo(d.u("main.py"))
    os.remove(d.b("usr/apn_cfg.json"))
    os.mkfifo(d.b("usr/apn_cfg.json"))
    os.remove(d.u("apn_cfg.json"))
    os.remove(d.u(".qpybak/checksum.json"))
    os.mkfifo(d.u(".qpybak/checksum.json"))
    doc = d.both(expect=1, timeout=20)
    check(states(doc)["/usr/apn_cfg.json"] == "unrecoverable", "a FIFO backup copy")
    os.remove(d.b("backup_restore.json"))
    os.mkfifo(d.b("backup_restore.json"))
    d.boot(expect=0, timeout=20)
    os.remove(d.b("backup_restore.json"))
    try:
        os.mknod(d.b("backup_restore.json"), 0o644 | stat.S_IFCHR, os.makedev(1, 5))  # /dev/zero
        os.mknod(d.u("lib/net.py.dev"), 0o644 | stat.S_IFCHR, os.makedev(1, 5))
    except (PermissionError, OSError):
        return
    d.boot(expect=0, timeout=20)
    os.remove(d.b("backup_restore.json"))
    d.put(d.b("backup_restore.json"), '{"enable": 1}')
    os.remove(d.u("lib/net.py"))
    os.mknod(d.u("lib/net.py"), 0o644 | stat.S_IFCHR, os.makedev(1, 5))
    d.both(expect=(0, 1), timeout=20)


def case_crc_collision_zero_filled(d):
    """With QuecPython's CRC (register starting at 0) leading zero bytes do
    not change the checksum: 4096 zero bytes have the CRC of an empty file.
    A user file damaged that way is told apart only by its size, also when
    the factory manifest (made by QuecPython's tools) records no size."""
    app = dict(d.APP, **{"z.txt": b""})
    d.factory(app=app)
    factory = json.loads(open(d.b("checksum.json")).read())
    for e in factory:
        del e["size"]
    d.put(d.b("checksum.json"), json.dumps(factory))
    d.put(d.u("z.txt"), b"\0" * 4096)
    doc = d.status("--json", expect=1)[3]
    check(states(doc)["/usr/z.txt"] == "modified", "4096 zero bytes taken for an empty file")
    for i in range(2):
        doc = d.boot("--json", expect=(0, 1))[3]
        st = states(doc)["/usr/z.txt"]
        data = open(d.u("z.txt"), "rb").read()
        check(st != "ok" or data == b"", "boot %d: 4096 zero bytes reported ok" % (i + 1))
        check(st != "restored" or data == b"",
              "boot %d: reported restored, but the file still holds %d zero bytes" % (i + 1, len(data)))
        check(i == 0 or st != "restored", "boot 2 restored the file again")


def case_fota_hostile_staging(d):
    """A staging folder holding links out, a FIFO, a device, bad names and a
    folder where a tracked file is: fota apply installs only regular files
    under valid names, inside the user partition."""
    d.factory()
    st = d.u(".updater")
    d.put(os.path.join(st, "main.py"), b"print('v2')\n")
    d.put(os.path.join(st, "lib/net.py"), b"import socket  # v2\n")
    os.symlink(d.canary, os.path.join(st, "out"))                     # a folder link out
    os.symlink(os.path.join(d.canary, "victim"), os.path.join(st, "victim"))  # a file link out
    os.symlink("/etc/passwd", os.path.join(st, "passwd"))
    os.mkfifo(os.path.join(st, "fifo"))
    d.put(os.path.join(st, "a\\b"), b"backslash\n")
    d.put(os.path.join(st, "ctl\x1b[2J"), b"escape\n")
    with open(os.path.join(st.encode(), b"bad\xff"), "wb") as f:  # not UTF-8
        f.write(b"not utf-8\n")
    d.put(os.path.join(st, "x" * 251), b"too long as /usr/...\n")
    d.put(os.path.join(st, "checksum.json"), b"[]")                  # reserved
    d.put(os.path.join(st, "d/" * 60 + "deep"), b"deep\n")
    d.run("fota", "apply", "--usr", d.usr, "--bak", d.bak, expect=(0, 1))
    check(open(d.u("main.py"), "rb").read() == b"print('v2')\n", "main.py not updated")
    check(not os.path.lexists(d.u("out")) and not os.path.lexists(d.u("victim")),
          "a link from the staging folder was installed")
    check(os.path.isfile(d.u("apn_cfg.json")), "apn_cfg.json replaced by a folder")
    d.both(expect=(0, 1))
    # the staging folder itself a link out
    shutil.rmtree(st, ignore_errors=True)
    if os.path.lexists(st):
        os.remove(st)
    os.makedirs(os.path.join(d.canary, "stage"))
    d.put(os.path.join(d.canary, "stage", "main.py"), b"print('from outside')\n")
    os.symlink(os.path.join(d.canary, "stage"), st)
    d.run("fota", "apply", "--usr", d.usr, "--bak", d.bak, expect=(0, 1, 2))
    check(open(d.u("main.py"), "rb").read() == b"print('v2')\n", "installed through a linked staging folder")


def fota_blocked_case(d, rel, why):
    """A staged file that can never be installed (a permanent condition,
    not a passing storage error) is reported, and does not keep every later
    boot from checking the files: the other staged files are installed, the
    journal does not stay forever, boot checks the entries."""
    entries = d.factory()
    st = d.u(".updater")
    d.put(os.path.join(st, "main.py"), b"print('v2')\n")
    d.put(os.path.join(st, rel), b"cannot be installed\n")
    d.run("fota", "apply", "--usr", d.usr, "--bak", d.bak, expect=1)
    check(open(d.u("main.py"), "rb").read() == b"print('v2')\n", "main.py not updated")
    os.remove(d.u("lib/net.py"))  # damage, for boot to repair
    for i in range(2):
        doc = d.boot("--json", expect=(0, 1))[3]
        total = sum(counts(doc).values())
        check(total == len(entries), "boot %d after %s: %d of %d entries checked (%s)" % (
            i + 1, why, total, len(entries), doc.get("warnings") or doc.get("error")))
    check(os.path.exists(d.u("lib/net.py")), "a damaged file was not restored")


def case_fota_staged_name_too_long_for_temp(d):
    """/usr/x{250} is a valid name; an install's temporary file is
    DIR/.qpybak-tmp, never longer than the name, so it is installed."""
    d.factory()
    st = d.u(".updater")
    d.put(os.path.join(st, "x" * 250), b"a long name\n")
    d.run("fota", "apply", "--usr", d.usr, "--bak", d.bak, expect=0)
    check(open(d.u("x" * 250), "rb").read() == b"a long name\n", "the 250-byte name not installed")


def case_fota_staged_under_a_file(d):
    # the target /usr/apn_cfg.json/inner runs through a regular file
    fota_blocked_case(d, "apn_cfg.json/inner", "a staged file under a tracked file")


def case_restore_name_too_long_for_temp(d):
    """A tracked file with a 245..255-byte name is restored like any other
    (its temporary name must fit the file system's name limit too)."""
    name = "n" * 250
    app = dict(d.APP, **{name: b"long name\n"})
    entries = d.factory(app=app)
    os.remove(d.u(name))
    doc = d.boot("--json", expect=(0, 1))[3]
    check(states(doc)["/usr/" + name] == "restored",
          "a 250-byte name: %s" % [f for f in doc["files"] if f["name"] == "/usr/" + name])


# ------------------------------------------------------------------ scale


def case_300k_entries_no_files(d):
    """300,000 entries, none of them with a file or a backup copy behind
    it: finishes in bounded time and in the memory of a small run."""
    d.factory()
    small = d.boot("--json", expect=0, measure=True)
    n = 300000
    lines = ['{"name": "/usr/f/%06d.py", "crc32": "0x%08x", "size": %d}' % (i, i * 2654435761 % 2**32, i)
             for i in range(n)]
    text = "[\n" + ",\n".join(lines) + "\n]\n"
    d.user_manifest(text)
    d.put(d.b("checksum.json"), text)
    t_status = d.status("--json", expect=1, timeout=600, measure=True)
    doc = t_status[3]
    check(counts(doc)["missing"] == n, "status: %s" % counts(doc))
    big = d.boot("--json", expect=1, timeout=600, measure=True)
    doc = big[3]
    check(counts(doc)["unrecoverable"] == n, "boot: %s" % counts(doc))
    sys.stdout.write("300,000 entries: status %.1f s, boot %.1f s; peak RSS %d KiB (a 4-entry boot: %d KiB)\n"
                     % (t_status[5], big[5], big[4], small[4]))
    check(big[5] < 300 and t_status[5] < 300, "300,000 entries took too long")
    if not d.wrapper:
        check(big[4] <= small[4] + 2048, "memory grows with the entries: %d KiB peak for 300,000, "
              "%d KiB for 4" % (big[4], small[4]))
        check(t_status[4] <= small[4] + 2048, "status memory grows: %d KiB" % t_status[4])
    # the same with a backup manifest that does not list them (look-ups
    # that never hit) and without one
    d.put(d.b("checksum.json"), '[]')
    d.boot(expect=1, timeout=600)


# ------------------------------------------------------------- for real


def case_readonly_user_partition(d):
    """The user partition mounted read-only (chmod does not stop root)."""
    d.factory()
    os.remove(d.u("main.py"))
    d.put(d.u("lib/net.py"), b"damaged\n")
    d.put(d.u("checksum.json"), "[{")  # and a corrupt primary to repair
    mnt = os.path.join(d.dev, "mnt")
    os.makedirs(mnt)
    d.mount("--bind", d.usr, mnt)
    d.mount("-o", "remount,ro,bind", mnt)
    try:
        open(os.path.join(mnt, "probe"), "wb").close()
        raise Skip("the read-only bind mount is writable here")
    except OSError:
        pass
    d.usr_arg = mnt
    before = listing(d.usr)
    rc, out, err, doc, _, _ = d.boot("--json", expect=1)
    check(doc.get("error"), "a read-only partition must be reported as a storage error: %s" % doc)
    check(listing(d.usr) == before, "a read-only partition changed")
    d.status(expect=1)
    d.run("calc", "--usr", mnt, "/usr/apn_cfg.json", expect=(0, 1, 2))
    check(listing(d.usr) == before, "a read-only partition changed")


def tmpfs(d, size):
    mnt = os.path.join(d.dev, "mnt")
    os.makedirs(mnt)
    d.mount("-t", "tmpfs", "-o", "size=%s" % size, "tmpfs", mnt)
    return mnt


def fill(path):
    """Fills the file system of path; returns the filler's name."""
    filler = os.path.join(path, "filler")
    fd = os.open(filler, os.O_WRONLY | os.O_CREAT | os.O_TRUNC, 0o644)
    for size in (65536, 4096, 1):
        try:
            while True:
                os.write(fd, b"\0" * size)
        except OSError:
            pass
    os.close(fd)
    return filler


def case_enospc_real(d):
    """A full user partition (a tiny tmpfs): restores fail with a storage
    error, leave no temporary file and never a torn manifest."""
    big = os.urandom(256 << 10)
    app = dict(d.APP, **{"big.bin": big})
    d.factory(app=app)
    mnt = tmpfs(d, "128k")
    # the user partition lives on the tmpfs
    shutil.copytree(d.usr, mnt, dirs_exist_ok=True, ignore=shutil.ignore_patterns("big.bin"))
    d.usr_arg = mnt
    manifest = open(os.path.join(mnt, "checksum.json"), "rb").read()
    rc, out, err, doc, _, _ = d.boot("--json", expect=1)
    check(states(doc)["/usr/big.bin"] == "unrecoverable", "a 256 KiB restore into 128 KiB")
    check(not any(n.endswith(".qpybak-tmp") for _, _, fs in os.walk(mnt) for n in fs),
          "a temporary file was left behind")
    check(open(os.path.join(mnt, "checksum.json"), "rb").read() == manifest, "the manifest changed")
    # completely full: even the report cannot be written; a small restore
    # fails too; the manifest stays whole
    os.remove(os.path.join(mnt, "main.py"))
    filler = fill(mnt)
    d.boot("--json", expect=1)
    d.status(expect=1)
    check(open(os.path.join(mnt, "checksum.json"), "rb").read() == manifest, "the manifest changed")
    check(not any(n.endswith(".qpybak-tmp") for _, _, fs in os.walk(mnt) for n in fs),
          "a temporary file was left behind")
    # full while the manifest must be repaired from the shadow
    d.put(os.path.join(mnt, "checksum.json"), b"[{")
    rc, out, err, doc, _, _ = d.boot("--json", expect=(0, 1))
    data = open(os.path.join(mnt, "checksum.json"), "rb").read()
    check(data in (b"[{", manifest), "a torn manifest: %r" % data[:40])
    os.remove(filler)
    d.boot(expect=1)  # big.bin still does not fit
    check(open(os.path.join(mnt, "checksum.json"), "rb").read() == manifest, "not repaired")
    check(open(os.path.join(mnt, "main.py"), "rb").read() == d.APP["main.py"], "not restored")


# ------------------------------------------------------ the command itself


def need_root(why):
    if os.geteuid() != 0:
        raise Skip("needs root (%s); run the test as root to include it" % why)


def temps(root):
    """Every leftover temporary name under root."""
    return sorted(os.path.relpath(os.path.join(p, n), root) for p, ds, fs in os.walk(root)
                  for n in ds + fs if n.endswith(".qpybak-tmp"))


def many_files(n):
    return {"f/%04d.py" % i: b"# factory copy %d\n" % i + b"x = %d\n" % i * (i % 7) for i in range(n)}


def check_factory(d, app, what):
    for rel, data in app.items():
        p = d.u(rel)
        check(os.path.isfile(p) and not os.path.islink(p) and open(p, "rb").read() == data,
              "%s: %s does not hold its factory content" % (what, rel))
    check(not temps(d.usr), "%s: temporary files left: %s" % (what, temps(d.usr)[:5]))


def one_error(err, *words):
    text = err.decode("utf-8", "replace")
    lines = text.strip().splitlines()
    check(len(lines) == 1 and all(w in lines[0] for w in words),
          "expected one stderr line with %r, got %r" % (words, text))
    return lines[0]


def case_crc_fifo(d):
    """crc on a FIFO (no writer): refused at once, never blocks."""
    fifo = os.path.join(d.work, "fifo")
    os.mkfifo(fifo)
    rc, out, err, _, _, _ = d.run("crc", fifo, timeout=10, expect=1)
    one_error(err, fifo, "not a regular file")
    check(out == b"", "a line for a FIFO: %r" % out)
    # the files around it still get their lines
    f = os.path.join(d.work, "f")
    d.put(f, b"hello\n")
    rc, out, err, _, _, _ = d.run("crc", f, fifo, f, timeout=10, expect=1)
    check(out.count(hexcrc(b"hello\n").encode()) == 2, "lines of the regular files: %r" % out)


def case_crc_dev_zero(d):
    """crc on /dev/zero ends at once (a device is not read), and on a
    folder says what it is."""
    rc, out, err, _, _, _ = d.run("crc", "/dev/zero", timeout=10, expect=1)
    one_error(err, "/dev/zero", "not a regular file")
    rc, out, err, _, _, _ = d.run("crc", d.work, timeout=10, expect=1)
    one_error(err, "not a regular file")
    link = os.path.join(d.work, "zero")
    os.symlink("/dev/zero", link)
    rc, out, err, _, _, _ = d.run("crc", link, timeout=10, expect=1)
    one_error(err, "not a regular file")


def reader_gone(d, args, nbytes=1, timeout=120):
    """Runs the command with stdout into a pipe whose reader takes nbytes
    and goes away (qpybak ... | head -c1); returns (status, stderr)."""
    cmd = d.wrapper + [d.binary] + list(args)
    err_path = os.path.join(d.work, "stderr")
    with open(err_path, "wb") as fe:
        p = subprocess.Popen(cmd, stdout=subprocess.PIPE, stderr=fe, stdin=subprocess.DEVNULL,
                             start_new_session=True)
        p.stdout.read(nbytes)
        p.stdout.close()
        try:
            rc = p.wait(timeout)
        except subprocess.TimeoutExpired:
            os.killpg(p.pid, 9)
            raise Fail("qpybak %s: no end after its reader went away" % " ".join(args))
    d.runs += 1
    err = open(err_path, "rb").read()
    check(rc >= 0, "qpybak %s: killed by signal %d after its reader went away" % (" ".join(args), -rc))
    return rc, err


def case_sigpipe_boot(d):
    """qpybak boot -v | head -c1 over 3,000 damaged files: boot is not killed
    by SIGPIPE; it restores every file, prints nothing more, and exits 2 with
    one line naming stdout."""
    app = many_files(3000)
    d.factory(app=app)
    for i, rel in enumerate(app):
        if i % 2:
            os.remove(d.u(rel))
        else:
            d.put(d.u(rel), b"damaged\n")
    bak0 = listing(d.bak)
    rc, err = reader_gone(d, ["boot", "-v", "--usr", d.usr, "--bak", d.bak])
    check(rc == 2, "boot with its reader gone: exit %d, expected 2 (stderr %r)" % (rc, err))
    one_error(err, "stdout", "broken pipe")
    check(listing(d.bak) == bak0, "the backup partition changed")
    check_factory(d, app, "boot whose reader went away")
    d.status(expect=0)
    # the same for --json, for status (which stops early) and for crc
    for rel in list(app)[:50]:
        os.remove(d.u(rel))
    rc, err = reader_gone(d, ["boot", "--json", "--usr", d.usr, "--bak", d.bak])
    check(rc == 2, "boot --json with its reader gone: exit %d" % rc)
    one_error(err, "stdout")
    check_factory(d, app, "boot --json whose reader went away")
    rc, err = reader_gone(d, ["status", "-v", "--usr", d.usr, "--bak", d.bak])
    check(rc == 2, "status with its reader gone: exit %d" % rc)
    one_error(err, "stdout", "broken pipe")
    rc, err = reader_gone(d, ["crc"] + [d.u(rel) for rel in app])
    check(rc == 2, "crc with its reader gone: exit %d" % rc)
    one_error(err, "stdout", "broken pipe")
    check(listing(d.bak) == bak0, "the backup partition changed")


def unprivileged(d):
    """From here on the command runs as nobody: the work tree is opened up
    for it (mkdtemp makes it 0700) and the user partition given to it."""
    need_root("setpriv to an unprivileged user")
    if shutil.which("setpriv") is None:
        raise Skip("setpriv (util-linux) not installed")
    os.chmod(d.work, 0o755)
    os.chmod(d.dev, 0o755)
    for p, ds, fs in os.walk(d.usr):
        for n in ds + fs:
            os.lchown(os.path.join(p, n), 65534, 65534)
    os.chown(d.usr, 65534, 65534)
    d.wrapper = ["setpriv", "--reuid=65534", "--regid=65534", "--clear-groups"] + d.wrapper


def case_bak_unreadable(d):
    """A backup partition the run cannot open is named as such - not the
    user partition - with the reason; and the other way round."""
    d.factory()
    unprivileged(d)
    d.boot(expect=0)
    os.chmod(d.bak, 0o700)
    for cmd in ("boot", "status"):
        rc, out, err, _, _, _ = d.run(cmd, "--usr", d.usr, "--bak", d.bak, expect=2)
        line = one_error(err, d.bak + ": permission denied")
        check(d.usr not in line, "%s blames the user partition: %s" % (cmd, line))
    rc, out, err, _, _, _ = d.run("fota", "apply", "--usr", d.usr, "--bak", d.bak, d.usr, expect=2)
    os.chmod(d.bak, 0o755)
    os.chmod(d.usr, 0o700)
    os.chown(d.usr, 0, 0)
    rc, out, err, _, _, _ = d.boot(expect=2)
    one_error(err, d.usr + ": permission denied")


def case_bind_bak_as_usr(d):
    """mount --bind BAK X; qpybak boot --usr X --bak BAK: the same directory
    under another path, refused (and nothing written to BAK); so are BAK's
    parent and a folder of BAK reached through a bind mount."""
    need_root("mount --bind")
    d.factory()
    os.remove(d.u("main.py"))
    mnt = os.path.join(d.dev, "mnt")
    os.makedirs(mnt)
    d.mount("--bind", d.bak, mnt)
    for usr in (mnt, os.path.join(mnt, "usr")):
        for args in (("boot",), ("status",), ("fota", "apply")):
            rc, out, err, _, _, _ = d.run(*(args + ("--usr", usr, "--bak", d.bak)), expect=2)
            one_error(err, "--usr " + usr, "--bak")
        rc, out, err, _, _, _ = d.run("calc", "--usr", usr, "--bak", d.bak, "/usr/main.py", expect=2)
        one_error(err, "--usr " + usr)
    # BAK given through the bind mount of its parent, USR the real one inside it
    up = os.path.join(d.work, "up")
    os.makedirs(up)
    d.mount("--bind", d.dev, up)
    rc, out, err, _, _, _ = d.run("boot", "--usr", os.path.join(up, "bak"), "--bak", d.bak, expect=2)
    one_error(err, "--bak")
    rc, out, err, _, _, _ = d.run("boot", "--usr", d.usr, "--bak", os.path.join(up, "usr"), expect=2)
    one_error(err, "--bak")
    # apart: still works
    d.boot(expect=0)


def staging_refused(d, stage, *words):
    before = listing(d.usr)
    rc, out, err, _, _, _ = d.run("fota", "apply", "--usr", d.usr, "--bak", d.bak, stage, expect=2)
    line = one_error(err, *words)
    check(listing(d.usr) == before, "a refused staging folder changed the user partition")
    return line


def case_staging_folder_refused(d):
    """An unusable staging folder names itself and says why; nothing is
    written or deleted."""
    d.factory()
    # qpybak's own folder
    os.makedirs(d.u(".qpybak/x"), exist_ok=True)
    d.put(d.u(".qpybak/x/main.py"), b"print('v2')\n")
    staging_refused(d, d.u(".qpybak"), "/.qpybak", "not a staging folder", "reserved")
    staging_refused(d, d.u(".qpybak/x"), "not a staging folder", "reserved")
    shutil.rmtree(d.u(".qpybak/x"))
    # a newline in its name: named escaped, never raw
    nl = d.u("up\ndate")
    d.put(os.path.join(nl, "main.py"), b"print('v2')\n")
    line = staging_refused(d, nl, "up\\x0adate", "not a staging folder", "invalid name")
    shutil.rmtree(nl)
    # a device path over 255 bytes
    deep = d.u(os.path.join("s" * 200, "t" * 60))
    d.put(os.path.join(deep, "main.py"), b"print('v2')\n")
    staging_refused(d, deep, "not a staging folder", "name too long")
    shutil.rmtree(d.u("s" * 200))
    check(open(d.u("main.py"), "rb").read() == d.APP["main.py"], "main.py changed")


def case_staging_folder_holds_tracked(d):
    """qpybak fota apply USR/lib, a folder of tracked files: refused, and
    not one of its files deleted (the journal's "from" would name them)."""
    d.factory()
    d.put(d.u("lib/extra.txt"), b"untracked\n")
    staging_refused(d, d.u("lib"), d.u("lib"), "not a staging folder: holds tracked files")
    check(open(d.u("lib/net.py"), "rb").read() == d.APP["lib/net.py"], "lib/net.py changed")
    d.both(expect=0)


def spawn(d, *args):
    cmd = d.wrapper + [d.binary] + list(args)
    out = tempfile.TemporaryFile(dir=d.work)
    err = tempfile.TemporaryFile(dir=d.work)
    p = subprocess.Popen(cmd, stdout=out, stderr=err, stdin=subprocess.DEVNULL, start_new_session=True)
    return p, out, err


def reap(d, run, expect, timeout=300):
    p, out, err = run
    try:
        rc = p.wait(timeout)
    except subprocess.TimeoutExpired:
        os.killpg(p.pid, 9)
        raise Fail("a concurrent run did not end in %d s (deadlock?)" % timeout)
    d.runs += 1
    out.seek(0)
    err.seek(0)
    o, e = out.read(), err.read()
    check(rc in expect, "a concurrent run: exit %d, expected %s\n--- stdout ---\n%s\n--- stderr ---\n%s"
          % (rc, expect, o[:2000].decode(errors="replace"), e[:2000].decode(errors="replace")))
    lines = e.decode(errors="replace").strip().splitlines()
    check(all("waiting for another qpybak run" in l for l in lines),
          "a concurrent run's stderr: %r" % lines)
    return o


def case_concurrent_boots(d):
    """Two (then four) boots at once on the same tree with 2,000 damaged
    files: both end cleanly, one waits for the other, and every file ends
    with its factory content, no temporary file left."""
    app = many_files(2000)
    d.factory(app=app)
    bak0 = listing(d.bak)
    for n in (2, 4):
        for i, rel in enumerate(app):
            d.put(d.u(rel), b"damaged %d\n" % i)
        runs = [spawn(d, "boot", "--usr", d.usr, "--bak", d.bak) for _ in range(n)]
        outs = [reap(d, r, (0,)) for r in runs]
        check(listing(d.bak) == bak0, "the backup partition changed")
        check_factory(d, app, "%d boots at once" % n)
        restored = sum(int(o.split(b"entries: ")[1].split(b" ok, ")[1].split(b" ")[0]) for o in outs)
        check(restored == len(app), "%d boots at once restored %d files in all, not %d"
              % (n, restored, len(app)))
    # boot, status and calc at once: each sees a whole tree
    for i, rel in enumerate(app):
        if i % 3 == 0:
            os.remove(d.u(rel))
    runs = [spawn(d, "boot", "--usr", d.usr, "--bak", d.bak),
            spawn(d, "status", "--usr", d.usr, "--bak", d.bak),
            spawn(d, "calc", "--usr", d.usr, "/usr/f/0001.py"),
            spawn(d, "boot", "--usr", d.usr, "--bak", d.bak)]
    for r in runs:
        reap(d, r, (0, 1))
    check_factory(d, app, "boot, status and calc at once")
    d.status(expect=0)


def link_to_bak(d, usr_rel, bak_rel):
    p = d.u(usr_rel)
    os.makedirs(os.path.dirname(p), exist_ok=True)
    if os.path.lexists(p):
        os.remove(p)
    os.link(d.b(bak_rel), p)


def case_hardlink_calc_temp(d):
    """A leftover USR/checksum.json.qpybak-tmp that is a hard link to
    BAK/checksum.json: calc must not write through it (the harness checks
    BAK) and must succeed."""
    d.factory()
    d.put(d.u("apn_cfg.json"), b'{"apn": "edited"}\n')
    for rel in ("checksum.json.qpybak-tmp", ".qpybak/checksum.json.qpybak-tmp", ".qpybak-tmp",
                ".qpybak/.qpybak-tmp"):
        link_to_bak(d, rel, "checksum.json")
    rc, out, err, _, _, _ = d.run("calc", "--usr", d.usr, "--bak", d.bak, "/usr/apn_cfg.json", expect=0)
    check(hexcrc(b'{"apn": "edited"}\n') in open(d.u("checksum.json")).read(), "the edit not recorded")
    d.both(expect=0)


def case_hardlink_boot_shadow_repair(d):
    """Boot repairing the shadow with its temporary names hard links to
    BAK files: BAK unchanged, the shadow repaired."""
    d.factory()
    d.put(d.u(".qpybak/checksum.json"), "[{")
    # (each link to a file whose bytes differ from what boot writes there:
    # BAK/checksum.json is byte for byte the user manifest)
    link_to_bak(d, ".qpybak/.qpybak-tmp", "usr/main.py")
    link_to_bak(d, ".qpybak/checksum.json.qpybak-tmp", "backup_restore.json")
    link_to_bak(d, ".qpybak/boot.json.qpybak-tmp", "usr/lib/net.py")
    rc, out, err, doc, _, _ = d.boot("--json", expect=0)
    check(open(d.u(".qpybak/checksum.json"), "rb").read() == open(d.u("checksum.json"), "rb").read(),
          "the shadow not repaired")
    # a restore, its temporary name (DIR/.qpybak-tmp) a link to the backup copy
    os.remove(d.u("lib/net.py"))
    link_to_bak(d, "lib/.qpybak-tmp", "usr/lib/net.py")
    link_to_bak(d, ".qpybak-tmp", "usr/main.py")
    d.put(d.u("main.py"), b"damaged\n")
    d.boot(expect=0)
    check_factory(d, d.APP, "restores through linked temporary names")


def write_journal(d, rels, stage=".updater"):
    ents = []
    for r in rels:
        data = open(d.u(os.path.join(stage, r)), "rb").read()
        ents.append({"name": "/usr/" + r, "crc32": hexcrc(data), "size": len(data),
                     "from": "/usr/%s/%s" % (stage, r)})
    d.put(d.u(".qpybak/fota.json"), d.manifest(ents))


def case_hardlink_boot_pending_journal(d):
    """Boot finishing an interrupted update while every temporary name it
    uses is a hard link to a BAK file: BAK unchanged, the update in."""
    d.factory()
    d.put(d.u(".updater/main.py"), b"print('v2')\n")
    d.put(d.u(".updater/lib/net.py"), b"import socket  # v2\n")
    write_journal(d, ["main.py", "lib/net.py"])
    for rel, target in ((".qpybak-tmp", "usr/main.py"), ("lib/.qpybak-tmp", "usr/lib/net.py"),
                        ("checksum.json.qpybak-tmp", "checksum.json"),
                        (".qpybak/checksum.json.qpybak-tmp", "checksum.json"),
                        (".qpybak/.qpybak-tmp", "checksum.json"),
                        (".qpybak/fota.json.qpybak-tmp", "backup_restore.json"),
                        (".qpybak/boot.json.qpybak-tmp", "usr/apn_cfg.json")):
        link_to_bak(d, rel, target)
    rc, out, err, _, _, _ = d.status(expect=(0, 1))
    check(b"pending" in out and b"finished" not in out,
          "status with a pending journal must say it is pending: %r" % out)
    d.boot(expect=0)
    check(open(d.u("main.py"), "rb").read() == b"print('v2')\n", "the update not finished")
    check(open(d.u("lib/net.py"), "rb").read() == b"import socket  # v2\n", "the update not finished")
    check(not os.path.exists(d.u(".qpybak/fota.json")), "the journal stayed")
    check(not temps(d.usr), "temporary files left: %s" % temps(d.usr))
    d.both(expect=0)


def case_hardlink_fota_apply(d):
    """fota apply with USR/.qpybak-tmp and USR/.qpybak/fota.json.qpybak-tmp
    (and the other temporary names) hard links to BAK files."""
    d.factory()
    d.put(d.u(".updater/main.py"), b"print('v2')\n")
    d.put(d.u(".updater/lib/net.py"), b"import socket  # v2\n")
    for rel, target in ((".qpybak-tmp", "usr/main.py"),
                        (".qpybak/fota.json.qpybak-tmp", "checksum.json"),
                        ("lib/.qpybak-tmp", "usr/lib/net.py"),
                        ("checksum.json.qpybak-tmp", "checksum.json"),
                        (".qpybak/checksum.json.qpybak-tmp", "backup_restore.json"),
                        (".qpybak/.qpybak-tmp", "usr/apn_cfg.json")):
        link_to_bak(d, rel, target)
    d.run("fota", "apply", "--usr", d.usr, "--bak", d.bak, expect=0)
    check(open(d.u("main.py"), "rb").read() == b"print('v2')\n", "main.py not updated")
    check(not temps(d.usr), "temporary files left: %s" % temps(d.usr))
    d.both(expect=0)


def case_fota_enospc_pending(d):
    """An update that does not fit (staging plus the installed copy need
    twice the room): apply says it stays pending; every later boot still
    checks and restores the files, and finishes the update once there is
    room."""
    need_root("a small tmpfs")
    big = os.urandom(96 << 10)
    d.factory()
    mnt = tmpfs(d, "256k")
    shutil.copytree(d.usr, mnt, dirs_exist_ok=True)
    d.usr_arg = mnt
    d.put(os.path.join(mnt, ".updater/big.bin"), big)
    d.put(os.path.join(mnt, ".updater/main.py"), b"print('v2')\n")
    filler = os.path.join(mnt, "filler")
    d.put(filler, b"\0" * (100 << 10))
    rc, out, err, _, _, _ = d.run("fota", "apply", "--usr", mnt, "--bak", d.bak, expect=1)
    check(b"pending" in out, "apply must say the update stays pending: %r" % out)
    os.remove(os.path.join(mnt, "apn_cfg.json"))
    for i in range(2):
        rc, out, err, doc, _, _ = d.boot("--json", expect=1)
        check(sum(counts(doc).values()) == len(d.APP), "boot %d checked %s" % (i + 1, counts(doc)))
        check(os.path.exists(os.path.join(mnt, "apn_cfg.json")), "a deleted file not restored")
    rc, out, err, _, _, _ = d.status(expect=(0, 1))
    check(b"pending" in out, "status must report the pending update: %r" % out)
    os.remove(filler)
    d.boot(expect=0)
    check(open(os.path.join(mnt, "big.bin"), "rb").read() == big, "the update not finished")
    check(not os.path.exists(os.path.join(mnt, ".qpybak/fota.json")), "the journal stayed")


# ------------------------------------- states that must not stop every boot


def case_manifest_not_a_file_falls_back(d):
    """The primary manifest deleted and the shadow a folder, FIFO or link
    (or /usr/.qpybak a link): not "no usable manifest" for ever - the
    factory manifest is used, the files are checked, a deleted one comes
    back."""
    def shadow_dir(p):
        os.makedirs(p)

    def shadow_fifo(p):
        os.mkfifo(p)

    def shadow_link(p):
        os.symlink(os.path.join(d.canary, "checksum.json"), p)

    for make in (shadow_dir, shadow_fifo, shadow_link, None):
        d.factory()
        os.remove(d.u("checksum.json"))
        os.remove(d.u("main.py"))
        if make is None:
            shutil.rmtree(d.u(".qpybak"))
            os.symlink(d.canary, d.u(".qpybak"))
        else:
            os.remove(d.u(".qpybak/checksum.json"))
            make(d.u(".qpybak/checksum.json"))
        what = make.__name__ if make else "qpybak folder a link"
        for i in range(2):
            doc = d.boot("--json", expect=0, timeout=20)[3]
            check(doc["manifest"]["source"] != "none", "%s, boot %d: %s" % (what, i + 1, doc["manifest"]))
            check(sum(counts(doc).values()) == len(d.APP), "%s: %s" % (what, counts(doc)))
        check(open(d.u("main.py"), "rb").read() == d.APP["main.py"], "%s: main.py not restored" % what)
        d.status(expect=0)
        q = d.u(".qpybak")
        if os.path.islink(q):
            os.remove(q)
        else:
            shutil.rmtree(q)


def case_qpybak_dir_is_a_file(d):
    """/usr/.qpybak a regular file: boot does not stop on "not a directory";
    it checks the files and makes its folder."""
    d.factory()
    shutil.rmtree(d.u(".qpybak"))
    d.put(d.u(".qpybak"), b"in the way\n")
    os.remove(d.u("main.py"))
    rc, out, err, doc, _, _ = d.boot("--json", expect=0)
    check(states(doc)["/usr/main.py"] == "restored", "main.py: %s" % states(doc))
    check(os.path.isfile(d.u(".qpybak/checksum.json")), "the shadow not written")
    d.both(expect=0)


def case_journal_from_outside_staging(d):
    """A journal whose "from" is not in one staging folder - here a calc'd
    tracked file - is not followed: nothing is deleted, the edit stays."""
    d.factory()
    edit = b"import socket  # edited\n"
    d.put(d.u("lib/net.py"), edit)
    d.run("calc", "--usr", d.usr, "/usr/lib/net.py", expect=0)
    d.put(d.u(".qpybak/fota.json"),
          '[{"name":"/usr/net.py","crc32":"0x12345678","from":"/usr/lib/net.py"}]')
    d.boot(expect=(0, 1))
    check(os.path.exists(d.u("lib/net.py")) and open(d.u("lib/net.py"), "rb").read() == edit,
          "a journal's from outside a staging folder deleted or replaced a calc'd file")
    check(not os.path.exists(d.u("net.py")), "installed from a tracked file")
    doc = d.boot("--json", expect=0)[3]
    check(states(doc)["/usr/lib/net.py"] == "ok", "lib/net.py: %s" % states(doc))


def case_unreadable_edit_kept(d):
    """A calc'd file boot cannot read (permission denied) is reported, never
    replaced by the factory copy: an access error is no evidence of damage."""
    d.factory()
    edit = b'{"apn": "edited"}\n'
    d.put(d.u("apn_cfg.json"), edit)
    d.run("calc", "--usr", d.usr, "/usr/apn_cfg.json", expect=0)
    unprivileged(d)
    os.chown(d.u("apn_cfg.json"), 0, 0)
    os.chmod(d.u("apn_cfg.json"), 0o600)
    rc, out, err, doc, _, _ = d.boot("--json", expect=1)
    check(open(d.u("apn_cfg.json"), "rb").read() == edit, "the unreadable edit was overwritten")
    check(states(doc)["/usr/apn_cfg.json"] != "restored", "reported restored: %s" % states(doc))
    rc, out, err, _, _, _ = d.boot(expect=1)
    check(b"apn_cfg.json" in out, "the unreadable file not reported: %r" % out)


# ------------------------------------------------------------------- time


def timed(d, what, seconds, *args, **kw):
    rc, out, err, doc, _, took = d.run(*args, **kw)
    sys.stdout.write("%s: %.1f s\n" % (what, took))
    if not d.wrapper:
        check(took < seconds, "%s took %.1f s (bound %d s): not linear?" % (what, took, seconds))
    return doc


def case_linear_lookups(d):
    """20,000 entries with the backup manifest in the reverse order: all
    missing, then one damaged; 10,000 files staged in one folder.  Each in
    seconds, not minutes (quadratic look-ups took 151 s, 123 s, 100 s)."""
    n = 20000
    app = {"f/%05d.py" % i: b"%d\n" % i for i in range(n)}
    # The restores' fsyncs would dominate on a disk (20 s here): a tmpfs
    # leaves the look-ups to be measured, where the mount is allowed.
    if os.geteuid() == 0:
        try:
            d.mount("-t", "tmpfs", "-o", "size=512m", "tmpfs", d.usr)
        except Skip:
            pass
    entries = d.factory(app=app, user_files=False)
    d.put(d.b("checksum.json"), d.manifest(list(reversed(entries))))
    doc = timed(d, "20,000 missing, reverse order", 60, "boot", "--usr", d.usr, "--bak", d.bak,
                "--json", expect=0, timeout=600)
    check(counts(doc)["restored"] == n, "restored %s" % counts(doc))
    d.put(d.u("f/%05d.py" % (n // 2)), b"damaged\n")
    doc = timed(d, "1 damaged of 20,000, reverse order", 30, "boot", "--usr", d.usr, "--bak", d.bak,
                "--json", expect=0, timeout=600)
    check(counts(doc)["restored"] == 1, "restored %s" % counts(doc))
    for i in range(10000):
        d.put(d.u(".updater/s/%05d.txt" % i), b"staged %d\n" % i)
    timed(d, "10,000 staged in one folder", 60, "fota", "apply", "--usr", d.usr, "--bak", d.bak,
          expect=0, timeout=600)
    check(open(d.u("s/09999.txt"), "rb").read() == b"staged 9999\n", "not installed")


def case_sparse_200gib(d):
    """A tracked file replaced by a 200 GiB sparse file: its size differs,
    so it is damaged before a byte is read."""
    d.factory()
    with open(d.u("lib/net.py"), "wb") as f:
        f.truncate(200 << 30)
    doc = timed(d, "status", 20, "status", "--usr", d.usr, "--bak", d.bak, "--json", expect=1,
                timeout=120)
    check(states(doc)["/usr/lib/net.py"] == "modified", "status: %s" % states(doc))
    doc = timed(d, "boot", 20, "boot", "--usr", d.usr, "--bak", d.bak, "--json", expect=0, timeout=120)
    check(open(d.u("lib/net.py"), "rb").read() == d.APP["lib/net.py"], "not restored")


# ------------------------------------------------ errors that name the path


def case_fota_staged_4gib(d):
    """A staged file of 4 GiB is that file's refusal (named, "too large"),
    not the whole apply's; the other staged files are installed."""
    d.factory()
    d.put(d.u(".updater/main.py"), b"print('v2')\n")
    os.makedirs(d.u(".updater/data"))
    with open(d.u(".updater/data/big.bin"), "wb") as f:
        f.truncate(4 << 30)
    rc, out, err, _, _, _ = d.run("fota", "apply", "--usr", d.usr, "--bak", d.bak, expect=1,
                                  timeout=120)
    line = [l for l in out.decode().splitlines() if "big.bin" in l]
    check(line and "too large" in line[0], "the 4 GiB file's line: %r" % out)
    check(open(d.u("main.py"), "rb").read() == b"print('v2')\n", "main.py not installed")
    check(not os.path.exists(d.u("data/big.bin")), "a 4 GiB file installed")


def case_temp_name_in_the_way(d):
    """A FIFO, an empty folder or a link at an install's temporary name is
    cleared; a non-empty folder there is reported under its own name, not
    as the tracked file's fault."""
    d.factory()
    os.remove(d.u("main.py"))
    os.mkfifo(d.u(".qpybak-tmp"))
    os.remove(d.u("lib/net.py"))
    os.makedirs(d.u("lib/.qpybak-tmp"))
    os.remove(d.u("apn_cfg.json"))
    d.boot(expect=0, timeout=20)
    check_factory(d, d.APP, "temporary names in the way")
    os.remove(d.u("lib/net.py"))
    d.put(d.u("lib/.qpybak-tmp/keep"), b"not qpybak's\n")
    rc, out, err, _, _, _ = d.boot(expect=1, timeout=20)
    line = [l for l in out.decode().splitlines() if "net.py" in l]
    check(line and "lib/.qpybak-tmp" in line[0],
          "the folder in the way not named: %r" % out)
    check(open(d.u("lib/.qpybak-tmp/keep"), "rb").read() == b"not qpybak's\n", "a folder's file deleted")


def case_symlinked_bak_usr(d):
    """BAK/usr a symbolic link: never followed, and the error names the
    backup side, not the tracked file."""
    d.factory()
    os.remove(d.u("main.py"))
    real = os.path.join(d.work, "realbak")
    shutil.move(d.b("usr"), real)
    os.symlink(real, d.b("usr"))
    rc, out, err, _, _, _ = d.boot(expect=1)
    line = [l for l in out.decode().splitlines() if "main.py" in l]
    check(line and d.bak in line[0], "the linked backup folder not named: %r" % out)
    check(not os.path.exists(d.u("main.py")), "restored through a link")


def case_keep_last_good_unmakeable(d):
    """A --keep-last-good copy that cannot be made (a file where the folder
    belongs) is reported with its path, not as a bare "input/output
    error"."""
    d.factory()
    d.put(d.u(".qpybak/good"), b"in the way\n")
    d.put(d.u(".updater/main.py"), b"print('v2')\n")
    rc, out, err, _, _, _ = d.run("fota", "apply", "--usr", d.usr, "--bak", d.bak,
                                  "--keep-last-good", expect=(1, 2))
    text = (out + err).decode()
    check(".qpybak/good" in text, "the last-good path not named: %r" % text)
    check(open(d.u("main.py"), "rb").read() in (b"print('v2')\n", d.APP["main.py"]), "main.py torn")
    d.boot(expect=(0, 1))


# ------------------------------------------------------------ self-test


def case_harness_selftest(d):
    """The harness catches what it claims to: stand-in binaries that write
    beside the roots, change the backup partition, crash, hang, print broken
    JSON or terminal escapes must each fail a run."""
    d.factory()
    real, wrapper = d.binary, d.wrapper
    d.wrapper = []
    fakes = {
        "writes outside": 'echo x >> "%s/victim"' % d.canary,
        "creates outside": 'echo x > "%s/new"' % d.dev,
        "changes bak": 'echo x >> "%s/checksum.json"' % d.bak,
        "adds to bak": 'mkdir "%s/usr/new"' % d.bak,
        "links bak": 'ln -s /etc "%s/usr/lnk"' % d.bak,
        "crashes": "kill -SEGV $$",
        "exits 3": "exit 3",
        "exits 99 (valgrind)": "exit 99",
        "hangs": "sleep 30",
        "bad json": "echo '{\"files\": ['",
        "escape codes": "printf 'restored /usr/\\033[2J\\n'",
        "C1 codes": "printf 'restored /usr/\\302\\233x\\n'",
        "two error lines": "echo a >&2; echo b >&2; exit 2",
    }
    for what, body in fakes.items():
        fake = os.path.join(d.work, "fake.sh")
        with open(fake, "w") as f:
            f.write("#!/bin/sh\n" + body + "\n")
        os.chmod(fake, 0o755)
        d.binary = fake
        json_out = what == "bad json"
        try:
            d.run("boot", "--usr", d.usr, "--bak", d.bak, timeout=3, json_out=json_out)
        except Fail:
            pass
        else:
            raise Fail("the harness missed a stand-in that %s" % what)
        finally:
            d.binary = real
        d.cleanup_canary_changes()
    d.wrapper = wrapper
    d.boot(expect=0)


# ------------------------------------------------------------------- main


def cases():
    return sorted(n[5:] for n, f in globals().items() if n.startswith("case_") and callable(f))


def main():
    if len(sys.argv) != 3:
        sys.exit("usage: hostile.py QPYBAK_BINARY CASE|--list")
    binary, case = os.path.abspath(sys.argv[1]), sys.argv[2]
    if case == "--list":
        print("\n".join(cases()))
        return 0
    fn = globals().get("case_" + case)
    if fn is None:
        sys.exit("no case %r; --list shows them" % case)
    # the harness itself needs the big manifests in memory, not the binary
    resource.setrlimit(resource.RLIMIT_CORE, (0, 0))
    d = Device(binary, case)
    try:
        fn(d)
    except Skip as e:
        print("SKIP: [%s] %s" % (case, e))
        return SKIP
    except Fail as e:
        print("FAIL: [%s] %s" % (case, e))
        return 1
    finally:
        d.cleanup()
    print("ok: [%s] %d runs" % (case, d.runs))
    return 0


if __name__ == "__main__":
    sys.exit(main())
