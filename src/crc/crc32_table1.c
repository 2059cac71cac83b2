/* SPDX-FileCopyrightText: 2026 The qpybak authors */
/* SPDX-License-Identifier: Apache-2.0 */
/*
 * CRC-32 with one 256-entry table (1 KiB of .rodata): the default, for small
 * targets.  About one table look-up per byte.
 */
#include "qpybak_tools.h"

static const uint32_t crc_table[256] = {
#include "crc32_table1.inc"
};

uint32_t qpybak_crc32_table1(uint32_t crc, const void *buf, size_t len)
{
    const uint8_t *p = (const uint8_t *)buf;

    crc = ~crc; /* zlib convention: callers never condition the register */
    while (len--)
        crc = (crc >> 8) ^ crc_table[(crc ^ *p++) & 0xFFu];
    return ~crc;
}
