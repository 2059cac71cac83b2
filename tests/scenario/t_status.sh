#!/usr/bin/env bash
# SPDX-FileCopyrightText: 2026 The qpybak authors
# SPDX-License-Identifier: Apache-2.0
# status changes nothing, in any state; an intact boot changes nothing either;
# boot.json is written only when boot changed or found something.
. "$(dirname "$0")/lib.sh"

# status_readonly EXPECTED_EXIT WHAT: status (human, -v and --json) leaves
# both roots and the canaries byte- and mtime-identical.
status_readonly() {
    save_state st
    status
    assert_exit "$1" "status, $2"
    status -v
    assert_exit "$1" "status -v, $2"
    status --json
    assert_exit "$1" "status --json, $2"
    assert_json "$OUT" 'd["command"] == "status"' "status --json"
    assert_state_unchanged st "status, $2"
}

case_status_readonly_damaged() {
    pack_factory
    say "status in many states, damaged or not: nothing written"
    status_readonly 0 "factory state"
    rm "$USR/apn_cfg.json"
    status_readonly 1 "a file deleted"
    printf 'x' >>"$USR/main.py"
    status_readonly 1 "a file edited"
    rm -rf "${USR:?}/lib"
    status_readonly 1 "a folder deleted"
    rm "$USR/checksum.json"
    status_readonly 1 "primary manifest deleted"
    printf '[' >"$USR/.qpybak/checksum.json"
    status_readonly 1 "primary deleted, shadow corrupt"
    printf '[' >"$USR/checksum.json"
    status_readonly 1 "both manifests corrupt"
    rm "$USR/.qpybak/checksum.json" "$USR/checksum.json"
    status_readonly 1 "both manifests deleted"
    rm "$BAK/checksum.json"
    status_readonly 1 "no manifest at all"
    rm "$BAK/backup_restore.json"
    status_readonly 0 "feature off"
}

case_stale_temps() {
    pack_factory
    say "temporary files of a cut calc or boot: status leaves them (exit 0), boot removes them"
    printf '[{"name": "/usr/main.py", "cr' >"$USR/checksum.json.qpybak-tmp"
    printf '[' >"$USR/.qpybak/checksum.json.qpybak-tmp"
    printf '{"files": [' >"$USR/.qpybak/boot.json.qpybak-tmp"
    status_readonly 0 "stale temporary manifest and report files (not damage)"
    boot --json
    assert_exit 0 "boot"
    assert_json "$OUT" 'd["stale_temps"] == 3' "stale_temps"
    assert_absent "$USR/checksum.json.qpybak-tmp"
    assert_absent "$USR/.qpybak/checksum.json.qpybak-tmp"
    assert_absent "$USR/.qpybak/boot.json.qpybak-tmp"
    usr_is_factory
    say "a restore cut before its rename: half a temp copy beside the damaged file; boot cleans up and restores"
    head -c 20 "$APP/lib/net.py" >"$USR/lib/.qpybak-tmp"
    printf 'damaged' >"$USR/lib/net.py"
    boot --json
    assert_exit 0 "boot"
    assert_json "$OUT" 'st("/usr/lib/net.py") == "restored"' "restored"
    assert_absent "$USR/lib/.qpybak-tmp"
    usr_is_factory # also: no temporary file left anywhere
}

case_status_readonly_shadow_stale() {
    pack_factory
    say "shadow missing: a warning, exit 0 (QuecPython-made partitions have none)"
    mv "$USR/.qpybak/checksum.json" "$T/shadow"
    status_readonly 0 "shadow missing"
    assert_json "$OUT" 'd["manifest"]["shadow"] == "missing" and d["manifest"]["source"] == "primary"' "manifest (status --json)"
    mv "$T/shadow" "$USR/.qpybak/checksum.json"
    say "primary and shadow disagree (power cut between the two writes of calc)"
    printf 'print("new")\n' >"$USR/main.py"
    calc /usr/main.py
    cp "$USR/checksum.json" "$T/new_manifest"
    cp "$BAK/checksum.json" "$USR/.qpybak/checksum.json"
    status_readonly 0 "stale shadow (alone not damage, docs/cli.md)"
    status
    assert_contains "$OUT" '^warning +.*/usr/\.qpybak/checksum\.json' "status warns of the stale shadow"
    status --json
    assert_json "$OUT" 'd["manifest"]["shadow"] == "stale" and d["manifest"]["source"] == "primary"' "manifest"
    boot --json
    assert_exit 0 "boot"
    assert_json "$OUT" 'st("/usr/main.py") == "ok"' "the edit is kept (primary wins)"
    assert_file_eq "$USR/.qpybak/checksum.json" "$USR/checksum.json" "shadow repaired"
    assert_file_eq "$USR/checksum.json" "$T/new_manifest" "primary"
}

case_intact_boot_writes_nothing() {
    pack_factory
    say "boots of an intact device: exit 0, no boot.json, no byte or mtime changed"
    save_state intact
    for i in 1 2 3; do
        boot
        assert_exit 0 "boot #$i"
        assert_not_contains "$OUT" '^(restored|unrecoverable|invalid|repaired|warning)' "boot output"
        assert_state_unchanged intact "intact boot #$i"
    done
    boot --json
    assert_exit 0 "boot --json"
    assert_json "$OUT" 'd["report_written"] is False and d["manifest_written"] is False' "report_written/manifest_written"
    assert_json "$OUT" 'd["counts"] == {"ok": 6, "missing": 0, "modified": 0, "restored": 0, "unrecoverable": 0, "invalid": 0}' "counts"
    assert_absent "$USR/.qpybak/boot.json" "boot.json after intact boots"
    assert_state_unchanged intact "intact boot --json"
}

case_boot_json_only_when_needed() {
    pack_factory
    say "a boot that restores writes /usr/.qpybak/boot.json; the next (intact) one leaves it as is"
    rm "$USR/lib/util.py"
    boot --json
    assert_exit 0 "boot"
    assert_json "$OUT" 'd["report_written"] is True' "report_written"
    assert_exists "$USR/.qpybak/boot.json"
    assert_json "$USR/.qpybak/boot.json" 'd["command"] == "boot" and d["counts"]["restored"] == 1 and d["counts"]["ok"] == 5' "boot.json"
    assert_json "$USR/.qpybak/boot.json" '[f["name"] for f in d["files"]] == ["/usr/lib/util.py"]' "boot.json lists only non-ok entries"
    save_state after
    boot
    assert_exit 0 "second boot"
    assert_state_unchanged after "second (intact) boot"
    say "no boot.json is written when the feature is off either"
    rm "$USR/.qpybak/boot.json"
    write_flag '{"enable": 0}'
    rm "$USR/main.py"
    boot
    assert_exit 0 "boot, off"
    assert_absent "$USR/.qpybak/boot.json"
}

case_boot_json_matches_stdout() {
    pack_factory
    say "boot.json is the --json document with only the non-ok entries"
    rm "$USR/main.py"
    printf 'x' >"$USR/lib/net.py"
    boot --json
    assert_exit 0 "boot"
    pyh "$OUT" "$USR/.qpybak/boot.json" <<'PYEOF' || fail "boot.json differs from boot --json beyond the files list"
import json, sys
a, b = json.load(open(sys.argv[1])), json.load(open(sys.argv[2]))
fa = [f for f in a.pop("files") if f["state"] != "ok"]
fb = b.pop("files")
assert fa == fb, (fa, fb)
a.pop("report_written", None); b.pop("report_written", None)
assert a == b, (a, b)
PYEOF
}

run_case
