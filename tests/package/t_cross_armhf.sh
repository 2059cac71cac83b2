#!/usr/bin/env bash
# SPDX-FileCopyrightText: 2026 The qpybak authors
# SPDX-License-Identifier: Apache-2.0
# A cross build for arm-linux-gnueabihf (cmake/toolchains/), installed into
# a DESTDIR: the command is an ARM executable that runs under qemu-arm (pack,
# a deleted file, boot restores it), and a consumer cross-built with
# find_package against that tree (as a Yocto or Buildroot sysroot) runs too.
. "$(dirname "$0")/lib.sh"
need arm-linux-gnueabihf-gcc "Debian package gcc-arm-linux-gnueabihf"
need qemu-arm "Debian package qemu-user"
need readelf "Debian package binutils"
sysroot=/usr/arm-linux-gnueabihf
[ -e "$sysroot/lib/ld-linux-armhf.so.3" ] || skip "$sysroot has no ARM C library (libc6-armhf-cross)"
w=$(fresh cross_armhf)
tc=$QPYBAK_SRC/cmake/toolchains/arm-linux-gnueabihf.cmake
v=$QPYBAK_EXPECT_VERSION

"$QPYBAK_CMAKE" -G "$QPYBAK_GENERATOR" -S "$QPYBAK_SRC" -B "$w/build" -DCMAKE_TOOLCHAIN_FILE="$tc" \
    -DCMAKE_BUILD_TYPE=Release -DCMAKE_INSTALL_PREFIX=/usr >"$w/configure.log" 2>&1 ||
    { cat "$w/configure.log"; fail "configure"; }
"$QPYBAK_CMAKE" --build "$w/build" -j2 >"$w/build.log" 2>&1 || { cat "$w/build.log"; fail "build (warnings are errors)"; }
DESTDIR=$w/root "$QPYBAK_CMAKE" --install "$w/build" >"$w/install.log" || fail "install"
q=$w/root/usr/bin/qpybak
[ -x "$q" ] || fail "no command installed (a cross build for Linux builds it)"
readelf -h "$q" | grep -q 'Machine:.*ARM' || fail "$q is not an ARM executable"
ok "installed: $(cd "$w/root" && find . -type f | wc -l) files, $(readelf -h "$q" | sed -n 's/.*Machine:[[:space:]]*//p') executable"

export QEMU_LD_PREFIX=$sysroot
out=$(qemu-arm "$q" --version) || fail "qemu-arm qpybak --version"
[ "$out" = "qpybak $v" ] || fail "qemu-arm qpybak --version: $out"
make_partitions "qemu-arm $q" "$w/t"
rm "$w/t/usr/main.py"
expect_status 1 qemu-arm "$q" status --usr "$w/t/usr" --bak "$w/t/bak"
expect_status 0 qemu-arm "$q" boot --usr "$w/t/usr" --bak "$w/t/bak"
cmp "$w/t/app/main.py" "$w/t/usr/main.py" || fail "boot under qemu-arm did not restore main.py"
ok "qpybak pack, status, boot under qemu-arm"

# A consumer cross-built against the installed tree as its sysroot.
"$QPYBAK_CMAKE" -G "$QPYBAK_GENERATOR" -S "$QPYBAK_SRC/tests/package/consumer" -B "$w/consumer" \
    -DCMAKE_TOOLCHAIN_FILE="$tc" -DCMAKE_FIND_ROOT_PATH="$w/root" -DCMAKE_PREFIX_PATH=/usr \
    -DQPYBAK_EXPECT_VERSION="$v" >"$w/consumer.log" 2>&1 || { cat "$w/consumer.log"; fail "consumer: configure"; }
"$QPYBAK_CMAKE" --build "$w/consumer" >>"$w/consumer.log" 2>&1 || { cat "$w/consumer.log"; fail "consumer: build"; }
expect_status 0 qemu-arm "$w/consumer/consumer" "$w/t/usr" "$w/t/bak"
ok "a find_package consumer, cross-built against the installed tree, runs under qemu-arm"
