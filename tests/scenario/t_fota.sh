#!/usr/bin/env bash
# SPDX-FileCopyrightText: 2026 The qpybak authors
# SPDX-License-Identifier: Apache-2.0
# FOTA apply (docs/design.md, "FOTA apply") and boot's roll-forward of an
# interrupted one.
# The journal format is docs/format.md's (/usr/.qpybak/fota.json).
. "$(dirname "$0")/lib.sh"

# stage: version 2 of main.py (tracked) and a new module (untracked).
stage() {
    mkdir -p "$USR/.updater/lib"
    printf 'print("version 2")\n' >"$USR/.updater/main.py"
    printf 'def helper():\n    return 2\n' >"$USR/.updater/lib/new.py"
    cp "$USR/.updater/main.py" "$T/main_v2"
    cp "$USR/.updater/lib/new.py" "$T/new_v2"
}

case_fota_apply() {
    pack_factory
    stage
    say "fota apply installs the staged files, records the tracked one, cleans up, exit 0"
    run fota apply --usr "$USR" --bak "$BAK"
    assert_exit 0 "fota apply"
    assert_file_eq "$USR/main.py" "$T/main_v2" "updated main.py"
    assert_file_eq "$USR/lib/new.py" "$T/new_v2" "new module"
    assert_entry "$USR/checksum.json" /usr/main.py "$(crc_of "$T/main_v2")" "$(wc -c <"$T/main_v2")"
    assert_file_eq "$USR/checksum.json" "$USR/.qpybak/checksum.json" "primary and shadow"
    [ "$(manifest_entry "$USR/checksum.json" /usr/lib/new.py)" = null ] || fail "an untracked staged file became tracked"
    assert_absent "$USR/.updater/main.py" "the staged copy"
    assert_absent "$USR/.updater/lib/new.py" "the staged copy"
    assert_absent "$USR/.qpybak/fota.json" "the journal"
    say "the update survives boots: status 0, boot 0, nothing restored to the factory version"
    status
    assert_exit 0 "status after the update"
    save_state updated
    boot
    assert_exit 0 "boot after the update"
    assert_state_unchanged updated "boot after the update"
    say "the updated file damaged later: only the factory copy is verified -> factory version back"
    printf 'junk' >"$USR/main.py"
    boot --json
    assert_exit 0 "boot"
    assert_json "$OUT" 'st("/usr/main.py") == "restored"' "restored"
    assert_file_eq "$USR/main.py" "$APP/main.py" "factory main.py"
}

case_fota_nothing_staged() {
    pack_factory
    say "an empty staging folder: nothing done, exit 0"
    mkdir -p "$USR/.updater"
    save_state before
    run fota apply --usr "$USR" --bak "$BAK"
    assert_exit 0 "fota apply with nothing staged"
    assert_state_unchanged before "fota apply with nothing staged"
}

case_fota_usage() {
    pack_factory
    stage
    save_state before
    say "fota apply: missing roots, nonexistent roots, a missing staging folder, a stray word: exit 2"
    run fota apply --usr "$USR"
    assert_exit 2 "fota apply without --bak"
    assert_stderr_one_line
    run fota apply --bak "$BAK"
    assert_exit 2 "fota apply without --usr"
    run fota apply --usr "$D/nope" --bak "$BAK"
    assert_exit 2 "fota apply with a nonexistent --usr"
    run fota apply --usr "$USR" --bak "$BAK" "$USR/.nostage"
    assert_exit 2 "fota apply with a nonexistent STAGE_DIR"
    assert_stderr_one_line
    run fota --usr "$USR" --bak "$BAK"
    assert_exit 2 "fota without apply"
    run fota frob --usr "$USR" --bak "$BAK"
    assert_exit 2 "fota frob"
    assert_state_unchanged before "fota usage errors"
    say "a staging folder given explicitly (inside USR_DIR) works"
    mv "$USR/.updater" "$USR/stage2"
    run fota apply --usr "$USR" --bak "$BAK" "$USR/stage2"
    assert_exit 0 "fota apply STAGE_DIR"
    assert_file_eq "$USR/main.py" "$T/main_v2"
}

# write_journal: the journal an apply cut after its commit point leaves.
write_journal() {
    pyh "$USR" "$@" <<'PYEOF'
import json, os, sys
usr, rels = sys.argv[1], sys.argv[2:]
ents = []
for r in rels:
    p = os.path.join(usr, ".updater", r)
    data = open(p, "rb").read()
    ents.append({"name": "/usr/" + r, "crc32": crc_bytes(data), "size": len(data), "from": "/usr/.updater/" + r})
open(os.path.join(usr, ".qpybak", "fota.json"), "w").write(
    "[\n" + ",\n".join(json.dumps(e) for e in ents) + "\n]\n")
PYEOF
}

