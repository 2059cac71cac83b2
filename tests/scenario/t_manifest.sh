#!/usr/bin/env bash
# SPDX-FileCopyrightText: 2026 The qpybak authors
# SPDX-License-Identifier: Apache-2.0
# Which checksums boot trusts: primary, shadow, factory; what it does when the
# backup partition itself is damaged; QuecPython-written manifests.
. "$(dirname "$0")/lib.sh"

# A legitimate edit, recorded with calc: usr_cfg.json gets a new password.
edit_with_calc() {
    printf '{"server": "10.0.0.2", "port": 8883, "password": "n3w-pass", "volume": 9}\n' >"$USR/usr_cfg.json"
    cp "$USR/usr_cfg.json" "$T/edited"
    calc /usr/usr_cfg.json
    assert_exit 0 "calc /usr/usr_cfg.json"
    assert_entry "$USR/checksum.json" /usr/usr_cfg.json "$(crc_of "$T/edited")" "$(wc -c <"$T/edited")"
}

case_both_corrupt_factory_installed() {
    pack_factory
    edit_with_calc
    say "both user manifests corrupt: the factory manifest is installed, loudly"
    printf '[{"name": "/usr/main.py", "crc32": "0x1234' >"$USR/checksum.json"
    printf 'garbage\000\377' >"$USR/.qpybak/checksum.json"
    clone_device human
    use_device dev
    boot --json
    assert_exit 0 "boot --json"
    assert_json "$OUT" 'd["manifest"]["source"] == "backup"' "manifest.source"
    assert_json "$OUT" 'd["manifest"]["primary"] == "corrupt" and d["manifest"]["shadow"] == "corrupt"' "manifest states"
    assert_json "$OUT" 'd["manifest"]["backup"] == "ok"' "manifest.backup"
    say "the edit recorded by calc is lost (the only case where it may be): usr_cfg.json back to factory"
    assert_json "$OUT" 'st("/usr/usr_cfg.json") == "restored"' "the calc-edited file"
    assert_file_eq "$USR/usr_cfg.json" "$APP/usr_cfg.json" "usr_cfg.json vs factory"
    usr_is_factory
    assert_file_eq "$USR/checksum.json" "$USR/.qpybak/checksum.json" "primary and shadow"
    for f in main.py usr_cfg.json lib/util.py; do
        assert_entry "$USR/checksum.json" "/usr/$f" "$(crc_of "$APP/$f")" "$(wc -c <"$APP/$f")"
    done
    assert_json "$USR/.qpybak/boot.json" 'd["manifest"]["source"] == "backup"' "boot.json manifest.source"
    say "the human output carries a warning line"
    use_device human
    boot
    assert_exit 0 "boot"
    assert_contains "$OUT" '^warning +.*(both|corrupt)' "boot's warning"
    usr_is_factory
}

case_torn_primary_shadow_rescues() {
    pack_factory
    edit_with_calc
    say "power cut tore /usr/checksum.json (truncated): the shadow has the calc'd edit"
    sz=$(wc -c <"$USR/checksum.json")
    truncate -s $((sz / 2)) "$USR/checksum.json"
    status
    assert_exit 1 "status with a torn primary"
    boot --json
    assert_exit 0 "boot"
    assert_json "$OUT" 'd["manifest"]["source"] == "shadow" and d["manifest"]["primary"] == "corrupt"' "manifest"
    assert_json "$OUT" 'st("/usr/usr_cfg.json") == "ok"' "the edited file"
    assert_json "$OUT" 'd["counts"]["ok"] == 6' "counts"
    say "the legitimate edit is kept, the primary repaired from the shadow"
    assert_file_eq "$USR/usr_cfg.json" "$T/edited" "usr_cfg.json keeps the edit"
    assert_file_eq "$USR/checksum.json" "$USR/.qpybak/checksum.json" "primary and shadow"
    assert_entry "$USR/checksum.json" /usr/usr_cfg.json "$(crc_of "$T/edited")" "$(wc -c <"$T/edited")"
    status
    assert_exit 0 "status after boot"
}

case_shadow_corrupt_primary_used() {
    pack_factory
    edit_with_calc
    say "shadow corrupt, primary fine: primary used, edit kept, shadow repaired"
    printf '[' >"$USR/.qpybak/checksum.json"
    boot --json
    assert_exit 0 "boot"
    assert_json "$OUT" 'd["manifest"]["source"] == "primary" and d["manifest"]["shadow"] == "corrupt"' "manifest"
    assert_file_eq "$USR/usr_cfg.json" "$T/edited" "usr_cfg.json keeps the edit"
    assert_file_eq "$USR/checksum.json" "$USR/.qpybak/checksum.json" "primary and shadow"
}

