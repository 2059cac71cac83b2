#!/usr/bin/env bash
# SPDX-FileCopyrightText: 2026 The qpybak authors
# SPDX-License-Identifier: Apache-2.0
# The boot service, as installed (the DESTDIR tree of package.install):
# - qpybak-boot.service has the properties the integration needs, and the
#   preset ships it disabled;
# - systemd-analyze verify finds nothing in it, nor in a boot where it and
#   an application that requires it are enabled (no ordering cycle);
# - its ExecStart line, with /etc/default/qpybak's variables, run against a
#   temporary tree: exit status 0 and boot.json after a restore, 1 when
#   damage remains, 2 for a missing partition;
# - the generator writes RequiresMountsFor= from /etc/default/qpybak;
# - the BusyBox/SysV script passes shellcheck and does the same under dash
#   and busybox sh.
. "$(dirname "$0")/lib.sh"
need python3 "Debian package python3"
d=$QPYBAK_DESTDIR
w=$(fresh service)
q=$d$QPYBAK_BINDIR/qpybak
unit=$d$QPYBAK_SYSTEMDDIR/system/qpybak-boot.service
defaults=$d$QPYBAK_SYSCONFDIR/default/qpybak
init=$d$QPYBAK_SYSCONFDIR/init.d/qpybak-boot
gen=$d$QPYBAK_SYSTEMDDIR/system-generators/qpybak-boot-generator
preset=$d$QPYBAK_SYSTEMDDIR/system-preset/90-qpybak.preset
[ "$QPYBAK_INSTALL_SYSTEMD" = ON ] && [ "$QPYBAK_INSTALL_SYSVINIT" = ON ] ||
    skip "built with QPYBAK_INSTALL_SYSTEMD or QPYBAK_INSTALL_SYSVINIT off"
skipped=()

# --- the unit's properties ---------------------------------------------------------
has() { grep -qxF "$1" "$unit" || fail "qpybak-boot.service lacks: $1"; }
has "Type=oneshot"
has "RemainAfterExit=yes"
has "DefaultDependencies=no"
has "RequiresMountsFor=$QPYBAK_SERVICE_USR_DIR $QPYBAK_SERVICE_BAK_DIR"
has "Before=sysinit.target shutdown.target"
has "Conflicts=shutdown.target"
has "EnvironmentFile=-$QPYBAK_SYSCONFDIR/default/qpybak"
has "WantedBy=sysinit.target"
grep -qxF "disable qpybak-boot.service" "$preset" || fail "the preset does not disable qpybak-boot.service"
ok "unit: oneshot, RemainAfterExit, no default dependencies, the mounts, before sysinit.target; preset: disabled"

# --- systemd-analyze verify ------------------------------------------------------
if command -v systemd-analyze >/dev/null; then
    u=$w/units
    mkdir -p "$u/sysinit.target.wants" "$u/multi-user.target.wants"
    # The unit as installed; its command from the DESTDIR tree.
    sed "s|^ExecStart=$QPYBAK_BINDIR/qpybak |ExecStart=$q |" "$unit" >"$u/qpybak-boot.service"
    cat >"$u/example-app.service" <<APP
[Unit]
Description=An application that must not start on damaged files
Requires=qpybak-boot.service
After=qpybak-boot.service

[Service]
ExecStart=/bin/true

[Install]
WantedBy=multi-user.target
APP
    for dir in "$QPYBAK_SERVICE_USR_DIR" "$QPYBAK_SERVICE_BAK_DIR"; do
        m=$(systemd-escape -p --suffix=mount "$dir")
        printf '[Mount]\nWhat=/dev/disk/by-partlabel/%s\nWhere=%s\nType=ext4\n\n[Install]\nWantedBy=local-fs.target\n' \
            "${dir##*/}" "$dir" >"$u/$m"
    done
    # Enabled, as `systemctl enable` would.
    ln -s ../qpybak-boot.service "$u/sysinit.target.wants/"
    ln -s ../example-app.service "$u/multi-user.target.wants/"
    export SYSTEMD_UNIT_PATH=$u:
    out=$(MANPATH=$d$QPYBAK_MANDIR systemd-analyze verify "$u/qpybak-boot.service" "$u/example-app.service" 2>&1) ||
        { echo "$out"; fail "systemd-analyze verify"; }
    [ -z "$out" ] || { echo "$out"; fail "systemd-analyze verify: the messages above"; }
    # The whole boot transaction: messages about this system's own units are
    # not ours (shown, not fatal); any about ours, or a cycle, are.
    out=$(systemd-analyze verify --man=no multi-user.target 2>&1) || { echo "$out"; fail "systemd-analyze verify multi-user.target"; }
    [ -z "$out" ] || echo "$out"
    if grep -qiE 'qpybak|example-app|cycle|data-qpybak' <<<"$out"; then
        fail "systemd-analyze verify multi-user.target, the unit enabled: the messages above"
    fi
    unset SYSTEMD_UNIT_PATH
    ok "systemd-analyze verify: the unit, its man page, a boot with it and an application enabled"
else
    skipped+=("systemd-analyze not found (Debian package systemd)")
fi

# --- ExecStart against a temporary tree ------------------------------------------------
# The installed defaults must parse, then point at the temporary tree.
(set -eu; . "$defaults"; [ -n "$QPYBAK_USR" ] && [ -n "$QPYBAK_BAK" ] && [ "${QPYBAK_OPTIONS+set}" = set ]) ||
    fail "$defaults does not set QPYBAK_USR, QPYBAK_BAK and QPYBAK_OPTIONS"
