#!/usr/bin/env bash
# SPDX-FileCopyrightText: 2026 The qpybak authors
# SPDX-License-Identifier: Apache-2.0
# examples/demo.sh BUILD_DIR
#
# A narrated tour of qpybak on the example application (examples/app): pack
# it into a backup and a user partition, then damage the user partition in
# each way the QuecPython document lists, one at a time, and watch `qpybak
# boot` put it right.  BUILD_DIR is the directory that holds the `qpybak`
# binary (or the binary itself).  Exits 0 when every restore happened; stops
# loudly at the first one that did not.
set -euo pipefail

usage() { echo "usage: $0 BUILD_DIR" >&2; exit 2; }
[ $# = 1 ] || usage
if [ -f "$1" ] && [ -x "$1" ]; then QPYBAK=$1; else QPYBAK=$1/qpybak; fi
[ -x "$QPYBAK" ] || { echo "demo: no qpybak binary at $QPYBAK (build first)" >&2; exit 2; }
QPYBAK=$(cd "$(dirname "$QPYBAK")" && pwd)/$(basename "$QPYBAK")
APP=$(cd "$(dirname "$0")/app" && pwd)

WORK=$(mktemp -d "${TMPDIR:-/tmp}/qpybak-demo.XXXXXX")
trap 'rm -rf "$WORK"' EXIT
cd "$WORK" # the two partitions are ./bak and ./usr

fail() { echo; echo "DEMO FAILED: $*" >&2; exit 1; }
step() { echo; echo "=== $*"; }
note() { echo "--- $*"; }

# q EXPECTED_STATUS ARGS...: show and run a qpybak command, insist on its status.
q() {
    local want=$1 rc=0
    shift
    echo "\$ qpybak $*"
    "$QPYBAK" "$@" || rc=$?
    [ "$rc" = "$want" ] || fail "qpybak $* exited $rc, expected $want"
}

# factory FILE...: each user file is byte-identical to the factory copy.
factory() {
    local f
    for f in "$@"; do
        echo "\$ diff -u examples/app/$f usr/$f"
        diff -u "$APP/$f" "usr/$f" || fail "/usr/$f was not restored to the factory copy"
        echo "ok: /usr/$f is identical to the factory copy"
    done
}

# all_factory: the whole user partition (but qpybak's own files, and the
# files named as arguments) matches examples/app.
all_factory() {
    local x=(-x checksum.json -x .qpybak) f
    for f in "$@"; do x+=(-x "$f"); done
    diff -r "${x[@]}" "$APP" usr || fail "the user partition differs from the factory copy"
    echo "ok: the user partition matches the factory copy${1:+ (but $*)}"
}

step "1. Pack examples/app, as QPYcom's \"backup\" option does"
q 0 pack "$APP" --bak bak --usr usr
note "backup partition:"; (cd bak && find . -type f | sort)
note "bak/backup_restore.json: $(cat bak/backup_restore.json)"
note "bak/checksum.json:"; cat bak/checksum.json
q 0 boot --usr usr --bak bak
note "an intact device: boot checks every file and writes nothing"
[ ! -e usr/.qpybak/boot.json ] || fail "an intact boot wrote a report"

step "2. The user deletes /usr/checksum.json by accident"
rm usr/checksum.json
q 1 status --usr usr --bak bak
q 0 boot --usr usr --bak bak
[ -f usr/checksum.json ] || fail "/usr/checksum.json was not put back"
cmp -s usr/checksum.json usr/.qpybak/checksum.json || fail "primary and shadow manifests differ"
echo "ok: /usr/checksum.json is back (from qpybak's shadow copy)"
all_factory

step "3. A tracked file is deleted"
rm usr/apn_cfg.json
q 1 status --usr usr --bak bak
q 0 boot --usr usr --bak bak
factory apn_cfg.json

step "4. A file is edited by hand, without file_crc32.calc"
sed -i 's/"replFlag": 0/"replFlag": 1/' usr/system_config.json
diff -u "$APP/system_config.json" usr/system_config.json || true
q 1 status --usr usr --bak bak
q 0 boot --usr usr --bak bak
factory system_config.json

step "4b. The same kind of edit, made legitimate with calc: boot keeps it"
sed -i 's/factory-s3cret/n3w-s3cret/' usr/usr_cfg.json
q 0 calc --usr usr /usr/usr_cfg.json
q 0 status --usr usr --bak bak
q 0 boot --usr usr --bak bak
grep -q n3w-s3cret usr/usr_cfg.json || fail "boot undid a legitimate (calc'd) edit"
echo "ok: /usr/usr_cfg.json keeps the new password"

step "5. A power cut truncates /usr/main.py mid-write"
truncate -s 100 usr/main.py
q 1 status --usr usr --bak bak
q 0 boot --usr usr --bak bak
factory main.py

step "6. The whole lib/ folder is deleted"
rm -rf usr/lib
q 1 status --usr usr --bak bak
q 0 boot --usr usr --bak bak
factory lib/net.py lib/util.py

step "7. The report the last boot left for the application: /usr/.qpybak/boot.json"
[ -f usr/.qpybak/boot.json ] || fail "no boot report"
if command -v python3 >/dev/null; then python3 -m json.tool usr/.qpybak/boot.json; else cat usr/.qpybak/boot.json; fi

step "8. Everything is back"
q 0 status --usr usr --bak bak
all_factory usr_cfg.json
echo
echo "demo: every damage was repaired."
