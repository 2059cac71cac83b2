#!/usr/bin/env bash
# SPDX-FileCopyrightText: 2026 The qpybak authors
# SPDX-License-Identifier: Apache-2.0
# The enable flag /bak/backup_restore.json: off in every doubtful case, and
# then boot changes nothing and exits 0.
. "$(dirname "$0")/lib.sh"

# damaged_device: a factory device with a deleted file, an edited file and no
# user manifest: a boot that ran would change all three.
damaged_device() {
    pack_factory
    rm "$USR/apn_cfg.json" "$USR/checksum.json"
    printf 'edited\n' >"$USR/main.py"
}

# expect_off WHAT: boot and status leave everything as it is, exit 0.
expect_off() {
    save_state off
    boot
    assert_exit 0 "boot, flag $1"
    assert_contains "$OUT" '^boot: off' "boot's one line when off"
    [ "$(wc -l <"$OUT")" = 1 ] || fail "boot, flag $1: one line of output expected when off"
    assert_state_unchanged off "boot with the flag $1"
    boot --json
    assert_exit 0 "boot --json, flag $1"
    assert_json "$OUT" 'd["enabled"] is False and isinstance(d["off_reason"], str) and d["off_reason"]' "enabled/off_reason, flag $1"
    assert_json "$OUT" 'sorted(d["counts"]) == sorted(["ok", "missing", "modified", "restored", "unrecoverable", "invalid"])' "counts, flag $1"
    assert_state_unchanged off "boot --json with the flag $1"
    status
    assert_exit 0 "status, flag $1"
    assert_state_unchanged off "status with the flag $1"
    assert_absent "$USR/.qpybak/boot.json" "a boot report (feature off)"
}

case_flag_missing() {
    damaged_device
    rm "$BAK/backup_restore.json"
    say "flag file missing: feature off"
    expect_off missing
}

case_flag_enable_zero() {
    damaged_device
    write_flag '{"enable": 0}'
    say '{"enable": 0}: feature off'
    expect_off '{"enable": 0}'
}

case_flag_enable_false() {
    damaged_device
    write_flag '{"enable": false}'
    say '{"enable": false}: feature off'
    expect_off '{"enable": false}'
}

case_flag_malformed() {
    damaged_device
    local flags=(
        ''
        '{"enable": 1'
        '{enable: 1}'
        '[{"enable": 1}]'
        '{"enable": "1"}'
        '{"enable": null}'
        '{"Enable": 1}'
        '{}'
        'enable=1'
        '1'
        '{"enable": 1}}'
        '{"enable": 1} x'
    )
    for f in "${flags[@]}"; do
        say "flag '$f': malformed, feature off"
        write_flag "$f"
        expect_off "'$f'"
    done
    say "flag with a NUL byte and binary junk: off"
    printf '{"enable":\x00 1}' >"$BAK/backup_restore.json"
    expect_off "with a NUL"
    say "flag that is a directory: off"
    rm "$BAK/backup_restore.json"
    mkdir "$BAK/backup_restore.json"
    expect_off "a directory"
}

case_flag_oversized() {
    damaged_device
    say "an oversized flag (valid JSON, over 4096 bytes of whitespace): off"
    { printf '{"enable": 1'; head -c 8192 /dev/zero | tr '\0' ' '; printf '}'; } >"$BAK/backup_restore.json"
    expect_off oversized
}

case_flag_on_forms() {
    local flags=(
        '{"enable": 1}'
        '{"enable":1}'
        '{"enable": true}'
        '{"enable": 2}'
        ' { "other": [1, {"x": "y"}], "enable" : 1 }\n'
    )
    pack_factory
    for f in "${flags[@]}"; do
        say "flag '$f': on, a deleted file is restored"
        write_flag "$(printf "%b" "$f")"
        rm "$USR/apn_cfg.json"
        boot --json
        assert_exit 0 "boot, flag '$f'"
        assert_json "$OUT" 'd["enabled"] is True and d["off_reason"] is None' "enabled"
        assert_file_eq "$USR/apn_cfg.json" "$APP/apn_cfg.json"
    done
}

case_pack_disabled() {
    make_app "$APP"
    say "pack --disabled writes {\"enable\": 0}; boot then does nothing"
    run pack "$APP" --bak "$BAK" --usr "$USR" --disabled
    assert_exit 0 "pack --disabled"
    assert_json "$BAK/backup_restore.json" 'd == {"enable": 0}' "backup_restore.json"
    rm "$USR/main.py"
    save_state off
    boot
    assert_exit 0 "boot, disabled"
    assert_state_unchanged off "boot, disabled"
}

run_case
