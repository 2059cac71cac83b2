#!/usr/bin/env bash
# SPDX-FileCopyrightText: 2026 The qpybak authors
# SPDX-License-Identifier: Apache-2.0
# The CRC unit test (test_crc.c, every backend) on targets unlike the host:
# big-endian s390x (64-bit) and powerpc (32-bit), and little-endian 32-bit
# armhf.  Built with Debian's cross compilers, static, without cmocka
# (QPYBAK_TEST_NO_CMOCKA), run under qemu-user.  The braided code is built
# with both word sizes on each, and qpybak_crc32 is once each option.
#
#   crc_cross.sh REPO_ROOT OUT_DIR
#
# Exit 0 when every target available passed, 1 on a failure, 77 (CTest:
# skipped) when no target has both its compiler and qemu.  Needs, from
# scripts/deps.sh: gcc-s390x-linux-gnu libc6-dev-s390x-cross
# gcc-powerpc-linux-gnu libc6-dev-powerpc-cross gcc-arm-linux-gnueabihf
# libc6-dev-armhf-cross qemu-user.
set -uo pipefail
root=$1 out=$2
crc=$root/src/crc
mkdir -p "$out"
flags=(-std=c99 -O2 -Wall -Wextra -Werror -Wshadow -Wstrict-prototypes -Wmissing-prototypes
       -Wundef -DQPYBAK_TEST_NO_CMOCKA -I"$root/include" -I"$crc")
ran=0 failed=0
for t in "s390x s390x-linux-gnu-gcc qemu-s390x 8" "powerpc powerpc-linux-gnu-gcc qemu-ppc 4" \
         "armhf arm-linux-gnueabihf-gcc qemu-arm 4"; do
    set -- $t
    name=$1 cc=$2 qemu=$3 w=$4
    if ! command -v "$cc" >/dev/null || ! command -v "$qemu" >/dev/null; then
        echo "SKIP $name: $cc or $qemu not installed (scripts/deps.sh)"
        continue
    fi
    other=$((12 - w))
    dir=$out/$name
    mkdir -p "$dir"
    if ! "$cc" "${flags[@]}" -DQPYBAK_CRC_BRAID_W=$other -Dqpybak_crc32_braid=qpybak_crc32_braid_other \
            -c "$crc/crc32_braid.c" -o "$dir/braid_other.o"; then
        echo "FAIL $name: cross compile"; failed=1; continue
    fi
    for opt in table1 slice8 braid; do
        exe=$dir/test_crc_$opt
        if ! "$cc" "${flags[@]}" -static -DQPYBAK_CRC_BACKEND=qpybak_crc32_$opt \
                -DTEST_CRC_OPTION="\"qpybak_crc32_$opt\"" "$root/tests/unit/test_crc.c" \
                "$crc/crc32.c" "$crc/crc32_table1.c" "$crc/crc32_slice8.c" "$crc/crc32_braid.c" \
                "$dir/braid_other.o" -o "$exe"; then
            echo "FAIL $name: cross compile"; failed=1; continue 2
        fi
    done
    # The three options in parallel: qemu is slow, the machine has cores.
    pids=()
    for opt in table1 slice8 braid; do
        "$qemu" "$dir/test_crc_$opt" >"$dir/$opt.log" 2>&1 &
        pids+=($!)
    done
    i=0
    for opt in table1 slice8 braid; do
        if wait "${pids[$i]}"; then
            echo "PASS $name ($qemu), qpybak_crc32 = $opt: $(grep -m1 '^#' "$dir/$opt.log")"
        else
            echo "FAIL $name ($qemu), qpybak_crc32 = $opt:"
            cat "$dir/$opt.log"
            failed=1
        fi
        i=$((i + 1))
    done
    ran=1
done
[ $failed = 0 ] || exit 1
[ $ran = 1 ] || { echo "no cross target available: skipped"; exit 77; }
exit 0
