# SPDX-FileCopyrightText: 2026 The qpybak authors
# SPDX-License-Identifier: Apache-2.0
# Cross build for 32-bit ARM embedded Linux with Debian's cross compiler
# (gcc-arm-linux-gnueabihf):
#   cmake -S . -B build-armhf -DCMAKE_TOOLCHAIN_FILE=cmake/toolchains/arm-linux-gnueabihf.cmake
# The core, the POSIX port and the command are built (no tests: they would
# run on the build machine); run the result with qemu-arm -L /usr/arm-linux-gnueabihf.
set(CMAKE_SYSTEM_NAME Linux)
set(CMAKE_SYSTEM_PROCESSOR arm)
set(QPYBAK_CROSS_TRIPLE arm-linux-gnueabihf CACHE STRING "The cross compiler's prefix")
set(CMAKE_C_COMPILER ${QPYBAK_CROSS_TRIPLE}-gcc)
# Libraries and headers from the target's root only; programs from the host.
# (A sysroot given with -DCMAKE_FIND_ROOT_PATH=DIR is searched too.)
list(APPEND CMAKE_FIND_ROOT_PATH /usr/${QPYBAK_CROSS_TRIPLE})
set(CMAKE_FIND_ROOT_PATH_MODE_PROGRAM NEVER)
set(CMAKE_FIND_ROOT_PATH_MODE_LIBRARY ONLY)
set(CMAKE_FIND_ROOT_PATH_MODE_INCLUDE ONLY)
set(CMAKE_FIND_ROOT_PATH_MODE_PACKAGE ONLY)
