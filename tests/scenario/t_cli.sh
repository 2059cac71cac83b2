#!/usr/bin/env bash
# SPDX-FileCopyrightText: 2026 The qpybak authors
# SPDX-License-Identifier: Apache-2.0
# The command line: every exit status of every command, usage errors with one
# line on stderr, option forms.
. "$(dirname "$0")/lib.sh"

# usage_error ARGS...: exit 2, nothing on stdout, one line on stderr.
usage_error() {
    run "$@"
    assert_exit 2 "qpybak $*"
    assert_stderr_one_line
    assert_empty "$OUT" "stdout of a usage error"
}

case_help_version() {
    say "--help: exit 0, usage on stdout naming every command"
    run --help
    assert_exit 0 "--help"
    for c in pack boot status calc crc; do assert_contains "$OUT" "$c" "--help mentions $c"; done
    say "--version: exit 0, prints the version"
    run --version
    assert_exit 0 "--version"
    # The exact version is package.version's: project() in CMakeLists.txt.
    assert_contains "$OUT" '^qpybak [0-9]+\.[0-9]+\.[0-9]+$' "--version"
    say "no arguments at all: usage error, exit 2"
    run
    assert_exit 2 "no arguments"
    [ -s "$ERR" ] || fail "no arguments: stderr should say how to use it"
}

case_unknown_command_option() {
    pack_factory
    save_state before
    say "unknown command: exit 2"
    usage_error frobnicate
    usage_error BOOT --usr "$USR" --bak "$BAK"
    say "unknown option on every command: exit 2"
    usage_error --frobnicate
    usage_error boot --usr "$USR" --bak "$BAK" --frobnicate
    usage_error status --usr "$USR" --bak "$BAK" -x
    usage_error calc --usr "$USR" --json /usr/main.py
    usage_error crc --nope "$USR/main.py"
    usage_error pack "$APP" --bak "$WORK/newbak" --bogus
    assert_absent "$WORK/newbak" "pack output after a usage error"
    say "--quiet belongs to the commands with a progress display, not to calc and crc"
    usage_error calc --usr "$USR" --quiet /usr/main.py
    assert_contains "$ERR" "not an option of 'calc'" "calc --quiet"
    usage_error crc -q "$USR/main.py"
    usage_error status --usr "$USR" --bak "$BAK" --quiet --quiet
    say "an option missing its value: exit 2"
    usage_error boot --bak "$BAK" --usr
    usage_error status --usr "$USR" --bak
    say "an unexpected positional argument: exit 2"
    usage_error boot --usr "$USR" --bak "$BAK" extra
    usage_error status --usr "$USR" --bak "$BAK" extra
    assert_state_unchanged before "after usage errors"
}

case_missing_roots() {
    pack_factory
    rm "$USR/main.py"
    save_state before
    say "boot/status without --usr or --bak: exit 2, nothing done"
    usage_error boot --bak "$BAK"
    usage_error boot --usr "$USR"
    usage_error status --bak "$BAK"
    usage_error status --usr "$USR"
    usage_error calc /usr/main.py
    say "a root that does not exist: exit 2, nothing created"
    usage_error boot --usr "$D/nope" --bak "$BAK"
    assert_absent "$D/nope"
    usage_error boot --usr "$USR" --bak "$D/nope"
    assert_absent "$D/nope"
    usage_error status --usr "$D/nope" --bak "$BAK"
    usage_error status --usr "$USR" --bak "$D/nope"
    usage_error calc --usr "$D/nope" /usr/main.py
    say "a root that is a file, not a directory: exit 2"
    usage_error boot --usr "$D/outside" --bak "$BAK"
    usage_error boot --usr "$USR" --bak "$D/outside"
    assert_state_unchanged before "after environment errors"
    say "pack: missing --bak, missing or nonexistent APP_DIR, APP_DIR a file: exit 2"
    usage_error pack "$APP"
    usage_error pack --bak "$WORK/b1"
    usage_error pack "$WORK/noapp" --bak "$WORK/b2"
    usage_error pack "$D/outside" --bak "$WORK/b3"
    assert_absent "$WORK/b1"
    assert_absent "$WORK/b2"
    assert_absent "$WORK/b3"
}

