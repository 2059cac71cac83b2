#!/usr/bin/env bash
# SPDX-FileCopyrightText: 2026 The qpybak authors
# SPDX-License-Identifier: Apache-2.0
# Hostile and broken manifest entries: reported invalid, never opened, and
# nothing outside the two roots is touched; the good entries still work.
. "$(dirname "$0")/lib.sh"

# Bait: if a hostile name were followed, a restore would copy the bait over
# the canary (the manifest's crc matches the bait, not the canary).
plant_bait() {
    mkdir -p "$BAK/canary" "$BAK/x" "$USR/x.d"
    printf 'PWNED\n' >"$BAK/outside"              # /bak/usr/../outside
    printf 'PWNED\n' >"$BAK/canary/victim"        # /bak/usr/../canary/victim
    printf 'PWNED\n' >"$BAK/usr/x"                # /bak/usr/x: /usr/x/, /usr/x/.
    printf 'PWNED\n' >"$BAK/usr/a\\b"             # a file literally named a\b
    printf 'PWNED\n' >"$BAK/x/y"
    printf 'PWNED\n' >"$T/bait"
}

case_hostile_names() {
    pack_factory
    plant_bait
    say "user manifest with hostile names beside good entries"
    # main.py was edited legitimately (calc'd): the bare "main.py" entry holds
    # the factory crc, which must not be used to "restore" /usr/main.py.
    printf 'print("edited")\n' >"$USR/main.py"
    calc /usr/main.py
    assert_exit 0 "calc"
    cp "$USR/main.py" "$T/main_edited"
    rm "$USR/apn_cfg.json" # a real damage among them, to be restored
    pyh "$USR/checksum.json" "$T/bait" "$APP/main.py" <<'PYEOF'
import json, sys, zlib
path, bait, factory_main = sys.argv[1:4]
c = lambda p: "0x%08x" % zlib.crc32(open(p, "rb").read(), 0xFFFFFFFF)
good = json.load(open(path))
b = c(bait)
hostile = [
    {"name": "/usr/../outside", "crc32": b},
    {"name": "/usr/../canary/victim", "crc32": b},
    {"name": "/usr/../bak/usr/main.py", "crc32": b},
    {"name": "/bak/x", "crc32": b},
    {"name": "/bak/x/y", "crc32": b},
    {"name": "main.py", "crc32": c(factory_main)},
    {"name": "./main.py", "crc32": c(factory_main)},
    {"name": "/usr/a\\b", "crc32": b},
    {"name": "/usr/./../outside", "crc32": b},
    {"name": "usr/../outside", "crc32": b},
    {"name": "/usr/x/", "crc32": b},
    {"name": "/usr/x/.", "crc32": b},
    {"name": "/usr/x.d/..", "crc32": b},
    {"name": "/usr/", "crc32": b},
    {"name": "/usr", "crc32": b},
    {"name": "", "crc32": b},
    {"name": "/usr/a\u0001b", "crc32": b},
    {"name": "/usr/a\nb", "crc32": b},
    {"name": "/usr/a\u007fb", "crc32": b},
    {"name": "//usr/../canary/victim", "crc32": b},
    {"name": "/usr/" + "x" * 300, "crc32": b},
]
# interleave: hostile entries before, between and after the good ones
out = hostile[:7] + good[:3] + hostile[7:14] + good[3:] + hostile[14:]
open(path, "w").write(json.dumps(out, indent=0))
PYEOF
    cp "$USR/checksum.json" "$USR/.qpybak/checksum.json"
    nh=21
    # all but the restored file, the usr folder's mtime and qpybak's own files
    local keep='^usr($|/checksum\.json$|/\.qpybak($|/)|/apn_cfg\.json$)'
    snapshot "$D" "$keep" >"$T/before"
    say "status reports each hostile entry invalid, exit 1"
    status --json
    assert_exit 1 "status"
    assert_json "$OUT" 'd["counts"]["invalid"] == '$nh "status invalid count"
    assert_json "$OUT" 'd["counts"]["missing"] == 1 and d["counts"]["ok"] == 5' "status: good entries checked"
    say "boot: hostile entries invalid, the deleted file restored, exit 1"
    boot --json
    assert_exit 1 "boot with invalid entries"
    assert_json "$OUT" 'd["counts"]["invalid"] == '$nh "boot invalid count"
    assert_json "$OUT" 'd["counts"]["restored"] == 1 and d["counts"]["ok"] == 5' "boot: good entries"
    assert_json "$OUT" 'all(f["state"] in ("ok", "restored") for f in d["files"] if f["name"] in
        ("/usr/main.py", "/usr/apn_cfg.json", "/usr/system_config.json", "/usr/usr_cfg.json", "/usr/lib/net.py", "/usr/lib/util.py"))' "good entries"
    assert_json "$OUT" 'all(f["state"] == "invalid" for f in d["files"] if f["name"] not in
        ("/usr/main.py", "/usr/apn_cfg.json", "/usr/system_config.json", "/usr/usr_cfg.json", "/usr/lib/net.py", "/usr/lib/util.py"))' "hostile entries"
    assert_json "$OUT" 'len(d["files"]) == 27' "one files[] element per entry"
    assert_file_eq "$USR/apn_cfg.json" "$APP/apn_cfg.json" "the restored file"
    assert_file_eq "$USR/main.py" "$T/main_edited" "the calc'd main.py (bare 'main.py' entry ignored)"
    say "canaries beside the roots, the backup partition and the other usr files untouched"
    assert_snapshot "$T/before" "$D" "$keep" "the device (canaries, bak, usr files but the restored one)"
    assert_absent "$USR/x" "a file made from /usr/x/ or /usr/x/."
    assert_absent "$USR/a\\b" "a file made from /usr/a\\b"
    grep -q canary "$D/canary/victim" || fail "canary overwritten"
    say "human output names them invalid"
    boot
    assert_exit 1 "boot"
    assert_contains "$OUT" '^invalid +.*/usr/\.\./outside' "invalid line"
}

