#!/usr/bin/env bash
# SPDX-FileCopyrightText: 2026 The qpybak authors
# SPDX-License-Identifier: Apache-2.0
# --json: one JSON object, nothing else, with the shape of docs/cli.md,
# "JSON output".
. "$(dirname "$0")/lib.sh"

# The shape every --json document must have, as one python expression.
SHAPE='
isinstance(d, dict)
and isinstance(d["enabled"], bool)
and d["command"] in ("boot", "status")
and (d["off_reason"] is None) == d["enabled"]
and isinstance(d["files"], list)
and sorted(d["counts"]) == sorted(["ok", "missing", "modified", "restored", "unrecoverable", "invalid"])
and all(isinstance(v, int) and v >= 0 for v in d["counts"].values())
and (REPORT or sum(d["counts"].values()) == len(d["files"]))
and (REPORT or all(d["counts"][s] == sum(1 for f in d["files"] if f["state"] == s) for s in d["counts"]))
and (not REPORT or all(f["state"] != "ok" for f in d["files"]))
and (not REPORT or all(d["counts"][s] >= sum(1 for f in d["files"] if f["state"] == s) for s in d["counts"]))
and all({"name", "state", "expected", "actual", "index"} <= set(f) for f in d["files"])
and all(f["state"] in d["counts"] for f in d["files"])
and all(f["expected"] is None or (isinstance(f["expected"], str) and re.fullmatch("0x[0-9a-f]{8}", f["expected"])) for f in d["files"])
and all(f["actual"] is None or (isinstance(f["actual"], str) and re.fullmatch("0x[0-9a-f]{8}", f["actual"])) for f in d["files"])
and all(f["name"] is None or isinstance(f["name"], str) for f in d["files"])
and all(f["state"] != "invalid" or isinstance(f.get("reason"), str) for f in d["files"])
and all("restored" in f and re.fullmatch("0x[0-9a-f]{8}", f["restored"]) for f in d["files"] if f["state"] == "restored")
and all(f.get("found") in ("missing", "modified") for f in d["files"] if f["state"] in ("restored", "unrecoverable"))
and set(d["manifest"]) >= {"source", "primary", "shadow", "backup"}
and d["manifest"]["source"] in ("primary", "shadow", "backup", "none")
and all(d["manifest"][k] in ("ok", "missing", "corrupt", "stale", "unreadable") for k in ("primary", "shadow", "backup"))
and isinstance(d["stale_temps"], int)
and isinstance(d["manifest_written"], bool) and isinstance(d["report_written"], bool)
'

assert_shape() { # FILE WHAT [report]: with "report", only non-ok entries are listed (boot.json)
    local r=False
    [ "${3:-}" = report ] && r=True
    assert_json "$1" "(lambda REPORT: $(echo "$SHAPE" | tr '\n' ' '))($r)" "$2: --json shape"
}

case_json_status_shape() {
    pack_factory
    say "status --json on every kind of entry: ok, missing, modified, invalid"
    rm "$USR/main.py"
    printf 'changed' >"$USR/lib/util.py"
    py 'import json,sys; m=json.load(open(sys.argv[1])); m += [{"name": "/usr/../x", "crc32": "0x1"}, {"crc32": "0x2"}]; open(sys.argv[1],"w").write(json.dumps(m))' "$USR/checksum.json"
    cp "$USR/checksum.json" "$USR/.qpybak/checksum.json"
    status --json
    assert_exit 1 "status"
    assert_empty "$ERR" "stderr of status --json"
    assert_shape "$OUT" status
    assert_json "$OUT" 'd["command"] == "status" and d["enabled"] is True' "command/enabled"
    assert_json "$OUT" 'd["counts"] == {"ok": 4, "missing": 1, "modified": 1, "restored": 0, "unrecoverable": 0, "invalid": 2}' "counts"
    m=$(crc_of "$APP/main.py")
    assert_json "$OUT" 'entry("/usr/main.py") == dict(entry("/usr/main.py"), state="missing", expected="'"$m"'", actual=None, size='"$(wc -c <"$APP/main.py")"', actual_size=None)' "the missing entry"
    assert_json "$OUT" 'entry("/usr/lib/util.py")["actual"] == "'"$(crc_of "$USR/lib/util.py")"'" and entry("/usr/lib/util.py")["actual_size"] == 7' "the modified entry"
    assert_json "$OUT" 'entry("/usr/apn_cfg.json")["expected"] == entry("/usr/apn_cfg.json")["actual"] == "'"$(crc_of "$APP/apn_cfg.json")"'"' "an ok entry"
    assert_json "$OUT" 'entry("/usr/../x")["state"] == "invalid" and d["files"][7]["name"] is None and d["files"][7]["state"] == "invalid"' "the invalid entries"
    assert_json "$OUT" '[f["index"] for f in d["files"]] == list(range(8))' "indexes"
}

