#!/usr/bin/env bash
# SPDX-FileCopyrightText: 2026 The qpybak authors
# SPDX-License-Identifier: Apache-2.0
# qpybak benchmarks: builds a Release tree of its own, runs every section and
# writes bench/results/*.csv and bench/results/latest.md (also printed).
#
#   bash bench/run.sh              the full run (about 6-8 minutes)
#   bash bench/run.sh --smoke      tiny sizes, < 30 s: checks that it all works
#   bash bench/run.sh --only crc,footprint     some sections only
#   (sections: crc,verify,pack,ext4,scaling,lookups,device,footprint,target)
#
# Options:
#   --build-dir DIR   where to configure (default: build-bench/ in the repo)
#   --out DIR         results (default: bench/results; --smoke: a temp dir)
#   --work DIR        where the file trees go (default: /dev/shm if roomy)
#   --keep            keep the file trees
#   --qpybak EXE --bench-bin DIR   use programs already built (CTest does)
#   --qpybak-old EXE  the lookups section also times this (older) build
#   --no-ext4         no ext4 image on a loop device (pack and ext4 sections;
#                     as root the run makes one, else it says why not)
#   --ext4-dir DIR    where the image file goes (default /var/tmp, a disk)
# Needs: cmake, a C compiler, zlib1g-dev, libisal-dev, python3; optional:
# rhash, cksfv (their rows are left out without them), arm-none-eabi-gcc
# and riscv64-unknown-elf-gcc (footprint, target), qemu-system-arm and
# newlib for arm-none-eabi (target: the core on QEMU's Cortex-M4).
set -euo pipefail
here=$(cd "$(dirname "$0")" && pwd)
root=$(dirname "$here")
build="$root/build-bench"
qpybak="" bench_bin="" out="" smoke=0
pass=()
while [ $# -gt 0 ]; do
    case $1 in
    --smoke) smoke=1; pass+=(--smoke) ;;
    --build-dir) build=$2; shift ;;
    --out) out=$2; shift ;;
    --qpybak) qpybak=$2; shift ;;
    --bench-bin) bench_bin=$2; shift ;;
    --work|--only|--qpybak-old|--ext4-dir) pass+=("$1" "$2"); shift ;;
    --keep|--no-ext4) pass+=("$1") ;;
    -h|--help) sed -n '2,25p' "$0"; exit 0 ;;
    *) echo "run.sh: unknown option $1" >&2; exit 2 ;;
    esac
    shift
done

if [ -z "$out" ]; then
    if [ $smoke = 1 ]; then out=${TMPDIR:-/tmp}/qpybak-bench-smoke; else out="$here/results"; fi
fi

backend="?"
if [ -z "$qpybak" ]; then
    echo "== configure and build (Release) in $build" >&2
    cmake -S "$here" -B "$build" -DCMAKE_BUILD_TYPE=Release >/dev/null
    cmake --build "$build" -j"$(nproc 2>/dev/null || echo 2)" \
        --target qpybak_cli bench_crc bench_floor bench_rss bench_cost >/dev/null
    qpybak="$build/qpybak/qpybak"
    bench_bin="$build"
fi
cache="$build/CMakeCache.txt"
[ -f "$cache" ] || cache="$(dirname "$bench_bin")/CMakeCache.txt"
if [ -f "$cache" ]; then
    if grep -q '^QPYBAK_USE_ISAL:BOOL=ON' "$cache"; then backend="ISA-L (crc32_gzip_refl)"
    elif grep -q '^QPYBAK_CRC_TABLE:STRING=8' "$cache"; then backend="slicing-by-8"
    else backend="1 KiB table"; fi
fi

exec python3 "$here/bench.py" --qpybak "$qpybak" --bench-bin "$bench_bin" --out "$out" \
    --backend "$backend" "${pass[@]}"