case_backup_copy_corrupt() {
    pack_factory
    say "a damaged user file whose backup copy is corrupt too: unrecoverable, left alone"
    printf 'edited by hand\n' >"$USR/apn_cfg.json"
    printf 'flash rot\n' >"$BAK/usr/apn_cfg.json"
    rm "$USR/lib/net.py" # a second, recoverable damage in the same boot
    cp "$USR/apn_cfg.json" "$T/apn_before"
    before=$(manifest_entry "$USR/checksum.json" /usr/apn_cfg.json)
    save_state before
    boot --json
    assert_exit 1 "boot with an unrecoverable file"
    assert_json "$OUT" 'st("/usr/apn_cfg.json") == "unrecoverable"' "the file with a corrupt backup copy"
    assert_json "$OUT" 'st("/usr/lib/net.py") == "restored"' "the other damage is still repaired"
    assert_json "$OUT" 'd["counts"]["unrecoverable"] == 1 and d["counts"]["restored"] == 1 and d["counts"]["ok"] == 4' "counts"
    assert_file_eq "$USR/apn_cfg.json" "$T/apn_before" "the unrecoverable user file (untouched)"
    [ "$(manifest_entry "$USR/checksum.json" /usr/apn_cfg.json)" = "$before" ] ||
        fail "the unrecoverable file's manifest entry changed: $before -> $(manifest_entry "$USR/checksum.json" /usr/apn_cfg.json)"
    [ "$(manifest_entry "$USR/.qpybak/checksum.json" /usr/apn_cfg.json)" = "$before" ] ||
        fail "the unrecoverable file's shadow entry changed"
    assert_file_eq "$USR/lib/net.py" "$APP/lib/net.py"
    assert_json "$USR/.qpybak/boot.json" 'st("/usr/apn_cfg.json") == "unrecoverable"' "boot.json"
    say "boot again: still unrecoverable, exit 1, and now nothing else to do"
    boot
    assert_exit 1 "second boot"
    assert_contains "$OUT" '^unrecoverable +/usr/apn_cfg.json' "human output"
    assert_file_eq "$USR/apn_cfg.json" "$T/apn_before" "the unrecoverable user file (untouched)"
}

case_backup_copy_corrupt_only() {
    pack_factory
    say "only that damage: user file and the whole user manifest byte-identical after boot"
    printf 'edited by hand\n' >"$USR/main.py"
    printf 'flash rot\n' >"$BAK/usr/main.py"
    cp "$USR/checksum.json" "$T/manifest_before"
    cp "$USR/.qpybak/checksum.json" "$T/shadow_before"
    cp "$USR/main.py" "$T/main_before"
    save_state before
    boot
    assert_exit 1 "boot"
    assert_file_eq "$USR/main.py" "$T/main_before" "the unrecoverable user file"
    assert_file_eq "$USR/checksum.json" "$T/manifest_before" "/usr/checksum.json"
    assert_file_eq "$USR/.qpybak/checksum.json" "$T/shadow_before" "the shadow manifest"
    assert_snapshot "$T/snap.before" "$D" '^usr$|^usr/\.qpybak($|/boot\.json$)' "the device (all but the boot report)"
    say "a missing file whose backup copy is missing too: unrecoverable, not created"
    rm "$USR/lib/util.py" "$BAK/usr/lib/util.py"
    boot --json
    assert_exit 1 "boot"
    assert_json "$OUT" 'st("/usr/lib/util.py") == "unrecoverable"' "missing file with no backup copy"
    assert_absent "$USR/lib/util.py"
}

case_calc_edit_then_lost() {
    pack_factory
    edit_with_calc
    say "a calc'd edit, then the file is deleted: the factory copy (verified by the backup manifest) comes back"
    rm "$USR/usr_cfg.json"
    boot --json
    assert_exit 0 "boot"
    assert_json "$OUT" 'st("/usr/usr_cfg.json") == "restored" and entry("/usr/usr_cfg.json")["restored"] == "'"$(crc_of "$APP/usr_cfg.json")"'"' "restored"
    assert_json "$OUT" 'd["manifest_written"] is True and d["report_written"] is True' "written flags"
    assert_file_eq "$USR/usr_cfg.json" "$APP/usr_cfg.json"
    say "its manifest entry now records the installed copy, in both manifests"
    assert_entry "$USR/checksum.json" /usr/usr_cfg.json "$(crc_of "$APP/usr_cfg.json")" "$(wc -c <"$APP/usr_cfg.json")"
    assert_file_eq "$USR/checksum.json" "$USR/.qpybak/checksum.json" "primary and shadow"
    status
    assert_exit 0 "status"
}

