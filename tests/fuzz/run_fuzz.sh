#!/usr/bin/env bash
# SPDX-FileCopyrightText: 2026 The qpybak authors
# SPDX-License-Identifier: Apache-2.0
# Runs one libFuzzer target for a bounded time over its checked-in seed
# corpus (read only: new inputs go to WORK/new, crashes to WORK/).
#   run_fuzz.sh FUZZER SEED_CORPUS WORK SECONDS [libFuzzer options...]
# QPYBAK_FUZZ_SECONDS in the environment overrides SECONDS.
set -euo pipefail
fuzzer=$1 seeds=$2 work=$3 secs=${QPYBAK_FUZZ_SECONDS:-$4}
shift 4
rm -rf "$work"
mkdir -p "$work/new"
# Every seed runs first (a regression check), then mutation until the time
# is up.  Any crash, sanitizer report, leak or timeout fails the test.
set +e
"$fuzzer" "$work/new" "$seeds" -max_total_time="$secs" -timeout=10 -rss_limit_mb=2048 \
    -artifact_prefix="$work/" -print_final_stats=1 "$@" >"$work/log" 2>&1
rc=$?
set -e
if [ $rc -ne 0 ]; then
    grep -E -A3 'invariant failed|ERROR:|runtime error|SUMMARY|Test unit written' "$work/log" | head -n 60
    echo "FAIL: $(basename "$fuzzer") exited with $rc (full log: $work/log); reproducer(s):"
    ls -1 "$work"/crash-* "$work"/leak-* "$work"/timeout-* "$work"/oom-* 2>/dev/null || true
    echo "replay: $fuzzer FILE   (QPYBAK_FUZZ_DEBUG=1 for fuzz_boot's trees and events)"
    exit 1
fi
grep -E '^(#[0-9]+ +(INITED|DONE)|stat::number_of_executed_units|stat::average_exec_per_sec)' "$work/log"
