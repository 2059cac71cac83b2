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
          libc6-dev-powerpc-cross libc6-dev-armhf-cross
          # the unit and crash tests on s390x and armhf (scripts/cross_test.sh)
          libcmocka-dev:s390x libcmocka-dev:armhf
          # qpybak on real FAT volumes (tests/fatfs/host_volume.sh), fsck of FatFs's
          dosfstools mtools fusefat
          # the Zephyr module and ESP-IDF component manifests (tests/glue)
          yamllint)
# Installed without their recommends (a whole desktop stack otherwise).
lean=(# the core on an emulated Cortex-M4 (tests/target)
      qemu-system-arm)
# The multiarch packages above (name:arch) need their architectures.
foreign=(s390x armhf)

# A plain name must be installed for this machine's architecture (or be
# "all"): with libcmocka-dev:s390x installed, "libcmocka-dev" alone would
# also match the foreign copy.
native=$(dpkg --print-architecture)
installed() {
    case $1 in
    *:*) dpkg-query -W -f='${Status}\n' "$1" 2>/dev/null | grep -q "install ok installed" ;;
    *) dpkg-query -W -f='${Status} ${Architecture}\n' "$1" 2>/dev/null |
           grep -Eq "install ok installed ($native|all)$" ;;
    esac
}
missing=() missing_lean=() arches=()
for p in "${packages[@]}"; do installed "$p" || missing+=("$p"); done
for p in "${lean[@]}"; do installed "$p" || missing_lean+=("$p"); done
for a in "${foreign[@]}"; do
    dpkg --print-foreign-architectures | grep -qx "$a" || arches+=("$a")
done
[ ${#missing[@]} -eq 0 ] && [ ${#missing_lean[@]} -eq 0 ] && exit 0

echo "installing: ${missing[*]} ${missing_lean[*]}"
sudo=""
[ "$(id -u)" -ne 0 ] && sudo="sudo"
export DEBIAN_FRONTEND=noninteractive
for a in "${arches[@]}"; do $sudo dpkg --add-architecture "$a"; done
$sudo apt-get update -qq
[ ${#missing[@]} -eq 0 ] || $sudo apt-get install -y -qq "${missing[@]}"
[ ${#missing_lean[@]} -eq 0 ] || $sudo apt-get install -y -qq --no-install-recommends "${missing_lean[@]}"
