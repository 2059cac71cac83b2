#!/usr/bin/env bash
# SPDX-FileCopyrightText: 2026 The qpybak authors
# SPDX-License-Identifier: Apache-2.0
# Runs the scenario tests (tests/scenario/t_*.sh) and the lighter hostile-
# tree cases with the real `qpybak` binary under valgrind (memcheck): any
# invalid read or write, use of uninitialised memory or definite leak makes
# the command exit 99, which every case treats as a failure.  CI runs this
# from scripts/test.sh, after the normal build.
#
#   bash scripts/valgrind.sh [BUILD_DIR]     # default: build
set -euo pipefail
cd "$(dirname "$0")/.."
build=${1:-build}
case $build in /*) bin=$build/qpybak ;; *) bin=$PWD/$build/qpybak ;; esac
PYTHON3=$(python3 -c 'import sys; print(sys.executable)')
export PYTHON3
[ -x "$bin" ] || { echo "valgrind.sh: $bin not built" >&2; exit 1; }
command -v valgrind >/dev/null || { echo "valgrind.sh: valgrind not installed" >&2; exit 1; }
jobs=$(nproc 2>/dev/null || echo 2)
work=$(mktemp -d "${TMPDIR:-/tmp}/qpybak-valgrind.XXXXXX")
trap 'rm -rf "$work"' EXIT

# Debian 12's valgrind (3.19) does not know openat2 (system call 437) and
# says so on stderr, which the tests read: the POSIX port's walk, which the
# walk.* cases test beside openat2 in the normal build, runs here.
export QPYBAK_POSIX_WALK=1

# The binary the tests run: qpybak under memcheck.
vg=(valgrind -q --error-exitcode=99 --leak-check=full --errors-for-leak-kinds=definite
    --track-fds=no)
cat >"$work/qpybak" <<WRAP
#!/bin/sh
exec ${vg[*]} "$bin" "\$@"
WRAP
chmod +x "$work/qpybak"

# One line per case: "SCRIPT CASE".
: >"$work/cases"
for script in tests/scenario/t_*.sh; do
    sed -n 's/^case_\([A-Za-z0-9_]*\)() *{.*/\1/p' "$script" | while read -r c; do
        echo "scenario $script $c" >>"$work/cases"
    done
done
# Hostile trees without the heavy ones (300,000 entries, 200,000-deep
# nesting, mounts), when asked (QPYBAK_VALGRIND_HOSTILE=1): CI runs the
# scenario tests only, to stay well under its time budget; the hostile
# trees run under ASan + UBSan there.
[ "${QPYBAK_VALGRIND_HOSTILE:-0}" = 1 ] &&
"$PYTHON3" tests/hostile/hostile.py "$bin" --list | grep -vE '^(300k_|malformed_nesting_200k|malformed_50k_keys|malformed_truncated_everywhere|readonly_|enospc_|harness_selftest|crc_collision)' |
    while read -r c; do echo "hostile tests/hostile/hostile.py $c" >>"$work/cases"; done

run_case() {
    local kind=$1 script=$2 case=$3 log
    log=$(mktemp "$work/log.XXXXXX")
    if [ "$kind" = scenario ]; then
        bash "$script" "$work/qpybak" "$case" >"$log" 2>&1
    else
        QPYBAK_WRAPPER="${vg[*]}" "$PYTHON3" "$script" "$bin" "$case" >"$log" 2>&1
    fi
    local rc=$?
    if [ $rc -ne 0 ] && [ $rc -ne 77 ]; then
        echo "FAIL (valgrind): $kind $case"
        tail -n 30 "$log"
        return 1
    fi
    echo "ok (valgrind): $kind $case"
}
export -f run_case
export work bin
export vg_line="${vg[*]}"

n=$(wc -l <"$work/cases")
echo "== valgrind: $n cases, $jobs at a time"
set +e
xargs -P "$jobs" -L 1 bash -c 'vg=($vg_line); run_case "$@"' _ <"$work/cases" >"$work/results"
set -e
grep -c '^ok' "$work/results" | sed 's/^/passed: /'
if grep -q '^FAIL' "$work/results"; then
    sed -n '/^FAIL/,/^ok/p' "$work/results" | grep -v '^ok'
    exit 1
fi
