#!/usr/bin/env bash
# SPDX-FileCopyrightText: 2026 The qpybak authors
# SPDX-License-Identifier: Apache-2.0
# Installs what it needs, builds qpybak and runs the demo: the example app is
# packed into a backup partition, the user partition is damaged in each of
# the ways QuecPython's note lists, and qpybak status/boot put it right.
set -euo pipefail
cd "$(dirname "$0")/.."
bash scripts/deps.sh
cmake -S . -B build -DCMAKE_BUILD_TYPE=RelWithDebInfo >/dev/null
cmake --build build -j"$(nproc 2>/dev/null || echo 2)" --target qpybak_cli >/dev/null
bash examples/demo.sh build