case_json_boot_shape() {
    pack_factory
    say "boot --json with restored, unrecoverable and invalid entries"
    rm "$USR/main.py"
    printf 'changed' >"$USR/lib/util.py"
    printf 'rot' >"$BAK/usr/lib/util.py"
    printf 'changed' >"$USR/apn_cfg.json"
    cc=$(crc_of "$USR/apn_cfg.json")
    py 'import json,sys; m=json.load(open(sys.argv[1])); m += [{"name": "/usr/a\\b", "crc32": "0x1"}]; open(sys.argv[1],"w").write(json.dumps(m))' "$USR/checksum.json"
    cp "$USR/checksum.json" "$USR/.qpybak/checksum.json"
    boot --json
    assert_exit 1 "boot"
    assert_empty "$ERR" "stderr of boot --json"
    assert_shape "$OUT" boot
    assert_json "$OUT" 'd["command"] == "boot"' "command"
    assert_json "$OUT" 'd["counts"] == {"ok": 3, "missing": 0, "modified": 0, "restored": 2, "unrecoverable": 1, "invalid": 1}' "counts"
    assert_json "$OUT" 'entry("/usr/main.py")["found"] == "missing" and entry("/usr/main.py")["restored"] == "'"$(crc_of "$APP/main.py")"'"' "restored missing file"
    assert_json "$OUT" 'entry("/usr/apn_cfg.json")["found"] == "modified" and entry("/usr/apn_cfg.json")["actual"] == "'"$cc"'"' "restored modified file"
    assert_json "$OUT" 'entry("/usr/lib/util.py")["state"] == "unrecoverable" and entry("/usr/lib/util.py")["found"] == "modified" and isinstance(entry("/usr/lib/util.py").get("reason"), str)' "unrecoverable"
    assert_json "$OUT" 'entry("/usr/a\\b")["state"] == "invalid"' "the backslash name, escaped in JSON"
    assert_json "$OUT" 'd["report_written"] is True' "report_written"
    assert_shape "$USR/.qpybak/boot.json" boot.json report
}

case_json_off_shape() {
    pack_factory
    write_flag '{"enable": 0}'
    say "--json when the feature is off: enabled false, off_reason, all six counts"
    for c in boot status; do
        run "$c" --usr "$USR" --bak "$BAK" --json
        assert_exit 0 "$c --json, off"
        assert_json "$OUT" 'd["enabled"] is False and isinstance(d["off_reason"], str) and d["files"] == []' "$c --json, off"
        assert_json "$OUT" 'd["counts"] == dict.fromkeys(["ok", "missing", "modified", "restored", "unrecoverable", "invalid"], 0)' "$c --json, off: counts"
    done
}

case_json_utf8_names() {
    make_app "$APP"
    printf 'bonjour\n' >"$APP/café.txt"
    printf '\xe4\xbd\xa0\xe5\xa5\xbd\n' >"$APP/配置.json"
    printf 'q\n' >"$APP/quote\"d.txt"
    pack_factory
    say "UTF-8 and quote characters in names survive pack, --json and restore"
    rm "$USR/café.txt" "$USR/配置.json" "$USR/quote\"d.txt"
    boot --json
    assert_exit 0 "boot"
    assert_shape "$OUT" boot
    assert_json "$OUT" 'st("/usr/café.txt") == "restored" and st("/usr/配置.json") == "restored" and st("/usr/quote\"d.txt") == "restored"' "utf-8 names"
    usr_is_factory
    say "a manifest naming the file with \\u escapes (surrogate pair included) matches it"
    printf 'emoji\n' >"$USR/😀.txt"
    printf 'emoji\n' >"$BAK/usr/😀.txt"
    py 'import json,sys,zlib; m=json.load(open(sys.argv[1])); m.append({"name": "/usr/\U0001F600.txt", "crc32": "0x%08x" % zlib.crc32(b"emoji\n", 0xFFFFFFFF)}); open(sys.argv[1],"w").write(json.dumps(m, ensure_ascii=True))' "$USR/checksum.json"
    grep -q '\\ud83d\\ude00' "$USR/checksum.json" || fail "test premise: escaped surrogate pair"
    cp "$USR/checksum.json" "$USR/.qpybak/checksum.json"
    rm "$USR/😀.txt"
    boot --json
    assert_exit 0 "boot"
    assert_json "$OUT" 'st("/usr/\U0001F600.txt") == "restored"' "surrogate-pair name"
    assert_file_eq "$USR/😀.txt" "$BAK/usr/😀.txt"
}

run_case
