#!/usr/bin/env bash
# SPDX-FileCopyrightText: 2026 The qpybak authors
# SPDX-License-Identifier: Apache-2.0
# qpybak(1): mandoc -Tlint finds nothing; the page says what --help says
# (man_vs_help.py); the command never writes colour or other escape
# sequences, even on a terminal that asks for colour.
. "$(dirname "$0")/lib.sh"
need mandoc "Debian package mandoc"
need python3 "Debian package python3"
man=$QPYBAK_BUILD/packaging/qpybak.1
[ -f "$man" ] || fail "$man not configured"
w=$(fresh man)

# Lint: messages of level STYLE and above.  Cross-references to pages this
# system lacks (systemctl(1) without systemd's manuals) are not the page's fault.
lint=$(MANPATH=/nonexistent mandoc -Tlint -W style "$man" 2>&1 | grep -v 'referenced manual not found' || true)
[ -z "$lint" ] || { echo "$lint"; fail "mandoc -Tlint"; }
ok "mandoc -Tlint: clean"

mandoc -Tascii -O width=500 "$man" | sed 's/.\x08//g' >"$w/qpybak.txt"
python3 "$QPYBAK_SRC/tests/package/man_vs_help.py" "$QPYBAK_BIN" "$w/qpybak.txt"
grep -q "qpybak $QPYBAK_EXPECT_VERSION" "$w/qpybak.txt" || fail "the man page does not name version $QPYBAK_EXPECT_VERSION"

# No colour: a damaged tree, a terminal (script(1) gives a pty) whose
# environment asks for colour every way there is.
make_partitions "$QPYBAK_BIN" "$w/t"
rm "$w/t/usr/main.py"
printf 'x' >>"$w/t/usr/apn_cfg.json"
if command -v script >/dev/null; then
    TERM=xterm-256color COLORTERM=truecolor CLICOLOR=1 CLICOLOR_FORCE=1 FORCE_COLOR=1 \
        script -qec "'$QPYBAK_BIN' status -v --usr '$w/t/usr' --bak '$w/t/bak'; '$QPYBAK_BIN' boot --usr '$w/t/usr' --bak '$w/t/bak'" \
        /dev/null >"$w/tty.out" 2>&1 || true
    grep -q 'restored' "$w/tty.out" || { cat "$w/tty.out"; fail "no output on the terminal"; }
    if grep -q $'\x1b' "$w/tty.out"; then
        cat -v "$w/tty.out"
        fail "escape sequences on a terminal"
    fi
    ok "no escape sequences on a terminal that asks for colour"
else
    skip "script(1) not found (Debian package bsdutils): the colour check needs a terminal"
fi
