#!/usr/bin/env bash
# SPDX-FileCopyrightText: 2026 The qpybak authors
# SPDX-License-Identifier: Apache-2.0
# The enable flag /bak/backup_restore.json: on or off as QuecPython decides
# it (docs/format.md, "backup_restore.json"), with a warning for each form
# QuecPython reads and qpybak never writes and for each flag QuecPython's own
# code decides otherwise; off in every doubtful case, and then boot changes
# nothing and exits 0.
. "$(dirname "$0")/lib.sh"

# damaged_device: a factory device with a deleted file, an edited file and no
# user manifest: a boot that ran would change all three.
damaged_device() {
    pack_factory
    rm "$USR/apn_cfg.json" "$USR/checksum.json"
    printf 'edited\n' >"$USR/main.py"
}

QUEC="QuecPython's own code reads this flag otherwise"
FORM="flag read as QuecPython reads it"

# expect_off WHAT [WARNING...]: boot and status leave everything as it is,
# exit 0; boot prints its one line, after one "warning" line per WARNING
# (and no other), and --json lists them.
expect_off() {
    local what=$1 w
    shift
    save_state off
    boot
    assert_exit 0 "boot, flag $what"
    assert_contains "$OUT" '^boot: off' "boot's one line when off"
    [ "$(wc -l <"$OUT")" = $((1 + $#)) ] || fail "boot, flag $what: $((1 + $#)) line(s) of output expected when off"
    for w in "$@"; do
        assert_contains "$OUT" "^warning +$w\$" "boot's warning, flag $what"
    done
    assert_state_unchanged off "boot with the flag $what"
    boot --json
    assert_exit 0 "boot --json, flag $what"
    assert_json "$OUT" 'd["enabled"] is False and isinstance(d["off_reason"], str) and d["off_reason"]' "enabled/off_reason, flag $what"
    assert_json "$OUT" 'sorted(d["counts"]) == sorted(["ok", "missing", "modified", "restored", "unrecoverable", "invalid"])' "counts, flag $what"
    py 'import json, sys; d = json.load(open(sys.argv[1])); sys.exit(d["warnings"] != sys.argv[2:])' "$OUT" "$@" ||
        fail "boot --json, flag $what: warnings $(py 'import json, sys; print(json.load(open(sys.argv[1]))["warnings"])' "$OUT"), expected: $*"
    assert_state_unchanged off "boot --json with the flag $what"
    status
    assert_exit 0 "status, flag $what"
    assert_state_unchanged off "status with the flag $what"
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
        '{enable: 1}'
        '[{"enable": 1}]'
        '{"Enable": 1}'
        '{}'
        'enable=1'
        '1'
        '{"enable": 1}}'
        '{"enable": 1} x'
        '{"enable": 1,,}'
        '{,"enable": 1}'
        '{"enable":: 1}'
        '{"enable": 1 "x": 2}'
    )
    for f in "${flags[@]}"; do
        say "flag '$f': malformed, feature off"
        write_flag "$f"
        expect_off "'$f'"
    done
    say "flag '{\"enable\": 1' (cut short): malformed, off - QuecPython reads it, on"
    write_flag '{"enable": 1'
    expect_off "'{\"enable\": 1'" "$QUEC"
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
    say "QuecPython reads its first 64 bytes, on: said"
    expect_off oversized "$QUEC"
    { printf '{"enable": 1, "pad": "'; head -c 8192 /dev/zero | tr '\0' 'p'; printf '"}'; } >"$BAK/backup_restore.json"
    say "cut inside a string at 64 bytes, off for QuecPython too: nothing said"
    expect_off "oversized, a long string"
}

# As QuecPython decides: any string, null, an array or an object is on; the
# forms ujson reads are read the same way; each is warned about.
case_flag_quecpython_forms() {
    local flags=(
        '{"enable": "1"}'
        '{"enable": "0"}'
        '{"enable": ""}'
        '{"enable": null}'
        '{"enable": []}'
        '{"enable": {}}'
        '{"enable" 1}'
        '{"enable": 1,}'
        '{"enable": 0, "enable": 1}'
    )
    pack_factory
    for f in "${flags[@]}"; do
        say "flag '$f': on, said; a deleted file is restored"
        write_flag "$f"
        rm "$USR/apn_cfg.json"
        boot --json
        assert_exit 0 "boot, flag '$f'"
        assert_json "$OUT" 'd["enabled"] is True and d["off_reason"] is None' "enabled"
        assert_json "$OUT" "d[\"warnings\"] == [\"$FORM\"]" "warnings, flag '$f'"
        assert_file_eq "$USR/apn_cfg.json" "$APP/apn_cfg.json"
        status
        assert_exit 0 "status, flag '$f'"
        assert_contains "$OUT" "^warning +$FORM\$" "status's warning line"
    done
    rm "$USR/apn_cfg.json" "$USR/.qpybak/boot.json"
    printf 'edited\n' >"$USR/main.py"
    say "flag '{\"enable\": 1, \"enable\": 0}': the last one counts, off, said"
    write_flag '{"enable": 1, "enable": 0}'
    expect_off "enable given twice" "$FORM"
    say "flag '{\"enable\" 0,}': off, said"
    write_flag '{"enable" 0,}'
    expect_off "'{\"enable\" 0,}'" "$FORM"
}

# Where QuecPython's own code decides otherwise - it reads 64 bytes, and
# fails on a byte order mark - qpybak decides by the whole flag and says so.
case_flag_quecpython_differs() {
    pack_factory
    say "a flag over 64 bytes cut inside a string by QuecPython: on, said"
    write_flag '{"enable": 1, "description": "the factory backup of the example application"}'
    rm "$USR/apn_cfg.json"
    boot --json
    assert_exit 0 "boot, a long flag"
    assert_json "$OUT" 'd["enabled"] is True' "enabled"
    assert_json "$OUT" "d[\"warnings\"] == [\"$QUEC\"]" "warnings, a long flag"
    assert_file_eq "$USR/apn_cfg.json" "$APP/apn_cfg.json"
    assert_json "$USR/.qpybak/boot.json" "d[\"warnings\"] == [\"$QUEC\"]" "boot.json's warnings"
    status
    assert_exit 0 "status"
    assert_contains "$OUT" "^warning +$QUEC\$" "status's warning line"

    say "a byte order mark: skipped, on, said"
    printf '\357\273\277{"enable": 1}\n' >"$BAK/backup_restore.json"
    rm "$USR/main.py"
    boot
    assert_exit 0 "boot, a byte order mark"
    assert_contains "$OUT" "^warning +$QUEC\$" "boot's warning line"
    assert_file_eq "$USR/main.py" "$APP/main.py"

    say "65 bytes whose first 64 are the whole object: on both ways, nothing said"
    printf '{"enable": 1}%51s\n' '' >"$BAK/backup_restore.json"
    [ "$(wc -c <"$BAK/backup_restore.json")" = 65 ] || fail "test premise: 65 bytes"
    rm "$USR/main.py"
    boot --json
    assert_exit 0 "boot, 65 bytes"
    assert_json "$OUT" 'd["enabled"] is True and d["warnings"] == []' "no warning"
    assert_file_eq "$USR/main.py" "$APP/main.py"

    rm "$USR/apn_cfg.json" "$USR/.qpybak/boot.json"
    printf 'edited\n' >"$USR/main.py"
    say "a byte order mark before {\"enable\": 0}: off both ways, nothing said"
    printf '\357\273\277{"enable": 0}' >"$BAK/backup_restore.json"
    expect_off "a byte order mark, disabled"
    say "NUL padding after the object: malformed, off - on for QuecPython, said"
    { printf '{"enable": 1}'; head -c 100 /dev/zero; } >"$BAK/backup_restore.json"
    expect_off "NUL padding" "$QUEC"
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
