# SPDX-FileCopyrightText: 2026 The qpybak authors
# SPDX-License-Identifier: Apache-2.0
# Linux on s390x (big-endian, 64-bit), built with Debian's cross compiler and run under
# qemu-user: scripts/cross_test.sh uses it for the unit and crash tests.
set(CMAKE_SYSTEM_NAME Linux)
set(CMAKE_SYSTEM_PROCESSOR s390x)
set(CMAKE_C_COMPILER s390x-linux-gnu-gcc)
# Debian's multiarch libraries (libcmocka-dev:s390x) and the cross libc.
set(CMAKE_FIND_ROOT_PATH /usr/s390x-linux-gnu /usr/lib/s390x-linux-gnu)
set(CMAKE_FIND_ROOT_PATH_MODE_PROGRAM NEVER)
set(CMAKE_FIND_ROOT_PATH_MODE_LIBRARY BOTH)
set(CMAKE_FIND_ROOT_PATH_MODE_INCLUDE BOTH)
set(CMAKE_LIBRARY_ARCHITECTURE s390x-linux-gnu)
# CTest runs every test executable through qemu-user.  The libraries are
# the multiarch ones libcmocka-dev:s390x brings (libc6:s390x, its loader in
# /lib): not "-L /usr/s390x-linux-gnu", whose older cross libc under the newer
# libcmocka ends in "stack smashing detected".
set(CMAKE_CROSSCOMPILING_EMULATOR qemu-s390x)
