#!/usr/bin/env bash
# SPDX-FileCopyrightText: 2026 The qpybak authors
# SPDX-License-Identifier: Apache-2.0
# Boot restores what the seed document's trigger conditions damage: a deleted
# user manifest, a deleted or edited file, a power-cut truncation, a deleted
# folder; and the size check catches what the CRC alone cannot.
. "$(dirname "$0")/lib.sh"

case_manifest_deleted() {
    pack_factory
    say "the user deletes /usr/checksum.json: status reports it, exit 1"
    rm "$USR/checksum.json"
    status
    assert_exit 1 "status with the primary user manifest deleted"
    say "boot repairs it from the shadow copy, exit 0, files untouched"
    boot --json
    assert_exit 0 "boot"
    assert_json "$OUT" 'd["manifest"]["source"] == "shadow" and d["manifest"]["primary"] == "missing"' "boot --json manifest"
    assert_json "$OUT" 'd["counts"]["ok"] == 6 and d["counts"]["restored"] == 0' "boot --json counts"
    assert_exists "$USR/checksum.json" "the primary user manifest"
    assert_exists "$USR/.qpybak/checksum.json" "the shadow user manifest"
    assert_file_eq "$USR/checksum.json" "$USR/.qpybak/checksum.json" "primary and shadow"
    assert_exists "$USR/.qpybak/boot.json" "the boot report (boot repaired something)"
    assert_json "$USR/.qpybak/boot.json" 'd["manifest"]["primary"] == "missing"' "boot.json"
    usr_is_factory
    status
    assert_exit 0 "status after boot"
}

case_both_manifests_deleted() {
    pack_factory
    say "both user manifests deleted (as QuecPython's only one would be): the factory manifest is installed"
    rm "$USR/checksum.json" "$USR/.qpybak/checksum.json"
    rm "$USR/apn_cfg.json"
    boot --json
    assert_exit 0 "boot"
    assert_json "$OUT" 'd["manifest"]["source"] == "backup"' "manifest.source"
    assert_json "$OUT" 'd["manifest"]["primary"] == "missing" and d["manifest"]["shadow"] == "missing"' "manifest states"
    assert_json "$OUT" 'st("/usr/apn_cfg.json") == "restored"' "the deleted file"
    assert_exists "$USR/checksum.json" "the primary user manifest"
    assert_exists "$USR/.qpybak/checksum.json" "the shadow user manifest"
    assert_file_eq "$USR/checksum.json" "$USR/.qpybak/checksum.json" "primary and shadow"
    for f in main.py apn_cfg.json lib/net.py; do
        assert_entry "$USR/checksum.json" "/usr/$f" "$(crc_of "$BAK/usr/$f")" "$(wc -c <"$BAK/usr/$f")"
    done
    usr_is_factory
    status
    assert_exit 0 "status after boot"
}

case_file_deleted() {
    pack_factory
    say "a tracked file deleted: status says missing (exit 1)"
    rm "$USR/apn_cfg.json"
    status --json
    assert_exit 1 "status"
    assert_json "$OUT" 'st("/usr/apn_cfg.json") == "missing" and entry("/usr/apn_cfg.json")["actual"] is None' "status"
    assert_json "$OUT" 'd["counts"]["missing"] == 1 and d["counts"]["ok"] == 5' "status counts"
    say "boot restores it from the backup partition, exit 0"
    boot --json
    assert_exit 0 "boot"
    assert_json "$OUT" 'st("/usr/apn_cfg.json") == "restored" and entry("/usr/apn_cfg.json").get("found") == "missing"' "boot"
    assert_json "$OUT" 'd["counts"]["restored"] == 1 and d["counts"]["ok"] == 5' "boot counts"
    assert_file_eq "$USR/apn_cfg.json" "$APP/apn_cfg.json" "restored file vs factory"
    assert_json "$USR/.qpybak/boot.json" 'st("/usr/apn_cfg.json") == "restored"' "boot.json"
    assert_json "$USR/.qpybak/boot.json" 'all(f["state"] != "ok" for f in d["files"])' "boot.json lists only entries that are not ok"
    usr_is_factory
    say "the next boot finds everything intact (exit 0) and writes nothing"
    save_state after
    boot
    assert_exit 0 "second boot"
    assert_state_unchanged after "second boot (all intact)"
}