case_backup_manifest_missing() {
    pack_factory
    say "backup manifest missing: reported; a file whose backup copy matches the user manifest is restored"
    rm "$BAK/checksum.json"
    rm "$USR/apn_cfg.json"
    boot --json
    assert_exit 0 "boot"
    assert_json "$OUT" 'd["manifest"]["backup"] == "missing"' "manifest.backup"
    assert_json "$OUT" 'st("/usr/apn_cfg.json") == "restored"' "restorable file"
    assert_file_eq "$USR/apn_cfg.json" "$APP/apn_cfg.json"
    say "a calc'd edit then damaged: the backup copy matches neither manifest -> unrecoverable"
    edit_with_calc
    printf 'torn' >"$USR/usr_cfg.json"
    cp "$USR/usr_cfg.json" "$T/torn"
    boot --json
    assert_exit 1 "boot"
    assert_json "$OUT" 'st("/usr/usr_cfg.json") == "unrecoverable"' "file whose backup copy matches no manifest"
    assert_file_eq "$USR/usr_cfg.json" "$T/torn" "the unrecoverable file (untouched)"
    assert_entry "$USR/checksum.json" /usr/usr_cfg.json "$(crc_of "$T/edited")" "$(wc -c <"$T/edited")"
}

case_backup_manifest_corrupt() {
    pack_factory
    say "backup manifest corrupt: reported; the user manifest still drives restores"
    printf '{"not": "an array"}' >"$BAK/checksum.json"
    rm "$USR/lib/util.py"
    boot --json
    assert_exit 0 "boot"
    assert_json "$OUT" 'd["manifest"]["backup"] == "corrupt"' "manifest.backup"
    assert_json "$OUT" 'st("/usr/lib/util.py") == "restored"' "restorable file"
    usr_is_factory
}

case_no_manifest_at_all() {
    pack_factory
    say "no user manifest and no backup manifest: nothing to check, boot fails (exit 1), writes no file"
    rm "$USR/checksum.json" "$USR/.qpybak/checksum.json" "$BAK/checksum.json"
    boot --json
    assert_exit 1 "boot with no usable manifest"
    assert_json "$OUT" 'd["manifest"]["source"] == "none"' "manifest.source"
    assert_absent "$USR/checksum.json" "a manifest made of nothing"
}

case_quecpython_manifest() {
    make_app "$APP"
    : >"$APP/empty.txt"
    # hex() drops leading zeros: find content whose crc starts with a zero nibble
    pyh "$APP/volume.cfg" <<'PYEOF'
import sys, zlib
n = 0
while zlib.crc32(b"volume=%d\n" % n, 0xFFFFFFFF) >> 28:
    n += 1
open(sys.argv[1], "wb").write(b"volume=%d\n" % n)
PYEOF
    pack_factory
    say "manifests as QuecPython writes them: ujson.dumps, one line, no size, hex() form, no shadow"
    rm -rf "$USR/.qpybak"
    IFS= read -r -d '' MK <<'PYEOF' || true
import json, sys, zlib, os
app, out = sys.argv[1], sys.argv[2]
names = ["main.py", "apn_cfg.json", "system_config.json", "usr_cfg.json",
         "lib/util.py", "lib/net.py", "empty.txt", "volume.cfg"]
ents = []
for i, n in enumerate(names):
    c = zlib.crc32(open(os.path.join(app, n), "rb").read(), 0xFFFFFFFF)
    s = hex(c)                       # QuecPython: 0x5d3f... no padding
    if i == 1: s = "0X%X" % c        # any case, 0X prefix
    if i == 2: s = "%x" % c          # no prefix
    ents.append({"name": "/usr/" + n, "crc32": s})
open(out, "w").write(json.dumps(ents))   # ujson.dumps-style: one line
PYEOF
    py "$MK" "$APP" "$USR/checksum.json"
    py "$MK" "$APP" "$BAK/checksum.json"
    grep -q '"crc32": "0x[1-9a-f][0-9a-f]\{0,6\}"' "$USR/checksum.json" || fail "test premise: a short hex() crc"
    [ "$(wc -l <"$USR/checksum.json")" = 0 ] || fail "test premise: one line"
    say "boot accepts it: every file ok (the empty one too), exit 0"
    boot --json
    assert_exit 0 "boot"
    assert_json "$OUT" 'd["counts"]["ok"] == 8 and d["counts"]["invalid"] == 0' "counts"
    assert_json "$OUT" 'd["manifest"]["primary"] == "ok"' "manifest.primary"
    assert_json "$OUT" 'st("/usr/empty.txt") == "ok"' "empty file"
    say "damage under a QuecPython manifest is restored"
    rm "$USR/volume.cfg"
    printf 'x' >"$USR/apn_cfg.json"
    boot --json
    assert_exit 0 "boot"
    assert_json "$OUT" 'st("/usr/volume.cfg") == "restored" and st("/usr/apn_cfg.json") == "restored"' "restored"
    usr_is_factory
    py 'import json,sys; json.load(open(sys.argv[1]))' "$USR/checksum.json" || fail "the rewritten manifest is not JSON"
    assert_entry "$USR/checksum.json" /usr/volume.cfg "$(crc_of "$APP/volume.cfg")"
    assert_entry "$USR/checksum.json" /usr/system_config.json "$(crc_of "$APP/system_config.json")"
    status
    assert_exit 0 "status"
}