case_symlinks_in_usr() {
    pack_factory
    say "symbolic links planted in the user partition are never followed"
    # a tracked file replaced by a link to a file outside the roots
    rm "$USR/main.py"
    ln -s ../outside "$USR/main.py"
    # a tracked folder replaced by a link to a folder outside the roots
    rm -rf "${USR:?}/lib"
    ln -s ../canary "$USR/lib"
    # the .qpybak folder replaced by a link outside (shadow and report live there)
    mv "$USR/.qpybak" "$D/canary/qpybak-real"
    ln -s canary/qpybak-real "$D/qpybak-link"
    ln -s ../qpybak-link "$USR/.qpybak"
    local keep='^usr($|/)'
    snapshot "$D" "$keep" >"$T/before"
    status
    [ "$RC" = 1 ] || fail "status with planted links: expected exit 1, got $RC"
    boot --json
    [ "$RC" = 0 ] || [ "$RC" = 1 ] || fail "boot with planted links: exit $RC"
    assert_snapshot "$T/before" "$D" "$keep" "everything outside the user partition"
    grep -q 'outside: must' "$D/outside" || fail "outside overwritten"
    if [ "$RC" = 0 ]; then
        say "boot says intact: then the links must have been replaced by real files"
        if [ -L "$USR/main.py" ] || [ -L "$USR/lib" ]; then fail "boot exit 0 with links left in place"; fi
        usr_is_factory
    fi
}

case_tracked_path_is_dir() {
    pack_factory
    say "a folder where a tracked file belongs: no crash, reported, the other files checked"
    rm "$USR/apn_cfg.json"
    mkdir -p "$USR/apn_cfg.json/sub"
    printf 'keep me\n' >"$USR/apn_cfg.json/sub/data"
    rm "$USR/main.py"
    boot --json
    [ "$RC" = 0 ] || [ "$RC" = 1 ] || fail "boot: exit $RC"
    assert_json "$OUT" 'st("/usr/main.py") == "restored"' "the other damage"
    assert_json "$OUT" 'st("/usr/apn_cfg.json") in ("restored", "unrecoverable")' "the folder in the way"
    if [ "$RC" = 1 ]; then
        assert_json "$OUT" 'st("/usr/apn_cfg.json") == "unrecoverable"' "reported"
        grep -q 'keep me' "$USR/apn_cfg.json/sub/data" || fail "a user folder's content was destroyed"
    fi
    assert_file_eq "$USR/main.py" "$APP/main.py"
}

