#!/bin/sh
# SPDX-FileCopyrightText: 2026 The qpybak authors
# SPDX-License-Identifier: Apache-2.0
#
# Builds MicroPython's unix port with the qpybak module, offline, into
# BUILD_DIR (the CMake build tree; the checkout itself is only read):
#   build_unix.sh MICROPY_DIR BUILD_DIR MODULES_DIR [VAR=VALUE...]
# MODULES_DIR is ports/micropython (USER_C_MODULES); the VAR=VALUEs go to
# make (the module's options: QPYBAK_NO_FOTA=1, ...).  The flags leave out
# everything that needs a submodule but lib/littlefs (VfsLfs2) and
# lib/oofatfs (VfsFat), and the frozen modules (no mpy-cross needed).
set -eu
mp=$1 build=$2 modules=$3
shift 3

if [ ! -f "$mp/ports/unix/Makefile" ] || [ ! -f "$mp/py/mpconfig.h" ]; then
    echo "micropython: $mp is not a MicroPython checkout (no ports/unix/Makefile, py/mpconfig.h)" >&2
    exit 1
fi
if [ ! -f "$mp/lib/littlefs/lfs2.c" ]; then
    echo "micropython: $mp/lib/littlefs is empty: check out that submodule (git submodule update --init lib/littlefs)" >&2
    exit 1
fi
if [ -d "$mp/.git" ] || [ -f "$mp/.git" ]; then
    echo "micropython: $(git -C "$mp" describe --tags --always 2>/dev/null || echo '?')"
fi
exec make -C "$mp/ports/unix" -j2 VARIANT=standard FROZEN_MANIFEST= \
    MICROPY_PY_BTREE=0 MICROPY_PY_FFI=0 MICROPY_PY_SSL=0 MICROPY_SSL_MBEDTLS=0 \
    MICROPY_VFS_LFS2=1 MICROPY_VFS_FAT=1 \
    BUILD="$build" USER_C_MODULES="$modules" "$@"
