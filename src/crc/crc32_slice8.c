/* SPDX-FileCopyrightText: 2026 The qpybak authors */
/* SPDX-License-Identifier: Apache-2.0 */
/*
 * CRC-32 by slicing-by-8 (eight 1 KiB tables, 8 KiB of .rodata): eight bytes
 * per step with independent look-ups, several times the byte-table speed on
 * a cached CPU.  Words are assembled byte by byte, so it is endian- and
 * alignment-neutral; compilers merge the loads where the target allows.
 */
#include "qpybak_tools.h"

static const uint32_t crc_slice[8][256] = {
#include "crc32_slice8.inc"
};

static uint32_t load_le32(const uint8_t *p)
{
    return (uint32_t)p[0] | (uint32_t)p[1] << 8 | (uint32_t)p[2] << 16 | (uint32_t)p[3] << 24;
}

uint32_t qpybak_crc32_slice8(uint32_t crc, const void *buf, size_t len)
{
    const uint8_t *p = (const uint8_t *)buf;

    crc = ~crc;
    while (len >= 8) {
        uint32_t lo = load_le32(p) ^ crc;
        uint32_t hi = load_le32(p + 4);

        crc = crc_slice[7][lo & 0xFFu] ^ crc_slice[6][(lo >> 8) & 0xFFu] ^
              crc_slice[5][(lo >> 16) & 0xFFu] ^ crc_slice[4][lo >> 24] ^
              crc_slice[3][hi & 0xFFu] ^ crc_slice[2][(hi >> 8) & 0xFFu] ^
              crc_slice[1][(hi >> 16) & 0xFFu] ^ crc_slice[0][hi >> 24];
        p += 8;
        len -= 8;
    }
    while (len--)
        crc = (crc >> 8) ^ crc_slice[0][(crc ^ *p++) & 0xFFu];
    return ~crc;
}
