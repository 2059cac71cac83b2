#!/usr/bin/env bash
# SPDX-FileCopyrightText: 2026 The qpybak authors
# SPDX-License-Identifier: Apache-2.0
# Installs, from Debian's archive, what building and testing qpybak needs.
# Does nothing when everything is already there.
set -euo pipefail

packages=(cmake make gcc clang libclang-rt-14-dev python3 libcmocka-dev libisal-dev zlib1g-dev
          gcc-arm-none-eabi libnewlib-arm-none-eabi binutils-arm-none-eabi
          gcc-riscv64-unknown-elf valgrind cppcheck clang-tidy time rhash cksfv
          # packaging (tests/package): licence, man page, service, armhf consumer
          reuse mandoc shellcheck systemd busybox pkgconf bsdutils
          gcc-arm-linux-gnueabihf qemu-user
          # the CRC unit test on big-endian and 32-bit targets (unit_crc_cross)
          gcc-s390x-linux-gnu libc6-dev-s390x-cross gcc-powerpc-linux-gnu
          libc6-dev-powerpc-cross libc6-dev-armhf-cross)

missing=()
for p in "${packages[@]}"; do
    dpkg-query -W -f='${Status}' "$p" 2>/dev/null | grep -q "install ok installed" || missing+=("$p")
done
[ ${#missing[@]} -eq 0 ] && exit 0

echo "installing: ${missing[*]}"
sudo=""
[ "$(id -u)" -ne 0 ] && sudo="sudo"
export DEBIAN_FRONTEND=noninteractive
$sudo apt-get update -qq
$sudo apt-get install -y -qq "${missing[@]}"