case_exit_status_boot() {
    pack_factory
    say "boot: 0 intact, 0 after restoring, 1 unrecoverable, 1 invalid, 0 when off"
    boot
    assert_exit 0 "boot, intact"
    rm "$USR/main.py"
    boot
    assert_exit 0 "boot, restored"
    printf 'x' >"$USR/main.py"
    printf 'y' >"$BAK/usr/main.py"
    boot
    assert_exit 1 "boot, unrecoverable"
    cp "$APP/main.py" "$USR/main.py"
    cp "$APP/main.py" "$BAK/usr/main.py"
    boot
    assert_exit 0 "boot, intact again"
    py 'import json,sys; m=json.load(open(sys.argv[1])); m.append({"name": "/usr/../x", "crc32": "0x1"}); open(sys.argv[1],"w").write(json.dumps(m))' "$USR/checksum.json"
    cp "$USR/checksum.json" "$USR/.qpybak/checksum.json"
    boot
    assert_exit 1 "boot, an invalid entry"
    write_flag '{"enable": 0}'
    boot
    assert_exit 0 "boot, feature off"
}

case_exit_status_status() {
    pack_factory
    say "status: 0 intact, 1 missing, 1 modified, 1 invalid entry, 0 off"
    status
    assert_exit 0 "status, intact"
    assert_contains "$OUT" '^status: ' "summary line"
    mv "$USR/main.py" "$T/main.py"
    status
    assert_exit 1 "status, missing"
    assert_contains "$OUT" '^missing +/usr/main\.py' "status line"
    mv "$T/main.py" "$USR/main.py"
    printf 'x' >>"$USR/main.py"
    status
    assert_exit 1 "status, modified"
    assert_contains "$OUT" '^modified +/usr/main\.py \(' "status line"
    write_flag '{"enable": 0}'
    status
    assert_exit 0 "status, off"
}

case_human_output() {
    pack_factory
    say "human output: one line per non-ok entry, state padded to 13 columns, one summary line; -v lists all"
    rm "$USR/apn_cfg.json"
    status
    assert_exit 1 "status"
    assert_contains "$OUT" '^missing       /usr/apn_cfg\.json( |$)' "padded state"
    assert_not_contains "$OUT" '^ok ' "ok lines without -v"
    [ "$(grep -c . "$OUT")" = 2 ] || fail "status: expected 2 lines (1 entry + summary)"
    status -v
    assert_contains "$OUT" '^ok            /usr/main\.py' "-v lists ok entries"
    [ "$(grep -c . "$OUT")" = 7 ] || fail "status -v: expected 7 lines (6 entries + summary)"
    boot
    assert_exit 0 "boot"
    assert_contains "$OUT" '^restored      /usr/apn_cfg\.json \(was missing\)' "restored line"
    assert_contains "$OUT" '^boot: 6 entries: 5 ok, 1 restored, 0 unrecoverable, 0 invalid$' "boot summary line"
}

case_option_forms() {
    pack_factory
    rm "$USR/main.py"
    say "--usr=DIR equals --usr DIR; options after positionals; -- ends options"
    run status "--usr=$USR" "--bak=$BAK"
    assert_exit 1 "status --usr=DIR"
    run status --json --bak "$BAK" --usr "$USR"
    assert_exit 1 "status, options in another order"
    assert_json "$OUT" 'st("/usr/main.py") == "missing"' "status"
    run status -q --usr "$USR" --bak "$BAK"
    assert_exit 1 "status -q (as status, without a progress display)"
    assert_contains "$OUT" "^missing +/usr/main.py$" "status -q"
    run boot "--bak=$BAK" --json "--usr=$USR" --quiet
    assert_exit 0 "boot --usr=DIR --quiet"
    assert_json "$OUT" 'st("/usr/main.py") == "restored"'
    printf 'x\n' >"$USR/-v"
    run calc /usr/main.py --usr "$USR"
    assert_exit 0 "calc with --usr after the path"
    run crc -- "$USR/-v"
    assert_exit 0 "crc -- FILE"
    assert_contains "$OUT" "^$(crc_of "$USR/-v")  " "crc -- FILE"
    mkdir -p "$WORK/app2" && printf 'x' >"$WORK/app2/a.py"
    run pack --bak="$WORK/b" "$WORK/app2"
    assert_exit 0 "pack --bak=DIR APP_DIR"
    assert_file_eq "$WORK/b/usr/a.py" "$WORK/app2/a.py"
}

run_case
