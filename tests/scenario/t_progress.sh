#!/usr/bin/env bash
# SPDX-FileCopyrightText: 2026 The qpybak authors
# SPDX-License-Identifier: Apache-2.0
# The progress display of status, boot and fota apply (docs/cli.md,
# "Progress"): on a terminal, one line on stderr - files done / total,
# bytes, rate - redrawn in place and erased at the end; nothing when stderr
# is not a terminal or with --quiet.  The runs are on a real pseudo-terminal
# (python's pty); QPYBAK_PROGRESS_AFTER=0 shows the line from the first
# file instead of after a second.  (pack's display: t_pack.sh.)
. "$(dirname "$0")/lib.sh"

# assert_progress TTY_OUT WHAT TOTAL: TTY_OUT (stderr alone) holds at least
# one progress line "WHAT: N / TOTAL files, B / BT, R files/s, S/s" with
# 1 <= N <= TOTAL, every one redrawn in place, and ends with it erased.
assert_progress() {
    pyh "$@" <<'PYEOF' || fail "progress display in $1: $(cat -v "$1")"
import re, sys
raw = open(sys.argv[1], "rb").read().decode()
what, total = re.escape(sys.argv[2]), int(sys.argv[3])
size = r"[0-9.]+ (?:B|KiB|MiB)"
lines = re.findall(r"\r%s: ([0-9,]+) / ([0-9,]+) files, (%s) / (%s), [0-9,]+ files/s, %s/s"
                   % (what, size, size, size), raw)
assert lines, "no progress line in %r" % raw
for done, tot, _, _ in lines:
    assert int(tot.replace(",", "")) == total, (tot, total)
    assert 1 <= int(done.replace(",", "")) <= total, lines
# nothing but progress lines and their erasure: "\r" + blanks + "\r" at the end
rest = re.sub(r"\r%s: [^\r\n]*" % what, "", raw)
assert re.fullmatch(r"(\r +\r)+", rest), "other output on stderr, or not erased: %r" % rest
PYEOF
}

# assert_screen TTY_OUT EXPECTED_STDOUT: what a terminal shows after the
# bytes of TTY_OUT (stdout and stderr both on it) is EXPECTED_STDOUT's
# lines: the progress line never cut into a line of output, nor stayed.
assert_screen() {
    pyh "$@" <<'PYEOF' || fail "the terminal shows something else than the output"
import sys
raw = open(sys.argv[1], "rb").read().decode()
want = [l for l in open(sys.argv[2]).read().split("\n") if l]
screen, row, col = [""], 0, 0
for ch in raw:
    if ch == "\r":
        col = 0
    elif ch == "\n":
        row += 1
        col = 0
        if row == len(screen):
            screen.append("")
    else:
        line = screen[row].ljust(col)
        screen[row] = line[:col] + ch + line[col + 1:]
        col += 1
got = [l.rstrip() for l in screen if l.strip()]
assert got == want, "screen %r\nexpected %r" % (got[:20], want[:20])
PYEOF
}

# many_files: 40 more tracked files than make_app's 6 (46 entries).
many_files() {
    make_app "$APP"
    for i in $(seq 1 40); do printf 'file %d\n' "$i" >"$APP/lib/f$i.txt"; done
    pack_factory
}

case_status_progress() {
    many_files
    printf 'damaged\n' >"$USR/lib/f3.txt"
    rm "$USR/lib/f7.txt"
    status
    cp "$OUT" "$T/plain.out"
    say "status, stderr on a terminal: files done / 46 (the manifest's entries), bytes / total, rates; erased at the end"
    tty_run "$T/tty" "$T/tty.stdout" "QPYBAK_PROGRESS_AFTER=0" status --usr "$USR" --bak "$BAK"
    assert_exit 1 "status on a terminal (two files damaged)"
    assert_progress "$T/tty" status 46
    assert_file_eq "$T/tty.stdout" "$T/plain.out" "stdout of status"
    say "stdout on the terminal too: each damage line is whole on the screen, no progress text left"
    tty_run "$T/both" - "QPYBAK_PROGRESS_AFTER=0" status --usr "$USR" --bak "$BAK" -v
    assert_exit 1 "status -v on a terminal"
    grep -q 'status: [0-9]* / 46 files' "$T/both" || fail "no progress line with stdout on the terminal"
    status -v
    assert_screen "$T/both" "$OUT"
    say "--json on the terminal: no progress line (the report's lines stay open between entries)"
    tty_run "$T/json" - "QPYBAK_PROGRESS_AFTER=0" status --usr "$USR" --bak "$BAK" --json
    status --json
    assert_screen "$T/json" "$OUT"
    say "the user manifest corrupt: the total is the shadow's, the copy status uses"
    printf '[{"name": ' >"$USR/checksum.json"
    tty_run "$T/shadow" "$T/shadow.stdout" "QPYBAK_PROGRESS_AFTER=0" status --usr "$USR" --bak "$BAK"
    assert_progress "$T/shadow" status 46
}

