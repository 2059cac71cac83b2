#!/usr/bin/env bash
# SPDX-FileCopyrightText: 2026 The qpybak authors
# SPDX-License-Identifier: Apache-2.0
# pack: what QPYcom's "backup" option does, in the exact formats of docs/format.md;
# and what it refuses, writing nothing.
. "$(dirname "$0")/lib.sh"

# A richer app: empty file, zero file, binary file, nested folders.
rich_app() {
    make_app "$APP"
    : >"$APP/empty.txt"
    head -c 4096 /dev/zero >"$APP/zeros.bin"
    py 'import sys; open(sys.argv[1], "wb").write(bytes(range(256)) * 3)' "$APP/blob.bin"
    mkdir -p "$APP/lib/drivers/i2c" "$APP/lib.d"
    printf 'def read(): pass\n' >"$APP/lib/drivers/i2c/sensor.py"
    printf 'x' >"$APP/lib.py"
    printf 'y' >"$APP/lib.d/z"
    printf 'Z' >"$APP/Zeta.txt"
}

case_pack_manifest_format() {
    rich_app
    say "pack writes the form of docs/format.md (What writers emit): '[', one entry per line, 0x + 8 lower-case hex, size, ']'"
    run pack "$APP" --bak "$BAK" --usr "$USR"
    assert_exit 0 "pack"
    pyh "$APP" "$BAK/checksum.json" <<'PYEOF' || fail "backup manifest format"
import json, os, re, sys, zlib
app, path = sys.argv[1], sys.argv[2]
raw = open(path, "rb").read()
text = raw.decode("utf-8")
lines = text.split("\n")
if lines[-1] == "":
    lines.pop()
assert lines[0] == "[", "first line must be '[': %r" % lines[0]
assert lines[-1] == "]", "last line must be ']': %r" % lines[-1]
body = lines[1:-1]
# the files, byte-wise sorted, depth first (directory entries sorted by name)
def walk(rel):
    out = []
    for n in sorted(os.listdir(os.fsencode(os.path.join(app, rel)))):
        r = os.path.join(rel, os.fsdecode(n)) if rel else os.fsdecode(n)
        if os.path.isdir(os.path.join(app, r)):
            out += walk(r)
        else:
            out.append(r)
    return out
files = walk("")
assert len(body) == len(files), "%d entry lines for %d files" % (len(body), len(files))
pat = re.compile(r'^\{"name": "(/usr/[^"]+)", "crc32": "(0x[0-9a-f]{8})", "size": ([0-9]+)\}(,?)$')
for i, (line, rel) in enumerate(zip(body, files)):
    m = pat.match(line)
    assert m, "entry line %d not in the form of docs/format.md: %r" % (i, line)
    assert (m.group(4) == ",") == (i < len(body) - 1), "commas: line %r" % line
    data = open(os.path.join(app, rel), "rb").read()
    assert m.group(1) == "/usr/" + rel, "entry %d is %s, expected /usr/%s (byte-wise sorted, depth first)" % (i, m.group(1), rel)
    want = "0x%08x" % zlib.crc32(data, 0xFFFFFFFF)
    assert m.group(2) == want, "%s: crc %s, zlib.crc32(data, 0xFFFFFFFF) is %s" % (rel, m.group(2), want)
    assert int(m.group(3)) == len(data), "%s: size %s, file has %d" % (rel, m.group(3), len(data))
json.loads(text)
PYEOF
    assert_entry "$BAK/checksum.json" /usr/empty.txt 0xffffffff 0
    assert_entry "$BAK/checksum.json" /usr/zeros.bin 0xffffffff 4096
    say "the backup partition holds the files under usr/, the flag, the manifest"
    trees_identical "$APP" "$BAK/usr"
    assert_json "$BAK/backup_restore.json" 'd == {"enable": 1}' "backup_restore.json"
    [ "$(find "$BAK" -mindepth 1 -maxdepth 1 | sort | tr '\n' ' ')" = "$BAK/backup_restore.json $BAK/checksum.json $BAK/usr " ] ||
        fail "the backup partition should hold exactly usr/, checksum.json, backup_restore.json: $(ls -A "$BAK")"
    say "the factory user partition: the files, checksum.json and its shadow, nothing else"
    trees_identical "$APP" "$USR" "$QPYBAK_OWN"
    assert_file_eq "$USR/checksum.json" "$BAK/checksum.json" "user and backup manifests"
    assert_file_eq "$USR/.qpybak/checksum.json" "$USR/checksum.json" "shadow and primary"
    [ "$(ls -A "$USR/.qpybak")" = checksum.json ] || fail "usr/.qpybak should hold only checksum.json: $(ls -A "$USR/.qpybak")"
    say "a freshly packed device is intact: status 0, boot 0 writing nothing"
    status
    assert_exit 0 "status"
    mkdir -p "$D/canary"
    save_state packed
    boot
    assert_exit 0 "boot"
    assert_state_unchanged packed "boot of a freshly packed device"
}

