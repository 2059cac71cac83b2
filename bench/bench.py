#!/usr/bin/env python3
# SPDX-FileCopyrightText: 2026 The qpybak authors
# SPDX-License-Identifier: Apache-2.0
"""qpybak benchmark driver.  bench/run.sh builds the programs and calls this.

    bench.py --qpybak EXE --bench-bin DIR --out DIR [--smoke] [--work DIR]
             [--only crc,verify,scaling,footprint,target] [--keep]

Sections (each writes OUT/<section>.csv; the report is OUT/latest.md):
  device     the device cost model: port calls and bytes of one boot (intact,
             one file damaged; the user manifest in the backup manifest's order
             and shuffled) by work-buffer size, bytes read against what must be
             read (bench_cost)
  crc        CRC-32 throughput, best of N (bench_crc)
  verify     10,000 x 4 KiB and 100 x 1 MiB tracked files, intact and 10 %
             damaged: qpybak status, rhash -c, cksfv -f, the I/O floor
  scaling    1,000 / 10,000 / 100,000 tracked 64-byte files: time and peak
             RSS of qpybak status and qpybak boot
  lookups    20,000 missing files and 1 damaged of 20,000 with the backup
             manifest shuffled (and in order, for reference); 10,000 files
             staged in one folder (and 1,000): boot and fota apply times;
             --qpybak-old EXE times an older build beside
  footprint  .text/.rodata/.data/.bss of the core for Cortex-M4 and RISC-V,
             objects and a --gc-sections image; boot's worst-case stack
  target     issue 10 on the embedded target: the footprint of the full and
             minimal profiles on Cortex-M4 and RISC-V (tests/cross/profiles.sh);
             on QEMU's Cortex-M4 (tests/target/) the intact boot's instructions
             against the plain CRC loop, its flash reads, each procedure's stack
  pack       20,000 x 512 B: qpybak pack against cp -r twice + rhash -r
             --crc32 + one sync, on the work file system and on an ext4
             image on a loop device (where the machine allows it)
  ext4       status and boot on that ext4 image, page-cached and cold
             (echo 3 > /proc/sys/vm/drop_caches before each run, where
             permitted), beside rhash -c and the I/O floor

Timing: commands are run by a loop here (posix_spawn + wait4), interleaved
round-robin - every command once per round - after warm-up rounds, so that
load from other users of the machine hits every contender alike.  Reported:
the median wall time; peak RSS is ru_maxrss from wait4 (what /usr/bin/time
%M reports).
"""
import argparse
import csv
import datetime
import json
import os
import platform
import random
import re
import shlex
import shutil
import statistics
import subprocess
import sys
import tempfile
import time
import zlib

HERE = os.path.dirname(os.path.abspath(__file__))
ROOT = os.path.dirname(HERE)


def log(msg):
    print("bench: " + msg, file=sys.stderr, flush=True)


def run(argv, **kw):
    return subprocess.run(argv, check=True, capture_output=True, text=True, **kw)


def have(tool):
    return shutil.which(tool) is not None


def write_csv(path, header, rows):
    with open(path, "w", newline="") as f:
        w = csv.writer(f)
        w.writerow(header)
        for r in rows:
            w.writerow(r)


# --------------------------------------------------------------- machine

def loadavg():
    try:
        return open("/proc/loadavg").read().split()[:3]
    except OSError:
        return ["?", "?", "?"]


def machine_info(args):
    cpu = "?"
    try:
        for line in open("/proc/cpuinfo"):
            if line.startswith("model name"):
                cpu = line.split(":", 1)[1].strip()
                break
    except OSError:
        pass
    info = {
        "cpu": cpu,
        "cores": str(os.cpu_count()),
        "kernel": platform.release(),
        "date": datetime.datetime.now().strftime("%Y-%m-%d %H:%M"),
        "load_start": " ".join(loadavg()),
    }
    try:
        info["commit"] = run(["git", "-C", ROOT, "describe", "--always", "--dirty"]).stdout.strip()
    except (subprocess.CalledProcessError, OSError):
        info["commit"] = "?"
    try:
        info["cc"] = run(["cc", "--version"]).stdout.splitlines()[0]
    except (subprocess.CalledProcessError, OSError, IndexError):
        info["cc"] = "?"
    for tool, flag in (("rhash", "--version"), ("cksfv", None), ("hyperfine", "--version")):
        if not have(tool):
            info[tool] = "not installed"
            continue
        try:
            p = subprocess.run([tool] + ([flag] if flag else []), capture_output=True, text=True)
            text = (p.stdout + p.stderr).strip().splitlines()
            info[tool] = text[0] if text else "?"
        except OSError:
            info[tool] = "?"
    return info


# ------------------------------------------------------------------ timing

def spawn_once(argv, cwd, env=None):
    """Wall seconds, exit status, rusage of one run (stdout, stderr: /dev/null).
    env: variables added to the environment."""
    fa = [(os.POSIX_SPAWN_OPEN, 1, os.devnull, os.O_WRONLY, 0),
          (os.POSIX_SPAWN_DUP2, 1, 2)]
    environ = dict(os.environ, **env) if env else os.environ
    old = os.getcwd()
    os.chdir(cwd)
    try:
        exe = argv[0] if os.sep in argv[0] else shutil.which(argv[0])
        t0 = time.perf_counter_ns()
        pid = os.posix_spawn(exe, argv, environ, file_actions=fa)
        _, status, ru = os.wait4(pid, 0)
        t1 = time.perf_counter_ns()
    finally:
        os.chdir(old)
    return (t1 - t0) / 1e9, os.waitstatus_to_exitcode(status), ru


def measure(cmds, cwd, warmup, runs, prep=None):
    """cmds: [(name, argv, expected_exit[, cwd[, env]])].  Interleaved rounds;
    prep() runs before every command, outside the time (dropping the page
    cache, say).  Returns {name: {median, mean, stdev, min, user, sys,
    rss_kib, runs}}."""
    samples = {c[0]: [] for c in cmds}
    for r in range(warmup + runs):
        for c in cmds:
            name, argv, expect = c[:3]
            if prep:
                prep()
            wall, code, ru = spawn_once(argv, c[3] if len(c) > 3 and c[3] else cwd,
                                        c[4] if len(c) > 4 else None)
            if code != expect:
                raise SystemExit("bench: %s exited %d (expected %d): %s"
                                 % (name, code, expect, shlex.join(argv)))
            if r >= warmup:
                samples[name].append((wall, ru.ru_utime, ru.ru_stime, ru.ru_maxrss))
    out = {}
    for name, s in samples.items():
        walls = [x[0] for x in s]
        out[name] = {
            "median": statistics.median(walls),
            "mean": statistics.mean(walls),
            "stdev": statistics.stdev(walls) if len(walls) > 1 else 0.0,
            "min": min(walls),
            "user": statistics.median(x[1] for x in s),
            "sys": statistics.median(x[2] for x in s),
            "rss_kib": max(x[3] for x in s),  # inflated by the spawning parent: see peak_rss
            "runs": len(walls),
        }
    return out


def peak_rss(args, argv, cwd, n):
    """Largest ru_maxrss (KiB) of n runs, through bench_rss."""
    best = 0
    for _ in range(n):
        p = subprocess.run([os.path.join(args.bench_bin, "bench_rss")] + argv, cwd=cwd,
                           stdout=subprocess.DEVNULL, stderr=subprocess.PIPE, text=True)
        best = max(best, int(p.stderr.strip().split()[-1]))
    return best


# --------------------------------------------------------------------- crc

def section_crc(args, res):
    log("CRC throughput")
    argv = [os.path.join(args.bench_bin, "bench_crc")]
    if args.smoke:
        argv.append("--smoke")
    p = subprocess.run(argv, capture_output=True, text=True)
    sys.stderr.write(p.stderr)
    if p.returncode != 0:
        raise SystemExit("bench: bench_crc failed (CRC mismatch?)")
    with open(os.path.join(args.out, "crc.csv"), "w") as f:
        f.write(p.stdout)
    rows = list(csv.DictReader(p.stdout.splitlines()))
    res["crc"] = rows


# ---------------------------------------------------------------- datasets

def make_dataset(args, name, count, size, base=None):
    """APP tree -> qpybak pack -> BAK and USR; LIST of relative paths.
    The APP tree is removed once packed.  base: where (default args.work)."""
    d = os.path.join(base or args.work, name)
    shutil.rmtree(d, ignore_errors=True)
    os.makedirs(d)
    app, bak, usr = (os.path.join(d, x) for x in ("app", "bak", "usr"))
    lst = os.path.join(d, "list.txt")
    t0 = time.time()
    run([sys.executable, os.path.join(HERE, "mktree.py"), app, str(count), str(size), lst])
    t1 = time.time()
    run([args.qpybak, "pack", app, "--bak", bak, "--usr", usr])
    t2 = time.time()
    shutil.rmtree(app)
    log("  %s: %d x %d B made in %.1f s, packed in %.1f s" % (name, count, size, t1 - t0, t2 - t1))
    return {"dir": d, "bak": bak, "usr": usr, "list": lst, "count": count, "size": size,
            "pack_s": t2 - t1}


def write_sfv(ds):
    """The CRC32 list rhash -c and cksfv -f check: rhash writes it when
    installed (its plain CRC-32, not QuecPython's seeded one: the list a
    user of those tools would make), else the same lines from zlib."""
    sfv = os.path.join(ds["dir"], "list.sfv")
    names = [l for l in open(ds["list"]).read().split("\n") if l]
    if have("rhash"):
        with open(sfv, "w") as f:
            # in batches, to stay below the argument-size limit
            for i in range(0, len(names), 2000):
                subprocess.run(["rhash", "--crc32"] + names[i:i + 2000], cwd=ds["usr"],
                               stdout=f, check=True)
    else:
        with open(sfv, "w") as f:
            for n in names:
                with open(os.path.join(ds["usr"], n), "rb") as g:
                    f.write("%s %08X\n" % (n, zlib.crc32(g.read())))
    return sfv


def damaged_copy(ds, every):
    dmg = ds["usr"] + "_damaged"
    shutil.rmtree(dmg, ignore_errors=True)
    shutil.copytree(ds["usr"], dmg, symlinks=True)
    n = int(run([sys.executable, os.path.join(HERE, "mktree.py"), "--damage", dmg, ds["list"],
                 str(every)]).stdout.strip())
    return dmg, n


def status_counts(args, usr, bak):
    p = subprocess.run([args.qpybak, "status", "--usr", usr, "--bak", bak, "--json"],
                       capture_output=True, text=True)
    m = re.search(r'"counts":\s*\{([^}]*)\}', p.stdout)
    counts = {}
    if m:
        for k, v in re.findall(r'"(\w+)":\s*(\d+)', m.group(1)):
            counts[k] = int(v)
    return p.returncode, counts


# ------------------------------------------------------------------ verify

FLOOR = "I/O floor (open/read/close)"
STATUS = "qpybak status"
STATUS_WALK = "qpybak status, walk forced (QPYBAK_POSIX_WALK=1)"
ANALYSIS_PORT = "(analysis) floor + the walk's syscalls (no openat2)"
ANALYSIS_LEAN = "(analysis) floor + openat2 + fstat (the port's syscalls)"