case_manifest_any_json_form() {
    pack_factory
    say "a manifest with odd whitespace, key order, escapes and unknown keys is accepted"
    pyh "$APP" "$USR/checksum.json" <<'PYEOF'
import sys, zlib, os
app, out = sys.argv[1], sys.argv[2]
def c(n): return "0x%08x" % zlib.crc32(open(os.path.join(app, n), "rb").read(), 0xFFFFFFFF)
def s(n): return os.path.getsize(os.path.join(app, n))
txt = ('\r\n[ \t{ "crc32" : "%s" , "name":"\\/usr\\/main.py", "extra": {"a": [1, 2, {"b": null}]}, "size": %d }\n,'
       '{"name": "/usr/\\u0061pn_cfg.json", "crc32": "%s"},{"name":"/usr/system_config.json","crc32":"%s","size":%d},'
       '{"name": "/usr/usr_cfg.json", "crc32": "%s", "note": "caf\\u00e9 \\ud83d\\ude00"},'
       '{"name": "/usr/lib/util.py", "crc32": "%s"}, {"name": "/usr/lib/net.py", "crc32": "%s", "size": %d}\n]\n'
       % (c("main.py"), s("main.py"), c("apn_cfg.json").upper().replace("X", "x"), c("system_config.json"),
          s("system_config.json"), c("usr_cfg.json"), c("lib/util.py"), c("lib/net.py"), s("lib/net.py")))
open(out, "w").write(txt)
PYEOF
    cp "$USR/checksum.json" "$USR/.qpybak/checksum.json"
    status --json
    assert_exit 0 "status"
    assert_json "$OUT" 'd["counts"]["ok"] == 6' "counts"
}

# A manifest in the forms QuecPython reads the same way and qpybak never
# writes: names its VFS resolves to the same file (usr/x, //, /./), crc32
# with white space around it, trailing commas (docs/format.md, "QuecPython
# compatibility").  Files are checked under their normal names, damage is
# restored, each form is warned about, and boot's rewrite leaves only
# normal forms.
forms_device() {
    pack_factory
    say "a user manifest with usr/x, //, /./ names, ' 0x1a2b ' crcs and trailing commas"
    pyh "$APP" "$USR/checksum.json" <<'PYEOF'
import sys, zlib, os
app, out = sys.argv[1], sys.argv[2]
def c(n): return zlib.crc32(open(os.path.join(app, n), "rb").read(), 0xFFFFFFFF)
edited = zlib.crc32(b'{"apn": "edited"}\n', 0xFFFFFFFF)  # an edit calc recorded once
txt = ('[{"name": "usr/main.py", "crc32": " 0x%x "},\n'
       ' {"name": "/usr//apn_cfg.json", "crc32": "\\t0x%08x\\r\\n",},\n'
       ' {"name": "/usr/./system_config.json", "crc32": "0x%x"},\n'
       ' {"name": "./usr/usr_cfg.json", "crc32": "0x%x"},\n'
       ' {"name": "//usr/lib/./util.py", "crc32": "0x%x"},\n'
       ' {"name": "/usr/lib/net.py", "crc32": "0x%08x"},\n'
       ' {"name": "usr/../bak/usr/main.py", "crc32": "0x%x"},\n'
       ']\n' % (c("main.py"), edited, c("system_config.json"), c("usr_cfg.json"),
                c("lib/util.py"), c("lib/net.py"), c("main.py")))
open(out, "w").write(txt)
PYEOF
    rm -rf "$USR/.qpybak"
    rm "$USR/apn_cfg.json"
    printf 'damaged\n' >"$USR/main.py"
    cp "$USR/checksum.json" "$T/forms.json"
}

