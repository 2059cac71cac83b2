#!/usr/bin/env bash
# SPDX-FileCopyrightText: 2026 The qpybak authors
# SPDX-License-Identifier: Apache-2.0
# The unit and crash tests on hosts unlike the x86-64 one: s390x (big-endian,
# 64-bit) and armhf (little-endian, 32-bit).  Cross-built with Debian's
# compilers (tests/cross/toolchain-*.cmake) into build-s390x and
# build-armhf, run under qemu-user through CMAKE_CROSSCOMPILING_EMULATOR
# (docs/crash-testing.md, "Other hosts").
#
#   scripts/cross_test.sh [s390x] [armhf]     (default: both)
#
# Every unit test runs (unit_crc_cross aside: it builds its own binaries,
# and the native run has it); the crash test runs its quick sweep
# (crash_test --quick: every single cut, fault and lock sweep, no double
# cuts) - the full one takes minutes under qemu.  A host without a cross
# compiler, qemu-user or the multiarch cmocka prints one line and skips
# that target; a failing test fails the script.
set -euo pipefail
cd "$(dirname "$0")/.."
jobs=$(nproc 2>/dev/null || echo 2)
status=0
targets=("$@")
[ ${#targets[@]} -gt 0 ] || targets=(s390x armhf)
for arch in "${targets[@]}"; do
    case $arch in
    s390x) cc=s390x-linux-gnu-gcc qemu=qemu-s390x triple=s390x-linux-gnu ;;
    armhf) cc=arm-linux-gnueabihf-gcc qemu=qemu-arm triple=arm-linux-gnueabihf ;;
    *) echo "unknown target $arch (s390x, armhf)"; exit 2 ;;
    esac
    if ! command -v "$cc" >/dev/null || ! command -v "$qemu" >/dev/null ||
       [ ! -e "/usr/lib/$triple/libcmocka.so" ]; then
        echo "skipped $arch: needs $cc, $qemu and libcmocka-dev:$arch (scripts/deps.sh)"
        continue
    fi
    dir=build-$arch
    echo "-- $arch: build ($dir)"
    cmake -S . -B "$dir" -G "Unix Makefiles" -DCMAKE_TOOLCHAIN_FILE="tests/cross/toolchain-$arch.cmake" \
        -DCMAKE_BUILD_TYPE=RelWithDebInfo -DQPYBAK_BUILD_TESTS=ON -DQPYBAK_BUILD_CLI=ON \
        -DQPYBAK_INSTALL=OFF >/dev/null
    # Only what runs here: the unit tests' and the crash test's programs.
    make -s -C "$dir/tests/unit" -j"$jobs" >/dev/null
    make -s -C "$dir/tests/crash" -j"$jobs" >/dev/null
    echo "-- $arch: unit tests under $qemu"
    ctest --test-dir "$dir" -L unit -E '^unit_crc_cross$' --output-on-failure -j"$jobs" || status=1
    echo "-- $arch: crash_test --quick under $qemu"
    if "$qemu" "$dir/tests/crash/crash_test" --quick >"$dir/crash_quick.log" 2>&1; then
        tail -1 "$dir/crash_quick.log"
    else
        cat "$dir/crash_quick.log"
        echo "FAIL $arch: crash_test --quick"
        status=1
    fi
done
exit $status
