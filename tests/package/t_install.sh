#!/usr/bin/env bash
# SPDX-FileCopyrightText: 2026 The qpybak authors
# SPDX-License-Identifier: Apache-2.0
# `cmake --install` of this build into a DESTDIR (the fixture the consumer
# and service tests use: $QPYBAK_WORK/destdir).  The tree must hold exactly
# the files README.md ("Install") lists, executables executable, no path of
# the source or build tree in any installed text file, and a command that runs.
. "$(dirname "$0")/lib.sh"
d=$QPYBAK_DESTDIR
rm -rf "$d"
DESTDIR=$d "$QPYBAK_CMAKE" --install "$QPYBAK_BUILD" >"$QPYBAK_WORK/install.log" ||
    { cat "$QPYBAK_WORK/install.log"; fail "cmake --install"; }

v=$QPYBAK_EXPECT_VERSION
IFS=. read -r major minor _ <<<"$v"
if [ "$major" = 0 ]; then sover=$major.$minor; else sover=$major; fi
expected=("$QPYBAK_INCLUDEDIR/qpybak_posix.h")
for h in "$QPYBAK_SRC"/include/*.h; do expected+=("$QPYBAK_INCLUDEDIR/${h##*/}"); done
expected+=(
    "$QPYBAK_CMAKEDIR/qpybakConfig.cmake" "$QPYBAK_CMAKEDIR/qpybakConfigVersion.cmake"
    "$QPYBAK_CMAKEDIR/qpybakTargets.cmake" "$QPYBAK_CMAKEDIR/qpybakTargets-CONFIG.cmake"
    "$QPYBAK_PKGCONFIGDIR/qpybak.pc" "$QPYBAK_PKGCONFIGDIR/qpybak-posix.pc"
    "$QPYBAK_BINDIR/qpybak" "$QPYBAK_MANDIR/man1/qpybak.1" "$QPYBAK_BASHCOMPDIR/qpybak"
    "$QPYBAK_DOCDIR/LICENSE" "$QPYBAK_DOCDIR/README.md" "$QPYBAK_DOCDIR/CHANGELOG.md"
)
for lib in qpybak qpybak_posix; do
    if [ "$QPYBAK_SHARED" = ON ]; then
        expected+=("$QPYBAK_LIBDIR/lib$lib.so" "$QPYBAK_LIBDIR/lib$lib.so.$sover" "$QPYBAK_LIBDIR/lib$lib.so.$v")
    else
        expected+=("$QPYBAK_LIBDIR/lib$lib.a")
    fi
done
if [ "$QPYBAK_INSTALL_SYSTEMD" = ON ] || [ "$QPYBAK_INSTALL_SYSVINIT" = ON ]; then
    expected+=("$QPYBAK_SYSCONFDIR/default/qpybak")
fi
if [ "$QPYBAK_INSTALL_SYSTEMD" = ON ]; then
    expected+=("$QPYBAK_SYSTEMDDIR/system/qpybak-boot.service"
               "$QPYBAK_SYSTEMDDIR/system-preset/90-qpybak.preset"
               "$QPYBAK_SYSTEMDDIR/system-generators/qpybak-boot-generator")
fi
if [ "$QPYBAK_INSTALL_SYSVINIT" = ON ]; then
    expected+=("$QPYBAK_SYSCONFDIR/init.d/qpybak-boot")
fi

printf '%s\n' "${expected[@]}" | sort >"$QPYBAK_WORK/install.expected"
(cd "$d" && find . \( -type f -o -type l \) | sed 's|^\.||; s|qpybakTargets-[a-z]*\.cmake$|qpybakTargets-CONFIG.cmake|' | sort) \
    >"$QPYBAK_WORK/install.found"
echo "installed (DESTDIR=$d):"
sed 's/^/  /' "$QPYBAK_WORK/install.found"
if ! diff -u "$QPYBAK_WORK/install.expected" "$QPYBAK_WORK/install.found"; then
    fail "the install tree is not what README.md lists (- expected, + found)"
fi
ok "$(wc -l <"$QPYBAK_WORK/install.found") files, as expected"

for f in "$QPYBAK_BINDIR/qpybak" "$QPYBAK_SYSTEMDDIR/system-generators/qpybak-boot-generator" \
         "$QPYBAK_SYSCONFDIR/init.d/qpybak-boot"; do
    [ -e "$d$f" ] || continue
    [ -x "$d$f" ] || fail "$f is not executable"
done
for f in "$QPYBAK_SYSTEMDDIR/system/qpybak-boot.service" "$QPYBAK_SYSCONFDIR/default/qpybak" \
         "$QPYBAK_INCLUDEDIR/qpybak.h"; do
    [ -e "$d$f" ] || continue
    [ ! -x "$d$f" ] || fail "$f is executable"
done
ok "modes"

# Text files only: binaries carry the source paths in their debug info.
if grep -rIl -e "$QPYBAK_SRC" -e "$QPYBAK_BUILD" "$d"; then
    fail "installed files name the source or build tree (above)"
fi
ok "no source or build paths in installed text files"

out=$("$d$QPYBAK_BINDIR/qpybak" --version)
[ "$out" = "qpybak $v" ] || fail "installed qpybak --version: $out"
ok "installed command: $out"
