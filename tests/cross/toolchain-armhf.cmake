# SPDX-FileCopyrightText: 2026 The qpybak authors
# SPDX-License-Identifier: Apache-2.0
# Linux on armhf (little-endian, 32-bit), built with Debian's cross compiler and run under
# qemu-user: scripts/cross_test.sh uses it for the unit and crash tests.
set(CMAKE_SYSTEM_NAME Linux)
set(CMAKE_SYSTEM_PROCESSOR armhf)
set(CMAKE_C_COMPILER arm-linux-gnueabihf-gcc)
# Debian's multiarch libraries (libcmocka-dev:armhf) and the cross libc.
set(CMAKE_FIND_ROOT_PATH /usr/arm-linux-gnueabihf /usr/lib/arm-linux-gnueabihf)
set(CMAKE_FIND_ROOT_PATH_MODE_PROGRAM NEVER)
set(CMAKE_FIND_ROOT_PATH_MODE_LIBRARY BOTH)
set(CMAKE_FIND_ROOT_PATH_MODE_INCLUDE BOTH)
set(CMAKE_LIBRARY_ARCHITECTURE arm-linux-gnueabihf)
# CTest runs every test executable through qemu-user.  The libraries are
# the multiarch ones libcmocka-dev:armhf brings (libc6:armhf, its loader in
# /lib): not "-L /usr/arm-linux-gnueabihf", whose older cross libc under the newer
# libcmocka ends in "stack smashing detected".
set(CMAKE_CROSSCOMPILING_EMULATOR qemu-arm)
