#!/usr/bin/env bash
# SPDX-FileCopyrightText: 2026 The qpybak authors
# SPDX-License-Identifier: Apache-2.0
# The C example in README.md must compile, warning-free, for the host and
# for Cortex-M4: a documented API call that no longer exists fails here.
#   readme_example.sh REPO_DIR OUT_DIR
set -euo pipefail
repo=$1 out=$2
mkdir -p "$out"
# the first ```c block of the README
awk '/^```c$/ { on = 1; next } /^```$/ { if (on) exit } on' "$repo/README.md" > "$out/readme_example.c"
[ -s "$out/readme_example.c" ] || { echo "no C example in README.md"; exit 1; }
flags=(-std=c99 -Wall -Wextra -pedantic -Werror -I"$repo/include" -c "$out/readme_example.c")
gcc "${flags[@]}" -o "$out/readme_host.o"
arm-none-eabi-gcc -Os -mthumb -mcpu=cortex-m4 "${flags[@]}" -o "$out/readme_m4.o"
echo "README example compiles for the host and Cortex-M4"
