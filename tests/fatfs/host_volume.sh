#!/usr/bin/env bash
# SPDX-FileCopyrightText: 2026 The qpybak authors
# SPDX-License-Identifier: Apache-2.0
# qpybak on real FAT volumes: two images made by mkfs.vfat, filled with a
# packed tree by mtools, damaged with mtools (files and a folder deleted, a
# file overwritten, the primary manifest deleted), then status, boot, status,
# an edit and calc run through fusefat mounts, and fsck.fat -n must find both
# volumes clean.  Skipped with one line where a tool or /dev/fuse is missing.
# Usage: host_volume.sh QPYBAK_COMMAND
set -euo pipefail
qpybak=$1

skip() {
    echo "skipped: $*"
    exit 77
}
for tool in mkfs.vfat mcopy mdel mdeltree mtype fusefat fusermount fsck.fat; do
    command -v "$tool" >/dev/null || skip "$tool not found (Debian: dosfstools, mtools, fusefat)"
done
[ -c /dev/fuse ] && [ -r /dev/fuse ] && [ -w /dev/fuse ] || skip "no usable /dev/fuse here"

work=$(mktemp -d)
cleanup() {
    for m in "$work/usr" "$work/bak"; do
        mountpoint -q "$m" 2>/dev/null && fusermount -u "$m"
    done
    rm -rf "$work"
}
trap cleanup EXIT
export MTOOLS_SKIP_CHECK=1 # images without a partition table or geometry
fail() {
    echo "FAIL: $*" >&2
    exit 1
}

mkdir -p "$work/app/lib" "$work/usr" "$work/bak"
printf 'import lib.net\nlib.net.start()\n' >"$work/app/main.py"
printf 'def start():\n    return 1\n' >"$work/app/lib/net.py"
printf '{"apn": "cmnet"}\n' >"$work/app/apn_cfg.json"
"$qpybak" pack "$work/app" --bak "$work/packed_bak" --usr "$work/packed_usr" --quiet

mkfs.vfat -C "$work/usr.img" 2048 >/dev/null
mkfs.vfat -C "$work/bak.img" 1024 >/dev/null
mcopy -s -i "$work/usr.img" "$work/packed_usr"/* "$work/packed_usr/.qpybak" ::/
mcopy -s -i "$work/bak.img" "$work/packed_bak"/* ::/

# The damage, on the image itself.
mdel -i "$work/usr.img" ::/main.py ::/checksum.json
mdeltree -i "$work/usr.img" ::/lib
printf 'import os\n' >"$work/edited"
mcopy -o -i "$work/usr.img" "$work/edited" ::/apn_cfg.json

mount_both() {
    fusefat -o rw+ "$work/usr.img" "$work/usr" >/dev/null 2>&1 ||
        skip "fusefat cannot mount here (no FUSE permission in this container?)"
    fusefat -o ro "$work/bak.img" "$work/bak" >/dev/null 2>&1 || fail "fusefat: /bak"
}
unmount_both() {
    fusermount -u "$work/usr"
    fusermount -u "$work/bak"
}
run() { # expected exit status, then the command's arguments
    local want=$1 got=0
    shift
    "$qpybak" "$@" --usr "$work/usr" --bak "$work/bak" >"$work/out" 2>&1 || got=$?
    [ "$got" -eq "$want" ] || { cat "$work/out" >&2; fail "qpybak $1 exited $got, expected $want"; }
}

mount_both
run 1 status
grep -q "2 missing, 1 modified" "$work/out" || { cat "$work/out"; fail "status before boot"; }
run 0 boot
grep -q "3 restored" "$work/out" || { cat "$work/out"; fail "boot did not restore 3"; }
run 0 status
grep -q "3 ok" "$work/out" || { cat "$work/out"; fail "status after boot"; }
# A legitimate edit, recorded by calc (its two manifests replaced on FAT).
# The edit is made with mtools: fusefat 0.1a damages the volume when it
# truncates an existing file (the free cluster fsck.fat then finds is
# fusefat's, whatever wrote through it; qpybak never truncates).
unmount_both
printf '{"apn": "iot.example"}\n' >"$work/edited"
mcopy -o -i "$work/usr.img" "$work/edited" ::/apn_cfg.json
mount_both
"$qpybak" calc --usr "$work/usr" --bak "$work/bak" /usr/apn_cfg.json >/dev/null || fail "calc"
run 0 status
unmount_both

for img in usr bak; do
    fsck.fat -n "$work/$img.img" >"$work/fsck" 2>&1 || { cat "$work/fsck"; fail "fsck.fat -n: $img.img"; }
done
[ "$(mtype -i "$work/usr.img" ::/main.py)" = "$(cat "$work/app/main.py")" ] || fail "main.py"
[ "$(mtype -i "$work/usr.img" ::/lib/net.py)" = "$(cat "$work/app/lib/net.py")" ] || fail "lib/net.py"
[ "$(mtype -i "$work/usr.img" ::/apn_cfg.json)" = '{"apn": "iot.example"}' ] || fail "the edit"
mtype -i "$work/usr.img" ::/checksum.json | grep -q '"name": "/usr/apn_cfg.json"' || fail "manifest"
echo "FAT volumes (mkfs.vfat, fusefat $(dpkg-query -W -f='${Version}' fusefat 2>/dev/null || echo '?')):" \
    "status, boot (3 restored), calc, status ok; fsck.fat -n clean on both"
