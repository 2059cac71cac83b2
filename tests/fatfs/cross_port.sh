#!/usr/bin/env bash
# SPDX-FileCopyrightText: 2026 The qpybak authors
# SPDX-License-Identifier: Apache-2.0
# Builds the FatFs port for Cortex-M4 with the project's warnings as errors,
# against a FatFs tree configured by tests/fatfs/ffconf.h, and prints the
# sizes.  The port keeps its state in struct qpybak_fatfs: .data and .bss of
# its object must be empty.  Skipped with one line without the compiler.
#   cross_port.sh SRC_DIR FATFS_COPY_DIR OUT_DIR
set -euo pipefail
src=$1 ff=$2 out=$3
cc=arm-none-eabi-gcc
command -v "$cc" >/dev/null || { echo "skipped: $cc not found (Debian: gcc-arm-none-eabi)"; exit 77; }
flags=(-std=c99 -Os -mthumb -mcpu=cortex-m4 -ffunction-sections -fdata-sections)
warn=(-Wall -Wextra -pedantic -Werror -Wshadow -Wstrict-prototypes -Wmissing-prototypes
      -Wcast-qual -Wconversion -Wno-sign-conversion)
mkdir -p "$out"
"$cc" "${flags[@]}" "${warn[@]}" -I"$src/include" -I"$ff" \
    -c "$src/ports/fatfs/qpybak_fatfs.c" -o "$out/qpybak_fatfs.o"
# FatFs itself, with its own code as it is (not held to our warnings)
"$cc" "${flags[@]}" -I"$ff" -c "$ff/ff.c" -o "$out/ff.o"
echo "== the FatFs port for cortex-m4 ($("$cc" -dumpversion)), FatFs: $ff =="
arm-none-eabi-size -t "$out/qpybak_fatfs.o" "$out/ff.o"
arm-none-eabi-size "$out/qpybak_fatfs.o" |
    awk 'NR == 2 { if ($2 != 0 || $3 != 0) { print "the port has .data/.bss"; exit 1 } }'
# The RAM the port's structure takes on the target (its FILs hold a sector
# buffer each unless FF_FS_TINY)
printf '#include "qpybak_fatfs.h"\nconst struct qpybak_fatfs qpybak_fatfs_ram;\n' |
    "$cc" "${flags[@]}" -I"$src/include" -I"$src/ports/fatfs" -I"$ff" -x c -c - -o "$out/ram.o"
bytes=$(arm-none-eabi-nm -S "$out/ram.o" | awk '/qpybak_fatfs_ram/ { print $2 }')
echo "struct qpybak_fatfs: $((16#$bytes)) bytes of RAM"
