#!/usr/bin/env bash
# SPDX-FileCopyrightText: 2026 The qpybak authors
# SPDX-License-Identifier: Apache-2.0
# Builds target_littlefs.elf for QEMU's mps2-an386 (Cortex-M4) and runs it:
# the core and the littlefs port with every warning an error, littlefs
# with LFS_NO_MALLOC and without its logging, the start-up, semihosting and
# stack helpers of tests/target.
#   target_build.sh REPO_ROOT LITTLEFS_DIR OUT_DIR
# Exit 77 (CTest: skipped) without arm-none-eabi-gcc, newlib or QEMU.
set -euo pipefail
root=$1 lfs=$2 out=$3
here=$root/tests/littlefs
target=$root/tests/target
cc=arm-none-eabi-gcc
qemu=qemu-system-arm
for tool in $cc $qemu; do
    command -v $tool >/dev/null || { echo "skipped: $tool not installed (scripts/deps.sh)"; exit 77; }
done
arch=(-mthumb -mcpu=cortex-m4 -mfloat-abi=soft)
if [ ! -e "$($cc "${arch[@]}" --specs=nano.specs -print-file-name=librdimon.a)" ]; then
    echo "skipped: newlib's librdimon not installed (libnewlib-arm-none-eabi, scripts/deps.sh)"
    exit 77
fi
base=(-std=c99 -Os -g "${arch[@]}" -ffunction-sections -fdata-sections -I"$root/include")
warn=(-Wall -Wextra -pedantic -Werror -Wshadow -Wstrict-prototypes -Wmissing-prototypes
      -Wcast-qual -Wconversion -Wno-sign-conversion)
lfs_defs=(-DLFS_NO_MALLOC -DLFS_NO_DEBUG -DLFS_NO_WARN -DLFS_NO_ERROR)
mkdir -p "$out/obj"
rm -f "$out"/obj/*.o "$out"/target_littlefs.elf
objs=()
for f in "$root"/src/*.c "$root"/src/crc/crc32.c "$root"/src/crc/crc32_table1.c; do
    o=$out/obj/core_$(basename "${f%.c}").o
    $cc "${base[@]}" "${warn[@]}" -c "$f" -o "$o"
    objs+=("$o")
done
for f in lfs.c lfs_util.c; do
    $cc "${base[@]}" "${lfs_defs[@]}" -w -I"$lfs" -c "$lfs/$f" -o "$out/obj/${f%.c}.o"
    objs+=("$out/obj/${f%.c}.o")
done
$cc "${base[@]}" "${warn[@]}" "${lfs_defs[@]}" -I"$lfs" -c "$root/ports/littlefs/qpybak_littlefs.c" \
    -o "$out/obj/qpybak_littlefs.o"
objs+=("$out/obj/qpybak_littlefs.o")
# The vector table holds the initial stack pointer among function pointers:
# ISO C has no such conversion, GCC does (as tests/target builds it).
$cc "${base[@]}" "${warn[@]}" -Wno-pedantic -I"$target" -c "$target/startup.c" -o "$out/obj/startup.o"
for f in semihost stack; do
    $cc "${base[@]}" "${warn[@]}" -I"$target" -c "$target/$f.c" -o "$out/obj/$f.o"
    objs+=("$out/obj/$f.o")
done
$cc "${base[@]}" "${warn[@]}" "${lfs_defs[@]}" -I"$lfs" -I"$root/ports/littlefs" -I"$target" \
    "$here/target_littlefs.c" "$out/obj/startup.o" "${objs[@]}" \
    --specs=nano.specs --specs=rdimon.specs -nostartfiles -T"$target/an386.ld" \
    -Wl,--gc-sections -Wl,--no-warn-rwx-segments -o "$out/target_littlefs.elf"
arm-none-eabi-size "$out/obj/qpybak_littlefs.o" "$out/obj/lfs.o" "$out/target_littlefs.elf"
timeout 120 $qemu -M mps2-an386 -nographic -semihosting-config enable=on,target=native \
    -kernel "$out/target_littlefs.elf"