case_pack_without_usr() {
    make_app "$APP"
    say "pack without --usr writes the backup partition only"
    run pack "$APP" --bak "$BAK"
    assert_exit 0 "pack"
    trees_identical "$APP" "$BAK/usr"
    assert_absent "$USR"
    say "an existing empty output directory is fine"
    mkdir "$WORK/empty_bak"
    run pack "$APP" --bak "$WORK/empty_bak"
    assert_exit 0 "pack into an empty directory"
    assert_file_eq "$WORK/empty_bak/checksum.json" "$BAK/checksum.json"
    say "pack is deterministic: same app, same bytes"
    run pack "$APP" --bak "$WORK/bak2"
    assert_exit 0 "pack again"
    trees_identical "$BAK" "$WORK/bak2"
}

# refused WHAT ARGS...: pack exits 2 with one line on stderr and writes nothing
# (the output directories stay absent or as they were).
refused() {
    local what=$1
    shift
    local before_b before_u
    before_b=$(snapshot "$WORK/out_bak" 2>/dev/null || echo none)
    before_u=$(snapshot "$WORK/out_usr" 2>/dev/null || echo none)
    before_a=$(snapshot "$APP")
    run pack "$@" --bak "$WORK/out_bak" --usr "$WORK/out_usr"
    assert_exit 2 "pack refusing $what"
    assert_stderr_one_line
    [ "$(snapshot "$WORK/out_bak" 2>/dev/null || echo none)" = "$before_b" ] || fail "pack refusing $what wrote to the backup output: $(find "$WORK/out_bak")"
    [ "$(snapshot "$WORK/out_usr" 2>/dev/null || echo none)" = "$before_u" ] || fail "pack refusing $what wrote to the usr output: $(find "$WORK/out_usr")"
    [ "$(snapshot "$APP")" = "$before_a" ] || fail "pack refusing $what changed APP_DIR"
}

case_pack_refuses_nonempty_output() {
    make_app "$APP"
    say "a non-empty --bak or --usr directory: refused, exit 2, nothing written"
    mkdir -p "$WORK/out_bak"
    printf 'old' >"$WORK/out_bak/old.txt"
    refused "a non-empty --bak" "$APP"
    rm -rf "$WORK/out_bak"
    mkdir -p "$WORK/out_usr/.qpybak"
    refused "a non-empty --usr (a hidden folder only)" "$APP"
    rm -rf "$WORK/out_usr"
    mkdir -p "$WORK/out_bak"
    printf 'x' >"$WORK/out_bak/.hidden"
    refused "a non-empty --bak (a hidden file only)" "$APP"
    rm -rf "$WORK/out_bak"
    printf 'file' >"$WORK/out_bak"
    refused "--bak a regular file" "$APP"
    rm -f "$WORK/out_bak"
}

case_pack_refuses_symlink() {
    make_app "$APP"
    say "a symbolic link in APP_DIR (to a file inside, outside, a folder, dangling): refused"
    ln -s main.py "$APP/alias.py"
    refused "a symlink to a file inside" "$APP"
    rm "$APP/alias.py"
    ln -s /etc/passwd "$APP/lib/passwd"
    refused "a symlink to a file outside" "$APP"
    rm "$APP/lib/passwd"
    ln -s /etc "$APP/etc"
    refused "a symlink to a folder" "$APP"
    rm "$APP/etc"
    ln -s nowhere "$APP/lib/dangling"
    refused "a dangling symlink" "$APP"
    rm "$APP/lib/dangling"
    say "APP_DIR itself a symlink to a folder: followed or refused, never packing a link"
    ln -s "$APP" "$WORK/applink"
    run pack "$WORK/applink" --bak "$WORK/lb"
    [ "$RC" = 0 ] || [ "$RC" = 2 ] || fail "pack of a symlinked APP_DIR: exit $RC"
}

