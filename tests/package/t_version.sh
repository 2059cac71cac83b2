#!/usr/bin/env bash
# SPDX-FileCopyrightText: 2026 The qpybak authors
# SPDX-License-Identifier: Apache-2.0
# One version: project() in CMakeLists.txt is the source.  include/qpybak.h
# (QPYBAK_VERSION and QPYBAK_VERSION_MAJOR/MINOR/PATCH), the newest release
# of CHANGELOG.md and `qpybak --version` must all say the same.
. "$(dirname "$0")/lib.sh"
v=$QPYBAK_EXPECT_VERSION
IFS=. read -r major minor patch <<<"$v"
h=$QPYBAK_SRC/include/qpybak.h

macro() { sed -n "s/^#define $1 \\(.*\\)\$/\\1/p" "$h" | sed 's/[[:space:]]*$//'; }
[ "$(macro QPYBAK_VERSION)" = "\"$v\"" ] ||
    fail "include/qpybak.h: QPYBAK_VERSION is $(macro QPYBAK_VERSION), project() says \"$v\""
for part in MAJOR:$major MINOR:$minor PATCH:$patch; do
    name=QPYBAK_VERSION_${part%%:*}
    [ "$(macro "$name")" = "${part#*:}" ] ||
        fail "include/qpybak.h: $name is '$(macro "$name")', project() says ${part#*:}"
done
ok "include/qpybak.h says $v"

# The first release heading after [Unreleased].
top=$(grep -E '^## \[[0-9]' "$QPYBAK_SRC/CHANGELOG.md" | head -1)
[[ $top =~ ^'## ['"$v"'] - '[0-9]{4}-[0-9]{2}-[0-9]{2}$ ]] ||
    fail "CHANGELOG.md: newest release is '$top', expected '## [$v] - YYYY-MM-DD'"
grep -q '^## \[Unreleased\]$' "$QPYBAK_SRC/CHANGELOG.md" || fail "CHANGELOG.md: no [Unreleased] section"
ok "CHANGELOG.md: $top"

out=$("$QPYBAK_BIN" --version)
[ "$out" = "qpybak $v" ] || fail "qpybak --version says '$out', expected 'qpybak $v'"
ok "qpybak --version: $out"
