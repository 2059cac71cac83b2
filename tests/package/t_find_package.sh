#!/usr/bin/env bash
# SPDX-FileCopyrightText: 2026 The qpybak authors
# SPDX-License-Identifier: Apache-2.0
# A consumer project finds the installed package (DESTDIR tree of
# package.install) with find_package(qpybak VERSION REQUIRED COMPONENTS
# posix), builds against qpybak::posix and runs: intact partitions made by
# the installed command are intact for it, a deleted file is not, and its
# CRC equals the command's.
. "$(dirname "$0")/lib.sh"
w=$(fresh find_package)
prefix=$QPYBAK_DESTDIR$QPYBAK_PREFIX
q=$QPYBAK_DESTDIR$QPYBAK_BINDIR/qpybak

cmake_consumer -S "$QPYBAK_SRC/tests/package/consumer" -B "$w/build" -DCMAKE_PREFIX_PATH="$prefix" \
    -DQPYBAK_EXPECT_VERSION="$QPYBAK_EXPECT_VERSION" -DCMAKE_FIND_USE_PACKAGE_REGISTRY=OFF >"$w/configure.log" 2>&1 ||
    { cat "$w/configure.log"; fail "consumer: configure"; }
grep -q "qpybak::command: $q" "$w/configure.log" || { cat "$w/configure.log"; fail "qpybak::command is not the installed command"; }
"$QPYBAK_CMAKE" --build "$w/build" >"$w/build.log" 2>&1 || { cat "$w/build.log"; fail "consumer: build"; }
ok "find_package(qpybak $QPYBAK_EXPECT_VERSION COMPONENTS posix): built"

# A version the package does not accept, and a component it does not have.
for bad in "-DQPYBAK_EXPECT_VERSION=9.0.0" "-DQPYBAK_EXPECT_VERSION=0.0.1"; do
    if cmake_consumer -S "$QPYBAK_SRC/tests/package/consumer" -B "$w/bad" -DCMAKE_PREFIX_PATH="$prefix" \
        "$bad" >"$w/bad.log" 2>&1; then
        fail "find_package accepted $bad"
    fi
    rm -rf "$w/bad"
done
ok "versions 9.0.0 and 0.0.1 refused"

make_partitions "$q" "$w/t"
expect_status 0 "$w/build/consumer" "$w/t/usr" "$w/t/bak"
rm "$w/t/usr/main.py"
expect_status 1 "$w/build/consumer" "$w/t/usr" "$w/t/bak"
[ "$("$w/build/consumer" --crc "$w/t/app/main.py" | cut -d' ' -f1)" = \
  "$("$q" crc "$w/t/app/main.py" | cut -d' ' -f1)" ] || fail "the consumer's CRC differs from qpybak crc"
ok "the consumer runs against the installed library"