case_pack_refuses_special() {
    make_app "$APP"
    say "a FIFO in APP_DIR: refused (and not blocked on)"
    mkfifo "$APP/lib/pipe"
    refused "a FIFO" "$APP"
    rm "$APP/lib/pipe"
    if command -v python3 >/dev/null; then
        py 'import socket,sys; s=socket.socket(socket.AF_UNIX); s.bind(sys.argv[1])' "$APP/sock"
        refused "a socket" "$APP"
        rm "$APP/sock"
    fi
}

case_pack_refuses_reserved() {
    make_app "$APP"
    say "reserved names: top-level checksum.json, .qpybak, .updater, *.qpybak-tmp: refused"
    printf '[]' >"$APP/checksum.json"
    refused "a top-level checksum.json" "$APP"
    rm "$APP/checksum.json"
    mkdir "$APP/.qpybak" && printf 'x' >"$APP/.qpybak/boot.json"
    refused "a .qpybak folder" "$APP"
    rm -rf "$APP/.qpybak"
    mkdir "$APP/.updater" && printf 'x' >"$APP/.updater/main.py"
    refused "a .updater folder" "$APP"
    rm -rf "$APP/.updater"
    printf 'x' >"$APP/lib/util.py.qpybak-tmp"
    refused "a *.qpybak-tmp file" "$APP"
    rm "$APP/lib/util.py.qpybak-tmp"
    say "a checksum.json below the top is an ordinary file"
    printf '[]' >"$APP/lib/checksum.json"
    run pack "$APP" --bak "$WORK/ok_bak"
    assert_exit 0 "pack with lib/checksum.json"
    assert_entry "$WORK/ok_bak/checksum.json" /usr/lib/checksum.json "$(crc_of "$APP/lib/checksum.json")" 2
}

case_pack_refuses_bad_names() {
    make_app "$APP"
    say "names that are no valid device path: backslash, control character, too long: refused"
    printf 'x' >"$APP/a\\b.py"
    refused "a backslash in a name" "$APP"
    rm "$APP/a\\b.py"
    printf 'x' >"$APP/$(printf 'a\tb')"
    refused "a tab in a name" "$APP"
    rm "$APP/$(printf 'a\tb')"
    printf 'x' >"$APP/$(printf 'a\nb')"
    refused "a newline in a name" "$APP"
    rm "$APP/$(printf 'a\nb')"
    d=$APP
    for i in 1 2 3 4 5; do d=$d/$(printf 'd%.0s' {1..50}); done
    mkdir -p "$d" && printf 'x' >"$d/f.py"
    refused "a path longer than 255 bytes" "$APP"
    rm -rf "${APP:?}/$(printf 'd%.0s' {1..50})"
    printf 'x' >"$APP/$(printf 'bad\xff.py')"
    refused "a name that is not UTF-8" "$APP"
}

case_pack_empty_app() {
    say "an empty APP_DIR: packs an empty manifest (or refuses with exit 2); never crashes"
    mkdir -p "$APP"
    run pack "$APP" --bak "$BAK" --usr "$USR"
    if [ "$RC" = 0 ]; then
        assert_json "$BAK/checksum.json" 'd == []' "empty manifest"
        boot
        assert_exit 0 "boot with an empty manifest"
    else
        assert_exit 2 "pack of an empty app"
    fi
}