case_boot_progress() {
    many_files
    printf 'damaged\n' >"$USR/lib/f3.txt"
    clone_device plain
    run boot --usr "$USR" --bak "$BAK"
    assert_exit 0 "boot restores"
    cp "$OUT" "$T/plain.out"
    use_device dev
    say "boot, stderr on a terminal: files done / 46, bytes, rates; erased at the end; stdout as without"
    tty_run "$T/tty" "$T/tty.stdout" "QPYBAK_PROGRESS_AFTER=0" boot --usr "$USR" --bak "$BAK"
    assert_exit 0 "boot on a terminal"
    assert_progress "$T/tty" boot 46
    assert_file_eq "$T/tty.stdout" "$T/plain.out" "stdout of boot"
    assert_file_eq "$USR/lib/f3.txt" "$APP/lib/f3.txt" "restored file"
}

case_fota_progress() {
    many_files
    mkdir -p "$USR/.updater/lib"
    for i in 1 2 3 4 5; do printf 'version 2 of %d\n' "$i" >"$USR/.updater/lib/f$i.txt"; done
    clone_device plain
    run fota apply --usr "$USR" --bak "$BAK"
    assert_exit 0 "fota apply"
    cp "$OUT" "$T/plain.out"
    use_device dev
    say "fota apply, stderr on a terminal: staged files done / 5 (the journal's entries), bytes, rates"
    tty_run "$T/tty" "$T/tty.stdout" "QPYBAK_PROGRESS_AFTER=0" fota apply --usr "$USR" --bak "$BAK"
    assert_exit 0 "fota apply on a terminal"
    assert_progress "$T/tty" "fota apply" 5
    assert_file_eq "$T/tty.stdout" "$T/plain.out" "stdout of fota apply"
    say "stdout on the terminal too: one whole line per staged file, no progress text left"
    use_device plain
    mkdir -p "$USR/.updater/lib"
    for i in 1 2 3 4 5; do printf 'version 3 of %d\n' "$i" >"$USR/.updater/lib/f$i.txt"; done
    clone_device plain2
    run fota apply --usr "$USR" --bak "$BAK"
    cp "$OUT" "$T/plain2.out"
    use_device plain
    tty_run "$T/both" - "QPYBAK_PROGRESS_AFTER=0" fota apply --usr "$USR" --bak "$BAK"
    assert_exit 0 "fota apply on a terminal"
    grep -q 'fota apply: [0-9]* / 5 files' "$T/both" || fail "no progress line with stdout on the terminal"
    assert_screen "$T/both" "$T/plain2.out"
}

case_progress_silent() {
    many_files
    printf 'damaged\n' >"$USR/lib/f3.txt"
    say "stderr not a terminal (a pipe, a file): nothing on stderr, for status, boot and fota apply"
    export QPYBAK_PROGRESS_AFTER=0
    status
    assert_exit 1 "status"
    assert_empty "$ERR" "stderr of status"
    clone_device quiet
    use_device dev
    boot
    assert_exit 0 "boot"
    assert_empty "$ERR" "stderr of boot"
    mkdir -p "$USR/.updater"
    printf 'version 2\n' >"$USR/.updater/main.py"
    run fota apply --usr "$USR" --bak "$BAK"
    assert_exit 0 "fota apply"
    assert_empty "$ERR" "stderr of fota apply"
    say "--quiet (and -q) on a terminal: nothing on stderr; stdout as without"
    use_device quiet
    status
    cp "$OUT" "$T/status.out"
    tty_run "$T/tty" "$T/tty.stdout" "" status --usr "$USR" --bak "$BAK" --quiet
    assert_exit 1 "status --quiet"
    assert_empty "$T/tty" "the terminal of status --quiet"
    assert_file_eq "$T/tty.stdout" "$T/status.out" "stdout of status --quiet"
    tty_run "$T/tty" "$T/tty.stdout" "" boot --usr "$USR" --bak "$BAK" -q
    assert_exit 0 "boot -q"
    assert_empty "$T/tty" "the terminal of boot -q"
    mkdir -p "$USR/.updater"
    printf 'version 2\n' >"$USR/.updater/main.py"
    tty_run "$T/tty" "$T/tty.stdout" "" fota apply --usr "$USR" --bak "$BAK" --quiet
    assert_exit 0 "fota apply --quiet"
    assert_empty "$T/tty" "the terminal of fota apply --quiet"
    grep -Eq '^installed +/usr/main.py$' "$T/tty.stdout" || fail "fota apply --quiet: stdout $(cat "$T/tty.stdout")"
}

run_case
