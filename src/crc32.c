/* SPDX-FileCopyrightText: 2026 The qpybak authors */
/* SPDX-License-Identifier: Apache-2.0 */
/*
 * qpybak_crc32: the one place where the CRC backend is chosen.
 *
 * QPYBAK_CRC_BACKEND names a function with qpybak_crc32's signature.  The
 * build sets it (CMake option QPYBAK_CRC_TABLE, or QPYBAK_USE_ISAL for the
 * host); with nothing set it is the 1 KiB byte table, the small choice.
 */
#include "qpybak_tools.h"

#ifndef QPYBAK_CRC_BACKEND
#define QPYBAK_CRC_BACKEND qpybak_crc32_table1
#endif

/* A backend outside src/ (ISA-L) is declared here, not in the public header. */
uint32_t QPYBAK_CRC_BACKEND(uint32_t crc, const void *buf, size_t len);

uint32_t qpybak_crc32(uint32_t crc, const void *buf, size_t len)
{
    return QPYBAK_CRC_BACKEND(crc, buf, len);
}

char *qpybak_crc_format(uint32_t crc, char out[QPYBAK_CRC_STR_SIZE])
{
    static const char hex[] = "0123456789abcdef";
    int i;

    out[0] = '0';
    out[1] = 'x';
    for (i = 0; i < 8; i++)
        out[2 + i] = hex[(crc >> (28 - 4 * i)) & 0xFu];
    out[10] = '\0';
    return out;
}