case_pack_json() {
    make_app "$APP"
    say "pack --json: one JSON object on stdout (files, bytes, manifest_bytes, warnings), nothing on stderr"
    run pack "$APP" --bak "$BAK" --usr "$USR" --json
    assert_exit 0 "pack --json"
    assert_empty "$ERR" "stderr of pack --json"
    size=$(stat -c %s "$BAK/checksum.json")
    assert_json "$OUT" "d['command'] == 'pack' and d['files'] == 6 and d['bytes'] == $(cat "$APP"/*.* "$APP"/lib/* | wc -c) and d['manifest_bytes'] == $size and d['format'] == 'qpybak' and d['enabled'] is True and d['usr'] is True and d['warnings'] == []" "pack --json summary"
    trees_identical "$APP" "$BAK/usr"
    say "the human summary names the manifest's byte count too"
    run pack "$APP" --bak "$WORK/b1"
    assert_exit 0 "pack"
    assert_contains "$OUT" "^pack: 6 files, [0-9]+ bytes, checksum.json $size bytes, backup restoration enabled\$" "summary"
    say "--disabled and an empty APP_DIR are warnings in the object; --quiet does not silence --json"
    mkdir -p "$WORK/empty"
    run pack "$WORK/empty" --bak "$WORK/b2" --disabled --json --quiet
    assert_exit 0 "pack --json of an empty app"
    assert_json "$OUT" "d['files'] == 0 and d['bytes'] == 0 and d['enabled'] is False and d['usr'] is False and len(d['warnings']) == 2 and all(isinstance(w, str) for w in d['warnings'])" "warnings"
    say "the human form prints the same warnings as 'warning' lines before the summary"
    run pack "$WORK/empty" --bak "$WORK/b3" --disabled
    assert_exit 0 "pack of an empty app"
    assert_contains "$OUT" '^warning +APP_DIR holds no files' "empty-app warning"
    assert_contains "$OUT" '^warning +backup restoration disabled' "disabled warning"
    assert_contains "$OUT" '^pack: 0 files, 0 bytes, checksum.json 4 bytes, backup restoration disabled$' "summary"
}

case_pack_quiet() {
    make_app "$APP"
    say "pack -q / --quiet: nothing on stdout or stderr, the same partitions"
    run pack "$APP" --bak "$BAK" --usr "$USR" -q
    assert_exit 0 "pack -q"
    assert_empty "$OUT" "stdout of pack -q"
    assert_empty "$ERR" "stderr of pack -q"
    run pack "$APP" --bak "$WORK/b2" --usr "$WORK/u2" --quiet
    assert_exit 0 "pack --quiet"
    assert_empty "$OUT" "stdout of pack --quiet"
    trees_identical "$BAK" "$WORK/b2"
    trees_identical "$USR" "$WORK/u2"
    say "errors still reach stderr"
    run pack "$APP" --bak "$BAK" -q
    assert_exit 2 "pack -q into a non-empty --bak"
    assert_stderr_one_line
}

case_pack_progress() {
    make_app "$APP"
    for i in $(seq 1 40); do printf 'file %d\n' "$i" >"$APP/lib/f$i.txt"; done
    say "on a terminal, after the delay (QPYBAK_PROGRESS_AFTER=0 here, 1 s by default): files done / total, bytes, rate"
    tty_run "$WORK/tty.out" - QPYBAK_PROGRESS_AFTER=0 pack "$APP" --bak "$BAK" --usr "$USR"
    assert_exit 0 "pack on a terminal"
    pyh "$WORK/tty.out" <<'PYEOF' || fail "progress display: $(cat -v "$WORK/tty.out")"
import re, sys
raw = open(sys.argv[1], "rb").read().decode()
lines = re.findall(r"\rpack: (\d+) / 46 files, ([0-9.]+ (?:B|KiB)) / ([0-9.]+ (?:B|KiB)), ([0-9,]+) files/s, ([0-9.]+ (?:B|KiB|MiB|GiB))/s", raw)
assert lines, "no progress line in %r" % raw
assert int(lines[0][0]) >= 1, lines
# erased before the summary: a carriage return, blanks, a carriage return
m = re.search(r"\r( +)\r(?:\r\n|\n)?pack: 46 files, \d+ bytes, checksum.json \d+ bytes, backup restoration enabled\r?\n$", raw)
assert m, "the progress line is not erased before the summary: %r" % raw[-300:]
PYEOF
    say "--quiet on a terminal: no progress, no summary"
    tty_run "$WORK/tty2.out" - QPYBAK_PROGRESS_AFTER=0 pack "$APP" --bak "$WORK/b2" --quiet
    assert_exit 0 "pack --quiet on a terminal"
    [ ! -s "$WORK/tty2.out" ] || fail "pack --quiet wrote to the terminal: $(cat -v "$WORK/tty2.out")"
    say "stderr not a terminal: no progress"
    QPYBAK_PROGRESS_AFTER=0 run pack "$APP" --bak "$WORK/b3"
    assert_exit 0 "pack"
    assert_empty "$ERR" "stderr of pack (not a terminal)"
    say "an error on a terminal erases the progress line first"
    mkdir -p "$WORK/b4" && printf 'x' >"$WORK/b4/old"
    tty_run "$WORK/tty3.out" - QPYBAK_PROGRESS_AFTER=0 pack "$APP" --bak "$WORK/b4"
    assert_exit 2 "pack into a non-empty directory"
    grep -q 'output directory not empty' "$WORK/tty3.out" || fail "no error line: $(cat -v "$WORK/tty3.out")"
}