def section_verify(args, res):
    log("verification")
    if args.smoke:
        sets = [("v200x4k", "200 x 4 KiB", 200, 4096), ("v10x64k", "10 x 64 KiB", 10, 65536)]
        warmup, runs = 1, 3
    else:
        sets = [("v10kx4k", "10,000 x 4 KiB", 10000, 4096),
                ("v100x1m", "100 x 1 MiB", 100, 1 << 20)]
        warmup, runs = 2, 15
    floor = os.path.join(args.bench_bin, "bench_floor")
    rows = []
    for key, label, count, size in sets:
        ds = make_dataset(args, key, count, size)
        sfv = write_sfv(ds)
        dmg, ndmg = damaged_copy(ds, 10)
        # Both variants in one measurement, round-robin: every ratio below
        # compares runs made at the same time.
        cmds = []
        variants = (("intact", ds["usr"], 0), ("10% damaged", dmg, ndmg))
        for variant, usr, expect_bad in variants:
            code, counts = status_counts(args, usr, ds["bak"])
            found = counts.get("modified", -1) + counts.get("missing", 0)
            if counts.get("ok", -1) + found != count or found != expect_bad:
                raise SystemExit("bench: qpybak status on %s %s found %r, expected %d damaged"
                                 % (label, variant, counts, expect_bad))
            bad = 1 if expect_bad else 0
            v = variant + "|"
            cmds.append((v + STATUS,
                         [args.qpybak, "status", "--usr", ".", "--bak", ds["bak"]], bad, usr))
            cmds.append((v + STATUS_WALK,
                         [args.qpybak, "status", "--usr", ".", "--bak", ds["bak"]], bad, usr,
                         {"QPYBAK_POSIX_WALK": "1"}))
            if have("rhash"):
                cmds.append((v + "rhash -c", ["rhash", "-c", sfv], bad, usr))
            if have("cksfv"):
                cmds.append((v + "cksfv -f", ["cksfv", "-q", "-f", sfv], bad, usr))
            cmds.append((v + FLOOR, [floor, ".", ds["list"], "65536"], 0, usr))
            # Analysis rows: the floor making the system calls a port makes.
            cmds.append((v + ANALYSIS_PORT, [floor, "--mode", "walk", ".", ds["list"], "65536"],
                         0, usr))
            if spawn_once([floor, "--mode", "lean", ".", ds["list"], "65536"], usr)[1] == 0:
                cmds.append((v + ANALYSIS_LEAN,
                             [floor, "--mode", "lean", ".", ds["list"], "65536"], 0, usr))
        m = measure(cmds, ds["dir"], warmup, runs)
        for variant, _, _ in variants:
            fl = m[variant + "|" + FLOOR]["median"]
            for c in cmds:
                if not c[0].startswith(variant + "|"):
                    continue
                name = c[0].split("|", 1)[1]
                r = m[c[0]]
                rows.append([label, variant, name, count, size, "%.6f" % r["median"],
                             "%.6f" % r["mean"], "%.6f" % r["stdev"], "%.6f" % r["min"],
                             "%.6f" % r["user"], "%.6f" % r["sys"], r["runs"],
                             "%.3f" % (r["median"] / fl)])
                log("  %-14s %-11s %-28s %8.1f ms (x%.2f floor)"
                    % (label, variant, name, r["median"] * 1e3, r["median"] / fl))
        if not args.keep:
            shutil.rmtree(ds["dir"])
    header = ["set", "variant", "tool", "files", "file_bytes", "median_s", "mean_s", "stdev_s",
              "min_s", "user_s", "sys_s", "runs", "x_floor"]
    write_csv(os.path.join(args.out, "verify.csv"), header, rows)
    res["verify"] = [dict(zip(header, r)) for r in rows]


# ----------------------------------------------------------------- lookups

def shuffle_manifest(path, seed):
    """Rewrites a manifest with its entries in a shuffled order."""
    import json
    import random
    entries = json.load(open(path))
    random.Random(seed).shuffle(entries)
    with open(path, "w") as f:
        f.write("[\n" + ",\n".join(json.dumps(e) for e in entries) + "\n]\n")


