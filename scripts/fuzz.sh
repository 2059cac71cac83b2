#!/usr/bin/env bash
# SPDX-FileCopyrightText: 2026 The qpybak authors
# SPDX-License-Identifier: Apache-2.0
# Builds the libFuzzer targets (clang, ASan + UBSan) in build-fuzz/ and runs
# each one for a bounded time over its checked-in seed corpus (CTest label
# "fuzz"; tests/fuzz/README.md).  CI runs this from scripts/test.sh.
#
#   bash scripts/fuzz.sh             # QPYBAK_FUZZ_SECONDS=20 per target
#   QPYBAK_FUZZ_SECONDS=600 bash scripts/fuzz.sh
set -euo pipefail
cd "$(dirname "$0")/.."
jobs=$(nproc 2>/dev/null || echo 2)
if ! command -v clang >/dev/null; then
    echo "fuzz: clang not found" >&2
    exit 1
fi
cmake -S . -B build-fuzz -DCMAKE_C_COMPILER=clang -DCMAKE_BUILD_TYPE=RelWithDebInfo \
      -DQPYBAK_FUZZ=ON >/dev/null
targets=(fuzz_reader fuzz_flag fuzz_name fuzz_roundtrip fuzz_boot)
cmake --build build-fuzz -j"$jobs" --target "${targets[@]}"
QPYBAK_FUZZ_SECONDS=${QPYBAK_FUZZ_SECONDS:-20} \
    ctest --test-dir build-fuzz -L fuzz -j"$jobs" --output-on-failure
