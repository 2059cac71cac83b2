#!/usr/bin/env bash
# SPDX-FileCopyrightText: 2026 The qpybak authors
# SPDX-License-Identifier: Apache-2.0
# Cross-builds the portable core (src/ only, as it is) for a bare-metal target
# and fails on any warning.  Prints text/data/bss per object and in total.
#   cross_build.sh SRC_DIR OUT_DIR NAME CC [CFLAGS...]
set -euo pipefail
src=$1 out=$2 name=$3 cc=$4
shift 4
command -v "$cc" >/dev/null || { echo "$cc not found"; exit 1; }
size=${cc%gcc}size
mkdir -p "$out/$name"
rm -f "$out/$name"/*.o
warn=(-std=c99 -Wall -Wextra -pedantic -Werror -Wshadow -Wstrict-prototypes
      -Wmissing-prototypes -Wcast-qual -Wconversion -Wno-sign-conversion)
# The core as a firmware builds it: src/*.c and the default CRC (src/crc/).
for f in "$src"/src/*.c "$src"/src/crc/crc32.c "$src"/src/crc/crc32_table1.c; do
    "$cc" "${warn[@]}" "$@" -ffunction-sections -fdata-sections -I"$src/include" \
        -c "$f" -o "$out/$name/$(basename "${f%.c}").o"
done
echo "== $name: $cc $* =="
bash "$src/tests/static/symbols.sh" "${cc%gcc}nm" "$out/$name"/*.o
"$size" -t "$out/$name"/*.o
# The core has no mutable state: .data and .bss must be empty.
"$size" -t "$out/$name"/*.o | awk 'END { if ($2 != 0 || $3 != 0) { print "data/bss not empty"; exit 1 } }'