def section_lookups(args, res):
    """Issue 8 point 7: manifest look-ups and the staging walk, linear or
    not.  Each command changes its tree, so every run gets its tree made
    anew, outside the time measured:

      missing   every tracked file deleted, boot restores them all (a backup
                look-up per file); backup manifest shuffled, and in the
                user manifest's order for reference
      damaged   one file's entry a calc'd edit, the file damaged: boot puts
                the factory copy back and rewrites the manifest (a backup
                look-up per entry); shuffled, and in order for reference
      staged    files staged in one folder, qpybak fota apply (the walk,
                and a journal look-up per user-manifest entry)

    --qpybak-old EXE times another build (before the index) beside, once
    per case (it takes minutes)."""
    log("look-ups and the staging walk")
    if args.smoke:
        n, m, runs = 600, 300, 2
    else:
        n, m, runs = 20000, 10000, 3
    exes = [("after", args.qpybak, runs)]
    if args.qpybak_old:
        exes.append(("before", os.path.abspath(args.qpybak_old), 1))
    ds = make_dataset(args, "lk%d" % n, n, 16)
    d = ds["dir"]
    bak_sorted = ds["bak"]
    bak_shuf = os.path.join(d, "bak_shuffled")
    shutil.copytree(bak_sorted, bak_shuf)
    shuffle_manifest(os.path.join(bak_shuf, "checksum.json"), n)
    tracked = [l for l in open(ds["list"]).read().split("\n") if l]
    victim = tracked[len(tracked) // 2]
    # a user partition with the manifests and folders only
    empty = os.path.join(d, "usr_empty")
    shutil.copytree(ds["usr"], empty)
    for rel in tracked:
        os.remove(os.path.join(empty, rel))

    def prep_missing(work):
        shutil.rmtree(work, ignore_errors=True)
        shutil.copytree(empty, work)

    def prep_damaged(work, exe):
        if not os.path.isdir(work):
            shutil.copytree(ds["usr"], work)
        with open(os.path.join(work, victim), "wb") as f:
            f.write(b"edited by the application\n")
        run([exe, "calc", "--usr", work, "/usr/" + victim])
        with open(os.path.join(work, victim), "wb") as f:
            f.write(b"damaged\n")

    def prep_staged(work, count):
        if not os.path.isdir(work):
            shutil.copytree(ds["usr"], work)
        stage = os.path.join(work, ".updater", "s")
        os.makedirs(stage, exist_ok=True)
        for i in range(count):
            with open(os.path.join(stage, "%05d.txt" % i), "wb") as f:
                f.write(b"staged %d\n" % i)

    cases = [
        ("missing", "%d missing, backup manifest shuffled" % n, bak_shuf, None),
        ("missing", "%d missing, same order (reference)" % n, bak_sorted, None),
        ("damaged", "1 damaged of %d, shuffled" % n, bak_shuf, None),
        ("damaged", "1 damaged of %d, same order (reference)" % n, bak_sorted, None),
        ("staged", "%d staged in one folder" % m, bak_sorted, m),
        ("staged", "%d staged in one folder (reference)" % (m // 10), bak_sorted, m // 10),
    ]
    times = {}
    for r in range(runs):
        for kind, label, bak, count in cases:
            for build, exe, nruns in exes:
                if r >= nruns or (build == "before" and "reference" in label):
                    continue
                work = os.path.join(d, "w_%s_%s_%d" % (build, kind, count or 0)
                                    + ("_s" if bak == bak_shuf else ""))
                if kind == "missing":
                    prep_missing(work)
                    argv, expect = [exe, "boot", "--usr", work, "--bak", bak], 0
                elif kind == "damaged":
                    prep_damaged(work, exe)
                    argv, expect = [exe, "boot", "--usr", work, "--bak", bak], 0
                else:
                    prep_staged(work, count)
                    argv, expect = [exe, "fota", "apply", "--usr", work, "--bak", bak], 0
                wall, code, _ = spawn_once(argv, d)
                if code != expect:
                    raise SystemExit("bench: %s exited %d: %s" % (label, code, shlex.join(argv)))
                if kind == "missing" and not os.path.exists(os.path.join(work, tracked[-1])):
                    raise SystemExit("bench: %s: not restored" % label)
                if kind == "damaged" and open(os.path.join(work, victim), "rb").read() == b"damaged\n":
                    raise SystemExit("bench: %s: not restored" % label)
                if kind == "staged" and not os.path.exists(os.path.join(work, "s", "%05d.txt" % (count - 1))):
                    raise SystemExit("bench: %s: not installed" % label)
                times.setdefault((label, build), []).append(wall)
                log("  %-44s %-6s %9.3f s" % (label, build, wall))
    rows = []
    for kind, label, bak, count in cases:
        for build, exe, nruns in exes:
            t = times.get((label, build))
            if t:
                rows.append([label, build, "%.6f" % statistics.median(t), "%.6f" % min(t), len(t)])
    if not args.keep:
        shutil.rmtree(d)
    header = ["case", "build", "median_s", "min_s", "runs"]
    write_csv(os.path.join(args.out, "lookups.csv"), header, rows)
    res["lookups"] = [dict(zip(header, r)) for r in rows]


# ----------------------------------------------------------------- scaling

def section_scaling(args, res):
    """All the trees are made first and measured together, round-robin, so
    that the ratios between sizes do not depend on when each was run."""
    log("scaling")
    counts = [100, 400] if args.smoke else [1000, 10000, 100000]
    runs = 3 if args.smoke else 7
    sets = {count: make_dataset(args, "s%d" % count, count, 64) for count in counts}
    cmds = []
    for count, ds in sets.items():
        for cmd in ("status", "boot"):
            cmds.append(("%d %s" % (count, cmd),
                         [args.qpybak, cmd, "--usr", ds["usr"], "--bak", ds["bak"]], 0))
    m = measure(cmds, args.work, 1, runs)
    rows = []
    for count, ds in sets.items():
        # An intact boot writes nothing: no report, no manifest rewrite.
        if os.path.exists(os.path.join(ds["usr"], ".qpybak", "boot.json")):
            raise SystemExit("bench: boot wrote a report on an intact tree")
        for cmd in ("status", "boot"):
            name = "%d %s" % (count, cmd)
            argv = [c for c in cmds if c[0] == name][0][1]
            r = m[name]
            r["rss_kib"] = peak_rss(args, argv, ds["dir"], 3)
            rows.append([count, cmd, "%.6f" % r["median"], "%.6f" % r["min"],
                         "%.6f" % r["user"], "%.6f" % r["sys"], r["rss_kib"], r["runs"],
                         "%.2f" % ds["pack_s"]])
            log("  %6d files  %-6s %8.1f ms  peak RSS %d KiB"
                % (count, cmd, r["median"] * 1e3, r["rss_kib"]))
    if not args.keep:
        for ds in sets.values():
            shutil.rmtree(ds["dir"])
    header = ["files", "command", "median_s", "min_s", "user_s", "sys_s", "peak_rss_kib", "runs",
              "pack_s"]
    write_csv(os.path.join(args.out, "scaling.csv"), header, rows)
    res["scaling"] = [dict(zip(header, r)) for r in rows]


# ------------------------------------------------------------------ device

COST_FIELDS = ["opens", "reads", "read_bytes", "writes", "write_bytes", "syncs", "stats",
               "renames", "removes", "mkdirs", "lists", "entries", "ok", "restored",
               "unrecoverable", "buffer", "us"]


def must_read_bytes(usr, bak, tracked):
    """What an intact boot cannot avoid reading: the tracked bytes, the user
    manifest, its shadow, the backup manifest and the flag (measured in the
    tree before the run)."""
    return tracked + sum(os.path.getsize(p) for p in (
        os.path.join(usr, "checksum.json"), os.path.join(usr, ".qpybak", "checksum.json"),
        os.path.join(bak, "checksum.json"), os.path.join(bak, "backup_restore.json")))


def shuffled_copy(ds):
    """A copy of USR whose manifest and shadow (identical) list the entries
    in a shuffled order, written in the form qpybak's writer emits (one
    entry per line, docs/format.md "What writers emit"); /bak keeps the
    packed order."""
    shuf = ds["usr"] + "_shuffled"
    shutil.rmtree(shuf, ignore_errors=True)
    shutil.copytree(ds["usr"], shuf, symlinks=True)
    with open(os.path.join(shuf, "checksum.json"), encoding="utf-8") as f:
        entries = json.load(f)
    random.Random(ds["count"] * 7919 + 1).shuffle(entries)
    text = "[\n" + ",\n".join(json.dumps(e) for e in entries) + "\n]\n"
    for p in (os.path.join(shuf, "checksum.json"), os.path.join(shuf, ".qpybak", "checksum.json")):
        with open(p, "w", encoding="utf-8") as f:
            f.write(text)
    return shuf


def section_device(args, res):
    """What one boot asks of the storage, counted at the port, per work-
    buffer size: the device cost model.  Each set intact and with one file
    damaged, the user manifest (and its shadow) in the backup manifest's
    order and shuffled."""
    log("device cost model (port calls per boot)")
    cost = os.path.join(args.bench_bin, "bench_cost")
    if args.smoke:
        sets = [("d100x4k", "100 x 4 KiB", 100, 4096, True)]
        buffers = [0, 4096]
    else:
        # (key, label, files, bytes each, with the damaged cases)
        sets = [("d100x4k", "100 x 4 KiB", 100, 4096, True),
                ("d1000x1k", "1,000 x 1 KiB", 1000, 1024, True),
                ("d10000x1k", "10,000 x 1 KiB", 10000, 1024, False)]
        buffers = [0, 3072, 4096, 8192, 16384, 65536]
    rows = []
    for key, label, count, size, damaged in sets:
        ds = make_dataset(args, key, count, size)
        data = count * size
        trees = [("same", ds["usr"]), ("shuffled", shuffled_copy(ds))]
        cases = ["intact"] + (["1 file damaged"] if damaged else [])
        for buf in buffers:
            for case in cases:
                for order, src in trees:
                    usr = src
                    if case != "intact":
                        usr = src + "_scratch"
                        shutil.rmtree(usr, ignore_errors=True)
                        shutil.copytree(src, usr, symlinks=True)
                        run([sys.executable, os.path.join(HERE, "mktree.py"), "--damage", usr,
                             ds["list"], str(count)])
                    must = must_read_bytes(usr, ds["bak"], data)
                    out = run([cost, "boot", usr, ds["bak"], str(buf)]).stdout.strip().split(",")
                    d = dict(zip(COST_FIELDS, (int(float(x)) for x in out)))
                    exp_restored = 0 if case == "intact" else 1
                    if d["entries"] != count or d["restored"] != exp_restored:
                        raise SystemExit("bench: boot on %s (%s, %s order) gave %r"
                                         % (label, case, order, d))
                    if case == "intact" and (d["writes"] or d["renames"] or d["syncs"]):
                        # Reported (the target misses), not fatal: the table still shows it.
                        log("  WARNING: an intact boot wrote to the storage: %r" % d)
                    rows.append([label, count, size, case, order, d["buffer"], d["opens"],
                                 d["reads"], d["read_bytes"], "%.3f" % (d["read_bytes"] / data),
                                 must, "%.3f" % (d["read_bytes"] / must), d["writes"],
                                 d["write_bytes"], d["syncs"], d["renames"], d["stats"],
                                 "%.1f" % (d["us"] / 1e3)])
                    log("  %-14s %-14s %-8s buffer %7d: %5d opens %7d reads %9d B read "
                        "(x%.3f must-read, x%.3f data), %d B written, %.1f ms"
                        % (label, case, order, d["buffer"], d["opens"], d["reads"],
                           d["read_bytes"], d["read_bytes"] / must, d["read_bytes"] / data,
                           d["write_bytes"], d["us"] / 1e3))
        if not args.keep:
            shutil.rmtree(ds["dir"])
    header = ["set", "files", "file_bytes", "case", "order", "buffer", "opens", "reads",
              "read_bytes", "read_x_data", "must_read_bytes", "read_x_must", "writes",
              "write_bytes", "syncs", "renames", "stats", "host_ms"]
    write_csv(os.path.join(args.out, "device.csv"), header, rows)
    res["device"] = [dict(zip(header, r)) for r in rows]


# ------------------------------------------------------------- ext4 image

def ext4_mount(args):
    """An ext4 image on a loop device, mounted for the run: the file system
    a device or a factory host has, not tmpfs.  Returns (mount point, None)
    or (None, why not).  The image lives on a disk-backed directory, so a
    dropped page cache means reads from the disk."""
    if args.no_ext4:
        return None, "not asked (--no-ext4)"
    if os.geteuid() != 0:
        return None, "not root: no loop mount"
    for tool in ("mkfs.ext4", "mount", "umount"):
        if not have(tool):
            return None, tool + " not installed"
    img_dir = args.ext4_dir or "/var/tmp"
    try:
        if run(["stat", "-f", "-c", "%T", img_dir]).stdout.strip() == "tmpfs":
            return None, img_dir + " is tmpfs: an image there would not be on a disk"
        fd, img = tempfile.mkstemp(prefix="qpybak-bench-", suffix=".ext4", dir=img_dir)
        os.close(fd)
        os.truncate(img, (512 << 20) if args.smoke else (3 << 30))
        # No lazy initialisation: no kernel thread writing during the timings.
        run(["mkfs.ext4", "-q", "-F", "-E", "lazy_itable_init=0,lazy_journal_init=0", img])
        mnt = tempfile.mkdtemp(prefix="qpybak-bench-ext4-")
        run(["mount", "-o", "loop", img, mnt])
    except (subprocess.CalledProcessError, OSError) as e:
        msg = getattr(e, "stderr", None) or str(e)
        try:
            os.remove(img)
        except (OSError, UnboundLocalError):
            pass
        return None, "cannot mount a loop image here (%s)" % msg.strip().splitlines()[-1]
    args.ext4_img = img
    return mnt, None


def ext4_umount(args, mnt):
    subprocess.run(["umount", mnt], capture_output=True)
    try:
        os.rmdir(mnt)
        os.remove(args.ext4_img)
    except OSError:
        pass


def can_drop_caches():
    try:
        with open("/proc/sys/vm/drop_caches", "w") as f:
            f.write("3\n")
        return True
    except OSError:
        return False


def drop_caches():
    os.sync()
    with open("/proc/sys/vm/drop_caches", "w") as f:
        f.write("3\n")


def section_ext4(args, res):
    """status and boot on the ext4 image: page-cached, and cold (the page
    cache dropped before every run) where that is permitted; rhash -c and
    the floor beside, in the same rounds."""
    log("ext4 image: status and boot where users run them")
    if not args.ext4:
        log("  skipped: " + args.ext4_why)
        res["ext4"] = {"rows": [], "why": args.ext4_why}
        return
    cold_ok = can_drop_caches()
    if args.smoke:
        sets = [("e200x4k", "200 x 4 KiB", 200, 4096)]
        warm_runs, cold_runs = 3, 2
    else:
        sets = [("e10kx4k", "10,000 x 4 KiB", 10000, 4096), ("e100x1m", "100 x 1 MiB", 100, 1 << 20)]
        warm_runs, cold_runs = 11, 5
    floor = os.path.join(args.bench_bin, "bench_floor")
    rows = []
    for key, label, count, size in sets:
        ds = make_dataset(args, key, count, size, base=args.ext4)
        sfv = write_sfv(ds)
        usr = ds["usr"]
        cmds = [(STATUS, [args.qpybak, "status", "--usr", ".", "--bak", ds["bak"]], 0, usr),
                ("qpybak boot", [args.qpybak, "boot", "--usr", ".", "--bak", ds["bak"]], 0, usr),
                (FLOOR, [floor, ".", ds["list"], "65536"], 0, usr)]
        if have("rhash"):
            cmds.insert(2, ("rhash -c", ["rhash", "-c", sfv], 0, usr))
        kinds = [("page-cached", measure(cmds, ds["dir"], 2, warm_runs))]
        if cold_ok:
            kinds.append(("cold", measure(cmds, ds["dir"], 0, cold_runs, prep=drop_caches)))
        for cache, m in kinds:
            fl = m[FLOOR]["median"]
            for c in cmds:
                r = m[c[0]]
                rows.append([label, cache, c[0], "%.6f" % r["median"], "%.6f" % r["min"],
                             "%.6f" % r["user"], "%.6f" % r["sys"], r["runs"],
                             "%.3f" % (r["median"] / fl)])
                log("  %-14s %-11s %-18s %8.1f ms (x%.2f floor)"
                    % (label, cache, c[0], r["median"] * 1e3, r["median"] / fl))
        if not args.keep:
            shutil.rmtree(ds["dir"])
    header = ["set", "cache", "tool", "median_s", "min_s", "user_s", "sys_s", "runs", "x_floor"]
    write_csv(os.path.join(args.out, "ext4.csv"), header, rows)
    res["ext4"] = {"rows": [dict(zip(header, r)) for r in rows], "cold": cold_ok,
                   "why_not_cold": None if cold_ok else
                   "writing /proc/sys/vm/drop_caches is not permitted here"}


# -------------------------------------------------------------------- pack

PACK_REF = "cp -r twice + rhash -r --crc32 + sync"


def section_pack(args, res):
    """qpybak pack at factory scale, 20,000 x 512 B, against what a
    factory script would do instead - copy the tree twice, checksum it,
    sync once - in the same rounds, every run on fresh outputs (removed and
    synced outside the time).  On the work file system and on the ext4
    image where there is one."""
    log("pack throughput")
    count, size = (500, 512) if args.smoke else (20000, 512)
    runs = 2 if args.smoke else 5
    places = [("work dir, " + fs_type(args.work).split(" ")[0], args.work)]
    if args.ext4:
        places.append(("ext4 image on a loop device", args.ext4))
    rows = []
    for where, base in places:
        d = os.path.join(base, "pack")
        shutil.rmtree(d, ignore_errors=True)
        os.makedirs(d)
        run([sys.executable, os.path.join(HERE, "mktree.py"), os.path.join(d, "app"), str(count),
             str(size), os.path.join(d, "list.txt")])
        cmds = [("qpybak pack", [args.qpybak, "pack", "app", "--bak", "bak", "--usr", "usr",
                                 "--quiet"])]
        if have("rhash"):
            # sync -f: the file system of the copies, as pack syncs its own.
            cmds.append((PACK_REF, ["sh", "-c", "cp -r app c1 && cp -r app c2 && "
                                    "rhash -r --crc32 app >/dev/null && sync -f c1"]))

        def fresh():
            for x in ("bak", "usr", "c1", "c2"):
                shutil.rmtree(os.path.join(d, x), ignore_errors=True)
            os.sync()

        m = measure([(n, a, 0) for n, a in cmds], d, 1, runs, prep=fresh)
        # What pack made checks out.
        fresh()
        run(cmds[0][1], cwd=d)
        code = subprocess.run([args.qpybak, "status", "--usr", "usr", "--bak", "bak"], cwd=d,
                              capture_output=True).returncode
        if code != 0:
            raise SystemExit("bench: the packed tree does not check: status exit %d" % code)
        ref = m[PACK_REF]["median"] if PACK_REF in m else None
        for name, _ in cmds:
            r = m[name]
            rows.append([where, name, count, size, "%.6f" % r["median"], "%.6f" % r["min"],
                         "%.6f" % r["user"], "%.6f" % r["sys"], r["runs"],
                         "%.0f" % (count / r["median"]),
                         "%.3f" % (r["median"] / ref) if ref else ""])
            log("  %-34s %-40s %8.3f s (%s)" % (where, name, r["median"],
                                                "x%.2f" % (r["median"] / ref) if ref else "-"))
        fresh()
        if not args.keep:
            shutil.rmtree(d)
    header = ["where", "tool", "files", "file_bytes", "median_s", "min_s", "user_s", "sys_s",
              "runs", "files_per_s", "x_reference"]
    write_csv(os.path.join(args.out, "pack.csv"), header, rows)
    res["pack"] = [dict(zip(header, r)) for r in rows]


# --------------------------------------------------------------- footprint

TARGETS = [
    # name, compiler, flags, CRC option
    ("Cortex-M4", "arm-none-eabi-gcc", ["-Os", "-mthumb", "-mcpu=cortex-m4"], "1 KiB table"),
    ("Cortex-M4", "arm-none-eabi-gcc", ["-Os", "-mthumb", "-mcpu=cortex-m4"], "slicing-by-8"),
    ("Cortex-M4", "arm-none-eabi-gcc", ["-Os", "-mthumb", "-mcpu=cortex-m4"], "braided"),
    ("RISC-V rv32imac", "riscv64-unknown-elf-gcc",
     ["-Os", "-ffreestanding", "-march=rv32imac", "-mabi=ilp32"], "1 KiB table"),
    ("RISC-V rv32imac", "riscv64-unknown-elf-gcc",
     ["-Os", "-ffreestanding", "-march=rv32imac", "-mabi=ilp32"], "slicing-by-8"),
    ("RISC-V rv32imac", "riscv64-unknown-elf-gcc",
     ["-Os", "-ffreestanding", "-march=rv32imac", "-mabi=ilp32"], "braided"),
]

# CRC option -> (backend file in src/crc/, QPYBAK_CRC_BACKEND)
CRC_OPTIONS = {"1 KiB table": (None, None),
               "slicing-by-8": ("crc32_slice8.c", "qpybak_crc32_slice8"),
               "braided": ("crc32_braid.c", "qpybak_crc32_braid")}

STUB = r"""
/* Link roots for the footprint image: the four procedures a firmware calls.
 * The config is never dereferenced here; the image is only measured. */
#include "qpybak.h"
int main(void);
int main(void)
{
    const struct qpybak_config *cfg = (const struct qpybak_config *)0x20000000;
    uint32_t crc;

    return qpybak_boot(cfg, 0) + qpybak_status(cfg, 0) + qpybak_calc(cfg, "/usr/a", &crc) +
           qpybak_fota_apply(cfg, 0, 0);
}
"""


def classify(section):
    for k in ("text", "rodata", "data", "bss"):
        if section == "." + k or section.startswith("." + k + "."):
            return k
    if section.startswith(".srodata"):
        return "rodata"
    if section.startswith(".sdata"):
        return "data"
    if section.startswith(".sbss"):
        return "bss"
    return None


def size_a(size_tool, path):
    """{text, rodata, data, bss} from `size -A`."""
    out = {"text": 0, "rodata": 0, "data": 0, "bss": 0}
    for line in run([size_tool, "-A", path]).stdout.splitlines():
        parts = line.split()
        if len(parts) >= 2 and parts[1].isdigit():
            k = classify(parts[0])
            if k:
                out[k] += int(parts[1])
    return out


def sym_sizes(nm_tool, path):
    """{name: (size, type)} of an image's symbols."""
    syms = {}
    for line in run([nm_tool, "-S", "--size-sort", path]).stdout.splitlines():
        parts = line.split()
        if len(parts) == 4:
            syms[parts[3]] = (int(parts[1], 16), parts[2])
    return syms


def map_contributions(map_path, objdir):
    """Bytes of .text/.rodata each input (core object, stub, libc, libgcc)
    brings into the image, from the linker map."""
    contrib = {}
    cur = None
    in_discard = False
    for line in open(map_path):
        if line.startswith("Discarded input sections"):
            in_discard = True
            continue
        if line.startswith("Memory Configuration") or line.startswith("Linker script and memory map"):
            in_discard = line.startswith("Memory Configuration")
            continue
        if in_discard:
            continue
        m = re.match(r"^ (\.\S+)\s*$", line)
        if m:
            cur = m.group(1)
            continue
        m = re.match(r"^ (\.\S+)?\s+0x[0-9a-f]+\s+0x([0-9a-f]+)\s+(\S+)", line)
        if m:
            sec = m.group(1) or cur
            size = int(m.group(2), 16)
            src = m.group(3)
            cur = None
            k = classify(sec or "")
            if not k or size == 0:
                continue
            if src.endswith("libc.o.stub"):
                src = "libc: " + re.sub(r"^\.text\.", "", sec or "?")
            elif src.startswith(objdir):
                src = os.path.basename(src)
            elif "libgcc" in src:
                src = "libgcc: " + re.sub(r".*\(|\)", "", src)
            d = contrib.setdefault(src, {"text": 0, "rodata": 0, "data": 0, "bss": 0})
            d[k] += size
        else:
            cur = None if not re.match(r"^ \.\S+\s*$", line) else cur
    return contrib


def core_sources(option):
    """src/*.c and, from src/crc/, the dispatcher, the 1 KiB table and the
    option's backend: what a firmware build of that option compiles."""
    srcs = sorted(os.path.join(ROOT, "src", f) for f in os.listdir(os.path.join(ROOT, "src"))
                  if f.endswith(".c"))
    crc = ["crc32.c", "crc32_table1.c"]
    if CRC_OPTIONS[option][0]:
        crc.append(CRC_OPTIONS[option][0])
    return srcs + [os.path.join(ROOT, "src", "crc", f) for f in crc]


def section_footprint(args, res):
    log("footprint")
    rows, stack_rows, contrib_rows = [], [], []
    base = os.path.join(args.work, "footprint")
    for tname, cc, flags, option in (TARGETS[:1] if args.smoke else TARGETS):
        if not have(cc):
            log("  %s: %s not installed, skipped" % (tname, cc))
            continue
        tag = re.sub(r"[^a-z0-9]+", "-", (tname + " " + option).lower()).strip("-")
        objdir = os.path.join(base, tag)
        shutil.rmtree(objdir, ignore_errors=True)
        os.makedirs(objdir)
        prefix = cc[:-len("gcc")]
        size_tool, nm_tool = prefix + "size", prefix + "nm"
        cflags = ["-std=c99"] + flags + ["-ffunction-sections", "-fdata-sections",
                                         "-fstack-usage", "-fcallgraph-info=su",
                                         "-I" + os.path.join(ROOT, "include")]
        defs = (["-DQPYBAK_CRC_BACKEND=" + CRC_OPTIONS[option][1]] if CRC_OPTIONS[option][1]
                else [])
        objs = []
        procs = []
        for src in core_sources(option):
            obj = os.path.join(objdir, os.path.basename(src)[:-2] + ".o")
            procs.append(subprocess.Popen([cc] + cflags + defs + ["-c", src, "-o", obj],
                                          cwd=objdir, stderr=subprocess.PIPE, text=True))
            objs.append(obj)
        for p in procs:
            _, err = p.communicate()
            if p.returncode:
                raise SystemExit("bench: cross compile failed:\n" + err)
        # 1. The objects as compiled (what an archive holds).
        tot = {"text": 0, "rodata": 0, "data": 0, "bss": 0}
        for o in objs:
            for k, v in size_a(size_tool, o).items():
                tot[k] += v
        rows.append([tname, option, "objects (all of src/)", tot["text"], tot["rodata"],
                     tot["data"], tot["bss"], tot["text"] + tot["rodata"]])
        # 2. A linked image, dead code removed, roots: boot/status/calc/fota_apply.
        stub = os.path.join(objdir, "stub_main.c")
        with open(stub, "w") as f:
            f.write(STUB)
        stub_o = os.path.join(objdir, "stub_main.o.stub")
        libc_o = os.path.join(objdir, "libc.o.stub")
        run([cc] + flags + ["-std=c99", "-ffunction-sections", "-I" + os.path.join(ROOT, "include"),
                            "-c", stub, "-o", stub_o])
        run([cc] + flags + ["-ffunction-sections", "-fno-builtin",
                            "-fno-tree-loop-distribute-patterns", "-c",
                            os.path.join(HERE, "footprint_libc.c"), "-o", libc_o])
        elf = os.path.join(objdir, "image.elf")
        mapf = os.path.join(objdir, "image.map")
        run([cc] + flags + ["-nostdlib", "-Wl,-e,main", "-Wl,--gc-sections",
                            "-Wl,-Map=" + mapf, "-o", elf, stub_o] + objs + [libc_o, "-lgcc"])
        contrib = map_contributions(mapf, objdir)
        contrib.pop(os.path.basename(stub_o), None)
        is_rt = lambda src: src.startswith("libc: ") or src.startswith("libgcc: ")
        core = [c for src, c in contrib.items() if not is_rt(src)]
        rt = [c for src, c in contrib.items() if is_rt(src)]
        img = {k: sum(c[k] for c in core) for k in ("text", "rodata", "data", "bss")}
        rti = {k: sum(c[k] for c in rt) for k in ("text", "rodata", "data", "bss")}
        rows.append([tname, option, "linked image: the core",
                     img["text"], img["rodata"], img["data"], img["bss"],
                     img["text"] + img["rodata"]])
        rows.append([tname, option, "linked image: + runtime routines it pulls in (%s)"
                     % ", ".join(sorted(re.sub(r"^lib\w+: |\.o$", "", x)
                                        for x in contrib if is_rt(x))),
                     img["text"] + rti["text"], img["rodata"] + rti["rodata"],
                     img["data"] + rti["data"], img["bss"] + rti["bss"],
                     img["text"] + rti["text"] + img["rodata"] + rti["rodata"]])
        for src, c in sorted(contrib.items(), key=lambda kv: -(kv[1]["text"] + kv[1]["rodata"])):
            contrib_rows.append([tname, option, src, c["text"], c["rodata"], c["data"], c["bss"]])
        log("  %-16s %-13s objects %6d, image %6d B text+rodata, data %d, bss %d"
            % (tname, option, tot["text"] + tot["rodata"], img["text"] + img["rodata"],
               img["data"], img["bss"]))
        # 3. Worst-case stack of each root from -fstack-usage + call graph.
        graph = load_callgraph(objdir, core_sources(option))
        for rootfn in ("qpybak_boot", "qpybak_status", "qpybak_calc", "qpybak_fota_apply"):
            depth, path, notes = worst_stack(graph, rootfn)
            stack_rows.append([tname, option, rootfn, depth, " > ".join(path), notes])
            if rootfn == "qpybak_boot":
                log("  %-16s %-13s boot stack %d B: %s" % (tname, option, depth, " > ".join(path)))
    write_csv(os.path.join(args.out, "footprint.csv"),
              ["target", "crc", "measure", "text", "rodata", "data", "bss", "text_rodata"], rows)
    write_csv(os.path.join(args.out, "footprint_by_file.csv"),
              ["target", "crc", "input", "text", "rodata", "data", "bss"], contrib_rows)
    write_csv(os.path.join(args.out, "stack.csv"),
              ["target", "crc", "root", "bytes", "worst_path", "notes"], stack_rows)
    res["footprint"] = rows
    res["footprint_by_file"] = contrib_rows
    res["stack"] = stack_rows


def strip_comments(src):
    """Comments and string contents blanked, line and column kept."""
    def blank(m):
        return re.sub(r"[^\n]", " ", m.group(0))
    src = re.sub(r"/\*.*?\*/", blank, src, flags=re.S)
    src = re.sub(r"//[^\n]*", blank, src)
    return re.sub(r'"(\\.|[^"\\\n])*"', lambda m: '"' + " " * (len(m.group(0)) - 2) + '"', src)


def norm_params(params):
    """'void *ctx, const void *buf, size_t len' -> ('void*', 'const void*', 'size_t')."""
    out = []
    depth, cur = 0, ""
    for ch in params + ",":
        if ch == "," and depth == 0:
            p = " ".join(cur.replace("*", " * ").split())
            if p and p != "void":
                toks = p.split()
                # drop the parameter's name (the last identifier, when a type precedes it)
                if len(toks) > 1 and re.match(r"^[A-Za-z_]\w*$", toks[-1]) and toks[-1] not in (
                        "int", "char", "void", "size_t", "unsigned", "long", "bool") or \
                        (len(toks) > 1 and toks[-2] == "*"):
                    if not (len(toks) == 2 and toks[0] in ("struct", "enum")):
                        toks = toks[:-1]
                out.append(" ".join(toks).replace(" *", "*"))
            elif p == "void" and not out:
                pass
            cur = ""
            continue
        if ch == "(":
            depth += 1
        elif ch == ")":
            depth -= 1
        cur += ch
    return tuple(out)


def balanced(text, i):
    """The text of the parenthesised group starting at text[i] == '('."""
    depth = 0
    for j in range(i, len(text)):
        if text[j] == "(":
            depth += 1
        elif text[j] == ")":
            depth -= 1
            if depth == 0:
                return text[i + 1:j]
    return text[i + 1:]


def load_callgraph(objdir, sources):
    """The core's call graph from the .ci files (-fcallgraph-info=su): nodes
    {title: (bytes, dynamic, file)}, edges {title: [(target, site)]}, and
    the targets of each indirect call site, resolved by type: the callee
    expression at the call site is looked up (a function-pointer member or
    typedef), and the core functions whose address is taken and whose
    parameter list matches are its possible targets."""
    nodes, edges, by_name = {}, {}, {}
    for f in sorted(os.listdir(objdir)):
        if not f.endswith(".ci"):
            continue
        for line in open(os.path.join(objdir, f)):
            m = re.match(r'node: \{ title: "([^"]+)" label: "([^"]*)"', line)
            if m:
                title, label = m.groups()
                s = re.search(r"^[^\\]*\\n([^:\\]+):\d+:\d+\\n(\d+) bytes \((\w+)", label)
                if s:
                    nodes[title] = (int(s.group(2)), s.group(3) != "static", s.group(1))
                    by_name.setdefault(title.split(":")[-1], []).append(title)
                continue
            m = re.match(r'edge: \{ sourcename: "([^"]+)" targetname: "([^"]+)" label: "([^"]+)"',
                         line)
            if m:
                edges.setdefault(m.group(1), []).append((m.group(2), m.group(3)))
    headers = [os.path.join(ROOT, "include", "qpybak.h"),
               os.path.join(ROOT, "include", "qpybak_tools.h")] + [
        os.path.join(ROOT, "src", f) for f in os.listdir(os.path.join(ROOT, "src")) if f.endswith(".h")]
    text = {p: strip_comments(open(p).read()) for p in sources + headers}
    alltext = "\n".join(text.values())

    def base(title):
        # the source's name: src/prefix.h links internal functions as qpybak__NAME
        name = title.split(":")[-1].split(".")[0]
        return name[len("qpybak__"):] if name.startswith("qpybak__") else name

    # Address-taken core functions and their parameter lists.
    taken = {}
    for title, (_, _, file) in nodes.items():
        fn = base(title)
        # a static function is named only in its file; a global one anywhere
        look = [file] if ":" in title and file in text else [p for p in sources if p in text]
        used = any(re.search(r"(?<!struct )(?<!enum )\b%s\b(?!\s*\()" % re.escape(fn), text[p])
                   for p in look)
        d = re.search(r"\b%s\s*\(([^;{]*?)\)\s*\{" % re.escape(fn), text.get(file, ""))
        if used and d:
            taken[title] = norm_params(d.group(1))

    def pointer_sigs(name, scope=None):
        """Parameter lists a function pointer called `name` can have: as
        declared in scope (the calling function) if it is there, else
        anywhere in the core."""
        if scope:
            sigs = set()
            for m in re.finditer(r"\(\s*\*\s*%s\s*\)\s*\(" % re.escape(name), scope):
                sigs.add(norm_params(balanced(scope, m.end() - 1)))
            for m in re.finditer(r"\b(\w+)\s+%s\s*[;,)]" % re.escape(name), scope):
                td = re.search(r"typedef\s+[\w\s\*]+\(\s*\*\s*%s\s*\)\s*\(" % re.escape(m.group(1)),
                               alltext)
                if td:
                    sigs.add(norm_params(balanced(alltext, td.end() - 1)))
            if sigs:
                return sigs
        sigs = set()
        for m in re.finditer(r"\(\s*\*\s*%s\s*\)\s*\(" % re.escape(name), alltext):
            sigs.add(norm_params(balanced(alltext, m.end() - 1)))
        for m in re.finditer(r"\b(\w+)\s+%s\s*[;,)]" % re.escape(name), alltext):
            td = re.search(r"typedef\s+[\w\s\*]+\(\s*\*\s*%s\s*\)\s*\(" % re.escape(m.group(1)),
                           alltext)
            if td:
                sigs.add(norm_params(balanced(alltext, td.end() - 1)))
        return sigs

    resolved = {}  # site -> (kind, [targets])
    for src, es in edges.items():
        for tgt, site in es:
            if tgt != "__indirect_call":
                continue
            f, ln, col = site.rsplit(":", 2)
            lines = text.get(f, "").split("\n")
            ln, col = int(ln), int(col)
            rest = "\n".join(lines[ln - 1:ln + 20])[col - 1:] if ln - 1 < len(lines) else ""
            m = re.match(r"([\w\s\->\.]+?)\s*\(", rest)
            expr = m.group(1) if m else "?"
            args = balanced(rest, m.end() - 1) if m else ""
            scope = None
            d = re.search(r"\b%s\s*\([^;{]*?\)\s*\{" % re.escape(base(src)), text.get(f, ""))
            if d:
                body = text[f][d.start():]
                scope = body[:body.find("\n}") + 2]
            if "port" in expr:
                # The port's frames are its own; a core function handed to it
                # (the list callback) runs on top of them.
                cbs = [t for t in taken if re.search(r"\b%s\b" % re.escape(base(t)), args)]
                for name in set(re.findall(r"\w+", args)):
                    sigs = pointer_sigs(name, scope) if scope and re.search(
                        r"\(\s*\*\s*%s\s*\)" % re.escape(name), scope) else set()
                    cbs += [t for t, p in taken.items() if p in sigs and t not in cbs]
                resolved[site] = ("port", cbs)
            elif "cfg" in expr:
                resolved[site] = ("callback", [])
            elif not re.findall(r"\w+", expr):
                resolved[site] = ("unresolved", list(taken))  # source changed since?
            else:
                name = re.findall(r"\w+", expr)[-1]
                sigs = pointer_sigs(name, scope)
                cands = [t for t, p in taken.items() if p in sigs]
                resolved[site] = ("internal", cands) if cands else ("unresolved", list(taken))
    return {"nodes": nodes, "edges": edges, "by_name": by_name, "taken": taken,
            "resolved": resolved}


def worst_stack(g, root):
    """Deepest stack from root: the sum of the frames along the worst call
    path.  Port calls count 0 (the port's frames are the port's); a core
    callback the port calls (list) counts on top; the application's
    callbacks (on_file, on_update) count 0.  Calls to libc/libgcc routines
    (memset, strlen, 64-bit division) are leaves not counted here."""
    nodes, edges, by_name, resolved = g["nodes"], g["edges"], g["by_name"], g["resolved"]
    notes = set()
    memo, onpath = {}, set()

    def targets(t, site):
        if t == "__indirect_call":
            kind, cands = resolved.get(site, ("unresolved", []))
            if kind == "unresolved":
                notes.add("unresolved indirect call at " + os.path.basename(site))
            return cands
        if t in nodes:
            return [t]
        cands = by_name.get(t, [])
        if not cands:
            notes.add("leaf " + t)
        return cands

    def dfs(n):
        if n in memo:
            return memo[n]
        if n in onpath:
            # Through an indirect call this is the type-based bound closing
            # on itself (a read callback "calling" a read callback); a direct
            # cycle would be real recursion.
            notes.add("cycle cut at " + n.split(":")[-1])
            return (0, [])
        onpath.add(n)
        size, dyn, _ = nodes[n]
        if dyn:
            notes.add("dynamic frame in " + n.split(":")[-1])
        best = (0, [])
        for t, site in edges.get(n, []):
            for x in targets(t, site):
                d = dfs(x)
                if d[0] > best[0]:
                    best = d
        onpath.discard(n)
        memo[n] = (size + best[0], [n.split(":")[-1]] + best[1])
        return memo[n]

    starts = by_name.get(root, [])
    if not starts:
        return 0, [], "root not found"
    depth, path = dfs(starts[0])
    return depth, path, "; ".join(sorted(notes))


# ------------------------------------------------------------------ target

# Issue 10's footprint of the two build profiles (tests/cross/profiles.sh),
# the arguments of tests/cross/CMakeLists.txt; ceilings huge: only measured.
PROFILE_TARGETS = [
    # name, profiles.sh NAME, compiler, flags
    ("Cortex-M4", "m4", "arm-none-eabi-gcc", ["-Os", "-mthumb", "-mcpu=cortex-m4"]),
    ("RISC-V rv32imac", "rv32", "riscv64-unknown-elf-gcc",
     ["-Os", "-ffreestanding", "-march=rv32imac", "-mabi=ilp32", "-msmall-data-limit=0"]),
]
PROFILE_LIMITS = {"full": 12288, "minimal": 6144}  # .text+.rodata on Cortex-M4
SCENES = ["boot_intact", "boot_damaged", "min_buffer", "calc", "fota", "fota_cut"]
QEMU = ["qemu-system-arm", "-M", "mps2-an386", "-nographic",
        "-semihosting-config", "enable=on,target=native"]
BOOT_COST_LIMIT = 1.25   # issue 10 point 5: boot / the plain CRC loop
TARGET_STACK_LIMIT = 1024


def qemu_run(elf, icount=False):
    """(exit status, output) of one ELF on QEMU's mps2-an386; a hang is
    status None after CTest's time-out."""
    argv = QEMU + (["-icount", "shift=0"] if icount else []) + ["-kernel", elf]
    try:
        p = subprocess.run(argv, stdin=subprocess.DEVNULL, capture_output=True, text=True,
                           timeout=120)
    except subprocess.TimeoutExpired as e:
        out = e.stdout.decode(errors="replace") if isinstance(e.stdout, bytes) else (e.stdout or "")
        return None, out + "\n(timed out after 120 s)"
    return p.returncode, p.stdout + p.stderr


def why_failed(code, out):
    """One line on a failed run: its FAIL lines, else its last line."""
    lines = [l.strip() for l in out.splitlines() if l.strip()]
    fails = [l for l in lines if l.startswith("FAIL")]
    what = "; ".join(fails[:3]) if fails else (lines[-1] if lines else "no output")
    return "%s: %s" % ("timed out" if code is None else "exit %d" % code, what)


def parse_boot_cost(out):
    """The figures bench_boot.elf prints (tests/target/bench_boot.c)."""
    def num(pattern):
        m = re.search(pattern, out)
        if not m:
            raise ValueError("bench_boot: no line matching %r" % pattern)
        return m.groups()
    b = {}
    b["files"], b["file_bytes"], b["tracked"], b["manifest_bytes"], b["flag_bytes"] = map(int, num(
        r"image: (\d+) tracked files x (\d+) B = (\d+) B; 3 manifests x (\d+) B; flag (\d+) B"))
    b["crc_files"] = int(num(r"plain CRC loop, tracked bytes:\s+(\d+) instructions")[0])
    b["crc_manifests"] = int(num(r"plain CRC loop, manifests and flag:\s+(\d+) instructions")[0])
    b["core_crc"] = int(num(r"qpybak_crc32, tracked bytes:\s+(\d+) instructions")[0])
    b["buf_min"], b["boot_min"] = map(int, num(
        r"intact boot, buffer\s+(\d+) B \(min\):\s+(\d+) instructions"))
    b["buf_big"], b["boot_big"] = map(int, num(r"intact boot, buffer\s+(\d+) B:\s+(\d+) instructions"))
    b["read_x_min"], b["read_x_big"], b["needed"] = num(
        r"flash reads / bytes needed:\s+min buffer ([\d.]+)x, 4 KiB ([\d.]+)x \((\d+) B needed\)")
    b["needed"] = int(b["needed"])
    b["opens_min"], b["reads_min"], b["opens_big"], b["reads_big"] = map(int, num(
        r"port calls:\s+min buffer (\d+) opens, (\d+) reads; 4 KiB (\d+) opens, (\d+) reads"))
    b["stack_min"], b["stack_big"] = map(int, num(
        r"stack of the boot over this port:\s+(\d+) B \(min buffer\), (\d+) B \(4 KiB\)"))
    b["ratio_min_printed"], b["ratio_big_printed"], b["limit_printed"] = num(
        r"ratio boot .*?: ([\d.]+)x at the minimum buffer, ([\d.]+)x at 4 KiB; limit ([\d.]+)x")
    return b


def section_target(args, res):
    """Issue 10 on the embedded target: the footprint of both build profiles
    on both cross targets (tests/cross/profiles.sh), and the core on QEMU's
    Cortex-M4 (tests/target/): the boot's instructions against the plain CRC
    loop, its flash reads, and each procedure's stack."""
    log("the core on its target (footprint of the profiles, QEMU Cortex-M4)")
    base = os.path.join(args.work, "target")
    shutil.rmtree(base, ignore_errors=True)
    os.makedirs(base)
    t = {"footprint": [], "footprint_why": {}, "qemu_why": None, "icount": None,
         "boot": None, "boot_why": None, "scenes": [], "buffer_min": None}
    # The profiles' builds (one compiler each) run beside build.sh's two.
    procs = []
    for tname, name, cc, flags in PROFILE_TARGETS:
        if args.smoke and name != "m4":
            t["footprint_why"][tname] = "not run in --smoke"
            continue
        argv = ["bash", os.path.join(ROOT, "tests", "cross", "profiles.sh"), ROOT,
                os.path.join(base, "profiles"), name, "999999", "999999", cc] + flags
        procs.append((tname, subprocess.Popen(argv, stdout=subprocess.PIPE,
                                              stderr=subprocess.STDOUT, text=True)))
    elfdir = os.path.join(base, "elf")
    build = None
    for tool in ("qemu-system-arm", "arm-none-eabi-gcc"):
        if not have(tool):
            t["qemu_why"] = "%s not installed (scripts/deps.sh)" % tool
            break
    else:
        build = subprocess.Popen(["bash", os.path.join(ROOT, "tests", "target", "build.sh"), ROOT,
                                  elfdir], stdout=subprocess.PIPE, stderr=subprocess.STDOUT,
                                 text=True)
    if build:
        out, _ = build.communicate()
        if build.returncode == 77:
            t["qemu_why"] = out.strip().splitlines()[-1].replace("skipped: ", "")
        elif build.returncode:
            t["qemu_why"] = "tests/target/build.sh failed (exit %d): %s" % (
                build.returncode, out.strip().splitlines()[-1] if out.strip() else "no output")
    if build and not t["qemu_why"]:
        # The counter first, as CTest's fixture: no instruction count without it.
        code, out = qemu_run(os.path.join(elfdir, "scene_icount.elf"), icount=True)
        t["icount"] = "passed" if code == 0 else why_failed(code, out)
        log("  scene_icount: %s" % t["icount"])
        code, out = qemu_run(os.path.join(elfdir, "bench_boot.elf"), icount=True)
        if code != 0:
            t["boot_why"] = "bench_boot.elf failed, " + why_failed(code, out)
        else:
            try:
                t["boot"] = parse_boot_cost(out)
            except ValueError as e:
                t["boot_why"] = str(e)
        if t["boot"]:
            b = t["boot"]
            log("  intact boot, %d x %d B: %d instructions at %d B (%.2fx the CRC loop), "
                "%d at %d B; stack %d B" % (b["files"], b["file_bytes"], b["boot_min"],
                                             b["buf_min"], b["boot_min"] / (b["crc_files"] + b["crc_manifests"]),
                                             b["boot_big"], b["buf_big"], b["stack_min"]))
        else:
            log("  bench_boot: " + t["boot_why"])
        for scene in SCENES:
            code, out = qemu_run(os.path.join(elfdir, "scene_%s.elf" % scene))
            status = "passed" if code == 0 else why_failed(code, out)
            found = False
            for m in re.finditer(r"stack (.+?)\s+core\s+(\d+) B \(limit (\d+) B\), RAM port\s+(\d+) B more",
                                 out):
                t["scenes"].append({"scene": "scene_" + scene, "procedure": m.group(1).strip(),
                                    "core": int(m.group(2)), "limit": int(m.group(3)),
                                    "port": int(m.group(4)), "status": status})
                found = True
                log("  %-20s %-22s core %4d B (limit %d B), RAM port %d B more; %s"
                    % ("scene_" + scene, m.group(1).strip(), int(m.group(2)), int(m.group(3)),
                       int(m.group(4)), status))
            if not found:
                t["scenes"].append({"scene": "scene_" + scene, "procedure": "-", "core": None,
                                    "limit": TARGET_STACK_LIMIT, "port": None, "status": status})
                log("  %-20s no stack line; %s" % ("scene_" + scene, status))
            m = re.search(r"qpybak_buffer_min\(0\) = (\d+) B", out)
            if m:
                t["buffer_min"] = int(m.group(1))
    elif not build:
        log("  QEMU part skipped: " + t["qemu_why"])
    else:
        log("  QEMU part not measured: " + t["qemu_why"])
    for tname, p in procs:
        out, _ = p.communicate()
        found = {}
        for m in re.finditer(r"^(full|minimal)\s+(\d+)\s+(\d+)\s+(\d+)\s+(\d+)\s+(\d+)\s", out, re.M):
            found[m.group(1)] = [int(x) for x in m.groups()[1:6]]
        if p.returncode == 77:
            t["footprint_why"][tname] = out.strip().splitlines()[-1].replace("skipped: ", "")
        elif len(found) != 2:
            t["footprint_why"][tname] = "tests/cross/profiles.sh failed (exit %d): %s" % (
                p.returncode, out.strip().splitlines()[-1] if out.strip() else "no output")
        for profile in ("full", "minimal"):
            if profile in found:
                text, rodata, data, bss, total = found[profile]
                t["footprint"].append({"target": tname, "profile": profile, "text": text,
                                       "rodata": rodata, "data": data, "bss": bss,
                                       "total": total})
                log("  %-16s %-8s .text %6d .rodata %5d .data %d .bss %d: %6d B text+rodata"
                    % (tname, profile, text, rodata, data, bss, total))
        if tname in t["footprint_why"]:
            log("  %s footprint: %s" % (tname, t["footprint_why"][tname]))
    # One row per measurement.
    rows = []
    for tname, _, _, _ in PROFILE_TARGETS:
        if tname in t["footprint_why"]:
            rows.append(["footprint", "both profiles", tname, "", "", "",
                         "skipped: " + t["footprint_why"][tname]])
    for f in t["footprint"]:
        m4 = f["target"] == "Cortex-M4"
        lim = PROFILE_LIMITS[f["profile"]]
        for k in ("text", "rodata", "data", "bss"):
            zero = m4 and k in ("data", "bss")
            rows.append(["footprint", "%s .%s" % (f["profile"], k), f["target"], f[k], "B",
                         0 if zero else "", ("met" if f[k] == 0 else "not met") if zero
                         else "no target" if k in ("data", "bss") else ""])
        rows.append(["footprint", "%s .text+.rodata" % f["profile"], f["target"], f["total"], "B",
                     lim if m4 else "", ("met" if f["total"] <= lim else "not met") if m4
                     else "no target"])
    qemu = "Cortex-M4 (QEMU mps2-an386)"
    if t["qemu_why"]:
        rows.append(["instructions", "all", qemu, "", "", "", "skipped: " + t["qemu_why"]])
    else:
        rows.append(["instructions", "scene_icount (the counter's calibration)", qemu, "", "", "",
                     t["icount"]])
    b = t["boot"]
    if b:
        counted = t["icount"] == "passed"
        loop = b["crc_files"] + b["crc_manifests"]
        if counted:
            for what, v in (("plain CRC loop, tracked bytes", b["crc_files"]),
                            ("plain CRC loop, 3 manifests + flag", b["crc_manifests"]),
                            ("qpybak_crc32, tracked bytes", b["core_crc"]),
                            ("intact boot, minimum buffer (%d B)" % b["buf_min"], b["boot_min"]),
                            ("intact boot, %d B buffer" % b["buf_big"], b["boot_big"])):
                rows.append(["instructions", what, qemu, v, "instructions", "", ""])
                if what.startswith("plain CRC loop, 3"):
                    continue
                rows.append(["instructions", what + ", per tracked byte", qemu,
                             "%.3f" % (v / b["tracked"]), "instructions/B", "", ""])
                rows.append(["instructions", what + ", per file", qemu,
                             "%.0f" % (v / b["files"]), "instructions/file", "", ""])
            for what, v in (("minimum buffer (%d B)" % b["buf_min"], b["boot_min"]),
                            ("%d B buffer" % b["buf_big"], b["boot_big"])):
                r = v / loop
                rows.append(["instructions", "ratio intact boot / CRC loop, " + what, qemu,
                             "%.3f" % r, "x", BOOT_COST_LIMIT,
                             "met" if r <= BOOT_COST_LIMIT else "not met"])
        else:
            rows.append(["instructions", "all", qemu, "", "", "",
                         "not measured: scene_icount " + t["icount"]])
        for what, x, opens, reads, stack in (
                ("minimum buffer (%d B)" % b["buf_min"], b["read_x_min"], b["opens_min"],
                 b["reads_min"], b["stack_min"]),
                ("%d B buffer" % b["buf_big"], b["read_x_big"], b["opens_big"], b["reads_big"],
                 b["stack_big"])):
            rows.append(["flash reads", "bytes read / bytes needed, " + what, qemu, x, "x", 1.1,
                         "met" if float(x) <= 1.1 else "not met"])
            rows.append(["flash reads", "opens, " + what, qemu, opens, "calls", "", ""])
            rows.append(["flash reads", "reads, " + what, qemu, reads, "calls", "", ""])
            rows.append(["stack", "boot over the flash port, " + what, qemu, stack, "B", "", ""])
        rows.append(["flash reads", "bytes needed", qemu, b["needed"], "B", "", ""])
    elif not t["qemu_why"]:
        rows.append(["instructions", "bench_boot", qemu, "", "", "", t["boot_why"]])
    for s in t["scenes"]:
        rows.append(["stack", "%s: %s, core" % (s["scene"], s["procedure"]), qemu,
                     "" if s["core"] is None else s["core"], "B", s["limit"],
                     ("met" if s["core"] is not None and s["core"] <= s["limit"] else "not met")
                     + ("" if s["status"] == "passed" else "; scene " + s["status"])])
        if s["port"] is not None:
            rows.append(["stack", "%s: %s, RAM port on top" % (s["scene"], s["procedure"]), qemu,
                         s["port"], "B", "", ""])
    if t["buffer_min"] is not None:
        rows.append(["buffer", "qpybak_buffer_min(0)", qemu, t["buffer_min"], "B", "", ""])
    write_csv(os.path.join(args.out, "target.csv"),
              ["part", "measure", "target", "value", "unit", "limit", "result"], rows)
    res["target"] = t


# ------------------------------------------------------------------ report

def fnum(x, nd=1):
    return ("%%.%df" % nd) % x


def overloaded(info):
    """Whether the load average passed the core count during the run."""
    try:
        cores = int(info["cores"])
        return max(float(info["load_start"].split()[0]), float(info["load_end"].split()[0])) > cores
    except (KeyError, ValueError, IndexError):
        return False


def miss_note(q, need, lean, fl, info):
    """What a missed status target is short of, and where the time is: the
    port's system calls alone (the lean analysis row) and qpybak's user CPU
    time; bench/README.md, "Where status's time goes", has the profile."""
    note = "; needs %.1f ms less (%.0f %%)" % ((float(q["median_s"]) - need) * 1e3,
                                               (1 - need / float(q["median_s"])) * 100)
    if lean and fl:
        note += ", the port's system calls alone are %.2fx the floor" % (
            float(lean["median_s"]) / float(fl["median_s"]))
    note += ", qpybak's user CPU %.1f ms (bench/README.md: where status's time goes)" % (
        float(q["user_s"]) * 1e3)
    if overloaded(info):
        note += "; load above the core count during the run: ratios inflated"
    return note


def build_report(args, res, info):
    L = []
    L.append("### Benchmark results%s" % (" (SMOKE run: tiny sizes, not meaningful)" if args.smoke else ""))
    L.append("")
    L.append("Machine: %s, %s cores, Linux %s; load average %s at the start, %s at the end. "
             "Trees on %s. Commit %s, %s." % (info["cpu"], info["cores"], info["kernel"],
                                               info["load_start"], info["load_end"],
                                               info["work_fs"], info["commit"], info["date"]))
    L.append("Release build (-O3), host CRC backend: %s; %s." % (info.get("backend", "?"), info["cc"]))
    if info.get("ext4"):
        L.append("ext4: %s." % info["ext4"])
    L.append("")
    targets = []
    if "crc" in res:
        rows = res["crc"]
        sizes = []
        for r in rows:
            if r["size"] not in sizes:
                sizes.append(r["size"])
        impls = []
        for r in rows:
            if r["impl"] not in [i[0] for i in impls]:
                impls.append((r["impl"], r["label"]))
        g = {(r["impl"], r["size"]): float(r["gbps"]) for r in rows}
        zl = [re.search(r"\(([\d.]+)\)", r["label"]) for r in rows if r["impl"] == "zlib"]
        info["zlib"] = zl[0].group(1) if zl and zl[0] else ""
        L.append("**CRC-32 throughput**, GB/s (best ~50 us sample of 31-3000 round-robin rounds; QuecPython seed 0xFFFFFFFF; all "
                 "implementations checked equal first)")
        L.append("")
        L.append("| implementation | " + " | ".join(sizes) + " |")
        L.append("|---|" + "---:|" * len(sizes))
        for impl, label in impls:
            L.append("| %s | %s |" % (label, " | ".join(fnum(g[(impl, s)], 2) for s in sizes)))
        L.append("")
        big = [s for s in sizes if s != "1 KiB"]
        r1 = min(g[("qpybak_host", s)] / g[("isal", s)] for s in big)
        targets.append(("host CRC backend >= 0.9x ISA-L at >= 64 KiB", r1 >= 0.9,
                        "min ratio %.2fx (%s)" % (r1, ", ".join(
                            "%s %.2fx" % (s, g[("qpybak_host", s)] / g[("isal", s)]) for s in big))))
        if ("qpybak_braid", big[0]) in g:
            r2 = min(g[("qpybak_braid", s)] / g[("zlib", s)] for s in big)
            targets.append(("portable braided CRC (QPYBAK_CRC_TABLE=braid) >= zlib %s at >= 64 KiB"
                            % info.get("zlib", ""), r2 >= 1.0, "min ratio %.2fx (%s)" % (r2, ", ".join(
                                "%s %.2fx" % (s, g[("qpybak_braid", s)] / g[("zlib", s)])
                                for s in big))))
    if "verify" in res:
        rows = res["verify"]
        cols = []
        for r in rows:
            c = (r["set"], r["variant"])
            if c not in cols:
                cols.append(c)
        tools = []
        for r in rows:
            if r["tool"] not in tools:
                tools.append(r["tool"])
        v = {(r["set"], r["variant"], r["tool"]): r for r in rows}
        L.append("**Verification** of tracked files (page-cached), median wall time in ms "
                 "(x the I/O floor), whole command including process start")
        L.append("")
        L.append("| tool | " + " | ".join("%s, %s" % c for c in cols) + " |")
        L.append("|---|" + "---:|" * len(cols))
        for t in tools:
            cells = []
            for c in cols:
                r = v.get((c[0], c[1], t))
                cells.append("%s (x%s)" % (fnum(float(r["median_s"]) * 1e3), fnum(float(r["x_floor"]), 2))
                             if r else "-")
            L.append("| %s | %s |" % (t, " | ".join(cells)))
        L.append("")
        L.append("rhash and cksfv check plain CRC-32 lists (the SFV a user of those tools "
                 "makes), not QuecPython's seeded variant; the work per byte is the same. "
                 "The I/O floor opens, reads (64 KiB reads, as qpybak) and closes each "
                 "file and does nothing else. qpybak status resolves each path with one "
                 "openat2 (RESOLVE_BENEATH|RESOLVE_NO_SYMLINKS), the POSIX port's choice where "
                 "the kernel has it; the walk-forced row is what a kernel without openat2 gets "
                 "(an O_NOFOLLOW openat per folder level). The (analysis) rows are the floor "
                 "making the port's system calls - openat2, fstat, reads, close; or the walk's "
                 "openat of the folder, openat, close, fstat, reads, close - with no checksum "
                 "and no parsing: the gap between them and qpybak status is qpybak's own work "
                 "(manifest passes, CRC, duplicate check, start-up).")
        L.append("")
        first = cols[0][0]
        for c in cols[1:]:
            if c[0] == first:
                continue
            q, fl = v.get((c[0], c[1], STATUS)), v.get((c[0], c[1], FLOOR))
            lean = v.get((c[0], c[1], ANALYSIS_LEAN))
            if q and fl:
                ratio = float(q["median_s"]) / float(fl["median_s"])
                targets.append(("status %s (%s) <= 1.15x the I/O floor" % c, ratio <= 1.15,
                                "%.2fx the floor (%.1f vs %.1f ms)%s"
                                % (ratio, float(q["median_s"]) * 1e3, float(fl["median_s"]) * 1e3,
                                   miss_note(q, float(fl["median_s"]) * 1.15, lean, fl, info)
                                   if ratio > 1.15 else "")))
        for variant in ("intact", "10% damaged"):
            q = v.get((first, variant, "qpybak status"))
            rh = v.get((first, variant, "rhash -c"))
            fl = v.get((first, variant, FLOOR))
            lean = v.get((first, variant, ANALYSIS_LEAN))
            if q and rh:
                ratio = float(rh["median_s"]) / float(q["median_s"])
                need = float(rh["median_s"]) / 2.0
                targets.append(("status %s (%s) >= 2x faster than rhash -c" % (first, variant),
                                ratio >= 2.0, "%.2fx faster (%.1f vs %.1f ms)%s"
                                % (ratio, float(q["median_s"]) * 1e3, float(rh["median_s"]) * 1e3,
                                   miss_note(q, need, lean, fl, info) if ratio < 2.0 else "")))
            if q and fl:
                ratio = float(q["median_s"]) / float(fl["median_s"])
                need = float(fl["median_s"]) * 1.3
                targets.append(("status %s (%s) <= 1.3x the I/O floor" % (first, variant),
                                ratio <= 1.3, "%.2fx the floor (%.1f vs %.1f ms)%s"
                                % (ratio, float(q["median_s"]) * 1e3, float(fl["median_s"]) * 1e3,
                                   miss_note(q, need, lean, fl, info) if ratio > 1.3 else "")))
    if "pack" in res and res["pack"]:
        rows = res["pack"]
        L.append("**Pack** of %s x %s B files (APP_DIR to --bak and --usr), median wall time in s "
                 "of %s runs on fresh outputs, against what a factory script would do instead: "
                 "`cp -r` of the tree twice, `rhash -r --crc32` over it, `sync -f` once. Both "
                 "leave the trees durable." % (f"{int(rows[0]['files']):,}", rows[0]["file_bytes"],
                                               rows[0]["runs"]))
        L.append("")
        L.append("| where | tool | s | files/s | x the reference |")
        L.append("|---|---|---:|---:|---:|")
        for r in rows:
            L.append("| %s | %s | %s | %s | %s |" % (
                r["where"], r["tool"], fnum(float(r["median_s"]), 3), f"{int(r['files_per_s']):,}",
                ("x" + fnum(float(r["x_reference"]), 2)) if r["x_reference"] else "-"))
        L.append("")
        for r in rows:
            if r["tool"] == "qpybak pack" and r["x_reference"]:
                ratio = float(r["x_reference"])
                targets.append(("pack %s x %s B (%s) <= 1.5x %s" % (
                    f"{int(r['files']):,}", r["file_bytes"], r["where"], PACK_REF), ratio <= 1.5,
                    "%.2fx (%.3f s)" % (ratio, float(r["median_s"]))))
    if "ext4" in res:
        e = res["ext4"]
        if not e["rows"]:
            L.append("**ext4**: not measured: %s; every tree above is on %s." % (
                e["why"], info["work_fs"]))
            L.append("")
        else:
            cols = []
            for r in e["rows"]:
                if (r["set"], r["cache"]) not in cols:
                    cols.append((r["set"], r["cache"]))
            tools = []
            for r in e["rows"]:
                if r["tool"] not in tools:
                    tools.append(r["tool"])
            t = {(r["set"], r["cache"], r["tool"]): r for r in e["rows"]}
            L.append("**On ext4** (an image on a loop device, backed by a file on the disk): "
                     "median ms (x the I/O floor); cold = `echo 3 > /proc/sys/vm/drop_caches` "
                     "before every run, outside the time%s" % (
                         "" if e.get("cold") else " (" + e["why_not_cold"] + ": no cold rows)"))
            L.append("")
            L.append("| tool | " + " | ".join("%s, %s" % c for c in cols) + " |")
            L.append("|---|" + "---:|" * len(cols))
            for tool in tools:
                cells = []
                for c in cols:
                    r = t.get((c[0], c[1], tool))
                    cells.append("%s (x%s)" % (fnum(float(r["median_s"]) * 1e3),
                                               fnum(float(r["x_floor"]), 2)) if r else "-")
                L.append("| %s | %s |" % (tool, " | ".join(cells)))
            L.append("")
    if "scaling" in res:
        rows = res["scaling"]
        s = {(int(r["files"]), r["command"]): r for r in rows}
        counts = sorted({int(r["files"]) for r in rows})
        L.append("**Scaling**, tracked 64-byte files: median wall time and peak RSS")
        L.append("")
        L.append("| files | status ms | status us/file | status peak RSS KiB | boot ms | "
                 "boot us/file | boot peak RSS KiB |")
        L.append("|---:|---:|---:|---:|---:|---:|---:|")
        for n in counts:
            st, bo = s[(n, "status")], s[(n, "boot")]
            L.append("| %d | %s | %s | %d | %s | %s | %d |" % (
                n, fnum(float(st["median_s"]) * 1e3), fnum(float(st["median_s"]) * 1e6 / n, 2),
                int(st["peak_rss_kib"]), fnum(float(bo["median_s"]) * 1e3),
                fnum(float(bo["median_s"]) * 1e6 / n, 2), int(bo["peak_rss_kib"])))
        L.append("")
        if len(counts) >= 2:
            hi, mid, lo = counts[-1], counts[-2], counts[0]
            for cmd in ("status", "boot"):
                ratio = float(s[(hi, cmd)]["median_s"]) / float(s[(mid, cmd)]["median_s"])
                targets.append(("%s: %d files <= 11x the time of %d" % (cmd, hi, mid),
                                ratio <= 11.0, "%.2fx" % ratio))
            ratio = float(s[(hi, "status")]["peak_rss_kib"]) / float(s[(lo, "status")]["peak_rss_kib"])
            targets.append(("peak RSS of status, %d entries <= 1.2x that of %d" % (hi, lo),
                            ratio <= 1.2, "%.2fx (%d vs %d KiB)" % (
                                ratio, int(s[(hi, "status")]["peak_rss_kib"]),
                                int(s[(lo, "status")]["peak_rss_kib"]))))
    if "device" in res:
        dev = res["device"]
        bmin = min((int(r["buffer"]) for r in dev), default=0)
        L.append("**Device cost model**: one boot counted at the port (what the flash file "
                 "system sees), by work-buffer size (the smallest, %d bytes, is "
                 "qpybak_buffer_min() on this 64-bit host), with the user manifest and its "
                 "shadow in the backup manifest's order (same) and shuffled. Bytes read are "
                 "given as a multiple of what a boot must read (x must: the tracked bytes + "
                 "/usr/checksum.json + its shadow /usr/.qpybak/checksum.json + "
                 "/bak/checksum.json + /bak/backup_restore.json, measured in the tree before "
                 "the run) and of the tracked data alone (x data)." % bmin)
        L.append("")
        L.append("| files | boot | order | buffer B | opens | reads | bytes read | x must | "
                 "x data | writes | bytes written | syncs | renames | host ms |")
        L.append("|---|---|---|---:|---:|---:|---:|---:|---:|---:|---:|---:|---:|---:|")
        for r in dev:
            L.append("| %s | %s | %s | %s | %s | %s | %s | %s | %s | %s | %s | %s | %s | %s |" % (
                r["set"], r["case"], r["order"], r["buffer"], r["opens"], r["reads"],
                r["read_bytes"], r["read_x_must"], r["read_x_data"], r["writes"],
                r["write_bytes"], r["syncs"], r["renames"], r["host_ms"]))
        L.append("")
        # Issue 10 point 4, at the minimum buffer: an intact boot reads at
        # most 1.1x what it must and writes nothing (1,000 and 10,000 files,
        # either order); one damaged file of 1,000 reads at most 1.2x.
        for r in dev:
            if int(r["buffer"]) != bmin or (int(r["files"]) < 1000 and not args.smoke):
                continue
            x = float(r["read_bytes"]) / float(r["must_read_bytes"])
            order = "in order" if r["order"] == "same" else "user manifest shuffled"
            if r["case"] == "intact":
                wrote = int(r["writes"]) + int(r["renames"]) + int(r["syncs"])
                targets.append(("intact boot, %s, %s, minimum buffer: <= 1.1x must-read, "
                                "0 writes" % (r["set"], order), x <= 1.1 and wrote == 0,
                                "%.3fx (%s of %s B), %s writes" % (
                                    x, r["read_bytes"], r["must_read_bytes"], r["writes"])))
            elif int(r["files"]) == 1000 or args.smoke:
                targets.append(("1 damaged of %s, %s, minimum buffer: <= 1.2x must-read"
                                % (r["set"], order), x <= 1.2,
                                "%.3fx (%s of %s B)" % (x, r["read_bytes"], r["must_read_bytes"])))
    if "lookups" in res:
        rows = res["lookups"]
        t = {(r["case"], r["build"]): float(r["median_s"]) for r in rows}
        builds = [b for b in ("before", "after") if any(r["build"] == b for r in rows)]
        cases = []
        for r in rows:
            if r["case"] not in cases:
                cases.append(r["case"])
        L.append("**Look-ups and the staging walk** (issue 8 point 7): median wall time in s, "
                 "each run on a tree made anew; \"before\" is the scanning look-up and the "
                 "one-name walk (one run)")
        L.append("")
        L.append("| case | " + " | ".join(builds) + " |")
        L.append("|---|" + "---:|" * len(builds))
        for c in cases:
            L.append("| %s | %s |" % (c, " | ".join(
                fnum(t[(c, b)], 3) if (c, b) in t else "-" for b in builds)))
        L.append("")
        shuf = [c for c in cases if "shuffled" in c]
        for c in shuf:
            ref = c.replace("backup manifest shuffled", "same order (reference)").replace(
                "shuffled", "same order (reference)")
            if (c, "after") in t and (ref, "after") in t:
                ratio = t[(c, "after")] / t[(ref, "after")]
                targets.append(("%s <= 2x the same order" % c, ratio <= 2.0,
                                "%.2fx (%.3f vs %.3f s)" % (ratio, t[(c, "after")], t[(ref, "after")])))
        big = [c for c in cases if "staged" in c and "reference" not in c]
        small = [c for c in cases if "staged" in c and "reference" in c]
        if big and small and (big[0], "after") in t and (small[0], "after") in t:
            ratio = t[(big[0], "after")] / t[(small[0], "after")]
            targets.append(("%s <= 15x the time of a tenth" % big[0], ratio <= 15.0, "%.2fx" % ratio))
    if "footprint" in res:
        L.append("**Footprint** of the core, bytes (`-Os`, `-ffunction-sections -fdata-sections`). "
                 "Image: linked `-nostdlib --gc-sections` from qpybak_boot/status/calc/fota_apply; "
                 "\"the core\" counts src/ only, the row after it adds the libc/libgcc "
                 "routines the image pulls in")
        L.append("")
        L.append("| target | CRC | measure | .text | .rodata | .data | .bss | .text+.rodata |")
        L.append("|---|---|---|---:|---:|---:|---:|---:|")
        for r in res["footprint"]:
            L.append("| %s | %s | %s | %d | %d | %d | %d | **%d** |" % tuple(r))
        L.append("")
        st = {(r[0], r[1], r[2]): r for r in res["stack"]}
        L.append("**Stack**, bytes, worst case from -fstack-usage and the call graph "
                 "(-fcallgraph-info=su), beyond the caller's work buffer; indirect calls "
                 "bounded by type (every address-taken core function of the matching "
                 "signature), so an upper bound; the port's and the application "
                 "callbacks' own frames excluded")
        L.append("")
        L.append("| target | CRC | boot | status | calc | fota_apply | boot's deepest path |")
        L.append("|---|---|---:|---:|---:|---:|---|")
        seen = []
        for r in res["stack"]:
            if (r[0], r[1]) in seen:
                continue
            seen.append((r[0], r[1]))
            b = st[(r[0], r[1], "qpybak_boot")]
            L.append("| %s | %s | %d | %d | %d | %d | %s |" % (
                r[0], r[1], b[3], st[(r[0], r[1], "qpybak_status")][3],
                st[(r[0], r[1], "qpybak_calc")][3], st[(r[0], r[1], "qpybak_fota_apply")][3],
                b[4].replace(" > ", " → ")))
        L.append("")
        m4 = [r for r in res["footprint"] if r[0] == "Cortex-M4" and r[1] == "1 KiB table"
              and r[2].startswith("linked")]
        if m4:
            r = m4[0]
            targets.append(("core <= 8 KiB .text+.rodata, Cortex-M4 -Os, 1 KiB table (image)",
                            r[7] <= 8192, "%d B = %.2fx of 8192 (.text %d, .rodata %d)"
                            % (r[7], r[7] / 8192, r[3], r[4])))
            targets.append(("no .data/.bss (Cortex-M4 image)", r[5] == 0 and r[6] == 0,
                            ".data %d, .bss %d" % (r[5], r[6])))
        b = st.get(("Cortex-M4", "1 KiB table", "qpybak_boot"))
        if b:
            targets.append(("boot's stack <= 1 KiB beyond the work buffer (Cortex-M4)",
                            b[3] <= 1024, "%d B%s" % (b[3], (" (" + b[5] + ")") if b[5] else "")))
    if "target" in res:
        t = res["target"]
        L.append("**The core on its target** (issue 10): the footprint of the two build "
                 "profiles on both cross targets, and the core run on QEMU's Cortex-M4 "
                 "(tests/target/)")
        L.append("")
        L.append("**Footprint of the build profiles**, bytes (`tests/cross/profiles.sh`: the core "
                 "with the default 1 KiB CRC table, `-Os -ffunction-sections -fdata-sections`, "
                 "linked `-nostdlib --gc-sections` from the profile's entry points, the whole "
                 "image: the core, a stub main and the libc/libgcc routines it pulls in). "
                 "full = boot, status, calc, FOTA apply; minimal = `-DQPYBAK_NO_FOTA "
                 "-DQPYBAK_NO_REPORT`: boot, status, calc. Issue 10's targets are on Cortex-M4 "
                 "(`-mthumb -mcpu=cortex-m4`): full <= 12 KiB, minimal <= 6 KiB .text+.rodata, "
                 "no .data/.bss; RISC-V (`-march=rv32imac -mabi=ilp32 -msmall-data-limit=0`) "
                 "beside, no target.")
        L.append("")
        if t["footprint"]:
            L.append("| profile | target | .text | .rodata | .data | .bss | .text+.rodata | "
                     "limit | .text+.rodata vs limit | .data/.bss zero |")
            L.append("|---|---|---:|---:|---:|---:|---:|---:|---|---|")
            for f in sorted(t["footprint"], key=lambda f: (f["profile"] != "full",
                                                            f["target"] != "Cortex-M4")):
                lim = PROFILE_LIMITS[f["profile"]]
                zero = f["data"] == 0 and f["bss"] == 0
                if f["target"] == "Cortex-M4":
                    cells = (str(lim), "%s (%.2fx)" % ("met" if f["total"] <= lim else
                                                       "**not met**", f["total"] / lim),
                             "met" if zero else "**not met**")
                else:
                    cells = ("-", "no target", "no target (%s)" % ("zero" if zero else "not zero"))
                L.append("| %s | %s | %d | %d | %d | %d | **%d** | %s | %s | %s |" % ((
                    f["profile"], f["target"], f["text"], f["rodata"], f["data"], f["bss"],
                    f["total"]) + cells))
                if f["target"] == "Cortex-M4":
                    targets.append(("%s profile <= %d KiB .text+.rodata, Cortex-M4 (issue 10)"
                                    % (f["profile"], lim // 1024), f["total"] <= lim,
                                    "%d B = %.2fx (.text %d, .rodata %d)" % (
                                        f["total"], f["total"] / lim, f["text"], f["rodata"])))
                    targets.append(("%s profile: no .data/.bss, Cortex-M4" % f["profile"], zero,
                                    ".data %d, .bss %d" % (f["data"], f["bss"])))
            L.append("")
        for tname, why in t["footprint_why"].items():
            L.append("%s: skipped: %s." % (tname, why))
            L.append("")
        if t["qemu_why"]:
            L.append("**On QEMU's Cortex-M4**: skipped: %s." % t["qemu_why"])
            L.append("")
        b = t["boot"]
        if b:
            loop = b["crc_files"] + b["crc_manifests"]
            L.append("**On QEMU's Cortex-M4**, `tests/target/bench_boot.elf` on mps2-an386: "
                     "an intact boot of %s tracked files x %d B (three manifests of %d B, the "
                     "flag) on the lean read-only flash port, against a textbook 1 KiB-table "
                     "CRC loop compiled alike over the same bytes." % (
                         f"{b['files']:,}", b["file_bytes"], b["manifest_bytes"]))
            L.append("")
            if t["icount"] == "passed":
                L.append("**Instructions**, counted under `-icount shift=0` (the counter's "
                         "calibration, scene_icount, passed first)")
                L.append("")
                L.append("| what | instructions | per file | per tracked byte |")
                L.append("|---|---:|---:|---:|")
                for what, v in (("plain CRC loop, tracked bytes", b["crc_files"]),
                                ("plain CRC loop, 3 manifests + flag", b["crc_manifests"]),
                                ("qpybak_crc32 (the core's table loop), tracked bytes",
                                 b["core_crc"]),
                                ("intact boot, minimum buffer (%d B)" % b["buf_min"], b["boot_min"]),
                                ("intact boot, %d B buffer" % b["buf_big"], b["boot_big"])):
                    per = not what.startswith("plain CRC loop, 3")
                    L.append("| %s | %s | %s | %s |" % (
                        what, f"{v:,}", f"{v / b['files']:,.0f}" if per else "-",
                        fnum(v / b["tracked"], 2) if per else "-"))
                L.append("")
                L.append("| ratio boot / (CRC loop over the tracked bytes + the manifests and "
                         "flag) | measured | limit | result |")
                L.append("|---|---:|---:|---|")
                for what, v in (("minimum buffer (%d B)" % b["buf_min"], b["boot_min"]),
                                ("%d B buffer" % b["buf_big"], b["boot_big"])):
                    r = v / loop
                    L.append("| %s | %.2fx | %.2fx | %s |" % (
                        what, r, BOOT_COST_LIMIT, "met" if r <= BOOT_COST_LIMIT else "**not met**"))
                L.append("")
                r = b["boot_min"] / loop
                targets.append(("intact boot on Cortex-M4 (QEMU), minimum buffer: <= %.2fx the "
                                "plain CRC loop (issue 10)" % BOOT_COST_LIMIT, r <= BOOT_COST_LIMIT,
                                "%.2fx (%s vs %s instructions)" % (r, f"{b['boot_min']:,}",
                                                                   f"{loop:,}")))
            else:
                L.append("**Instructions**: not measured: the counter's calibration, "
                         "scene_icount, failed (%s)." % t["icount"])
                L.append("")
                targets.append(("intact boot on Cortex-M4 (QEMU), minimum buffer: <= %.2fx the "
                                "plain CRC loop (issue 10)" % BOOT_COST_LIMIT, False,
                                "not measured: scene_icount " + t["icount"]))
            L.append("**Flash reads** of the boot (bytes read as a multiple of the %s B an "
                     "intact boot must read: the tracked files, three manifests, the flag; "
                     "two decimals, as bench_boot prints it) and its stack over this port" %
                     f"{b['needed']:,}")
            L.append("")
            L.append("| buffer | bytes read / needed | opens | reads | boot's stack B |")
            L.append("|---|---:|---:|---:|---:|")
            L.append("| minimum (%d B) | %sx | %s | %s | %d |" % (
                b["buf_min"], b["read_x_min"], f"{b['opens_min']:,}", f"{b['reads_min']:,}",
                b["stack_min"]))
            L.append("| %d B | %sx | %s | %s | %d |" % (
                b["buf_big"], b["read_x_big"], f"{b['opens_big']:,}", f"{b['reads_big']:,}",
                b["stack_big"]))
            L.append("")
            targets.append(("intact boot on Cortex-M4 (QEMU), minimum buffer: flash reads "
                            "<= 1.1x what must be read", float(b["read_x_min"]) <= 1.1,
                            "%sx of %d B" % (b["read_x_min"], b["needed"])))
        elif not t["qemu_why"]:
            L.append("**On QEMU's Cortex-M4**, instructions and flash reads: not measured: %s."
                     % t["boot_why"])
            L.append("")
            targets.append(("intact boot on Cortex-M4 (QEMU), minimum buffer: <= %.2fx the "
                            "plain CRC loop (issue 10)" % BOOT_COST_LIMIT, False,
                            "not measured: " + t["boot_why"]))
        if t["scenes"]:
            L.append("**Stack per procedure on QEMU's Cortex-M4** (the scenes over the RAM "
                     "port: the painted stack's high-water mark below the caller, the port's "
                     "calls relayed to a stack of their own; the RAM port's own use beside)%s" % (
                         "; qpybak_buffer_min(0) = %d B on this target" % t["buffer_min"]
                         if t["buffer_min"] is not None else ""))
            L.append("")
            L.append("| scene | procedure | core B | limit B | result | RAM port B more |")
            L.append("|---|---|---:|---:|---|---:|")
            for s in t["scenes"]:
                ok = s["core"] is not None and s["core"] <= s["limit"]
                L.append("| %s | %s | %s | %d | %s%s | %s |" % (
                    s["scene"], s["procedure"], "-" if s["core"] is None else s["core"],
                    s["limit"], "met" if ok else "**not met**",
                    "" if s["status"] == "passed" else "; scene **%s**" % s["status"],
                    "-" if s["port"] is None else s["port"]))
            L.append("")
            known = [s for s in t["scenes"] if s["core"] is not None]
            worst = max(known, key=lambda s: s["core"]) if known else None
            failed = [s["scene"] for s in t["scenes"] if s["status"] != "passed"]
            targets.append(("core stack <= 1 KiB per procedure, Cortex-M4 (QEMU scenes)",
                            bool(worst) and not failed and all(
                                s["core"] is not None and s["core"] <= s["limit"]
                                for s in t["scenes"]),
                            ("worst %d B (%s, %s)" % (worst["core"], worst["procedure"],
                                                      worst["scene"]) if worst else "no stack line")
                            + ("; failed: " + ", ".join(failed) if failed else "")))
    if targets:
        L.append("**Targets**")
        L.append("")
        L.append("| target | result | measured |")
        L.append("|---|---|---|")
        for name, ok, how in targets:
            L.append("| %s | %s | %s |" % (name, "PASS" if ok else "**MISS**", how))
        L.append("")
    write_csv(os.path.join(args.out, "targets.csv"), ["target", "result", "measured"],
              [[n, "PASS" if ok else "MISS", h] for n, ok, h in targets])
    return "\n".join(L) + "\n", targets


# -------------------------------------------------------------------- main

def fs_type(path):
    try:
        out = run(["df", "-T", path]).stdout.splitlines()[-1].split()
        return "%s (%s)" % (out[1], path)
    except (subprocess.CalledProcessError, OSError, IndexError):
        return path


def pick_work(args):
    if args.work:
        os.makedirs(args.work, exist_ok=True)
        return tempfile.mkdtemp(prefix="qpybak-bench-", dir=args.work)
    # tmpfs when there is room: qpybak pack syncs every file it writes, and
    # 200,000 fsyncs on a disk take minutes; reads are page-cached either way.
    for cand in ("/dev/shm", os.environ.get("TMPDIR", "/tmp")):
        try:
            st = os.statvfs(cand)
            if st.f_bavail * st.f_frsize > 3 << 30 and os.access(cand, os.W_OK):
                return tempfile.mkdtemp(prefix="qpybak-bench-", dir=cand)
        except OSError:
            pass
    return tempfile.mkdtemp(prefix="qpybak-bench-")


def main():
    ap = argparse.ArgumentParser()
    ap.add_argument("--qpybak", required=True)
    ap.add_argument("--bench-bin", required=True)
    ap.add_argument("--out", required=True)
    ap.add_argument("--work")
    ap.add_argument("--smoke", action="store_true")
    ap.add_argument("--keep", action="store_true")
    ap.add_argument("--only",
                    default="crc,verify,pack,ext4,scaling,lookups,device,footprint,target")
    ap.add_argument("--no-ext4", action="store_true", help="no ext4 loop image (pack, ext4)")
    ap.add_argument("--ext4-dir", help="where the ext4 image file goes (default /var/tmp)")
    ap.add_argument("--qpybak-old", help="lookups: another build to time beside (before)")
    ap.add_argument("--backend", default="?")
    args = ap.parse_args()
    args.qpybak = os.path.abspath(args.qpybak)
    args.bench_bin = os.path.abspath(args.bench_bin)
    os.makedirs(args.out, exist_ok=True)
    args.work = pick_work(args)
    info = machine_info(args)
    info["work_fs"] = fs_type(args.work)
    info["backend"] = args.backend
    log("machine: %s, %s cores, load %s; work dir %s" % (info["cpu"], info["cores"],
                                                         info["load_start"], info["work_fs"]))
    res = {}
    t0 = time.time()
    only = args.only.split(",")
    args.ext4, args.ext4_why = None, "not asked"
    if "pack" in only or "ext4" in only:
        args.ext4, args.ext4_why = ext4_mount(args)
        info["ext4"] = ("an image file in %s (%s) on a loop device; cold cache %s" % (
            os.path.dirname(args.ext4_img), fs_type(os.path.dirname(args.ext4_img)).split(" ")[0],
            "by drop_caches" if can_drop_caches() else "not permitted")
            if args.ext4 else "not measured: " + args.ext4_why)
        log("ext4: " + info["ext4"])
    try:
        if "crc" in only:
            section_crc(args, res)
        if "verify" in only:
            section_verify(args, res)
        if "pack" in only:
            section_pack(args, res)
        if "ext4" in only:
            section_ext4(args, res)
        if "scaling" in only:
            section_scaling(args, res)
        if "lookups" in only:
            section_lookups(args, res)
        if "device" in only:
            section_device(args, res)
        if "footprint" in only:
            section_footprint(args, res)
        if "target" in only:
            section_target(args, res)
    finally:
        if args.ext4:
            ext4_umount(args, args.ext4)
        if not args.keep:
            shutil.rmtree(args.work, ignore_errors=True)
    info["load_end"] = " ".join(loadavg())
    write_csv(os.path.join(args.out, "machine.csv"), ["key", "value"], sorted(info.items()))
    md, targets = build_report(args, res, info)
    with open(os.path.join(args.out, "latest.md"), "w") as f:
        f.write(md)
    print(md)
    for name, ok, how in targets:
        print("%s  %s: %s" % ("PASS" if ok else "MISS", name, how))
    log("done in %.0f s; results in %s" % (time.time() - t0, args.out))


if __name__ == "__main__":
    main()