case_fota_roll_forward() {
    pack_factory
    stage
    write_journal lib/new.py main.py
    say "a power cut right after the journal's commit: status changes nothing, boot finishes the update first"
    save_state journal
    status
    assert_state_unchanged journal "status with a pending journal"
    boot --json
    assert_exit 0 "boot with a pending journal"
    assert_file_eq "$USR/main.py" "$T/main_v2" "main.py (must not be 'restored' to the factory version)"
    assert_file_eq "$USR/lib/new.py" "$T/new_v2" "new module"
    assert_json "$OUT" 'st("/usr/main.py") == "ok"' "main.py after the roll-forward"
    assert_entry "$USR/checksum.json" /usr/main.py "$(crc_of "$T/main_v2")" "$(wc -c <"$T/main_v2")"
    assert_file_eq "$USR/checksum.json" "$USR/.qpybak/checksum.json" "primary and shadow"
    assert_absent "$USR/.qpybak/fota.json" "the journal"
    assert_absent "$USR/.updater/main.py" "the staged copy"
    say "cut halfway: main.py already installed and its staged copy gone"
    pack_again() { rm -rf "$D"; mkdir -p "$D"; pack_factory; stage; }
    pack_again
    write_journal lib/new.py main.py
    cp "$T/main_v2" "$USR/main.py"
    rm "$USR/.updater/main.py"
    boot
    assert_exit 0 "boot"
    assert_file_eq "$USR/main.py" "$T/main_v2" "main.py"
    assert_file_eq "$USR/lib/new.py" "$T/new_v2" "new module"
    assert_entry "$USR/checksum.json" /usr/main.py "$(crc_of "$T/main_v2")"
    assert_absent "$USR/.qpybak/fota.json" "the journal"
}

case_fota_apply_resumes_pending() {
    pack_factory
    stage
    write_journal lib/new.py main.py
    say "fota apply with an interrupted apply pending: finishes it, exit 0"
    run fota apply --usr "$USR" --bak "$BAK"
    assert_exit 0 "fota apply finishing a pending journal"
    assert_file_eq "$USR/main.py" "$T/main_v2" "main.py"
    assert_file_eq "$USR/lib/new.py" "$T/new_v2" "new module"
    assert_entry "$USR/checksum.json" /usr/main.py "$(crc_of "$T/main_v2")"
    assert_absent "$USR/.qpybak/fota.json" "the journal"
}

case_fota_roll_forward_staged_damaged() {
    pack_factory
    stage
    write_journal lib/new.py main.py
    say "boot rolling forward a journal whose staged copy rotted: that file is not installed, the rest is"
    printf 'rotted' >"$USR/.updater/main.py"
    boot --json
    [ "$RC" = 0 ] || [ "$RC" = 1 ] || fail "boot: exit $RC"
    assert_file_eq "$USR/main.py" "$APP/main.py" "main.py (not installed, factory version intact)"
    assert_file_eq "$USR/lib/new.py" "$T/new_v2" "the good staged file"
    assert_entry "$USR/checksum.json" /usr/main.py "$(crc_of "$APP/main.py")"
    assert_json "$OUT" 'st("/usr/main.py") == "ok"' "main.py"
    status
    assert_exit 0 "status"
}

case_fota_staged_copy_damaged() {
    pack_factory
    stage
    write_journal lib/new.py main.py
    say "a staged copy that no longer matches its journal: not installed, reported; the rest goes on"
    printf 'rotted' >"$USR/.updater/main.py"
    run fota apply --usr "$USR" --bak "$BAK"
    assert_exit 1 "fota apply with a damaged staged copy"
    assert_contains "$OUT" '/usr/main\.py' "the report names it"
    assert_file_eq "$USR/main.py" "$APP/main.py" "main.py (not installed)"
    assert_file_eq "$USR/lib/new.py" "$T/new_v2" "the good staged file"
    assert_entry "$USR/checksum.json" /usr/main.py "$(crc_of "$APP/main.py")"
    status
    assert_exit 0 "status: the user partition is intact"
}

