/* SPDX-FileCopyrightText: 2026 The qpybak authors */
/* SPDX-License-Identifier: Apache-2.0 */
/*
 * qpybak_crc32: the one place where the CRC backend is chosen.
 *
 * The backends (src/crc/), all giving the same results, chained like zlib:
 *
 *   option                 file             tables   speed (x86-64, bench/)
 *   QPYBAK_CRC_TABLE=1     crc32_table1.c   1 KiB    ~0.4 GB/s   the default:
 *                                                    one look-up per byte,
 *                                                    for small targets
 *   QPYBAK_CRC_TABLE=8     crc32_slice8.c   8 KiB    ~2 GB/s     slicing-by-8
 *   QPYBAK_CRC_TABLE=braid crc32_braid.c    9 KiB    ~4.5 GB/s   braided, six
 *                          (5 KiB with 32-bit words) independent chains:
 *                                                    zlib 1.2.13's speed in
 *                                                    portable C
 *   QPYBAK_USE_ISAL=ON     crc32_isal.c     -        ~50 GB/s    ISA-L's
 *                                                    crc32_gzip_refl, host
 *                                                    builds only
 *
 * QPYBAK_CRC_BACKEND names the function qpybak_crc32 calls (the CMake
 * options set it; without CMake, compile this file, crc32_table1.c and the
 * backend's file, and define QPYBAK_CRC_BACKEND=qpybak_crc32_slice8 or
 * qpybak_crc32_braid).  With nothing set it is the 1 KiB byte table.
 * crc32_table1.c is always built: qpybak_crc32_table1() is public.
 */
#include "crc32_backends.h"

#ifndef QPYBAK_CRC_BACKEND
#define QPYBAK_CRC_BACKEND qpybak_crc32_table1
#endif

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