case_quecpython_forms() {
    forms_device
    save_state before
    status --json
    assert_exit 1 "status"
    assert_state_unchanged before "status"
    assert_json "$OUT" 'd["counts"]["ok"] == 4 and d["counts"]["invalid"] == 1' "status counts"
    assert_json "$OUT" 'st("/usr/main.py") == "modified" and st("/usr/apn_cfg.json") == "missing"' "damage found under normal names"
    assert_json "$OUT" 'st("/usr/system_config.json") == "ok" and st("/usr/usr_cfg.json") == "ok" and st("/usr/lib/util.py") == "ok"' "files checked under normal names"
    assert_json "$OUT" 'st("/usr/../bak/usr/main.py") == "invalid"' ".. stays invalid"
    assert_json "$OUT" '"trailing comma in a manifest" in d["warnings"]' "the trailing comma's warning"
    status
    assert_exit 1 "status (human)"
    assert_contains "$OUT" '^warning +trailing comma in a manifest' "the trailing comma's line"

    say "boot restores the damaged files from their factory copies, named in normal form"
    boot --json
    assert_exit 1 "boot (an invalid entry is left)"
    assert_json "$OUT" 'st("/usr/main.py") == "restored" and st("/usr/apn_cfg.json") == "restored"' "restored"
    assert_json "$OUT" 'd["counts"]["restored"] == 2 and d["counts"]["invalid"] == 1 and d["counts"]["ok"] == 4' "boot counts"
    assert_file_eq "$USR/main.py" "$APP/main.py" "main.py restored"
    assert_file_eq "$USR/apn_cfg.json" "$APP/apn_cfg.json" "apn_cfg.json restored"
    assert_absent "$D/bak/bak" "anything made from usr/../bak"
    assert_json "$USR/.qpybak/boot.json" '"trailing comma in a manifest" in d["warnings"]' "boot.json: the trailing comma"

    say "the restore of a recorded edit rewrote the manifest: normal forms only"
    assert_json "$OUT" 'd["manifest_written"] is True' "manifest rewritten"
    pyh "$USR/checksum.json" <<'PYEOF' || fail "the rewritten manifest: $(cat "$USR/checksum.json")"
import json, re, sys
text = open(sys.argv[1]).read()
d = json.loads(text)                     # strict JSON: no trailing comma
names = [e["name"] for e in d]
assert names == ["/usr/main.py", "/usr/apn_cfg.json", "/usr/system_config.json",
                 "/usr/usr_cfg.json", "/usr/lib/util.py", "/usr/lib/net.py"], names
assert all(re.fullmatch(r"0x[0-9a-f]{8}", e["crc32"]) for e in d), text
assert ",]" not in re.sub(r"\s", "", text) and ",}" not in re.sub(r"\s", "", text), text
PYEOF
    assert_file_eq "$USR/checksum.json" "$USR/.qpybak/checksum.json" "primary and shadow"
    status
    assert_exit 0 "status after boot"
    assert_not_contains "$OUT" '^warning' "no warning left"
}

# Each entry read in a tolerated form says so: in --json and boot.json (its
# "warnings"), and as a "warning" line of the human output.
case_quecpython_forms_warned() {
    forms_device
    status --json
    assert_exit 1 "status"
    assert_json "$OUT" '"white space around crc32" in entry("/usr/main.py")["warnings"]' "main.py: crc spaces"
    assert_json "$OUT" 'any("normalised" in w for w in entry("/usr/main.py")["warnings"])' "main.py: name form"
    assert_json "$OUT" 'any("normalised" in w for w in entry("/usr/lib/util.py")["warnings"])' "util.py: name form"
    assert_json "$OUT" '"warnings" not in entry("/usr/lib/net.py")' "net.py: in qpybak's form"
    status
    assert_exit 1 "status (human)"
    assert_contains "$OUT" '^warning +/usr/system_config.json: name in a form QuecPython resolves' "a name form's line"
    assert_contains "$OUT" '^warning +/usr/apn_cfg.json: white space around crc32' "a crc32's line"
    boot --json
    assert_exit 1 "boot (an invalid entry is left)"
    assert_json "$USR/.qpybak/boot.json" 'any("normalised" in w for w in entry("/usr/apn_cfg.json")["warnings"])' "boot.json: a name form"
}

run_case