case_edited_without_calc() {
    pack_factory
    say "a tracked file edited by hand without calc: status says modified"
    printf '{"replFlag": 1, "datacallFlag": 0}\n' >"$USR/system_config.json"
    status --json
    assert_exit 1 "status"
    assert_json "$OUT" 'st("/usr/system_config.json") == "modified"' "status"
    assert_json "$OUT" 'entry("/usr/system_config.json")["actual"] == "'"$(crc_of "$USR/system_config.json")"'"' "status actual crc"
    assert_json "$OUT" 'entry("/usr/system_config.json")["expected"] == "'"$(crc_of "$APP/system_config.json")"'"' "status expected crc"
    say "boot puts the factory copy back"
    boot
    assert_exit 0 "boot"
    assert_contains "$OUT" '^restored +/usr/system_config.json' "boot's human output"
    assert_file_eq "$USR/system_config.json" "$APP/system_config.json" "restored file vs factory"
    usr_is_factory
}

case_subdir_deleted() {
    pack_factory
    say "the whole lib/ folder deleted: boot recreates it and both modules"
    rm -rf "${USR:?}/lib"
    status --json
    assert_exit 1 "status"
    assert_json "$OUT" 'd["counts"]["missing"] == 2' "status counts"
    boot --json
    assert_exit 0 "boot"
    assert_json "$OUT" 'st("/usr/lib/net.py") == "restored" and st("/usr/lib/util.py") == "restored"' "boot"
    assert_file_eq "$USR/lib/net.py" "$APP/lib/net.py"
    assert_file_eq "$USR/lib/util.py" "$APP/lib/util.py"
    usr_is_factory
}

case_subdir_replaced_by_file() {
    pack_factory
    say "lib/ replaced by a regular file: boot must not crash; exit 1 or restore"
    rm -rf "${USR:?}/lib"
    printf 'junk\n' >"$USR/lib"
    boot --json
    [ "$RC" = 0 ] || [ "$RC" = 1 ] || fail "boot: expected exit 0 or 1, got $RC"
    assert_json "$OUT" 'd["counts"]["ok"] == 4' "the other files are checked"
    if [ "$RC" = 0 ]; then usr_is_factory; fi
    assert_file_eq "$USR/main.py" "$APP/main.py"
}

case_truncated_power_cut() {
    pack_factory
    say "a file truncated by a power cut (half of it left): restored"
    sz=$(wc -c <"$USR/main.py")
    truncate -s $((sz / 2)) "$USR/main.py"
    status --json
    assert_exit 1 "status"
    assert_json "$OUT" 'st("/usr/main.py") == "modified" and entry("/usr/main.py")["actual_size"] == '$((sz / 2)) "status"
    boot
    assert_exit 0 "boot"
    assert_file_eq "$USR/main.py" "$APP/main.py"
    say "and a file cut to zero bytes"
    : >"$USR/usr_cfg.json"
    boot
    assert_exit 0 "boot"
    assert_file_eq "$USR/usr_cfg.json" "$APP/usr_cfg.json"
    usr_is_factory
}

