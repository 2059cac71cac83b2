#!/usr/bin/env bash
# SPDX-FileCopyrightText: 2026 The qpybak authors
# SPDX-License-Identifier: Apache-2.0
# Licensing: every file of the source tree has its SPDX licence and
# copyright (a header, or .reuse/dep5 for data), and `reuse lint` (Debian's
# reuse) is clean.  Files git ignores (the build trees) are not looked at.
. "$(dirname "$0")/lib.sh"
need reuse "Debian package reuse"
[ -f "$QPYBAK_SRC/LICENSE" ] || fail "no LICENSE file"
grep -q 'Apache License' "$QPYBAK_SRC/LICENSE" && grep -q 'Version 2.0, January 2004' "$QPYBAK_SRC/LICENSE" ||
    fail "LICENSE is not the Apache License 2.0"
cmp -s "$QPYBAK_SRC/LICENSE" "$QPYBAK_SRC/LICENSES/Apache-2.0.txt" ||
    fail "LICENSE and LICENSES/Apache-2.0.txt differ"
cd "$QPYBAK_SRC"
if ! out=$(reuse lint 2>&1); then
    echo "$out"
    fail "reuse lint"
fi
echo "$out" | tail -n 12
ok "reuse lint"
