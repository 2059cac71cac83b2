# SPDX-FileCopyrightText: 2026 The qpybak authors
# SPDX-License-Identifier: Apache-2.0
# Shared by the package tests (tests/package/t_*.sh).  CMake passes what the
# build knows as QPYBAK_* environment variables (tests/package/CMakeLists.txt).
set -euo pipefail

skip() { echo "skipped: $*"; exit 77; }
fail() { echo "FAIL: $*" >&2; exit 1; }
ok() { echo "ok: $*"; }
# need TOOL WHY: skip the test when TOOL is not installed.
need() { command -v "$1" >/dev/null 2>&1 || skip "$1 not found ($2; scripts/deps.sh installs it)"; }

# A fresh work directory per test, under the build tree.
fresh() {
    local d=$QPYBAK_WORK/$1
    rm -rf "$d"
    mkdir -p "$d"
    echo "$d"
}

# expect_status WANT CMD...: run CMD, insist on its exit status.
expect_status() {
    local want=$1 rc=0
    shift
    "$@" || rc=$?
    [ "$rc" = "$want" ] || fail "$* exited $rc, expected $want"
}

# make_partitions QPYBAK DIR: a small application packed into DIR/bak and
# DIR/usr with the given qpybak command (a path, or a command with a prefix
# such as "qemu-arm -L ...").
make_partitions() {
    local q=$1 dir=$2
    mkdir -p "$dir/app/lib"
    printf 'print("hello")\n' >"$dir/app/main.py"
    printf '{"apn": "internet"}\n' >"$dir/app/apn_cfg.json"
    printf 'def f():\n    return 1\n' >"$dir/app/lib/util.py"
    $q pack "$dir/app" --bak "$dir/bak" --usr "$dir/usr" >/dev/null
}

# The consumers are built with the compiler and generator of this build.
cmake_consumer() {
    "$QPYBAK_CMAKE" -G "$QPYBAK_GENERATOR" -DCMAKE_C_COMPILER="$QPYBAK_CC" "$@"
}
