#!/usr/bin/env bash
# SPDX-FileCopyrightText: 2026 The qpybak authors
# SPDX-License-Identifier: Apache-2.0
# Every global symbol the core defines starts with qpybak_ (issue 9: a
# library linked into MicroPython plus a vendor SDK must clash with
# nothing).  Internal functions are static or renamed to qpybak__... by
# src/prefix.h.
#
#   symbols.sh NM FILE...     (an archive or objects)
set -euo pipefail
nm_tool=$1
shift
command -v "$nm_tool" >/dev/null || { echo "symbols: $nm_tool not found"; exit 1; }
bad=$("$nm_tool" -g --defined-only "$@" | awk 'NF == 3 && $3 !~ /^qpybak_/ { print $3 }' | sort -u)
total=$("$nm_tool" -g --defined-only "$@" | awk 'NF == 3 { print $3 }' | sort -u | wc -l)
if [ -n "$bad" ]; then
    echo "symbols: global symbols without the qpybak_ prefix (make them static, or add them to src/prefix.h):"
    echo "$bad" | sed 's/^/  /'
    exit 1
fi
echo "symbols: $total global symbols, all qpybak_*"
