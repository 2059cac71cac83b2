#!/usr/bin/env bash
# SPDX-FileCopyrightText: 2026 The qpybak authors
# SPDX-License-Identifier: Apache-2.0
# Static analysis: cppcheck and clang-tidy (the checked-in .clang-tidy).
#
#   bash tests/static/run.sh [cppcheck|clang-tidy|all]
#
# src/ and ports/ must be clean; cli/ is checked by cppcheck with the same
# rule and reported by clang-tidy (set QPYBAK_STATIC_STRICT=1 to make cli/
# findings fatal too).  Exit 0 clean, 1 findings, 77 a tool is missing
# (CTest: skipped).
#
# cppcheck suppressions (tests/static/cppcheck.supp) are global ones with a
# stated reason; a narrow one in a file goes inline: cppcheck-suppress ID.
set -uo pipefail
root=$(cd "$(dirname "$0")/../.." && pwd)
cd "$root"
what=${1:-all}
status=0
jobs=$(nproc 2>/dev/null || echo 2)

# The POSIX feature level the port and the command are built with.
posix_defs=(-D_POSIX_C_SOURCE=200809L)

run_cppcheck() {
    if ! command -v cppcheck >/dev/null; then
        echo "SKIP: cppcheck is not installed (apt-get install cppcheck)"
        return 77
    fi
    local common=(--enable=warning,style,performance,portability --error-exitcode=1 --inline-suppr
                  --std=c99 --library=posix -q --suppressions-list=tests/static/cppcheck.supp
                  -I include -I src
                  -UQPYBAK_CONFIG) # the integrator's hooks header (src/util.h): none here
    local rc=0
    echo "== cppcheck $(cppcheck --version | sed 's/Cppcheck //'): src/ (unix32 and unix64), ports/, cli/"
    # The core: both pointer sizes (a Cortex-M is ILP32), every configuration.
    cppcheck "${common[@]}" --platform=unix32 src || rc=1
    cppcheck "${common[@]}" --platform=unix64 src || rc=1
    cppcheck "${common[@]}" --platform=unix64 -I ports/posix "${posix_defs[@]}" ports || rc=1
    cppcheck "${common[@]}" --platform=unix64 -I ports/posix -I cli "${posix_defs[@]}" cli || rc=1
    [ $rc -eq 0 ] && echo "cppcheck: clean"
    return $rc
}

# clang-tidy over files; prints the findings; returns 1 if there are any.
tidy() {
    local out
    out=$(printf '%s\n' "$@" | xargs -P "$jobs" -n 1 -I{} \
          clang-tidy --quiet {} -- -std=c99 -Iinclude -Isrc -Iports/posix -Icli "${posix_defs[@]}" \
          2>/dev/null)
    if printf '%s\n' "$out" | grep -qE '(warning|error):'; then
        printf '%s\n' "$out"
        return 1
    fi
    return 0
}

run_clang_tidy() {
    if ! command -v clang-tidy >/dev/null; then
        echo "SKIP: clang-tidy is not installed (apt-get install clang-tidy)"
        return 77
    fi
    local rc=0
    echo "== clang-tidy $(clang-tidy --version | sed -n 's/.*LLVM version //p'): src/ and ports/ (.clang-tidy)"
    if tidy src/*.c src/crc/*.c ports/posix/*.c; then
        echo "clang-tidy: src/ and ports/ clean"
    else
        echo "FAIL: clang-tidy findings in src/ or ports/ (above)"
        rc=1
    fi
    echo "== clang-tidy: cli/"
    if tidy cli/*.c; then
        echo "clang-tidy: cli/ clean"
    elif [ -n "${QPYBAK_STATIC_STRICT:-}" ]; then
        echo "FAIL: clang-tidy findings in cli/ (above)"
        rc=1
    else
        echo "note: clang-tidy findings in cli/ (above) are reported, not fatal"
    fi
    return $rc
}

case $what in
    cppcheck) run_cppcheck; status=$? ;;
    clang-tidy) run_clang_tidy; status=$? ;;
    all)
        run_cppcheck; a=$?
        run_clang_tidy; b=$?
        if [ $a -eq 1 ] || [ $b -eq 1 ]; then status=1
        elif [ $a -eq 77 ] || [ $b -eq 77 ]; then status=77
        fi ;;
    *) echo "usage: $0 [cppcheck|clang-tidy|all]" >&2; exit 2 ;;
esac
exit $status
