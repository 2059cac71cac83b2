#!/usr/bin/env bash
# SPDX-FileCopyrightText: 2026 The qpybak authors
# SPDX-License-Identifier: Apache-2.0
# A consumer built with plain cc and pkg-config against the installed tree
# (DESTDIR of package.install, through PKG_CONFIG_SYSROOT_DIR), then run.
. "$(dirname "$0")/lib.sh"
need pkg-config "Debian package pkgconf"
w=$(fresh pkg_config)
q=$QPYBAK_DESTDIR$QPYBAK_BINDIR/qpybak
export PKG_CONFIG_PATH=$QPYBAK_DESTDIR$QPYBAK_PKGCONFIGDIR PKG_CONFIG_LIBDIR=$QPYBAK_DESTDIR$QPYBAK_PKGCONFIGDIR
export PKG_CONFIG_SYSROOT_DIR=$QPYBAK_DESTDIR

[ "$(pkg-config --modversion qpybak)" = "$QPYBAK_EXPECT_VERSION" ] || fail "pkg-config --modversion qpybak"
[ "$(pkg-config --modversion qpybak-posix)" = "$QPYBAK_EXPECT_VERSION" ] || fail "pkg-config --modversion qpybak-posix"
pkg-config --exists "qpybak >= $QPYBAK_EXPECT_VERSION" || fail "pkg-config: qpybak >= $QPYBAK_EXPECT_VERSION"
pkg-config --validate qpybak 2>/dev/null || true
if [ "$QPYBAK_SHARED" = ON ]; then libs=(--libs); else libs=(--libs --static); fi
cflags=$(pkg-config --cflags qpybak-posix)
ldflags=$(pkg-config "${libs[@]}" qpybak-posix)
echo "cflags: $cflags"
echo "libs:   $ldflags"
# shellcheck disable=SC2086
"$QPYBAK_CC" -std=c99 -Wall -Wextra -pedantic -Werror $cflags -o "$w/consumer" \
    "$QPYBAK_SRC/tests/package/consumer/consumer.c" $ldflags
ok "built with pkg-config"

make_partitions "$q" "$w/t"
if [ "$QPYBAK_SHARED" = ON ]; then export LD_LIBRARY_PATH=$QPYBAK_DESTDIR$QPYBAK_LIBDIR; fi
expect_status 0 "$w/consumer" "$w/t/usr" "$w/t/bak"
printf 'changed\n' >>"$w/t/usr/apn_cfg.json"
expect_status 1 "$w/consumer" "$w/t/usr" "$w/t/bak"
ok "the pkg-config consumer runs"
