#!/usr/bin/env bash
# SPDX-FileCopyrightText: 2026 The qpybak authors
# SPDX-License-Identifier: Apache-2.0
# Installs what it needs, builds qpybak twice (normal, and ASan + UBSan) and
# runs every test: unit, scenario, cross builds, the scenes on an emulated
# Cortex-M4 (label target), the unit and crash tests on s390x and armhf.
# CI runs exactly this.
set -euo pipefail
cd "$(dirname "$0")/.."
bash scripts/deps.sh

jobs=$(nproc 2>/dev/null || echo 2)

echo "== build and test =="
cmake -S . -B build -DCMAKE_BUILD_TYPE=RelWithDebInfo
cmake --build build -j"$jobs"
ctest --test-dir build --output-on-failure -j"$jobs"
# What the target scenes measured (stack per procedure, the boot's cost
# against the CRC loop, whose limit is not enforced yet): tests/target.
awk '/ Test: target_/ {t = 1; o = 0} t && /^<end of output>/ {t = 0}
     t && o && !/^loop of/ && (/^stack / || /instructions|reads|ratio|boot_cost/) {print}
     t && /^----------/ {o = 1}' \
    build/Testing/Temporary/LastTest.log 2>/dev/null || true

echo "== build and test with AddressSanitizer + UndefinedBehaviorSanitizer =="
cmake -S . -B build-asan -DCMAKE_BUILD_TYPE=Debug -DQPYBAK_SANITIZE=ON
cmake --build build-asan -j"$jobs"
ASAN_OPTIONS=detect_leaks=1:abort_on_error=1 UBSAN_OPTIONS=print_stacktrace=1 \
    ctest --test-dir build-asan --output-on-failure -j"$jobs" -LE "cross|bench|static|target"

echo "== the scenario and hostile-tree tests under valgrind =="
bash scripts/valgrind.sh build

echo "== the unit and crash tests on s390x (big-endian) and armhf (32-bit), under qemu-user =="
bash scripts/cross_test.sh

echo "== fuzzing, bounded (tests/fuzz/README.md runs it longer) =="
bash scripts/fuzz.sh