case_pack_syncs_once() {
    make_app "$APP"
    for i in $(seq 1 30); do mkdir -p "$APP/d$i" && printf 'file %d\n' "$i" >"$APP/d$i/f.txt"; done
    say "the partitions are durable when pack returns: one syncfs per file system, no fsync per file"
    if ! command -v strace >/dev/null || ! strace -f -o /dev/null true 2>/dev/null; then
        say "strace not available here: skipped"
        return 0
    fi
    kernel=$(uname -r)
    major=${kernel%%.*} rest=${kernel#*.} minor=${rest%%.*}
    # LeakSanitizer cannot run under ptrace: the sanitizer build checks the
    # system calls without it (the other scenario tests check for leaks).
    ASAN_OPTIONS="${ASAN_OPTIONS:+$ASAN_OPTIONS:}detect_leaks=0" \
        strace -f -qq -e trace=fsync,fdatasync,syncfs,sync -o "$WORK/trace" \
        "$QPYBAK" pack "$APP" --bak "$BAK" --usr "$USR" >/dev/null 2>&1 || fail "pack under strace"
    fsyncs=$(grep -c '^[0-9]* *fsync(' "$WORK/trace" || true)
    syncfs=$(grep -c '^[0-9]* *syncfs(' "$WORK/trace" || true)
    if [ "$major" -gt 5 ] || { [ "$major" = 5 ] && [ "$minor" -ge 8 ]; }; then
        [ "$fsyncs" = 0 ] || fail "pack made $fsyncs fsync calls (expected none): $(head "$WORK/trace")"
        [ "$syncfs" -ge 1 ] && [ "$syncfs" -le 2 ] || fail "pack made $syncfs syncfs calls (expected 1, or 2 for two file systems)"
    else
        say "Linux $kernel: syncfs does not report write-back errors before 5.8; pack syncs each file and folder"
        [ "$fsyncs" -gt 60 ] || fail "pack on Linux $kernel made only $fsyncs fsync calls"
    fi
    trees_identical "$APP" "$BAK/usr"
}

# ------------------------------------------------------- --format quecpython

# Python for the cases below (prepended to the code pyq reads from stdin):
# QuecPython's form as its own code writes it - ujson.dumps(list): ", "
# and ": ", hex() - and qpybak's form as docs/format.md gives it, over the
# files of an APP_DIR in pack order; forge() makes content with a chosen
# crc (the crc is affine in the last 32 bits of the data).
QP_LIB='
import json, os, sys, zlib

def crc_of(data):
    return zlib.crc32(data, 0xFFFFFFFF)

def forge(prefix, target):
    base = crc_of(prefix + bytes(4))
    basis = {}
    for i in range(32):
        col = crc_of(prefix + (1 << i).to_bytes(4, "little")) ^ base
        comb = 1 << i
        while col:
            h = col.bit_length() - 1
            if h not in basis:
                basis[h] = (col, comb)
                break
            col ^= basis[h][0]
            comb ^= basis[h][1]
    x, v = 0, target ^ base
    while v:
        col, comb = basis[v.bit_length() - 1]
        v ^= col
        x ^= comb
    data = prefix + x.to_bytes(4, "little")
    assert crc_of(data) == target
    return data

def tree_entries(app):
    out = []
    def rec(rel):
        for n in sorted(os.listdir(os.path.join(app, rel))):
            r = os.path.join(rel, n)
            p = os.path.join(app, r)
            if os.path.isdir(p):
                rec(r)
            else:
                out.append(("/usr/" + os.fsdecode(r), open(p, "rb").read()))
    rec(b"")
    return out

def qp_manifest(entries):
    return json.dumps([{"name": n, "crc32": hex(crc_of(d))} for n, d in entries],
                      ensure_ascii=False).encode("utf-8", "surrogateescape")

def qb_manifest(entries):
    if not entries:
        return b"[\n]\n"
    return ("[\n" + ",\n".join("{\"name\": %s, \"crc32\": \"0x%08x\", \"size\": %d}"
                               % (json.dumps(n, ensure_ascii=False), crc_of(d), len(d))
                               for n, d in entries) + "\n]\n").encode("utf-8", "surrogateescape")

# make_sized: an APP_DIR whose checksum.json in FORM is exactly TARGET
# bytes: one file whose hex() crc is short ("0x1f"), files f0000..., and a
# last file whose name takes up the rest.
def make_sized(app, form, target):
    manifest = qp_manifest if form == "quecpython" else qb_manifest
    fixed = [("/usr/a_short", forge(b"short", 0x1f))]
    n = 0
    while True:
        ents = fixed + [("/usr/f%04d" % i, b"x") for i in range(n)]
        k = target - len(manifest(ents + [("/usr/z", b"x")]))
        if 0 <= k <= 200:
            break
        assert k > 0, "cannot reach %d bytes" % target
        n += 1
    ents.append(("/usr/z" + "z" * k, b"x"))
    os.makedirs(app)
    for name, data in ents:
        open(os.path.join(app, name[5:]), "wb").write(data)
    assert len(manifest(tree_entries(os.fsencode(app)))) == target
'

pyq() { # ARGS...: runs QP_LIB plus the code on stdin
    local code=''
    IFS= read -r -d '' code || true
    py "$QP_LIB$code" "$@"
}

# An app with what QuecPython's form must get right: a crc whose hex() is
# short (0x1f) and one that is zero (0x0), an empty file, a nested folder,
# a '"' and UTF-8 in names.
quecpython_app() {
    make_app "$APP"
    : >"$APP/empty.txt"
    pyq "$APP" <<'PYEOF'
app = os.fsencode(sys.argv[1])
open(os.path.join(app, b"b.py"), "wb").write(forge(b"# b\n", 0x1f))
open(os.path.join(app, b"lib", b"zero.bin"), "wb").write(forge(b"zero", 0))
open(os.path.join(app, b'q"uote.txt'), "wb").write(b"q")
open(os.path.join(app, "\u4e2d.py".encode()), "wb").write("print('\u4e2d')\n".encode())
PYEOF
}

case_pack_quecpython_form() {
    say "--format quecpython: the exact bytes of QuecPython's ujson.dumps(list), as in the issue's example"
    mkdir -p "$WORK/tiny"
    pyq "$WORK/tiny" <<'PYEOF'
open(os.path.join(sys.argv[1], "a.py"), "wb").write(forge(b"import utime\n", 0x5d3f1c2a))
open(os.path.join(sys.argv[1], "b.py"), "wb").write(forge(b"# b\n", 0x1f))
PYEOF
    run pack "$WORK/tiny" --bak "$WORK/tiny_bak" --format quecpython
    assert_exit 0 "pack --format quecpython"
    printf '[{"name": "/usr/a.py", "crc32": "0x5d3f1c2a"}, {"name": "/usr/b.py", "crc32": "0x1f"}]' >"$T/want"
    assert_file_eq "$WORK/tiny_bak/checksum.json" "$T/want" "the QuecPython form"

    quecpython_app
    say "a richer tree: hex() without leading zeros (0x1f, 0x0), no size, one line, no newline at the end"
    run pack "$APP" --bak "$BAK" --usr "$USR" --format quecpython
    assert_exit 0 "pack --format quecpython"
    pyq "$APP" "$BAK/checksum.json" <<'PYEOF' || fail "the QuecPython form of $BAK/checksum.json"
app, path = os.fsencode(sys.argv[1]), sys.argv[2]
got = open(path, "rb").read()
want = qp_manifest(tree_entries(app))
assert got == want, "got  %r\nwant %r" % (got, want)
for piece in (b'{"name": "/usr/b.py", "crc32": "0x1f"}', b'{"name": "/usr/lib/zero.bin", "crc32": "0x0"}',
              b'{"name": "/usr/empty.txt", "crc32": "0xffffffff"}', b'"/usr/q\\"uote.txt"',
              '"/usr/\u4e2d.py"'.encode()):
    assert piece in got, "%r not in %r" % (piece, got)
assert b"\n" not in got and b'"size"' not in got, got
PYEOF
    say "the user manifest and its shadow are the same bytes"
    assert_file_eq "$USR/checksum.json" "$BAK/checksum.json" "user and backup manifests"
    assert_file_eq "$USR/.qpybak/checksum.json" "$USR/checksum.json" "shadow and primary"
    say "one warning, naming the empty file; the summary gives the manifest's byte count"
    size=$(stat -c %s "$BAK/checksum.json")
    assert_contains "$OUT" '^warning +/usr/empty\.txt: empty file: QuecPython firmware restores it at every boot' "empty-file warning"
    [ "$(grep -c '^warning' "$OUT")" = 1 ] || fail "expected exactly one warning line"
    assert_contains "$OUT" "^pack: 11 files, [0-9]+ bytes, checksum.json $size bytes in QuecPython's form, backup restoration enabled\$" "summary"
    say "qpybak reads the form: status 0, boot 0 writing nothing"
    status
    assert_exit 0 "status of a device packed in QuecPython's form"
    save_state packed
    boot
    assert_exit 0 "boot"
    assert_state_unchanged packed "boot of a device packed in QuecPython's form"
    say "--json: format, manifest_bytes and the warning"
    run pack "$APP" --bak "$WORK/b2" --format=quecpython --json
    assert_exit 0 "pack --format=quecpython --json"
    assert_file_eq "$WORK/b2/checksum.json" "$BAK/checksum.json" "--format=quecpython"
    assert_json "$OUT" "d['format'] == 'quecpython' and d['manifest_bytes'] == $size and d['files'] == 11 and len(d['warnings']) == 1 and d['warnings'][0].startswith('/usr/empty.txt: empty file: QuecPython firmware restores it at every boot')" "pack --json"
    say "the default form (and --format qpybak, the same bytes) does not warn about empty files"
    run pack "$APP" --bak "$WORK/b3"
    assert_exit 0 "pack"
    assert_not_contains "$OUT" '^warning' "warnings of the default form"
    run pack "$APP" --bak "$WORK/b4" --format qpybak
    assert_exit 0 "pack --format qpybak"
    assert_file_eq "$WORK/b4/checksum.json" "$WORK/b3/checksum.json" "--format qpybak and the default"
    assert_entry "$WORK/b3/checksum.json" /usr/empty.txt 0xffffffff 0
}

case_pack_quecpython_limit() {
    say "--format quecpython: a manifest of exactly 16384 bytes is packed"
    pyq "$APP" <<'PYEOF'
make_sized(sys.argv[1], "quecpython", 16384)
PYEOF
    run pack "$APP" --bak "$BAK" --usr "$USR" --format quecpython --json
    assert_exit 0 "pack of a 16384-byte manifest"
    [ "$(stat -c %s "$BAK/checksum.json")" = 16384 ] || fail "checksum.json is $(stat -c %s "$BAK/checksum.json") bytes, not 16384"
    pyq "$APP" "$BAK/checksum.json" <<'PYEOF' || fail "the 16384-byte manifest"
assert open(sys.argv[2], "rb").read() == qp_manifest(tree_entries(os.fsencode(sys.argv[1])))
PYEOF
    assert_json "$OUT" "d['manifest_bytes'] == 16384 and d['warnings'] == []" "pack --json"
    say "one byte more is refused: exit 2, one line naming the path, the byte count and the limit, nothing written"
    APP=$WORK/app2
    pyq "$APP" <<'PYEOF'
make_sized(sys.argv[1], "quecpython", 16385)
PYEOF
    refused "a 16385-byte QuecPython manifest" "$APP" --format quecpython
    assert_contains "$ERR" "^qpybak: $WORK/out_bak/checksum.json: would be 16385 bytes, more than the 16384 bytes QuecPython firmware reads \(--format quecpython\)\$" "the refusal"
    say "the same tree in the default form is packed"
    run pack "$APP" --bak "$WORK/b2"
    assert_exit 0 "pack of the same tree in qpybak's form"
    say "far above the limit, the names alone decide: refused, 'at least N bytes'"
    APP=$WORK/app3
    mkdir -p "$APP"
    for i in $(seq 1 400); do printf '%d' "$i" >"$APP/file$i.py"; done
    refused "400 files" "$APP" --format quecpython
    assert_contains "$ERR" "^qpybak: $WORK/out_bak/checksum.json: would be at least [0-9]+ bytes, more than the 16384 bytes QuecPython firmware reads" "the refusal"
}

case_pack_size_warning() {
    say "the default form: no warning at 16384 bytes"
    pyq "$APP" <<'PYEOF'
make_sized(sys.argv[1], "qpybak", 16384)
PYEOF
    run pack "$APP" --bak "$BAK" --usr "$USR"
    assert_exit 0 "pack"
    [ "$(stat -c %s "$BAK/checksum.json")" = 16384 ] || fail "checksum.json is $(stat -c %s "$BAK/checksum.json") bytes, not 16384"
    pyq "$APP" "$BAK/checksum.json" <<'PYEOF' || fail "the 16384-byte manifest"
assert open(sys.argv[2], "rb").read() == qb_manifest(tree_entries(os.fsencode(sys.argv[1])))
PYEOF
    assert_not_contains "$OUT" '^warning' "pack of a 16384-byte manifest"
    assert_contains "$OUT" "^pack: [0-9]+ files, [0-9]+ bytes, checksum.json 16384 bytes, backup restoration enabled\$" "summary"
    say "one byte more: packed, with a warning that QuecPython firmware reads only the first 16384 bytes"
    APP=$WORK/app2
    pyq "$APP" <<'PYEOF'
make_sized(sys.argv[1], "qpybak", 16385)
PYEOF
    run pack "$APP" --bak "$WORK/b2" --usr "$WORK/u2"
    assert_exit 0 "pack of a 16385-byte manifest"
    [ "$(stat -c %s "$WORK/b2/checksum.json")" = 16385 ] || fail "checksum.json is not 16385 bytes"
    assert_contains "$OUT" '^warning +checksum\.json is 16385 bytes: QuecPython firmware reads only the first 16384 bytes of checksum\.json; qpybak reads any size$' "size warning"
    [ "$(grep -c '^warning' "$OUT")" = 1 ] || fail "expected exactly one warning line"
    assert_contains "$OUT" "^pack: [0-9]+ files, [0-9]+ bytes, checksum.json 16385 bytes, backup restoration enabled\$" "summary"
    run pack "$APP" --bak "$WORK/b3" --json
    assert_exit 0 "pack --json"
    assert_json "$OUT" "d['manifest_bytes'] == 16385 and d['format'] == 'qpybak' and len(d['warnings']) == 1 and d['warnings'][0].startswith('checksum.json is 16385 bytes: QuecPython firmware reads only the first 16384 bytes')" "pack --json"
}

case_pack_format_option() {
    make_app "$APP"
    say "--format takes qpybak or quecpython, for pack only"
    run pack "$APP" --bak "$BAK" --format QuecPython
    assert_exit 2 "an unknown --format"
    assert_stderr_one_line
    assert_contains "$ERR" "^qpybak: --format QuecPython: unknown format: qpybak or quecpython" "the error"
    assert_absent "$BAK"
    run pack "$APP" --bak "$BAK" --format
    assert_exit 2 "--format without a value"
    assert_stderr_one_line
    run pack "$APP" --bak "$BAK" --format=
    assert_exit 2 "--format= without a value"
    run pack "$APP" --bak "$BAK" --format qpybak --format quecpython
    assert_exit 2 "--format twice"
    assert_contains "$ERR" "given twice" "the error"
    assert_absent "$BAK"
    pack_factory
    boot --format quecpython
    assert_exit 2 "boot --format"
    assert_contains "$ERR" "not an option of 'boot'" "the error"
}

run_case