make_partitions "$q" "$w/t"
sed -e "s|^QPYBAK_USR=.*|QPYBAK_USR=$w/t/usr|" -e "s|^QPYBAK_BAK=.*|QPYBAK_BAK=$w/t/bak|" "$defaults" >"$w/default"

# exec_start [NAME=VALUE...]: run the unit's ExecStart= with the defaults.
exec_start() {
    local -a cmd
    mapfile -t cmd < <(set -a; . "$w/default"; for kv in "$@"; do export "${kv?}"; done; python3 "$QPYBAK_SRC/tests/package/execstart.py" "$unit")
    [ "${cmd[0]}" = "$QPYBAK_BINDIR/qpybak" ] || fail "ExecStart runs ${cmd[0]}, not $QPYBAK_BINDIR/qpybak"
    cmd[0]=$q
    "${cmd[@]}"
}
report() { python3 -c 'import json,sys; r=json.load(open(sys.argv[1])); print(r["command"], *sorted(f["state"] for f in r["files"]))' "$w/t/usr/.qpybak/boot.json"; }

rm "$w/t/usr/main.py"
printf 'edited\n' >>"$w/t/usr/apn_cfg.json"
expect_status 0 exec_start
[ "$(report)" = "boot restored restored" ] || fail "boot.json after a restore: $(report)"
cmp -s "$w/t/app/main.py" "$w/t/usr/main.py" || fail "main.py not restored"
ok "ExecStart: restored, exit status 0, boot.json says so"

# Damage in the backup copy too: damage remains.
printf 'x' >>"$w/t/bak/usr/lib/util.py"
printf 'y' >>"$w/t/usr/lib/util.py"
expect_status 1 exec_start
[ "$(report)" = "boot unrecoverable" ] || fail "boot.json with damage remaining: $(report)"
ok "ExecStart: damage remains, exit status 1, boot.json says unrecoverable"

# QPYBAK_OPTIONS is split into words.
exec_start QPYBAK_OPTIONS="--json -v" >"$w/boot.json-out" || true
python3 -c 'import json,sys; r=json.load(open(sys.argv[1])); assert len(r["files"]) == 3, r' "$w/boot.json-out" ||
    fail "ExecStart with QPYBAK_OPTIONS='--json -v' did not print every entry as JSON"
expect_status 2 exec_start QPYBAK_BAK="$w/t/no-such-partition"
ok "ExecStart: QPYBAK_OPTIONS words; a missing partition is exit status 2"

# --- the generator ------------------------------------------------------------------------
sed "s|^defaults=.*|defaults=$w/default|" "$gen" >"$w/generator"
sh "$w/generator" "$w/gen-out" "$w/gen-early" "$w/gen-late"
grep -qxF "RequiresMountsFor=$w/t/usr $w/t/bak" "$w/gen-out/qpybak-boot.service.d/50-mounts.conf" ||
    fail "generator: $(cat "$w/gen-out/qpybak-boot.service.d/50-mounts.conf")"
sed "s|^defaults=.*|defaults=$w/no-such-file|" "$gen" >"$w/generator-none"
sh "$w/generator-none" "$w/gen-none"
[ ! -e "$w/gen-none/qpybak-boot.service.d" ] || fail "generator wrote a drop-in without a defaults file"
ok "generator: RequiresMountsFor= from the defaults file"

# --- the SysV / BusyBox script -------------------------------------------------------------
if command -v shellcheck >/dev/null; then
    shellcheck -s sh "$init" "$gen" || fail "shellcheck"
    ok "shellcheck (sh): init script and generator"
else
    skipped+=("shellcheck not found (Debian package shellcheck)")
fi
sed -e "s|^QPYBAK=.*|QPYBAK=$q|" -e "s|^defaults=.*|defaults=$w/default|" "$init" >"$w/init"
shells=(dash)
if command -v busybox >/dev/null; then shells+=("busybox sh"); else skipped+=("busybox not found (Debian package busybox)"); fi
for sh in "${shells[@]}"; do
    rm -rf "$w/t"
    make_partitions "$q" "$w/t"
    rm "$w/t/usr/main.py"
    # shellcheck disable=SC2086
    expect_status 0 $sh "$w/init" start >"$w/init.out"
    grep -q '^restored *' "$w/init.out" || fail "$sh: init start printed: $(cat "$w/init.out")"
    # shellcheck disable=SC2086
    expect_status 0 $sh "$w/init" status >/dev/null
    printf 'x' >>"$w/t/bak/usr/lib/util.py"
    printf 'y' >>"$w/t/usr/lib/util.py"
    # shellcheck disable=SC2086
    expect_status 1 $sh "$w/init" start >/dev/null 2>"$w/init.err"
    grep -q 'damage remains' "$w/init.err" || fail "$sh: init start: $(cat "$w/init.err")"
    # shellcheck disable=SC2086
    expect_status 0 $sh "$w/init" stop
    # shellcheck disable=SC2086
    expect_status 2 $sh "$w/init" bogus 2>/dev/null
    ok "init script under $sh: start 0 then 1, status, stop, usage"
done

if [ ${#skipped[@]} -gt 0 ]; then
    skip "the rest passed; not checked: ${skipped[*]}"
fi
