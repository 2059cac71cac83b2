#!/usr/bin/env bash
# SPDX-FileCopyrightText: 2026 The qpybak authors
# SPDX-License-Identifier: Apache-2.0
# calc (record a legitimate edit) and crc (checksum of host files).
. "$(dirname "$0")/lib.sh"

case_calc_then_boot_keeps_edit() {
    pack_factory
    say "edit usr_cfg.json, calc it: prints '0x%08x  PATH', records crc and size in both manifests"
    printf '{"server": "10.9.9.9", "port": 1883, "password": "changed", "volume": 1}\n' >"$USR/usr_cfg.json"
    cp "$USR/usr_cfg.json" "$T/edited"
    crc=$(crc_of "$T/edited")
    size=$(wc -c <"$T/edited")
    calc /usr/usr_cfg.json
    assert_exit 0 "calc"
    [ "$(cat "$OUT")" = "$crc  /usr/usr_cfg.json" ] || fail "calc output: expected '$crc  /usr/usr_cfg.json'"
    assert_entry "$USR/checksum.json" /usr/usr_cfg.json "$crc" "$size"
    assert_entry "$USR/.qpybak/checksum.json" /usr/usr_cfg.json "$crc" "$size"
    assert_file_eq "$USR/checksum.json" "$USR/.qpybak/checksum.json" "primary and shadow"
    say "the manifest keeps its order and its other entries"
    pyh "$BAK/checksum.json" "$USR/checksum.json" <<'PYEOF' || fail "calc changed other entries or the order"
import json, sys
a, b = json.load(open(sys.argv[1])), json.load(open(sys.argv[2]))
assert [e["name"] for e in a] == [e["name"] for e in b]
assert [e for e in a if e["name"] != "/usr/usr_cfg.json"] == [e for e in b if e["name"] != "/usr/usr_cfg.json"]
PYEOF
    say "status: all ok; boot keeps the edit and writes nothing"
    status
    assert_exit 0 "status"
    save_state edited
    boot
    assert_exit 0 "boot"
    assert_state_unchanged edited "boot after calc"
    assert_file_eq "$USR/usr_cfg.json" "$T/edited" "the edited file"
    say "calc of an unchanged file: same crc, exit 0"
    calc /usr/usr_cfg.json
    assert_exit 0 "calc again"
    [ "$(cat "$OUT")" = "$crc  /usr/usr_cfg.json" ] || fail "calc output"
}

case_calc_several_paths() {
    pack_factory
    say "calc of several paths prints one line each, in order"
    printf 'x = 1\n' >"$USR/lib/util.py"
    printf 'y = 2\n' >"$USR/lib/net.py"
    calc /usr/lib/util.py /usr/lib/net.py
    assert_exit 0 "calc"
    printf '%s  /usr/lib/util.py\n%s  /usr/lib/net.py\n' "$(crc_of "$USR/lib/util.py")" "$(crc_of "$USR/lib/net.py")" >"$T/want"
    cmp -s "$OUT" "$T/want" || fail "calc output: expected $(cat "$T/want")"
    boot
    assert_exit 0 "boot"
    printf 'x = 1\n' >"$T/want_util"
    assert_file_eq "$USR/lib/util.py" "$T/want_util" "the edited util.py"
}

case_calc_untracked() {
    pack_factory
    say "calc on an untracked file: crc printed, note on stderr, manifests unchanged, exit 0"
    printf 'hello\n' >"$USR/notes.txt"
    save_state before
    calc /usr/notes.txt
    assert_exit 0 "calc untracked"
    [ "$(cat "$OUT")" = "$(crc_of "$USR/notes.txt")  /usr/notes.txt" ] || fail "calc output for an untracked file"
    assert_contains "$ERR" 'not tracked' "stderr note"
    assert_state_unchanged before "calc of an untracked path"
}

case_calc_missing_file() {
    pack_factory
    say "calc on a tracked file that is missing: exit 1, manifests unchanged"
    rm "$USR/apn_cfg.json"
    save_state before
    calc /usr/apn_cfg.json
    assert_exit 1 "calc missing file"
    [ -s "$ERR" ] || fail "calc of a missing file should say so on stderr"
    assert_state_unchanged before "calc of a missing file"
    say "a missing path among good ones: the good ones still get their line, exit 1"
    calc /usr/main.py /usr/apn_cfg.json
    assert_exit 1 "calc with one missing path"
    assert_contains "$OUT" "^$(crc_of "$USR/main.py")  /usr/main.py\$" "calc line for the good path"
}

case_calc_invalid_path() {
    pack_factory
    save_state before
    for p in /bak/checksum.json usr/main.py main.py /usr/../outside /usr/./main.py /usr//main.py '/usr/a\b' /usr/ /usr '' /etc/passwd "/usr/$(printf 'a\tb')"; do
        say "calc '$p': invalid device path, exit 2, one line on stderr"
        calc "$p"
        assert_exit 2 "calc '$p'"
        assert_stderr_one_line
    done
    assert_state_unchanged before "calc with invalid paths"
}

case_calc_usage() {
    pack_factory
    say "calc with no path, or without --usr: exit 2"
    calc
    assert_exit 2 "calc without a path"
    assert_stderr_one_line
    run calc /usr/main.py
    assert_exit 2 "calc without --usr"
    assert_stderr_one_line
    run calc --usr "$D/nonexistent" /usr/main.py
    assert_exit 2 "calc with a nonexistent --usr"
    assert_stderr_one_line
}

case_crc_vectors() {
    say "qpybak crc: the vectors of docs/format.md, '0x%08x  FILE' per file"
    printf '' >"$T/empty"
    printf 'a' >"$T/a"
    printf '123456789' >"$T/digits"
    printf 'The quick brown fox jumps over the lazy dog' >"$T/fox"
    py 'import sys; open(sys.argv[1], "wb").write(bytes(range(256)))' "$T/bytes"
    head -c 4096 /dev/zero >"$T/zeros"
    run crc "$T/empty" "$T/a" "$T/digits" "$T/fox" "$T/bytes" "$T/zeros"
    assert_exit 0 "crc"
    cat >"$T/want" <<EOF
0xffffffff  $T/empty
0xc54aae31  $T/a
0xd202d277  $T/digits
0x4639f7f7  $T/fox
0xdb6cf6d4  $T/bytes
0xffffffff  $T/zeros
EOF
    cmp -s "$OUT" "$T/want" || fail "crc output: expected $(cat "$T/want")"
    say "a large file, in many chunks, equals python's zlib.crc32(data, 0xFFFFFFFF)"
    py 'import sys, random; r = random.Random(7); open(sys.argv[1], "wb").write(bytes(r.getrandbits(8) for _ in range(300001)))' "$T/big"
    run crc "$T/big"
    assert_exit 0 "crc"
    [ "$(cat "$OUT")" = "$(crc_of "$T/big")  $T/big" ] || fail "crc of a 300001-byte file: expected $(crc_of "$T/big")"
}

case_crc_errors() {
    say "crc of a missing file: exit 1; no file: exit 2"
    printf 'a' >"$T/a"
    run crc "$T/missing"
    assert_exit 1 "crc missing file"
    run crc "$T/missing" "$T/a"
    assert_exit 1 "crc with one missing file"
    assert_contains "$OUT" "^0xc54aae31  $T/a\$" "crc line for the readable file"
    run crc
    assert_exit 2 "crc without a file"
    assert_stderr_one_line
}

run_case