case_same_crc_truncation() {
    make_app "$APP"
    head -c 4096 /dev/zero >"$APP/zeros.bin"
    pack_factory
    [ "$(crc_of "$APP/zeros.bin")" = 0xffffffff ] || fail "test premise: crc of 4096 zero bytes"
    say "4096 zero bytes truncated to 1000 zero bytes: same CRC 0xffffffff, caught by size"
    truncate -s 1000 "$USR/zeros.bin"
    status --json
    assert_exit 1 "status"
    assert_json "$OUT" 'st("/usr/zeros.bin") == "modified"' "status"
    assert_json "$OUT" 'entry("/usr/zeros.bin")["actual"] == "0xffffffff" and entry("/usr/zeros.bin")["expected"] == "0xffffffff"' "same crc"
    boot
    assert_exit 0 "boot"
    assert_file_eq "$USR/zeros.bin" "$APP/zeros.bin"
    say "truncated to 0 bytes: same CRC again, caught by size"
    truncate -s 0 "$USR/zeros.bin"
    boot --json
    assert_exit 0 "boot"
    assert_json "$OUT" 'st("/usr/zeros.bin") == "restored"' "boot"
    assert_file_eq "$USR/zeros.bin" "$APP/zeros.bin"
    say "grown to 8192 zero bytes: caught by size too"
    head -c 8192 /dev/zero >"$USR/zeros.bin"
    boot
    assert_exit 0 "boot"
    assert_file_eq "$USR/zeros.bin" "$APP/zeros.bin"
    usr_is_factory
}

case_empty_file_stays_ok() {
    make_app "$APP"
    : >"$APP/empty.txt"
    pack_factory
    say "an empty tracked file: crc 0xffffffff, size 0 in the manifest"
    assert_entry "$BAK/checksum.json" /usr/empty.txt 0xffffffff 0
    save_state factory
    for i in 1 2 3; do
        say "boot #$i: the empty file is ok, nothing written"
        boot --json
        assert_exit 0 "boot #$i"
        assert_json "$OUT" 'st("/usr/empty.txt") == "ok" and d["counts"]["ok"] == 7' "boot #$i"
        assert_state_unchanged factory "boot #$i"
    done
    status
    assert_exit 0 "status"
}

case_several_at_once() {
    pack_factory
    say "several kinds of damage at once: each one repaired, all reported"
    rm "$USR/main.py"
    printf 'x' >>"$USR/apn_cfg.json"
    rm -rf "${USR:?}/lib"
    rm "$USR/checksum.json"
    boot --json
    assert_exit 0 "boot"
    assert_json "$OUT" 'd["counts"]["restored"] == 4 and d["counts"]["ok"] == 2' "boot counts"
    usr_is_factory
    assert_file_eq "$USR/checksum.json" "$USR/.qpybak/checksum.json" "primary and shadow"
    status
    assert_exit 0 "status after boot"
}

case_many_files() {
    say "200 tracked files in 10 folders: 20 deleted, 5 edited, duplicate entries at the end"
    pyh "$APP" <<'PYEOF'
import os, sys
app = sys.argv[1]
for i in range(200):
    d = os.path.join(app, "mod%02d" % (i % 10))
    os.makedirs(d, exist_ok=True)
    open(os.path.join(d, "f%03d.py" % i), "w").write("value = %d\n" % i * (i % 7 + 1))
PYEOF
    pack_factory
    for i in $(seq 0 9 179); do rm "$USR/mod$(printf %02d $((i % 10)))/f$(printf %03d "$i").py"; done
    for i in 1 2 3 4 5; do printf 'edited' >>"$USR/mod0$i/f00$i.py"; done
    # the same entry again (harmless: reported ok), and the name again with
    # another value (it would be acted on: invalid, never restored over)
    py 'import json,sys; m=json.load(open(sys.argv[1])); m.append(dict(m[3])); m.append(dict(m[4], crc32="0x1")); open(sys.argv[1],"w").write(json.dumps(m))' "$USR/checksum.json"
    cp "$USR/checksum.json" "$USR/.qpybak/checksum.json"
    boot --json
    assert_exit 1 "boot (one invalid duplicate entry)"
    assert_json "$OUT" 'd["counts"]["restored"] == 25 and d["counts"]["invalid"] == 1 and d["counts"]["ok"] == 176' "counts"
    assert_json "$OUT" 'd["files"][201]["state"] == "invalid" and d["files"][201]["reason"] == "duplicate name" and d["files"][200]["state"] == "ok" and d["files"][3]["state"] == "ok"' "the harmful duplicate is the later one, the harmless one ok"
    usr_is_factory
}

run_case
