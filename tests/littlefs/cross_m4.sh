#!/usr/bin/env bash
# SPDX-FileCopyrightText: 2026 The qpybak authors
# SPDX-License-Identifier: Apache-2.0
# The littlefs port and littlefs itself built for Cortex-M4 as a firmware
# would: the port with the project's warnings as errors, littlefs without a
# heap, printf or assert.  Prints text/data/bss; the port has no .data or
# .bss of its own (its state lives in the caller's struct qpybak_littlefs).
#   cross_m4.sh SRC_DIR LITTLEFS_DIR OUT_DIR
set -euo pipefail
src=$1 lfs=$2 out=$3
cc=arm-none-eabi-gcc
command -v "$cc" >/dev/null || { echo "skipped: $cc not installed (scripts/deps.sh)"; exit 77; }
mkdir -p "$out"
rm -f "$out"/*.o
arch=(-Os -mthumb -mcpu=cortex-m4 -ffunction-sections -fdata-sections)
lfs_defs=(-DLFS_NO_MALLOC -DLFS_NO_DEBUG -DLFS_NO_WARN -DLFS_NO_ERROR -DLFS_NO_ASSERT)
warn=(-std=c99 -Wall -Wextra -pedantic -Werror -Wshadow -Wstrict-prototypes
      -Wmissing-prototypes -Wcast-qual -Wconversion -Wno-sign-conversion)
for f in lfs.c lfs_util.c; do
    "$cc" -std=c99 "${arch[@]}" "${lfs_defs[@]}" -I"$lfs" -c "$lfs/$f" -o "$out/${f%.c}.o"
done
"$cc" "${warn[@]}" "${arch[@]}" "${lfs_defs[@]}" -I"$lfs" -I"$src/include" \
    -c "$src/ports/littlefs/qpybak_littlefs.c" -o "$out/qpybak_littlefs.o"
echo "== cortex-m4: $cc ${arch[*]} =="
arm-none-eabi-size -t "$out"/*.o
arm-none-eabi-size "$out/qpybak_littlefs.o" |
    awk 'NR == 2 && ($2 != 0 || $3 != 0) { print "the port has .data/.bss"; exit 1 }'
