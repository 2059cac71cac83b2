#!/usr/bin/env bash
# SPDX-FileCopyrightText: 2026 The qpybak authors
# SPDX-License-Identifier: Apache-2.0
# A shared build (BUILD_SHARED_LIBS=ON) with CMAKE_INSTALL_PREFIX=/usr, as a
# distribution package would make it: the libraries carry the SONAME
# lib*.so.SOVERSION (MAJOR.MINOR while the major version is 0), the command
# and a find_package consumer run against them, and GNUInstallDirs puts
# the configuration in /etc, not /usr/etc.
. "$(dirname "$0")/lib.sh"
need readelf "Debian package binutils"
w=$(fresh shared)
v=$QPYBAK_EXPECT_VERSION
IFS=. read -r major minor _ <<<"$v"
if [ "$major" = 0 ]; then sover=$major.$minor; else sover=$major; fi

cmake_consumer -S "$QPYBAK_SRC" -B "$w/build" -DBUILD_SHARED_LIBS=ON -DCMAKE_BUILD_TYPE=Release \
    -DQPYBAK_BUILD_TESTS=OFF -DCMAKE_INSTALL_PREFIX=/usr >"$w/configure.log" 2>&1 ||
    { cat "$w/configure.log"; fail "configure"; }
"$QPYBAK_CMAKE" --build "$w/build" -j2 >"$w/build.log" 2>&1 || { cat "$w/build.log"; fail "build"; }
DESTDIR=$w/root "$QPYBAK_CMAKE" --install "$w/build" >"$w/install.log" || fail "install"
(cd "$w/root" && find . | sort | sed 's/^/  /')

libdir=$(cd "$w/root/usr" && find . -name libqpybak.so | sed 's|^\./||; s|/libqpybak.so$||')
[ -n "$libdir" ] || fail "no libqpybak.so installed"
for lib in qpybak qpybak_posix; do
    so=$w/root/usr/$libdir/lib$lib.so
    [ -L "$so" ] || fail "lib$lib.so is not the development link"
    [ "$(readlink "$so")" = "lib$lib.so.$sover" ] || fail "lib$lib.so -> $(readlink "$so")"
    [ "$(readlink "$so.$sover")" = "lib$lib.so.$v" ] || fail "lib$lib.so.$sover -> $(readlink "$so.$sover")"
    soname=$(readelf -d "$so.$v" | sed -n 's/.*(SONAME).*\[\(.*\)\]/\1/p')
    [ "$soname" = "lib$lib.so.$sover" ] || fail "lib$lib.so.$v: SONAME '$soname', expected lib$lib.so.$sover"
    ok "lib$lib.so.$v, SONAME $soname"
done
readelf -d "$w/root/usr/bin/qpybak" | grep -q "NEEDED.*\[libqpybak_posix.so.$sover\]" ||
    fail "the command does not use the shared port"
[ -f "$w/root/etc/default/qpybak" ] || fail "/etc/default/qpybak not in /etc"
[ -f "$w/root/etc/init.d/qpybak-boot" ] || fail "/etc/init.d/qpybak-boot not in /etc"
grep -q '^ExecStart=/usr/bin/qpybak boot ' "$w/root/usr/lib/systemd/system/qpybak-boot.service" ||
    fail "the unit does not run /usr/bin/qpybak"
grep -q '^EnvironmentFile=-/etc/default/qpybak$' "$w/root/usr/lib/systemd/system/qpybak-boot.service" ||
    fail "the unit does not read /etc/default/qpybak"
ok "prefix /usr: /etc for the configuration, /usr/lib/systemd for the unit"

export LD_LIBRARY_PATH=$w/root/usr/$libdir
q=$w/root/usr/bin/qpybak
[ "$("$q" --version)" = "qpybak $v" ] || fail "the shared command does not run"
cmake_consumer -S "$QPYBAK_SRC/tests/package/consumer" -B "$w/consumer" -DCMAKE_PREFIX_PATH="$w/root/usr" \
    -DQPYBAK_EXPECT_VERSION="$v" >"$w/consumer.log" 2>&1 || { cat "$w/consumer.log"; fail "consumer: configure"; }
"$QPYBAK_CMAKE" --build "$w/consumer" >>"$w/consumer.log" 2>&1 || { cat "$w/consumer.log"; fail "consumer: build"; }
readelf -d "$w/consumer/consumer" | grep -q "NEEDED.*\[libqpybak.so.$sover\]" || fail "the consumer is not linked to libqpybak.so.$sover"
make_partitions "$q" "$w/t"
expect_status 0 "$w/consumer/consumer" "$w/t/usr" "$w/t/bak"
ok "the command and a find_package consumer run against the shared libraries"
