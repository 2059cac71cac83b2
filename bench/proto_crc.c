/* SPDX-FileCopyrightText: 2026 The qpybak authors */
/* SPDX-License-Identifier: Apache-2.0 */
/*
 * A prototype, not in the core: slicing-by-16 (16 tables, 16 KiB; 16 bytes
 * per step, still one dependent chain through crc), measured next to the
 * core's backends for the analysis (bench/README.md).  The braided
 * prototype that used to live here is in the core now
 * (src/crc/crc32_braid.c, QPYBAK_CRC_TABLE=braid).  Same function shape as
 * qpybak_crc32: zlib-style pre- and post-inversion, chained.  Tables are
 * built at start-up (proto_crc_init); words are assembled from bytes
 * (little-endian), so the code is endian- and alignment-neutral.
 */
#include <stddef.h>
#include <stdint.h>
#include <string.h>

#include "proto_crc.h"

#define POLY 0xEDB88320u

static uint32_t t16[16][256];

void proto_crc_init(void)
{
    uint32_t c;
    int n, k;

    for (n = 0; n < 256; n++) {
        c = (uint32_t)n;
        for (k = 0; k < 8; k++)
            c = c & 1 ? (c >> 1) ^ POLY : c >> 1;
        t16[0][n] = c;
    }
    for (n = 0; n < 256; n++)
        for (k = 1; k < 16; k++)
            t16[k][n] = (t16[k - 1][n] >> 8) ^ t16[0][t16[k - 1][n] & 0xFF];
}

static uint32_t le32(const uint8_t *p)
{
    return (uint32_t)p[0] | (uint32_t)p[1] << 8 | (uint32_t)p[2] << 16 | (uint32_t)p[3] << 24;
}

uint32_t proto_crc32_slice16(uint32_t crc, const void *buf, size_t len)
{
    const uint8_t *p = buf;

    crc = ~crc;
    while (len >= 16) {
        uint32_t a = le32(p) ^ crc, b = le32(p + 4), c = le32(p + 8), d = le32(p + 12);

        crc = (t16[15][a & 0xFF] ^ t16[14][(a >> 8) & 0xFF] ^ t16[13][(a >> 16) & 0xFF] ^
               t16[12][a >> 24]) ^
              (t16[11][b & 0xFF] ^ t16[10][(b >> 8) & 0xFF] ^ t16[9][(b >> 16) & 0xFF] ^
               t16[8][b >> 24]) ^
              (t16[7][c & 0xFF] ^ t16[6][(c >> 8) & 0xFF] ^ t16[5][(c >> 16) & 0xFF] ^
               t16[4][c >> 24]) ^
              (t16[3][d & 0xFF] ^ t16[2][(d >> 8) & 0xFF] ^ t16[1][(d >> 16) & 0xFF] ^
               t16[0][d >> 24]);
        p += 16;
        len -= 16;
    }
    while (len--)
        crc = (crc >> 8) ^ t16[0][(crc ^ *p++) & 0xFF];
    return ~crc;
}
