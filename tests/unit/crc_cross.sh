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
ran=0 failed=0 names=() pids=()
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
    # Every backend is in the test's list (both braid word sizes included);
    # qpybak_crc32 calls the braided one here (the host's test_crc_1/_8/
    # _braid check each option's dispatch).
    if ! "$cc" "${flags[@]}" -DQPYBAK_CRC_BRAID_W=$other -Dqpybak_crc32_braid=qpybak_crc32_braid_other \
            -c "$crc/crc32_braid.c" -o "$dir/braid_other.o" ||
       ! "$cc" "${flags[@]}" -static -DQPYBAK_CRC_BACKEND=qpybak_crc32_braid \
            -DTEST_CRC_OPTION="\"qpybak_crc32_braid\"" "$root/tests/unit/test_crc.c" \
            "$crc/crc32.c" "$crc/crc32_table1.c" "$crc/crc32_slice8.c" "$crc/crc32_braid.c" \
            "$dir/braid_other.o" -o "$dir/test_crc"; then
        echo "FAIL $name: cross compile"
        failed=1
        continue
    fi
    # The targets in parallel: qemu is slow, the machine has cores.
    "$qemu" "$dir/test_crc" >"$dir/test.log" 2>&1 &
    pids+=($!)
    names+=("$name ($qemu)")
    ran=1
done
for i in "${!pids[@]}"; do
    log=$out/${names[$i]%% *}/test.log
    if wait "${pids[$i]}"; then
        echo "PASS ${names[$i]}: $(grep -m1 '^#' "$log"); $(tail -1 "$log")"
    else
        echo "FAIL ${names[$i]}:"
        cat "$log"
        failed=1
    fi
done
[ $failed = 0 ] || exit 1
[ $ran = 1 ] || { echo "no cross target available: skipped"; exit 77; }
exit 0
