#!/usr/bin/env bash
# SPDX-FileCopyrightText: 2026 The qpybak authors
# SPDX-License-Identifier: Apache-2.0
# Builds the target scenes for QEMU's mps2-an386 (Cortex-M4): the core as a
# firmware builds it (src/*.c and the default 1 KiB-table CRC, -Os, every
# warning an error), the RAM port, the start-up and one ELF per scene, with
# newlib-nano and semihosting (librdimon).
#   build.sh REPO_ROOT OUT_DIR [SCENE...]
# Exit 77 (CTest: skipped) without arm-none-eabi-gcc or newlib.
set -euo pipefail
root=$1 out=$2
shift 2
here=$root/tests/target
cc=arm-none-eabi-gcc
if ! command -v $cc >/dev/null; then
    echo "skipped: $cc not installed (gcc-arm-none-eabi, scripts/deps.sh)"
    exit 77
fi
if [ ! -e "$($cc -mthumb -mcpu=cortex-m4 -mfloat-abi=soft --specs=nano.specs -print-file-name=librdimon.a)" ]; then
    echo "skipped: newlib's librdimon not installed (libnewlib-arm-none-eabi, scripts/deps.sh)"
    exit 77
fi
arch=(-mthumb -mcpu=cortex-m4 -mfloat-abi=soft)
base=(-std=c99 -Os -g "${arch[@]}" -ffunction-sections -fdata-sections -I"$root/include")
warn=(-Wall -Wextra -pedantic -Werror -Wshadow -Wstrict-prototypes -Wmissing-prototypes
      -Wcast-qual -Wconversion -Wno-sign-conversion)
mkdir -p "$out/obj"
rm -f "$out"/obj/*.o "$out"/*.elf

# Two compilers at a time: the machine is shared.
pids=()
compile() { # SOURCE OBJECT FLAGS...
    local src=$1 obj=$2
    shift 2
    $cc "${base[@]}" "$@" -c "$src" -o "$out/obj/$obj" &
    pids+=($!)
    if [ ${#pids[@]} -ge 2 ]; then
        wait "${pids[0]}"
        pids=("${pids[@]:1}")
    fi
}
core=()
for f in "$root"/src/*.c "$root"/src/crc/crc32.c "$root"/src/crc/crc32_table1.c; do
    o=core_$(basename "${f%.c}").o
    compile "$f" "$o" "${warn[@]}"
    core+=("$out/obj/$o")
done
compile "$root/tests/support/ram_port.c" ram_port.o "${warn[@]}" -I"$root/tests/support"
support=("$out/obj/ram_port.o")
# The vector table holds the initial stack pointer, an object address,
# among function pointers: ISO C has no such conversion, GCC does.
compile "$here/startup.c" startup.o "${warn[@]}" -Wno-pedantic -I"$here"
support+=("$out/obj/startup.o")
compile "$here/call_on.S" call_on.o
support+=("$out/obj/call_on.o")
compile "$here/flash_port.c" flash_port.o "${warn[@]}" -I"$here"
compile "$here/flash_port.c" flash_port_where.o "${warn[@]}" -I"$here" -DFLASH_PORT_ATTRIBUTE
for f in semihost stack icount scene split_port; do
    compile "$here/$f.c" "$f.o" "${warn[@]}" -I"$root/tests/support" -I"$here"
    support+=("$out/obj/$f.o")
done
for p in "${pids[@]}"; do wait "$p"; done

link() { # ELF OBJECTS/SOURCES... [-- FLAGS]
    local elf=$1
    shift
    $cc "${base[@]}" "${warn[@]}" -I"$root/tests/support" -I"$here" "$@" \
        --specs=nano.specs --specs=rdimon.specs -nostartfiles -T"$here/an386.ld" \
        -Wl,--gc-sections -Wl,--no-warn-rwx-segments -o "$out/$elf.elf"
}
link scene_boot_intact "$here/scene_boot_intact.c" "${support[@]}" "${core[@]}"
link scene_boot_damaged "$here/scene_boot_damaged.c" "${support[@]}" "${core[@]}"
link scene_min_buffer "$here/scene_min_buffer.c" "${support[@]}" "${core[@]}"
link scene_calc "$here/scene_calc.c" "${support[@]}" "${core[@]}"
link scene_fota "$here/scene_fota.c" "${support[@]}" "${core[@]}"
link scene_fota_cut "$here/scene_fota.c" -DSCENE_FOTA_CUT "${support[@]}" "${core[@]}"
link scene_icount "$here/scene_icount.c" "$out/obj/startup.o" "$out/obj/semihost.o" \
    "$out/obj/icount.o"
link bench_boot "$here/bench_boot.c" "$out/obj/flash_port.o" "${support[@]}" "${core[@]}"
link bench_boot_where "$here/bench_boot.c" -DFLASH_PORT_ATTRIBUTE "$out/obj/flash_port_where.o" \
    "${support[@]}" "${core[@]}"
echo "built the scenes in $out"
