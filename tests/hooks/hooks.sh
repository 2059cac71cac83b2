#!/usr/bin/env bash
# SPDX-FileCopyrightText: 2026 The qpybak authors
# SPDX-License-Identifier: Apache-2.0
# Builds the core with the integrator's hooks defined (QPYBAK_CONFIG) and
# runs a boot that must trace its port calls.   hooks.sh SOURCE_DIR OUT_DIR
set -euo pipefail
src=$1 out=$2
mkdir -p "$out"
cc=${CC:-cc}
# The CRC backend of the default build (src/crc/, or src/ itself in trees
# where the backends still lie there).
crc=()
[ -f "$src/src/crc/crc32.c" ] && crc+=("$src/src/crc/crc32.c")
[ -f "$src/src/crc/crc32_table1.c" ] && crc+=("$src/src/crc/crc32_table1.c")
"$cc" -std=c99 -Wall -Wextra -Werror -O1 -DQPYBAK_CONFIG='"hooks_config.h"' \
    -I"$src/include" -I"$src/tests/hooks" -I"$src/tests/support" \
    "$src"/src/*.c "${crc[@]}" "$src/tests/support/ram_port.c" "$src/tests/hooks/hooks_main.c" \
    -o "$out/hooks"
"$out/hooks" 2> "$out/trace.txt"
head -3 "$out/trace.txt"