case_fota_hostile_journal() {
    pack_factory
    stage
    say "a journal with hostile names and sources: nothing outside the roots is read or written"
    printf 'PWNED\n' >"$D/src"
    pyh "$USR" "$D/src" <<'PYEOF'
import json, os, sys
usr, src = sys.argv[1:3]
data = open(src, "rb").read()
c, n = crc_bytes(data), len(data)
bad = [
    {"name": "/usr/../outside", "from": "/usr/.updater/main.py"},
    {"name": "/usr/../canary/victim", "from": "/usr/../src"},
    {"name": "/bak/usr/main.py", "from": "/usr/../src"},
    {"name": "/usr/main.py", "from": "/usr/../src"},
    {"name": "/usr/lib/util.py", "from": "/bak/usr/main.py"},
    {"name": "/usr/./x", "from": "/usr/.updater/./main.py"},
    {"name": "/usr/a\\b", "from": "/usr/.updater/main.py"},
]
for e in bad:
    e.update({"crc32": c, "size": n})
open(os.path.join(usr, ".qpybak", "fota.json"), "w").write(json.dumps(bad))
PYEOF
    local keep='^usr($|/checksum\.json$|/\.qpybak($|/)|/\.updater($|/)|/lib$)'
    snapshot "$D" "$keep" >"$T/before"
    boot
    [ "$RC" = 0 ] || [ "$RC" = 1 ] || fail "boot with a hostile journal: exit $RC"
    assert_snapshot "$T/before" "$D" "$keep" "the device (canaries, bak, tracked files)"
    run fota apply --usr "$USR" --bak "$BAK"
    [ "$RC" = 0 ] || [ "$RC" = 1 ] || fail "fota apply with a hostile journal: exit $RC"
    grep -q 'outside: must' "$D/outside" || fail "outside overwritten"
    grep -q 'canary:' "$D/canary/victim" || fail "canary overwritten"
    assert_file_eq "$BAK/usr/main.py" "$APP/main.py" "the backup copy"
    assert_absent "$USR/x"
}

case_fota_downgrade_reported() {
    pack_factory
    stage
    run fota apply --usr "$USR" --bak "$BAK"
    assert_exit 0 "fota apply"
    say "an updated file damaged: restored to the factory version, and the report says it is a downgrade"
    rm "$USR/main.py"
    boot --json
    assert_exit 0 "boot"
    assert_json "$OUT" 'st("/usr/main.py") == "restored" and entry("/usr/main.py")["downgraded"] is True and entry("/usr/main.py")["source"] == "backup"' "downgrade in --json"
    assert_json "$USR/.qpybak/boot.json" 'entry("/usr/main.py")["downgraded"] is True' "downgrade in boot.json"
    assert_file_eq "$USR/main.py" "$APP/main.py" "factory main.py"
    say "a plain restore of an untouched file is not a downgrade"
    rm "$USR/apn_cfg.json"
    boot --json
    assert_json "$OUT" 'st("/usr/apn_cfg.json") == "restored" and entry("/usr/apn_cfg.json")["downgraded"] is False' "no downgrade"
}

case_fota_last_good_restore() {
    pack_factory
    stage
    say "fota apply --keep-last-good keeps a copy of each installed file under .qpybak/good"
    run fota apply --usr "$USR" --bak "$BAK" --keep-last-good
    assert_exit 0 "fota apply --keep-last-good"
    assert_file_eq "$USR/.qpybak/good/main.py" "$T/main_v2" "last-known-good main.py"
    assert_file_eq "$USR/.qpybak/good/lib/new.py" "$T/new_v2" "last-known-good lib/new.py"
    say "the updated file damaged: boot restores the update, not the factory version"
    printf 'junk' >"$USR/main.py"
    boot --json
    assert_exit 0 "boot"
    assert_json "$OUT" 'st("/usr/main.py") == "restored" and entry("/usr/main.py")["source"] == "last-good" and entry("/usr/main.py")["downgraded"] is False' "restored from last-good"
    assert_file_eq "$USR/main.py" "$T/main_v2" "main.py is the update again"
    say "a last-known-good copy that no longer matches the manifest is not used: factory copy instead"
    printf 'rotten' >"$USR/.qpybak/good/main.py"
    rm "$USR/main.py"
    boot --json
    assert_exit 0 "boot"
    assert_json "$OUT" 'entry("/usr/main.py")["source"] == "backup" and entry("/usr/main.py")["downgraded"] is True' "factory fallback"
    assert_file_eq "$USR/main.py" "$APP/main.py" "factory main.py"
}

# The factory floor (docs/design.md): an update of a factory file whose
# entry a writer dropped from the user manifest is recorded, not undone.
case_fota_dropped_factory_file() {
    pack_factory
    pyh "$USR" <<'PYEOF'
import json, os, sys
usr = sys.argv[1]
for p in (os.path.join(usr, "checksum.json"), os.path.join(usr, ".qpybak", "checksum.json")):
    ents = [e for e in json.load(open(p)) if e["name"] != "/usr/main.py"]
    open(p, "w").write(json.dumps(ents))
PYEOF
    stage
    say "fota apply records the staged main.py, whose entry was dropped"
    run fota apply --usr "$USR" --bak "$BAK"
    assert_exit 0 "fota apply"
    assert_entry "$USR/checksum.json" /usr/main.py "$(crc_of "$T/main_v2")" "$(wc -c <"$T/main_v2")"
    say "boot keeps the update, reports nothing dropped"
    boot --json
    assert_exit 0 "boot after the update"
    assert_file_eq "$USR/main.py" "$T/main_v2" "updated main.py"
    assert_not_contains "$OUT" '"dropped"' "boot's report"
}

run_case