case_broken_entries() {
    pack_factory
    say "broken entries (duplicate, missing name/crc, bad crc, bad size, not an object) are invalid; others fine"
    rm "$USR/lib/net.py"
    pyh "$USR/checksum.json" <<'PYEOF'
import json, sys
path = sys.argv[1]
good = json.load(open(path))
dup = dict(good[0], crc32="0x12345678")        # the name again, another value
bad = [
    dup,                                          # duplicate name
    {"crc32": "0x12345678"},                      # no name
    {"name": 17, "crc32": "0x12345678"},          # name not a string
    {"name": "/usr/nocrc.txt"},                   # no crc32
    {"name": "/usr/bad1.txt", "crc32": "0xZZ"},
    {"name": "/usr/bad2.txt", "crc32": "0x123456789"},
    {"name": "/usr/bad3.txt", "crc32": ""},
    {"name": "/usr/bad4.txt", "crc32": "0x"},
    {"name": "/usr/bad5.txt", "crc32": 305419896},
    {"name": "/usr/bad6.txt", "crc32": "-0x1"},
    {"name": "/usr/bad7.txt", "crc32": "0x1", "size": -1},
    {"name": "/usr/bad8.txt", "crc32": "0x1", "size": "12"},
    {"name": "/usr/bad9.txt", "crc32": "0x1", "size": 4294967296},
    "just a string",
    42,
    None,
    [],
]
open(path, "w").write(json.dumps(good + bad))
PYEOF
    cp "$USR/checksum.json" "$USR/.qpybak/checksum.json"
    boot --json
    assert_exit 1 "boot with invalid entries"
    assert_json "$OUT" 'd["counts"]["invalid"] == 17' "invalid count"
    assert_json "$OUT" 'd["counts"]["ok"] == 5 and d["counts"]["restored"] == 1' "good entries"
    assert_json "$OUT" 'len(d["files"]) == 23' "one element per entry"
    assert_json "$OUT" '[f.get("index") for f in d["files"]] == list(range(23))' "indexes in manifest order"
    assert_json "$OUT" 'd["files"][6]["state"] == "invalid" and d["files"][6]["name"] == d["files"][0]["name"] and d["files"][0]["state"] == "ok"' "the duplicate (not the first) is the invalid one"
    assert_file_eq "$USR/lib/net.py" "$APP/lib/net.py"
    for n in nocrc bad1 bad2 bad3 bad9; do assert_absent "$USR/$n.txt"; done
}

case_corrupt_manifest_no_crash() {
    pack_factory
    say "garbage user manifests (both copies): never a crash or hang; factory checksums used"
    local samples=(
        '' '[' ']' '[]]' '{}' 'null' '"[]"' '[{' '[{"name"' '[{"name": "/usr/main.py", "crc32": "0x1"'
        '[{"name": "/usr/main.py" "crc32": "0x1"}]' '[{"name": "\ud800", "crc32": "0x1"}]'
        '[{"name": "/usr/main.py", "crc32": "0x1",}]' '[1,]' "[$(printf '%.0s[' {1..5000})"
        '[{"a": '"$(printf '%.0s[' {1..200})"'}]'
    )
    local i=0
    for s in "${samples[@]}"; do
        i=$((i + 1))
        printf '%s' "$s" >"$USR/checksum.json"
        printf '%s' "$s" >"$USR/.qpybak/checksum.json"
        status --json
        [ "$RC" = 0 ] || [ "$RC" = 1 ] || fail "status, sample #$i: exit $RC"
        py 'import json,sys; json.load(open(sys.argv[1]))' "$OUT" || fail "status --json, sample #$i: not JSON"
        boot --json
        [ "$RC" = 0 ] || [ "$RC" = 1 ] || fail "boot, sample #$i: exit $RC"
        py 'import json,sys; json.load(open(sys.argv[1]))' "$OUT" || fail "boot --json, sample #$i: not JSON"
        usr_is_factory
    done
}

run_case
