# SPDX-FileCopyrightText: 2026 The qpybak authors
# SPDX-License-Identifier: Apache-2.0
# tests/scenario/lib.sh - the scenario tests' helpers.  Sourced by every t_*.sh.
#
#   bash t_restore.sh QPYBAK_BINARY CASE
#
# runs the function case_CASE of that script in a fresh temporary directory
# (removed afterwards, also on failure).  A case prints what it checks
# ("check: ...") and stops at the first failed assertion with a message that
# says what was expected and what was found, plus the last command's output.
#
# Layout of a case's temporary directory ($WORK):
#   app/          the application folder given to `qpybak pack`
#   dev/usr/      the user partition (--usr)
#   dev/bak/      the backup partition (--bak)
#   dev/outside, dev/canary/   canaries beside the two roots: never touched
#   t/            this harness's own files (command output, snapshots)

set -Eeuo pipefail

QPYBAK=${1:?usage: $0 QPYBAK_BINARY CASE}
CASE=${2:?usage: $0 QPYBAK_BINARY CASE}
case $QPYBAK in /*) ;; *) QPYBAK=$PWD/$QPYBAK ;; esac
PY=${PYTHON3:-python3}
export LC_ALL=C

WORK=$(mktemp -d "${TMPDIR:-/tmp}/qpybak-scenario.XXXXXX")
PYPID=
cleanup() {
    exec 7>&- 8<&- 2>/dev/null || true
    if [ -n "$PYPID" ]; then wait "$PYPID" 2>/dev/null || true; fi
    rm -rf "$WORK"
}
trap cleanup EXIT
trap 'echo "FAIL: [$CASE] unexpected error (status $?) in: $BASH_COMMAND (line $LINENO)" >&2' ERR

APP=$WORK/app
D=$WORK/dev
USR=$D/usr
BAK=$D/bak
T=$WORK/t
OUT=$T/stdout
ERR=$T/stderr
mkdir -p "$D" "$T"
RC=0
LAST_CMD=

# The python side (helper.py): one process for the whole case, fed through
# two FIFOs; py CODE ARGS... runs CODE with sys.argv[1:] = ARGS and returns
# its status, its output on stdout and stderr.  pyh ARGS... reads CODE from
# stdin (a here-document).
mkfifo "$T/py.in" "$T/py.out"
"$PY" -u "$(dirname "${BASH_SOURCE[0]}")/helper.py" <"$T/py.in" >"$T/py.out" &
PYPID=$!
exec 7>"$T/py.in" 8<"$T/py.out"

py() {
    local a prc olen elen o='' e=''
    {
        printf '%d\n' $(($# ))
        for a in "$@"; do printf '%d\n%s' "${#a}" "$a"; done
    } >&7
    IFS=' ' read -r prc olen elen <&8 || { echo "FAIL: [$CASE] the python helper died" >&2; exit 1; }
    if [ "$olen" -gt 0 ]; then IFS= read -r -d '' -N "$olen" o <&8 || true; fi
    if [ "$elen" -gt 0 ]; then IFS= read -r -d '' -N "$elen" e <&8 || true; fi
    printf '%s' "$o"
    printf '%s' "$e" >&2
    return "$prc"
}

pyh() {
    local code=''
    IFS= read -r -d '' code || true
    py "$code" "$@"
}

# ------------------------------------------------------------------ output

say() { echo "check: $*"; }

show_last() {
    {
        echo "  command: $LAST_CMD"
        echo "  exit:    $RC"
        echo "  --- stdout ---"
        head -c 4000 "$OUT" 2>/dev/null | sed 's/^/  | /' || true
        echo "  --- stderr ---"
        head -c 4000 "$ERR" 2>/dev/null | sed 's/^/  | /' || true
    } >&2
}

fail() {
    echo "FAIL: [$CASE] $*" >&2
    show_last
    exit 1
}

# ---------------------------------------------------------------- commands

# run ARGS...: runs qpybak; stdout in $OUT, stderr in $ERR, status in $RC.
# A crash (killed by a signal) fails the case at once.
run() {
    LAST_CMD="qpybak $*"
    RC=0
    "$QPYBAK" "$@" >"$OUT" 2>"$ERR" || RC=$?
    if [ "$RC" -ge 128 ]; then
        fail "qpybak died with signal $((RC - 128)) (it must never crash)"
    fi
    return 0
}

boot() { run boot --usr "$USR" --bak "$BAK" "$@"; }
status() { run status --usr "$USR" --bak "$BAK" "$@"; }
calc() { run calc --usr "$USR" "$@"; }

# ------------------------------------------------------------- assertions

assert_exit() { # EXPECTED [WHAT]
    [ "$RC" = "$1" ] || fail "${2:-exit status}: expected exit $1, got $RC"
}

assert_file_eq() { # A B [WHAT]
    [ -f "$1" ] || fail "${3:-file} $1 does not exist"
    [ -f "$2" ] || fail "${3:-file} $2 does not exist"
    cmp -s "$1" "$2" || fail "${3:-files} differ: $1 vs $2 ($(wc -c <"$1") vs $(wc -c <"$2") bytes)"
}

assert_file_ne() { # A B [WHAT]
    cmp -s "$1" "$2" && fail "${3:-files} should differ but are identical: $1 vs $2"
    return 0
}

assert_exists() { [ -e "$1" ] || fail "${2:-} $1 should exist"; }
assert_absent() {
    if [ -e "$1" ] || [ -L "$1" ]; then fail "${2:-} $1 should not exist"; fi
}

assert_contains() { # FILE REGEX [WHAT]  (extended regex, grep -E)
    grep -Eq -- "$2" "$1" || fail "${3:-output}: expected a line matching /$2/ in $1"
}

assert_not_contains() { # FILE REGEX [WHAT]
    if grep -Eq -- "$2" "$1"; then fail "${3:-output}: unexpected line matching /$2/ in $1"; fi
}

assert_empty() { # FILE [WHAT]
    [ ! -s "$1" ] || fail "${2:-$1} should be empty"
}

assert_stderr_one_line() { # stderr is exactly one line "qpybak: ..."
    local n
    n=$(wc -l <"$ERR")
    [ "$n" = 1 ] || fail "stderr should be exactly one line, has $n"
    grep -Eq '^qpybak: .+' "$ERR" || fail "stderr should read 'qpybak: WHAT: WHY'"
}

# assert_json FILE EXPR [WHAT]: FILE must hold exactly one JSON value (nothing
# before or after it but whitespace); EXPR is a python expression over it, `d`.
# Helpers in EXPR: entry(name) -> the files[] element with that name;
# st(name) -> its state; re, json.
assert_json() {
    py 'check_json(*sys.argv[1:4])' "$1" "$2" "${3:-json}" || fail "${3:-json}: $2"
}

# ----------------------------------------------------------------- helpers

crc_of() { # FILE -> 0x%08x as QuecPython's file_crc32.calc
    py 'print(crc(sys.argv[1]))' "$1"
}

# manifest_entry MANIFEST NAME -> the entry as canonical JSON ("null" if absent)
manifest_entry() {
    py 'print(manifest_entry(sys.argv[1], sys.argv[2]))' "$1" "$2"
}

# assert_entry MANIFEST NAME CRC [SIZE]: the manifest's entry for NAME records
# CRC (compared as numbers) and, when given, SIZE.
assert_entry() {
    pyh "$@" <<'PYEOF' || fail "manifest $1: entry $2 should record crc $3 ${4:+size $4}"
path, name, want = sys.argv[1], sys.argv[2], int(sys.argv[3], 16)
size = int(sys.argv[4]) if len(sys.argv) > 4 else None
m = manifest_entries(path, name)
if len(m) != 1:
    sys.exit("%d entries named %s" % (len(m), name))
e = m[0]
if int(e["crc32"], 16) != want:
    sys.exit("crc32 is %s" % e["crc32"])
if size is not None and e.get("size") != size:
    sys.exit("size is %r" % e.get("size"))
PYEOF
}

# snapshot DIR [EXCLUDE_REGEX]: every path below DIR (relative) with its type,
# mode, size, mtime and content hash: equal snapshots mean nothing was written
# (no byte, no mtime, no file created or removed).
snapshot() {
    py 'print(snapshot(sys.argv[1], sys.argv[2] or None))' "$1" "${2:-}"
}

# assert_snapshot SNAPFILE DIR [EXCLUDE_REGEX] [WHAT]: DIR still matches the
# snapshot saved in SNAPFILE.
assert_snapshot() {
    py '
d = snapshot_diff(open(sys.argv[1]).read(), sys.argv[2], sys.argv[3] or None)
if d:
    sys.exit("\n".join(d[:20]))' "$1" "$2" "${3:-}" || fail "${4:-$2} was written (- before, + after)"
}

# trees_identical A B [EXCLUDE_REGEX]: same files, same bytes (relative paths
# matching EXCLUDE_REGEX left out).
trees_identical() {
    py '
d = diff_lines(listing(sys.argv[1], sys.argv[3] or None), listing(sys.argv[2], sys.argv[3] or None))
if d:
    sys.exit("\n".join(d[:20]))' "$1" "$2" "${3:-}" || fail "trees $1 (-) and $2 (+) differ"
}

# The user partition minus qpybak's own files: the application's files only.
QPYBAK_OWN='^checksum\.json$|^\.qpybak($|/)'

# usr_is_factory: every application file in usr equals its factory copy.
usr_is_factory() { trees_identical "$BAK/usr" "$USR" "$QPYBAK_OWN"; }

save_state() { # NAME: snapshot the two roots and the canaries
    snapshot "$D" >"$T/snap.$1"
}

assert_state_unchanged() { # NAME [WHAT]
    assert_snapshot "$T/snap.$1" "$D" "" "${2:-state}"
}

# ----------------------------------------------------------------- fixtures

# make_app DIR: a small QuecPython application (6 files, one subfolder).
make_app() {
    mkdir -p "$1/lib"
    printf 'import utime\nfrom usr.lib import util\ncfg = util.load_json("/usr/usr_cfg.json")\nprint("hello", cfg["server"])\n' >"$1/main.py"
    printf '{"apn": "cmnet", "username": "", "password": "", "authtype": 0}\n' >"$1/apn_cfg.json"
    printf '{"replFlag": 0, "datacallFlag": 1}\n' >"$1/system_config.json"
    printf '{"server": "10.0.0.1", "port": 8883, "password": "s3cret", "volume": 5}\n' >"$1/usr_cfg.json"
    printf 'import ujson\ndef load_json(p):\n    with open(p) as f:\n        return ujson.loads(f.read())\n' >"$1/lib/util.py"
    printf 'import usocket\ndef connect(host, port):\n    s = usocket.socket()\n    s.connect((host, port))\n    return s\n' >"$1/lib/net.py"
}

# pack_factory: packs $APP (made by make_app unless it exists) into $BAK and
# $USR, as a freshly flashed device; creates the canaries beside the roots.
pack_factory() {
    [ -d "$APP" ] || make_app "$APP"
    run pack "$APP" --bak "$BAK" --usr "$USR"
    assert_exit 0 "pack"
    [ -f "$BAK/checksum.json" ] || fail "pack wrote no $BAK/checksum.json"
    [ -f "$USR/checksum.json" ] || fail "pack wrote no $USR/checksum.json"
    mkdir -p "$D/canary"
    printf 'canary: must never be written\n' >"$D/canary/victim"
    printf 'outside: must never be written\n' >"$D/outside"
}

# A second, independent copy of the current device state, for running two
# commands on the same starting point: sets USR/BAK to the copy.
clone_device() { # NAME
    cp -a "$D" "$WORK/$1"
    D=$WORK/$1
    USR=$D/usr
    BAK=$D/bak
}

use_device() { # NAME (dev for the original)
    D=$WORK/$1
    USR=$D/usr
    BAK=$D/bak
}

write_flag() { printf '%s' "$1" >"$BAK/backup_restore.json"; }

# -------------------------------------------------------------------- main

run_case() {
    declare -F "case_$CASE" >/dev/null || { echo "no such case: $CASE" >&2; exit 2; }
    echo "== $(basename "$0") $CASE  (qpybak: $QPYBAK, work: $WORK)"
    [ -x "$QPYBAK" ] || { echo "FAIL: qpybak binary $QPYBAK is not executable" >&2; exit 1; }
    "case_$CASE"
    echo "PASS: $CASE"
}

# tty_run TTY_OUT STDOUT_FILE ENV ARGS...: runs qpybak with stderr (and
# stdout, when STDOUT_FILE is "-") on a pseudo-terminal; the raw bytes that
# reached the terminal go to TTY_OUT; $RC is the exit status.
tty_run() {
    local tty_out=$1 stdout_file=$2 env=$3
    shift 3
    LAST_CMD="qpybak $* (on a terminal)"
    RC=0
    py '
import os, pty, sys
tty_out, stdout_file, env, args = sys.argv[1], sys.argv[2], sys.argv[3], sys.argv[4:]
pid, fd = pty.fork()
if pid == 0:
    if stdout_file != "-":
        out = os.open(stdout_file, os.O_WRONLY | os.O_CREAT | os.O_TRUNC, 0o644)
        os.dup2(out, 1)
        os.close(out)
    e = dict(os.environ)
    for kv in env.split():
        k, v = kv.split("=", 1)
        e[k] = v
    os.execve(args[0], args, e)
data = b""
while True:
    try:
        chunk = os.read(fd, 65536)
    except OSError:
        break
    if not chunk:
        break
    data += chunk
_, status = os.waitpid(pid, 0)
open(tty_out, "wb").write(data)
sys.exit(os.waitstatus_to_exitcode(status))
' "$tty_out" "$stdout_file" "$env" "$QPYBAK" "$@" || RC=$?
}
